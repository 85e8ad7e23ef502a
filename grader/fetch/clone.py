"""Fetch one commit of a candidate's repository into memory, safely.

    check_url -> ls-remote (ref -> SHA) -> init a bare scratch repo -> shallow fetch of
    that SHA -> ls-tree (caps checked here, before any content is read) -> cat-file the
    regular files -> normalised tar -> scratch folder removed

No work tree is ever checked out, no submodule fetched, no hook or helper run, and nothing
of the candidate's touches the disk outside a private temporary folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from grader.errors import RepoNotFoundError, UrlPolicyError
from grader.fetch import history, tree
from grader.fetch.classify import NOT_FOUND_HINT, neutralise
from grader.fetch.credentials import Credential, access_refused, credential_for
from grader.fetch.gitcmd import Deadline, GitRunner, records
from grader.fetch.policy import check_url
from grader.models import FetchedRepo
from grader.settings import Settings

logger = logging.getLogger(__name__)

_FULL_SHA = re.compile(r"[0-9a-fA-F]{40}")
_BAD_REF = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|^[-/.]|[/.]$|\.lock$|^@$")
_REF_HINT = "give a branch name, a tag, or a full 40-character commit SHA"


def check_ref(ref: str | None) -> None:
    """Refuse a ref git would not accept as a branch or tag name (before any network)."""
    if ref is None:
        return
    if not ref or len(ref) > 255 or not ref.isascii() or _BAD_REF.search(ref):
        shown = neutralise(ref, limit=80)
        raise UrlPolicyError(f"{shown!r} is not a valid branch, tag or commit", hint=_REF_HINT)


def resolve(url: str, ref: str | None, settings: Settings) -> str:
    """The commit SHA ``ref`` points to now (remote HEAD when None; a full SHA as is)."""
    clean = check_url(url, settings)
    check_ref(ref)
    if ref is not None and _FULL_SHA.fullmatch(ref):
        return ref.lower()
    credential = credential_for(clean, settings)
    with tempfile.TemporaryDirectory(prefix="grader-resolve-") as scratch, _access(credential):
        runner = GitRunner(
            Path(scratch), url=clean, deadline=_deadline(settings), credential=credential
        )
        return _ls_remote(runner, ref)


def fetch(
    url: str, ref: str | None, settings: Settings, *, deadline: datetime | None = None
) -> FetchedRepo:
    """Fetch the commit ``ref`` points to and return its tree as a normalised tar.

    With a ``deadline``, a bounded stretch of history is fetched too, and the last commit
    committed before the deadline is the one returned (see :mod:`grader.fetch.history`)."""
    clean = check_url(url, settings)
    check_ref(ref)
    credential = credential_for(clean, settings)
    with tempfile.TemporaryDirectory(prefix="grader-fetch-") as scratch, _access(credential):
        runner = GitRunner(
            Path(scratch), url=clean, deadline=_deadline(settings), credential=credential
        )
        sha = ref.lower() if ref and _FULL_SHA.fullmatch(ref) else _ls_remote(runner, ref)
        runner.run("init", "--bare", "--quiet", "--template=", str(runner.git_dir), in_repo=False)
        depth = settings.max_history_commits  # the history signals read it, deadline or not
        fetch_args = ("fetch", "--quiet", f"--depth={depth}", "--no-tags", "--", clean, sha)
        runner.watch(*fetch_args, check=lambda: _check_objects(runner, settings))
        chosen = history.before(runner, sha, deadline, limit=settings.max_history_commits)
        return snapshot(runner, ref, chosen, settings)


def snapshot(
    runner: GitRunner, ref: str | None, chosen: history.Chosen, settings: Settings
) -> FetchedRepo:
    """The tree of the chosen commit in ``runner``'s repository, size-capped, as a tar."""
    sha = chosen.sha
    size = runner.run("cat-file", "-s", sha).decode("ascii", "replace").strip()
    tree.check_commit(int(size) if size.isdigit() else 0, max_mb=settings.max_repo_mb)
    message, committed_at = tree.parse_commit(runner.run("cat-file", "commit", sha))
    with runner.popen("ls-tree", "-r", "-l", "-z", "--full-tree", sha) as listing:
        entries = tree.check_caps(
            map(tree.parse_entry, records(listing)),
            max_mb=settings.max_repo_mb,
            max_files=settings.max_repo_files,
        )
    kept, skipped = tree.select(entries)
    blobs = _read_blobs(runner, [entry.oid for entry in kept])
    mtime = int(committed_at.timestamp()) if committed_at else 0
    tar = tree.build_tar(kept, blobs, mtime=mtime)
    logger.info(
        "fetched %s at %s: %d files, %d bytes of tar, %d left out",
        runner.url,
        sha,
        len(kept),
        len(tar),
        len(skipped),
    )
    return FetchedRepo(
        url=runner.url,
        ref=ref,
        commit=sha,
        tree_tar=tar,
        files=tree.source_files(kept),
        skipped=tuple(skipped),
        commit_message=message,
        committed_at=committed_at,
        deadline=chosen.deadline,
        rewritten=chosen.rewritten,
        history=history.log(runner, sha, limit=settings.max_history_commits),
    )


def _check_objects(runner: GitRunner, settings: Settings) -> None:
    tree.check_objects(_disk_usage(runner.git_dir / "objects"), max_mb=settings.max_repo_mb)


def _disk_usage(folder: Path) -> int:
    total = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(FileNotFoundError):  # git renames packs as it goes
                total += (Path(parent) / name).lstat().st_size
    return total


@contextlib.contextmanager
def _access(credential: Credential | None) -> Iterator[None]:
    """A repository the configured credential cannot read: tell the candidate whom to grant."""
    try:
        yield
    except RepoNotFoundError as exc:
        if credential is None:
            raise
        raise access_refused(exc, credential) from exc


def _deadline(settings: Settings) -> Deadline:
    return Deadline(settings.clone_timeout_seconds)


def _ls_remote(runner: GitRunner, ref: str | None) -> str:
    wanted = ["HEAD"] if ref is None else _candidates(ref)
    raw = runner.run("ls-remote", "--", runner.url, *wanted, in_repo=False)
    found = {}
    for line in raw.decode("ascii", "replace").splitlines():
        sha, _, name = line.partition("\t")
        found[name] = sha
    for name in wanted:
        if _FULL_SHA.fullmatch(found.get(name, "")):
            return found[name].lower()
    what = (
        "the repository has no default branch (is it empty?)"
        if ref is None
        else (f"no branch or tag named {neutralise(ref, limit=80)!r}")
    )
    raise RepoNotFoundError(f"{runner.url}: {what}", hint=NOT_FOUND_HINT)


def _candidates(ref: str) -> list[str]:
    """Ref names to look for, best first; an annotated tag's peeled commit before the tag."""
    if ref.startswith("refs/"):
        return [f"{ref}^{{}}", ref]
    return [f"refs/heads/{ref}", f"refs/tags/{ref}^{{}}", f"refs/tags/{ref}"]


def _read_blobs(runner: GitRunner, oids: list[str]) -> dict[str, bytes]:
    if not oids:
        return {}
    wanted = runner.workdir / "wanted.txt"
    wanted.write_text("".join(f"{oid}\n" for oid in dict.fromkeys(oids)), encoding="ascii")
    return tree.parse_batch(runner.run("cat-file", "--batch", stdin=wanted))
