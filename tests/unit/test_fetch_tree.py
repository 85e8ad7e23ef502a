"""The tree listing, the size caps and the normalised tar, without git or a file system."""

from __future__ import annotations

import io
import itertools
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from grader.errors import GitHostError, RepoTooLargeError
from grader.fetch import tree
from grader.fetch.classify import neutralise
from grader.fetch.tree import (
    TreeEntry,
    build_tar,
    check_caps,
    check_objects,
    parse_batch,
    parse_commit,
    parse_ls_tree,
    select,
    source_files,
    unsafe_name,
)
from grader.models import SourceFile

OID_A = "a" * 40
OID_B = "b" * 40
OID_C = "c" * 40


def blob(path: str, *, mode: str = "100644", oid: str = OID_A, size: int = 5) -> TreeEntry:
    return TreeEntry(mode, "blob", oid, size, path)


def members(tar_bytes: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        return {member.name: member for member in tar.getmembers()}


def test_ls_tree_output_is_parsed_including_submodules_and_odd_names() -> None:
    raw = (
        b"100644 blob " + OID_A.encode() + b"      12\tsrc/app.py\0"
        b"100755 blob " + OID_B.encode() + b"       3\trun.sh\0"
        b"120000 blob " + OID_C.encode() + b"      11\tpasswd\0"
        b"160000 commit " + OID_A.encode() + b"       -\tvendor/lib\0"
        b"100644 blob " + OID_B.encode() + b"       1\ttab\tand\nnewline\0"
        b"100644 blob " + OID_B.encode() + b"       1\tbad\xffbyte\0"
    )
    entries = parse_ls_tree(raw)
    assert [e.path for e in entries[:4]] == ["src/app.py", "run.sh", "passwd", "vendor/lib"]
    assert entries[0] == TreeEntry("100644", "blob", OID_A, 12, "src/app.py")
    assert entries[1].executable
    assert entries[3].kind == "commit"
    assert entries[3].size == 0
    assert entries[4].path == "tab\tand\nnewline"
    assert unsafe_name(entries[5].path) == "name is not valid UTF-8"


def test_symlinks_and_submodules_are_left_out_and_listed_with_why() -> None:
    kept, skipped = select(
        [
            blob("app.py"),
            TreeEntry("120000", "blob", OID_B, 11, "secrets"),
            TreeEntry("160000", "commit", OID_C, 0, "vendor/lib"),
        ]
    )
    assert [e.path for e in kept] == ["app.py"]
    assert skipped == ["secrets: symlink, not followed", "vendor/lib: submodule, not fetched"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../escape.py", "'..'"),
        ("a/../../escape.py", "'..'"),
        ("/etc/cron.d/x", "absolute path"),
        ("a//b", "empty"),
        ("./a", "'.'"),
        (".git/hooks/post-checkout", ".git"),
        ("sub/.GIT/config", ".git"),
        ("evil\x1b[2J.py", "control characters"),
        ("line\nbreak.py", "control characters"),
        ("bidi\u202etxt.py", "control characters"),
        ("x" * 256 + ".py", "longer than 255 bytes"),
        ("\u00e9" * 128 + ".py", "longer than 255 bytes"),
        ("/".join(["d" * 200] * 21) + "/x.py", "path longer than 4000 bytes"),
    ],
)
def test_names_that_could_escape_or_confuse_are_left_out(path: str, reason: str) -> None:
    kept, skipped = select([blob(path), blob("ok.py")])
    assert [e.path for e in kept] == ["ok.py"]
    assert len(skipped) == 1
    assert reason in skipped[0]
    assert "\x1b" not in skipped[0] and "\n" not in skipped[0]


def test_a_file_that_clashes_with_a_folder_is_left_out() -> None:
    kept, skipped = select([blob("pkg"), blob("pkg/mod.py"), blob("pkg")])
    assert [e.path for e in kept] == ["pkg"]
    assert all("clashes" in line for line in skipped)
    assert len(skipped) == 2


def test_unusual_blob_modes_are_not_treated_as_files() -> None:
    kept, skipped = select([blob("weird", mode="100600")])
    assert kept == []
    assert skipped == ["weird: not a regular file (mode 100600)"]


def test_caps_pass_at_the_limit_and_fail_above_it_with_numbers() -> None:
    entries = [blob(f"f{i}", size=1024 * 1024) for i in range(10)]
    check_caps(entries, max_mb=10, max_files=10)
    with pytest.raises(RepoTooLargeError, match="more than 10 files"):
        check_caps([*entries, blob("extra", size=0)], max_mb=100, max_files=10)
    with pytest.raises(RepoTooLargeError, match="total more than 9 MB") as caught:
        check_caps(entries, max_mb=9, max_files=100)
    assert ".gitignore" in caught.value.hint


def test_caps_stop_reading_a_listing_at_the_first_entry_past_them() -> None:
    read: list[int] = []

    def endless() -> Iterator[TreeEntry]:  # a tree bomb: far more entries than anyone reads
        for index in itertools.count():
            read.append(index)
            yield blob(f"f{index}", size=1)

    with pytest.raises(RepoTooLargeError, match="more than 100 files"):
        check_caps(endless(), max_mb=10, max_files=100)
    assert len(read) == 101


def test_git_objects_past_the_cap_are_refused_while_they_download() -> None:
    check_objects(5 * 1024 * 1024, max_mb=5)
    with pytest.raises(RepoTooLargeError, match="git objects are larger than 5 MB"):
        check_objects(7 * 1024 * 1024, max_mb=5)


def test_the_tar_holds_root_owned_files_with_normalised_modes_and_the_commit_time() -> None:
    files = [blob("src/pkg/mod.py", oid=OID_A), blob("run.sh", mode="100755", oid=OID_B)]
    tar = build_tar(files, {OID_A: b"print(1)\n", OID_B: b"#!/bin/sh\n"}, mtime=1_700_000_000)
    found = members(tar)
    assert list(found) == ["run.sh", "src", "src/pkg", "src/pkg/mod.py"]
    assert found["run.sh"].mode == 0o755
    assert found["src/pkg/mod.py"].mode == 0o644
    assert found["src"].isdir() and found["src"].mode == 0o755
    assert {(m.uid, m.gid, m.uname, m.gname) for m in found.values()} == {(0, 0, "root", "root")}
    assert {m.mtime for m in found.values()} == {1_700_000_000}
    with tarfile.open(fileobj=io.BytesIO(tar)) as opened:
        extracted = opened.extractfile("src/pkg/mod.py")
        assert extracted is not None
        assert extracted.read() == b"print(1)\n"


def test_the_tar_has_no_symlinks_or_links_at_all() -> None:
    kept, _ = select([blob("a.py"), TreeEntry("120000", "blob", OID_B, 11, "link")])
    found = members(build_tar(kept, {OID_A: b"x", OID_B: b"/etc/passwd"}, mtime=0))
    assert list(found) == ["a.py"]
    assert all(m.isreg() or m.isdir() for m in found.values())


def test_the_same_tree_always_gives_the_same_tar_bytes() -> None:
    files = [blob("b.py", oid=OID_B), blob("a/x.py", oid=OID_A)]
    blobs = {OID_A: b"a", OID_B: b"b"}
    assert build_tar(files, blobs, mtime=5) == build_tar(list(reversed(files)), blobs, mtime=5)


def test_source_files_are_listed_in_path_order_with_sizes_and_exec_bits() -> None:
    files = [blob("z.sh", mode="100755", size=3), blob("a.py", size=7)]
    assert source_files(files) == (SourceFile("a.py", 7, False), SourceFile("z.sh", 3, True))


def test_cat_file_batch_output_is_split_by_the_announced_sizes() -> None:
    raw = (
        OID_A.encode()
        + b" blob 6\nline\n\n\n"
        + OID_B.encode()
        + b" blob 0\n\n"
        + OID_C.encode()
        + b" blob 3\n\x00\n\xff\n"
    )
    assert parse_batch(raw) == {OID_A: b"line\n\n", OID_B: b"", OID_C: b"\x00\n\xff"}


def test_a_missing_object_in_cat_file_output_is_a_host_error() -> None:
    with pytest.raises(GitHostError, match="missing"):
        parse_batch(OID_A.encode() + b" missing\n")


def test_commit_message_and_committer_date_are_read_with_their_time_zone() -> None:
    raw = (
        b"tree " + OID_A.encode() + b"\n"
        b"author A <a@example.com> 1700000000 +0000\n"
        b"committer C <c@example.com> 1704110400 -0130\n"
        b"\n"
        b"Add the solution\x1b[31m\n\nDetails here.\n"
    )
    message, committed_at = parse_commit(raw)
    assert message == "Add the solution\\x1b[31m\n\nDetails here."
    assert committed_at == datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    assert committed_at is not None
    assert committed_at.utcoffset() == -timedelta(hours=1, minutes=30)


def test_an_impossible_committer_date_gives_no_date_rather_than_a_crash() -> None:
    raw = b"tree x\ncommitter C <c@example.com> 99999999999999999999 +9999\n\nmsg\n"
    assert parse_commit(raw) == ("msg", None)


def test_a_huge_commit_message_is_cut_before_it_is_decoded_or_cleaned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cleaned: list[int] = []

    def spy(text: str, **kwargs: Any) -> str:
        cleaned.append(len(text))
        return neutralise(text, **kwargs)

    monkeypatch.setattr(tree, "neutralise", spy)
    body = ("\x1b" * 1000 + "é" * 5_000_000).encode()  # 10 MB of message
    raw = b"tree x\ncommitter C <c@example.com> 1704110400 +0000\n\n" + body
    message, _ = parse_commit(raw)
    assert len(message) <= 10_000
    assert message.startswith("\\x1b")
    assert cleaned and max(cleaned) <= 40_000  # never the whole 10 MB
