"""A handed-in zip of a repository folder, read into the same normalised tar as a fetch.

Nothing is extracted to disk. A member whose name leaves the folder (``..``, an absolute or
drive path, a backslash) refuses the whole archive; symlinks and other special members are
left out and listed, like a fetched tree's. Git metadata (``.git/``) is left out. One top
folder holding everything (GitHub's "Download ZIP" layout) is taken as the repository root.
Caps apply to the bytes really read, never to the sizes the archive claims.
"""

from __future__ import annotations

import hashlib
import lzma
import stat
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

from grader.errors import RejectedError, RepoTooLargeError
from grader.fetch import tree
from grader.fetch.classify import neutralise
from grader.models import FetchedRepo
from grader.settings import Settings

_MB = 1024 * 1024
# What reading one member raises for bad bytes: corrupt streams (zlib, lzma; bz2 raises
# OSError), encryption (RuntimeError), unknown methods, truncation, CRC mismatches.
_UNREADABLE = (
    zlib.error,
    lzma.LZMAError,
    OSError,
    RuntimeError,
    NotImplementedError,
    EOFError,
    zipfile.BadZipFile,
)
_ZIP_HINT = "zip the repository folder itself (for example `git archive --format=zip HEAD`)"
_SIZE_HINT = "leave build output, data sets and virtual environments out of the zip"


def read_zip(path: Path, source: str, settings: Settings) -> FetchedRepo:
    """The zip's files as a normalised tar; ``commit`` is the zip's SHA-256."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _members(archive, settings)
            entries, blobs = _read(archive, members, settings)
    except (*_UNREADABLE, zipfile.LargeZipFile, ValueError) as exc:  # ValueError: bad names
        msg = f"the zip cannot be read: {neutralise(str(exc), limit=200)}"
        raise RejectedError(msg, hint=_ZIP_HINT) from exc
    kept, skipped = tree.select(entries)
    tar = tree.build_tar(kept, blobs, mtime=_newest(members))
    return FetchedRepo(
        url=source,
        ref=None,
        commit=hashlib.sha256(path.read_bytes()).hexdigest(),
        tree_tar=tar,
        files=tree.source_files(kept),
        skipped=tuple(skipped),
        commit_message="",
        committed_at=None,
    )


def _members(archive: zipfile.ZipFile, settings: Settings) -> list[zipfile.ZipInfo]:
    """Every member but folders and git metadata; refused when a name leaves the folder."""
    members = []
    for info in archive.infolist():
        _check_name(info.filename)
        if info.is_dir() or ".git" in info.filename.split("/"):
            continue
        members.append(info)
        if len(members) > settings.max_repo_files:
            msg = f"the zip has more than {settings.max_repo_files:,} files (the limit)"
            raise RepoTooLargeError(msg, hint=_SIZE_HINT)
    return members


def _check_name(name: str) -> None:
    if not name:
        raise RejectedError("the zip holds a member without a name", hint=_ZIP_HINT)
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or ".." in parts or ":" in parts[0]:
        shown = neutralise(name, limit=120)
        msg = f"the zip holds {shown!r}, a path that leaves the repository folder"
        raise RejectedError(msg, hint=_ZIP_HINT)


def _read(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], settings: Settings
) -> tuple[list[tree.TreeEntry], dict[str, bytes]]:
    root = _common_root([info.filename for info in members])
    budget = settings.max_repo_mb * _MB
    entries: list[tree.TreeEntry] = []
    blobs: dict[str, bytes] = {}
    for index, info in enumerate(members):
        mode = _mode(info)
        oid = f"zip-{index}"
        data = b"" if mode == "120000" else _bounded(archive, info, budget)
        budget -= len(data)
        blobs[oid] = data
        path = info.filename.removeprefix(root)
        entries.append(tree.TreeEntry(mode, "blob", oid, len(data), path))
    return entries, blobs


def _bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The member's bytes, never more than what is left of the size cap (bombs stop here)."""
    try:
        with archive.open(info) as member:
            data = member.read(budget + 1)
    except _UNREADABLE as exc:  # corrupt, encrypted or exotic: the archive's, not ours
        shown = neutralise(info.filename, limit=120)
        msg = f"the zip's member {shown!r} cannot be read: {neutralise(str(exc), limit=200)}"
        raise RejectedError(msg, hint=_ZIP_HINT) from exc
    if len(data) > budget:
        msg = "the zip's files unpack to more than the repository size limit"
        raise RepoTooLargeError(msg, hint=_SIZE_HINT)
    return data


def _mode(info: zipfile.ZipInfo) -> str:
    unix = info.external_attr >> 16
    if stat.S_ISLNK(unix):
        return "120000"
    if stat.S_IFMT(unix) not in {0, stat.S_IFREG}:  # 0: made on a system without file types
        return "170000"  # a device, fifo or socket: left out as "not a regular file"
    return "100755" if unix & 0o111 else "100644"


def _newest(members: list[zipfile.ZipInfo]) -> int:
    """The newest valid member time, as a Unix time (zip stamps are unchecked bytes)."""
    newest = 0
    for info in members:
        try:
            stamp = datetime(*info.date_time, tzinfo=UTC)
        except ValueError:
            continue
        newest = max(newest, int(stamp.timestamp()))
    return newest


def _common_root(names: list[str]) -> str:
    """``top/`` when every member lives under one top folder, else the empty string."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop() + "/"
    return ""
