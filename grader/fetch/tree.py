"""The candidate's tree as git lists it, and the normalised tar built from it.

Nothing here touches a file system: entries come from ``git ls-tree -r -l -z``, contents from
``git cat-file --batch``, and the tar holds only regular files and directories, owned by
root, mode 0644 (0755 when executable), stamped with the commit time. Symlinks, submodules
and names that could escape or confuse an extraction are left out and listed with why.
"""

from __future__ import annotations

import io
import re
import tarfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from grader.errors import GitHostError, RepoTooLargeError
from grader.fetch.classify import neutralise
from grader.models import SourceFile

_MB = 1024 * 1024
_MAX_NAME_BYTES = 255  # NAME_MAX: a longer name would fail extraction in the sandbox
_MAX_PATH_BYTES = 4000  # well under PATH_MAX (4096) once /submission/ or /work/ws-N/ is added
_MAX_MESSAGE_CHARS = 10_000
_MAX_MESSAGE_BYTES = 4 * _MAX_MESSAGE_CHARS  # UTF-8 needs at most 4 bytes a character
_PACK_SLACK = _MB  # compressed objects of a tree at the cap, plus its trees and commits
_COMMITTER = re.compile(rb"^committer .*> (\d+) ([+-])(\d\d)(\d\d)$")
_REGULAR_MODES = {"100644", "100755", "100664"}
_SKIP_REASONS = {"120000": "symlink, not followed", "160000": "submodule, not fetched"}
_SIZE_HINT = (
    "remove build output, data sets, virtual environments and vendored dependencies "
    "from the repository (a .gitignore helps), then push again"
)


@dataclass(frozen=True, slots=True)
class TreeEntry:
    mode: str  # "100644", "100755", "120000" (symlink), "160000" (submodule)
    kind: str  # "blob" or "commit"
    oid: str
    size: int  # 0 for submodules
    path: str  # decoded as UTF-8; undecodable bytes kept as surrogates (and refused later)

    @property
    def executable(self) -> bool:
        return self.mode == "100755"


def parse_entry(record: bytes) -> TreeEntry:
    """One record of ``git ls-tree -r -l -z`` output."""
    meta, _, path = record.partition(b"\t")
    mode, kind, oid, size = meta.decode("ascii").split()
    name = path.decode("utf-8", "surrogateescape")
    return TreeEntry(mode, kind, oid, int(size) if size.isdigit() else 0, name)


def parse_ls_tree(raw: bytes) -> list[TreeEntry]:
    """Parse ``git ls-tree -r -l -z`` output."""
    return [parse_entry(record) for record in raw.split(b"\0") if record]


def check_caps(entries: Iterable[TreeEntry], *, max_mb: int, max_files: int) -> list[TreeEntry]:
    """The entries, read one by one and refused as soon as the file-count or size cap is
    passed: a tree that describes billions of files costs no more than the cap to look at."""
    listed: list[TreeEntry] = []
    total = 0
    for entry in entries:
        listed.append(entry)
        total += entry.size if entry.kind == "blob" else 0
        if len(listed) > max_files:
            msg = f"the repository has more than {max_files:,} files (the limit)"
            raise RepoTooLargeError(msg, hint=_SIZE_HINT)
        if total > max_mb * _MB:
            msg = f"the repository's files total more than {max_mb:,} MB (the limit)"
            raise RepoTooLargeError(msg, hint=_SIZE_HINT)
    return listed


def check_commit(size: int, *, max_mb: int) -> None:
    """Refuse a commit object (its message, mostly) larger than the repository cap."""
    if size > max_mb * _MB:
        msg = (
            f"the commit is {size / _MB:,.1f} MB (its message, mostly); the limit is {max_mb:,} MB"
        )
        raise RepoTooLargeError(msg, hint="write a short commit message and push again")


def check_objects(size: int, *, max_mb: int) -> None:
    """Refuse a download whose git objects pass the size cap (checked while it runs)."""
    if size > max_mb * _MB + _PACK_SLACK:
        msg = f"the repository's git objects are larger than {max_mb:,} MB (the limit)"
        raise RepoTooLargeError(msg, hint=_SIZE_HINT)


def unsafe_name(path: str) -> str | None:
    """Why ``path`` must not be extracted, or None when it is fine."""
    if any(0xD800 <= ord(char) <= 0xDFFF for char in path):
        return "name is not valid UTF-8"
    if any(unicodedata.category(char) in {"Cc", "Cf"} for char in path):
        return "name contains control characters"
    if path.startswith("/"):
        return "absolute path"
    parts = path.split("/")
    if any(part in {"", ".", ".."} for part in parts):
        return "empty, '.' or '..' path component"
    if any(part.lower() == ".git" for part in parts):
        return "reserved name .git"
    return _too_long(path, parts)


def _too_long(path: str, parts: list[str]) -> str | None:
    """Names the sandbox's file system would refuse (the run would fail, not the candidate)."""
    if any(len(part.encode()) > _MAX_NAME_BYTES for part in parts):
        return f"a name longer than {_MAX_NAME_BYTES} bytes"
    if len(path.encode()) > _MAX_PATH_BYTES:
        return f"a path longer than {_MAX_PATH_BYTES} bytes"
    return None


def select(entries: Iterable[TreeEntry]) -> tuple[list[TreeEntry], list[str]]:
    """Split entries into regular files to keep and ``"path: reason"`` lines for the rest."""
    kept: list[TreeEntry] = []
    skipped: list[str] = []
    files: set[str] = set()
    dirs: set[str] = set()
    for entry in sorted(entries, key=lambda e: e.path):
        reason = _skip_reason(entry, files, dirs)
        if reason:
            skipped.append(f"{neutralise(entry.path, limit=200)}: {reason}")
            continue
        kept.append(entry)
        files.add(entry.path)
        parts = entry.path.split("/")
        dirs.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return kept, skipped


def _skip_reason(entry: TreeEntry, files: set[str], dirs: set[str]) -> str | None:
    if entry.mode in _SKIP_REASONS:
        return _SKIP_REASONS[entry.mode]
    if entry.kind != "blob" or entry.mode not in _REGULAR_MODES:
        return f"not a regular file (mode {neutralise(entry.mode)})"
    unsafe = unsafe_name(entry.path)
    if unsafe:
        return unsafe
    parts = entry.path.split("/")
    parents = ("/".join(parts[:i]) for i in range(1, len(parts)))
    if entry.path in files or entry.path in dirs or any(p in files for p in parents):
        return "clashes with another entry of the same name"
    return None


def parse_batch(raw: bytes) -> dict[str, bytes]:
    """Parse ``git cat-file --batch`` output into object id -> content."""
    blobs: dict[str, bytes] = {}
    at = 0
    while at < len(raw):
        newline = raw.index(b"\n", at)
        header = raw[at:newline].decode("ascii").split()
        if len(header) != 3:
            msg = f"git cat-file: unexpected answer {neutralise(' '.join(header))!r}"
            raise GitHostError(msg, hint="the fetch was incomplete; the grader retries it")
        oid, size = header[0], int(header[2])
        blobs[oid] = raw[newline + 1 : newline + 1 + size]
        at = newline + 1 + size + 1
    return blobs


def build_tar(files: Iterable[TreeEntry], blobs: Mapping[str, bytes], *, mtime: int) -> bytes:
    """A deterministic tar of ``files``: their directories first-come, root-owned, fixed modes."""
    buffer = io.BytesIO()
    written: set[str] = set()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in sorted(files, key=lambda e: e.path):
            parts = entry.path.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if folder not in written:
                    written.add(folder)
                    tar.addfile(_info(folder, tarfile.DIRTYPE, 0o755, 0, mtime))
            data = blobs[entry.oid]
            mode = 0o755 if entry.executable else 0o644
            tar.addfile(
                _info(entry.path, tarfile.REGTYPE, mode, len(data), mtime), io.BytesIO(data)
            )
    return buffer.getvalue()


def _info(name: str, kind: bytes, mode: int, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, mtime
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def source_files(files: Iterable[TreeEntry]) -> tuple[SourceFile, ...]:
    return tuple(
        SourceFile(e.path, e.size, e.executable) for e in sorted(files, key=lambda e: e.path)
    )


def parse_commit(raw: bytes) -> tuple[str, datetime | None]:
    """The message and committer date of a raw commit object (``git cat-file commit``)."""
    cut = raw.find(b"\n\n")
    head = raw if cut < 0 else raw[:cut]
    body = b"" if cut < 0 else raw[cut + 2 : cut + 2 + _MAX_MESSAGE_BYTES]  # cut, then clean
    committed_at = None
    for line in head.split(b"\n"):
        found = _COMMITTER.match(line)
        if found:
            committed_at = _date(*found.groups())
    message = body.decode("utf-8", "replace").strip()
    return neutralise(message, limit=_MAX_MESSAGE_CHARS, keep_newlines=True), committed_at


def _date(seconds: bytes, sign: bytes, hours: bytes, minutes: bytes) -> datetime | None:
    """A committer date; None when the commit carries an impossible one."""
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    try:
        zone = timezone(-offset if sign == b"-" else offset)
        return datetime.fromtimestamp(int(seconds), UTC).astimezone(zone)
    except (ValueError, OverflowError, OSError):
        return None
