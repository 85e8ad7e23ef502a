"""A handed-in git bundle: header checked here, pack indexed strictly, then read like a fetch.

The bundle never goes through a git transport: its pack goes straight to
``git index-pack --strict`` (the same object checks as ``fetch.fsckObjects``) with
``--max-input-size`` at the repository cap, in a private bare repository.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from grader.errors import GitHostError, RejectedError
from grader.fetch import history
from grader.fetch.classify import neutralise
from grader.fetch.clone import check_ref, snapshot
from grader.fetch.gitcmd import Deadline, GitRunner
from grader.models import FetchedRepo
from grader.settings import Settings

_MAX_HEADER_LINES = 10_000
_MAX_LINE_BYTES = 1024
_BUNDLE_HINT = "create the bundle with `git bundle create repo.bundle --all` and hand it in again"
_DEFAULT_BRANCHES = ("HEAD", "refs/heads/main", "refs/heads/master")
_FSCK_LENIENT = "zeroPaddedFilemode=ignore,badTimezone=ignore"
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Header:
    refs: dict[str, str]  # ref name -> object id
    pack_offset: int


def read_header(stream: BinaryIO) -> Header:
    """Parse a v2/v3 bundle header; refuse incremental, filtered or SHA-256 bundles."""
    first = stream.readline(_MAX_LINE_BYTES)
    if first not in (b"# v2 git bundle\n", b"# v3 git bundle\n"):
        raise _bad("it does not start with a git bundle header")
    refs: dict[str, str] = {}
    for _ in range(_MAX_HEADER_LINES):
        line = stream.readline(_MAX_LINE_BYTES)
        if line == b"\n":
            return Header(refs, stream.tell())
        if not line.endswith(b"\n"):
            raise _bad("its header is cut off or has an overlong line")
        text = line[:-1].decode("utf-8", "replace")
        if text.startswith("@"):
            _capability(text)
        elif text.startswith("-"):
            raise RejectedError(
                "the bundle is incremental: it needs commits it does not contain",
                hint=_BUNDLE_HINT,
            )
        else:
            oid, _, name = text.partition(" ")
            if len(oid) != 40 or not name:
                raise _bad(f"header line {neutralise(text, limit=80)!r} is not '<id> <ref>'")
            refs[name] = oid.lower()
    raise _bad(f"its header has more than {_MAX_HEADER_LINES:,} lines")


def read_bundle(
    path: Path,
    source: str,
    ref: str | None,
    settings: Settings,
    *,
    deadline: datetime | None = None,
) -> FetchedRepo:
    """The tree of the commit ``ref`` names in the bundle (default: its HEAD, main or master)."""
    check_ref(ref)
    with path.open("rb") as stream:
        header = read_header(stream)
    with tempfile.TemporaryDirectory(prefix="grader-bundle-") as scratch:
        try:
            return _read(path, header, Path(scratch), source, ref, settings, deadline)
        except GitHostError as exc:  # no host here: git failing on the file is the file's fault
            raise _bad(exc.message) from exc


def _read(
    path: Path,
    header: Header,
    scratch: Path,
    source: str,
    ref: str | None,
    settings: Settings,
    deadline: datetime | None,
) -> FetchedRepo:
    runner = GitRunner(
        scratch,
        url=source,
        deadline=Deadline(settings.clone_timeout_seconds),
        scheme="file",
    )
    runner.run("init", "--bare", "--quiet", "--template=", str(runner.git_dir), in_repo=False)
    pack = scratch / "incoming.pack"
    with path.open("rb") as stream, pack.open("wb") as out:
        stream.seek(header.pack_offset)
        shutil.copyfileobj(stream, out)
    cap = f"--max-input-size={settings.max_repo_mb * _MB + _MB}"
    runner.run("index-pack", f"--strict={_FSCK_LENIENT}", cap, "--stdin", stdin=pack)
    pack.unlink()
    tip = _commit(runner, _pick(header.refs, ref))
    chosen = history.before(runner, tip, deadline, limit=settings.max_history_commits)
    return snapshot(runner, ref, chosen, settings)


def _pick(refs: dict[str, str], ref: str | None) -> str:
    if ref is not None and len(ref) == 40 and all(c in "0123456789abcdefABCDEF" for c in ref):
        return ref.lower()
    wanted = _DEFAULT_BRANCHES if ref is None else (ref, f"refs/heads/{ref}", f"refs/tags/{ref}")
    for name in wanted:
        if name in refs:
            return refs[name]
    if ref is None and len(set(refs.values())) == 1:
        return next(iter(refs.values()))
    shown = ", ".join(neutralise(name, limit=80) for name in list(refs)[:10]) or "none"
    what = "no HEAD, main or master" if ref is None else f"no ref {neutralise(ref, limit=80)!r}"
    raise RejectedError(
        f"the bundle has {what} (its refs: {shown})",
        hint="name the branch to grade, or bundle with `git bundle create repo.bundle --all`",
    )


def _commit(runner: GitRunner, oid: str) -> str:
    """The commit ``oid`` is or (as an annotated tag) points to."""
    kind = runner.run("cat-file", "-t", oid).decode("ascii", "replace").strip()
    if kind == "tag":
        peeled = runner.run("rev-parse", "--verify", "--end-of-options", f"{oid}^{{commit}}")
        return peeled.decode("ascii").strip()
    if kind != "commit":
        raise _bad(f"its ref points to a {neutralise(kind, limit=20)}, not a commit")
    return oid


def _capability(text: str) -> None:
    if text not in {"@object-format=sha1"}:
        raise _bad(f"it uses {neutralise(text, limit=80)!r}, which the grader does not read")


def _bad(why: str) -> RejectedError:
    return RejectedError(f"the git bundle cannot be read: {why}", hint=_BUNDLE_HINT)
