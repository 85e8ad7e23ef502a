"""Repositories handed in as a file: a git bundle or a zip, kept under ``uploads/``.

An upload is stored once, named by its SHA-256 (``upload:<sha256>.zip``); that name is what
the submission records and what a worker opens. Only the grader itself creates such names,
from bytes it received: a URL typed by a candidate never reaches a local file (the URL policy
refuses every non-http(s) URL). Both kinds end as the same normalised tar as a fetch:

    bundle   header parsed here (full history only, SHA-1) -> ``git index-pack --strict``
             into a private bare repository -> the same ls-tree / caps / tar as a fetch
    zip      names checked (a path that leaves the folder refuses the archive; symlinks are
             left out and listed) -> file-count and size caps on what is really read
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from datetime import datetime
from pathlib import Path

from grader.errors import InfrastructureError, RejectedError, UrlPolicyError
from grader.fetch import bundle, zipped
from grader.models import FetchedRepo
from grader.settings import Settings

logger = logging.getLogger(__name__)

UPLOAD_PREFIX = "upload:"
KINDS = ("bundle", "zip")
_NAME = re.compile(r"[0-9a-f]{64}\.(?:bundle|zip)")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_BUNDLE_MAGIC = (b"# v2 git bundle\n", b"# v3 git bundle\n")
_MB = 1024 * 1024
_KIND_HINT = (
    "hand in a git bundle (`git bundle create repo.bundle --all`) or a zip of the repository folder"
)


def is_upload(source: str) -> bool:
    return source.startswith(UPLOAD_PREFIX)


def kind_of(data: bytes) -> str:
    """``bundle`` or ``zip`` from the first bytes, or a rejection saying what to hand in."""
    if data.startswith(_BUNDLE_MAGIC):
        return "bundle"
    if data.startswith(_ZIP_MAGIC):
        return "zip"
    raise RejectedError("the file is neither a git bundle nor a zip archive", hint=_KIND_HINT)


def store_upload(data: bytes, settings: Settings) -> str:
    """Keep a handed-in bundle or zip; returns its ``upload:<sha256>.<kind>`` name."""
    kind = kind_of(data)
    if len(data) > settings.max_repo_mb * _MB:
        msg = f"the {kind} is {len(data) / _MB:,.1f} MB; the limit is {settings.max_repo_mb:,} MB"
        raise RejectedError(msg, hint="leave build output and data sets out of it")
    name = f"{hashlib.sha256(data).hexdigest()}.{kind}"
    folder = settings.uploads_dir
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".part-", delete=False) as part:
            part.write(data)
        Path(part.name).replace(target)
    logger.info("stored upload %s (%d bytes)", name, len(data))
    return UPLOAD_PREFIX + name


def open_upload(
    source: str, ref: str | None, settings: Settings, *, deadline: datetime | None = None
) -> FetchedRepo:
    """The tree of a stored upload, as :func:`grader.fetch.fetch` returns a repository's."""
    name = source.removeprefix(UPLOAD_PREFIX)
    if not _NAME.fullmatch(name):
        raise UrlPolicyError(f"{source[:80]!r} is not an upload name", hint=_KIND_HINT)
    path = settings.uploads_dir / name
    if not path.is_file():
        msg = f"upload {name} is not in {settings.uploads_dir} on this worker"
        raise InfrastructureError(msg, hint="workers must share GRADER_HOME/uploads with intake")
    if name.endswith(".zip"):
        if deadline is not None:
            msg = "a zip carries no commit dates, so a deadline cannot pick a commit from it"
            raise RejectedError(msg, hint="hand in a git bundle, or submit without a deadline")
        return zipped.read_zip(path, source, settings)
    return bundle.read_bundle(path, source, ref, settings, deadline=deadline)
