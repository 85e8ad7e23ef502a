"""The container's first program: unpack the run's files from stdin, then start the judge.

The worker passes this file's *source* as ``python3 -I -B -c`` (nothing of the harness is in
the container yet) and streams one input on stdin: a line with the byte length of the judge
files' tar, that tar (unpacked into ``/judge``, folders 0700 and files 0600, root's only), then
the submission's tar (into ``/submission``, read-only for the candidate). Only regular files and
folders are accepted, by relative names that stay inside their folder; anything else ends the
run before any candidate code exists (an infrastructure fault: the worker built the tars).

Results leave through a private copy of stdout (``GRADER_RESULTS_FILE=/dev/fd/N``, never
inherited); stdout itself is pointed at stderr, so pytest's output, any ``print`` and pip's
messages form the judge's log. The worker reads both over the container's attach stream: no
archive copy (each one re-executes the Docker daemon) is needed in or out.
"""

from __future__ import annotations

import io
import os
import runpy
import shutil
import sys
import tarfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

JUDGE = Path("/judge")
SUBMISSION = Path("/submission")
JUDGE_SCRIPT = "/judge/harness/grader_harness/judge.py"
HEADER_LIMIT = 32  # bytes of the length line


def _target(root: Path, member: tarfile.TarInfo) -> Path:
    parts = member.name.split("/")
    unsafe = member.name.startswith("/") or ".." in parts or "\x00" in member.name
    if unsafe or not (member.isfile() or member.isdir()):
        raise SystemExit(f"grader boot: refused archive member {member.name!r} ({member.type!r})")
    return root.joinpath(*[part for part in parts if part not in ("", ".")])


class _Bounded(io.RawIOBase):
    """The next ``length`` bytes of ``stream`` and not one more, read as they arrive: the
    judge files may carry hundreds of MB of the candidate's wheels, which held in memory would
    count against the sandbox's memory limit for the whole run."""

    def __init__(self, stream: IO[bytes], length: int) -> None:
        super().__init__()
        self._stream = stream
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")[: self._left]
        data = self._stream.read(len(view)) if len(view) else b""
        view[: len(data)] = data
        self._left -= len(data)
        return len(data)


def part_of(stream: IO[bytes], length: int) -> IO[bytes]:
    """``length`` bytes of ``stream`` as a stream of their own."""
    return io.BufferedReader(_Bounded(stream, length))


def unpack(stream: IO[bytes], root: Path) -> int:
    """Unpack one tar read from ``stream`` into ``root``; returns how many members it held."""
    count = 0
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            target = _target(root, member)
            mode = member.mode & 0o777
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                target.chmod(mode)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                source = archive.extractfile(member)
                with os.fdopen(os.open(target, flags, mode), "wb") as sink:
                    if source is not None:
                        shutil.copyfileobj(source, sink)
                    os.fchmod(sink.fileno(), mode)
            count += 1
    return count


def main() -> None:
    results = os.dup(1)  # non-inheritable: no child process of the judge gets it
    os.dup2(2, 1)
    stdin = sys.stdin.buffer
    header = stdin.readline(HEADER_LIMIT)
    if not header.strip().isdigit():
        raise SystemExit(f"grader boot: no input on stdin (read {header[:20]!r})")
    judge_tar = part_of(stdin, int(header))
    os.umask(0o077)
    unpack(judge_tar, JUDGE)
    while judge_tar.read(1 << 16):  # the tar's end padding, so the next one starts after it
        pass
    os.umask(0o022)
    unpack(stdin, SUBMISSION)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.environ["GRADER_RESULTS_FILE"] = f"/dev/fd/{results}"
    sys.argv = [JUDGE_SCRIPT]
    runpy.run_path(JUDGE_SCRIPT, run_name="__main__")


if __name__ == "__main__":
    main()
