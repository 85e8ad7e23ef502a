"""Hostile bytes in handed-in files: every mutation ends in a rejection, never a crash.

Seeded mutations of a valid zip and a valid bundle header (flipped bytes, cut tails, spliced
junk), bounded in number so the test stays quick and repeatable.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from grader.errors import RejectedError
from grader.fetch.bundle import read_header
from grader.fetch.zipped import read_zip
from grader.settings import Settings

CASES = 300


def mutations(data: bytes, seed: int) -> list[bytes]:
    chance = random.Random(seed)
    found = []
    for _ in range(CASES):
        raw = bytearray(data)
        how = chance.randrange(3)
        if how == 0:
            for _ in range(chance.randint(1, 8)):
                raw[chance.randrange(len(raw))] = chance.randrange(256)
        elif how == 1:
            del raw[chance.randrange(len(raw)) :]
        else:
            at = chance.randrange(len(raw))
            raw[at:at] = chance.randbytes(chance.randint(1, 64))
        found.append(bytes(raw))
    return found


def valid_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("top/a.py", b"x = 1\n" * 50, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("top/b/c.txt", b"hello", compress_type=zipfile.ZIP_STORED)
        archive.writestr("top/d.bin", bytes(300), compress_type=zipfile.ZIP_BZIP2)
        archive.writestr("top/e.bin", bytes(300), compress_type=zipfile.ZIP_LZMA)
    return buffer.getvalue()


@pytest.mark.parametrize("seed", range(3))
def test_mutated_zips_are_read_or_rejected_never_crash(tmp_path: Path, seed: int) -> None:
    settings = Settings(home=tmp_path, max_repo_mb=1, max_repo_files=20)
    path = tmp_path / "x.zip"
    outcomes: Counter[str] = Counter()
    for data in mutations(valid_zip(), seed):
        path.write_bytes(data)
        try:
            read_zip(path, "upload:x", settings)
        except RejectedError:
            outcomes["rejected"] += 1
        else:
            outcomes["read"] += 1
    assert outcomes["rejected"] > CASES // 10 and outcomes["read"] > 0, outcomes


@pytest.mark.parametrize("seed", range(3))
def test_mutated_bundle_headers_are_read_or_rejected_never_crash(seed: int) -> None:
    header = b"# v3 git bundle\n@object-format=sha1\n" + b"a" * 40 + b" refs/heads/main\n\nPACK"
    outcomes: Counter[str] = Counter()
    for data in mutations(header, seed):
        try:
            read_header(io.BytesIO(data))
        except RejectedError:
            outcomes["rejected"] += 1
        else:
            outcomes["read"] += 1
    assert outcomes["rejected"] > CASES // 10 and outcomes["read"] > 0, outcomes
