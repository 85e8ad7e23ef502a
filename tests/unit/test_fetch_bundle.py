"""Handed-in bundles and uploads, without git: headers, names, kinds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from grader.errors import RejectedError, UrlPolicyError
from grader.fetch.archive import kind_of, open_upload, store_upload
from grader.fetch.bundle import read_header
from grader.settings import Settings

OID = "a" * 40


def header(*lines: str, version: int = 2) -> io.BytesIO:
    text = f"# v{version} git bundle\n" + "".join(f"{line}\n" for line in lines) + "\n"
    return io.BytesIO(text.encode() + b"PACK...")


def test_a_full_bundle_header_gives_its_refs_and_where_the_pack_starts() -> None:
    stream = header(f"{OID} refs/heads/main", f"{'B' * 40} HEAD")
    parsed = read_header(stream)
    assert parsed.refs == {"refs/heads/main": OID, "HEAD": "b" * 40}
    assert stream.getvalue()[parsed.pack_offset :] == b"PACK..."
    v3 = read_header(header("@object-format=sha1", f"{OID} refs/heads/main", version=3))
    assert v3.refs == {"refs/heads/main": OID}


@pytest.mark.parametrize(
    ("stream", "why"),
    [
        (header(f"-{OID} base", f"{OID} refs/heads/main"), "incremental"),
        (header("@object-format=sha256", f"{OID} refs/heads/main", version=3), "sha256"),
        (header("@filter=blob:none", version=3), "filter"),
        (header("short refs/heads/main"), "is not '<id> <ref>'"),
        (io.BytesIO(b"# v2 git bundle\n" + b"x" * 5000), "cut off or has an overlong line"),
        (io.BytesIO(b"PK\x03\x04"), "does not start with a git bundle header"),
    ],
)
def test_bundles_the_grader_cannot_take_are_rejected_saying_why(
    stream: io.BytesIO, why: str
) -> None:
    with pytest.raises(RejectedError, match=why) as caught:
        read_header(stream)
    assert "git bundle create" in caught.value.hint


def test_uploads_are_stored_once_by_content_and_only_grader_names_open(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, max_repo_mb=1)
    data = b"PK\x05\x06" + bytes(18)  # an empty zip
    name = store_upload(data, settings)
    assert name == store_upload(data, settings)
    assert [p.name for p in settings.uploads_dir.iterdir()] == [name.removeprefix("upload:")]
    assert kind_of(b"# v3 git bundle\n") == "bundle"
    with pytest.raises(RejectedError, match="limit is 1 MB"):
        store_upload(b"PK\x03\x04" + bytes(2 * 1024 * 1024), settings)
    for forged in ("upload:../../etc/passwd", "upload:/etc/shadow.zip", "upload:" + "a" * 64):
        with pytest.raises(UrlPolicyError, match="not an upload name"):
            open_upload(forged, None, settings)
