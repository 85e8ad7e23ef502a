"""The container's boot program: what it unpacks, and what it refuses, before the judge runs."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from grader.harness.grader_harness import boot
from grader.sandbox.layout import judge_command, judge_input


def _tar(*members: tuple[str, bytes, int] | tarfile.TarInfo) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member)
                continue
            name, data, mode = member
            info = tarfile.TarInfo(name)
            info.mode = mode
            if name.endswith("/"):
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_files_and_folders_keep_their_modes(tmp_path: Path) -> None:
    data = _tar(("harness/", b"", 0o700), ("harness/judge.py", b"print()", 0o600))
    data += b"\0" * 4096  # tarfile's record padding must not confuse the stream reader
    count = boot.unpack(io.BytesIO(data), tmp_path)
    assert count == 2
    assert (tmp_path / "harness" / "judge.py").read_bytes() == b"print()"
    assert (tmp_path / "harness").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "harness" / "judge.py").stat().st_mode & 0o777 == 0o600


def _link(name: str, kind: bytes, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize(
    "member",
    [
        ("../escape.py", b"x", 0o644),
        ("/etc/escape.py", b"x", 0o644),
        ("a/../../escape.py", b"x", 0o644),
        _link("link", tarfile.SYMTYPE, "/judge"),
        _link("hard", tarfile.LNKTYPE, "/etc/passwd"),
    ],
    ids=["parent", "absolute", "nested-parent", "symlink", "hardlink"],
)
def test_anything_but_plain_files_inside_the_folder_is_refused(
    tmp_path: Path, member: tuple[str, bytes, int] | tarfile.TarInfo
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(SystemExit, match="refused archive member"):
        boot.unpack(io.BytesIO(_tar(member)), root)
    assert not (tmp_path / "escape.py").exists()
    assert list(root.iterdir()) == []


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "solution.py").write_text("first")
    with pytest.raises(FileExistsError):
        boot.unpack(io.BytesIO(_tar(("solution.py", b"second", 0o644))), tmp_path)
    assert (tmp_path / "solution.py").read_text() == "first"


def test_the_input_frames_the_judge_tar_by_its_length() -> None:
    judge, submission = _tar(("tests/", b"", 0o700)), _tar(("solution.py", b"x", 0o644))
    stream = io.BytesIO(b"".join(judge_input(judge, submission)))
    header = stream.readline(boot.HEADER_LIMIT)
    assert stream.read(int(header)) == judge
    assert stream.read() == submission


def test_a_part_is_read_as_it_arrives_and_never_past_its_length() -> None:
    stream = io.BufferedReader(io.BytesIO(b"judge" * 5000 + b"SUBMISSION"), buffer_size=7)
    part = boot.part_of(stream, 25000)
    assert len(part.read(4096)) == 4096  # a chunk at a time, not the whole part at once
    assert len(part.read()) == 25000 - 4096
    assert part.read() == b""
    assert stream.read() == b"SUBMISSION"


def test_the_submission_unpacks_after_a_streamed_judge_tar_even_with_bytes_past_its_end(
    tmp_path: Path,
) -> None:
    judge = _tar(("tests/test_a.py", b"def test_a(): pass", 0o600)) + bytes(20_000)
    submission = _tar(("solution.py", b"x = 1", 0o644))
    header, *parts = judge_input(judge, submission)
    stream = io.BytesIO(header + b"".join(parts))
    length = int(stream.readline(boot.HEADER_LIMIT))
    judge_part = boot.part_of(stream, length)
    assert boot.unpack(judge_part, tmp_path / "judge") == 1
    while judge_part.read(1 << 16):  # as boot's main does
        pass
    assert boot.unpack(stream, tmp_path / "submission") == 1
    assert (tmp_path / "submission" / "solution.py").read_text() == "x = 1"


def test_the_command_runs_boot_isolated_from_the_environment() -> None:
    command = judge_command()
    assert command[:4] == ("python3", "-I", "-B", "-c")
    assert "def unpack(" in command[4] and "runpy.run_path(JUDGE_SCRIPT" in command[4]
