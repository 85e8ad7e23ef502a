"""Intake of handed-in files and deadlines: REST and CLI, on SQLite and the embedded broker."""

from __future__ import annotations

import asyncio
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.settings import PROJECT_ROOT, get_settings
from grader.store import open_store
from grader.web import create_app
from tests.web_support import api_token

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "challenges"
# kombu's SQLite broker declares a ``lazy="noload"`` relationship, which SQLAlchemy 2.1
# deprecates; publishing to the embedded broker would fail here on that warning alone.
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


@pytest.fixture(autouse=True)
def _fixture_challenges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_CHALLENGES_DIR", str(FIXTURES))
    get_settings.cache_clear()


def post(path: str, **kwargs: Any) -> httpx.Response:
    """POST with an API token of scope ``submit`` (the intake needs one)."""
    headers = {"Authorization": f"Bearer {api_token()}"}

    async def request() -> httpx.Response:
        app = create_app()
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://grader") as http:
                return await http.post(path, headers=headers, **kwargs)

    return asyncio.run(request())


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("solution.py", "def add(a, b):\n    return a + b\n")
    return buffer.getvalue()


def claimed(submission_id: str) -> tuple[str, datetime | None]:
    with open_store(get_settings().effective_database_url) as store:
        claim = store.claim(submission_id, "t" * 32, lease_seconds=60)
    assert claim is not None
    return claim.repo_url, claim.due_at


def test_a_zip_posted_as_the_body_is_stored_and_queued_with_its_deadline() -> None:
    answer = post(
        "/submissions/archive",
        params={"challenge": "fixture/functions", "deadline": "2026-03-01T18:00:00+01:00"},
        content=a_zip(),
    )
    assert answer.status_code == 202, answer.text
    repo_url, due_at = claimed(answer.json()["id"])
    assert repo_url.startswith("upload:") and repo_url.endswith(".zip")
    assert (get_settings().uploads_dir / repo_url.removeprefix("upload:")).is_file()
    assert due_at == datetime(2026, 3, 1, 17, tzinfo=UTC)


def test_a_body_that_is_no_repository_or_too_large_is_refused_and_nothing_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused = post("/submissions/archive", params={"challenge": "fixture/functions"}, content=b"hi")
    assert refused.status_code == 422
    assert "bundle" in refused.json()["detail"]["hint"]
    monkeypatch.setenv("GRADER_MAX_REPO_MB", "1")
    get_settings.cache_clear()
    big = post(
        "/submissions/archive",
        params={"challenge": "fixture/functions"},
        content=b"PK\x03\x04" + bytes(2 * 1024 * 1024),
    )
    assert big.status_code == 413
    with open_store(get_settings().effective_database_url) as store:
        assert store.state_counts() == {}


def test_a_typed_upload_name_is_refused_like_any_other_non_url() -> None:
    answer = post(
        "/submissions",
        json={"repo_url": "upload:" + "a" * 64 + ".zip", "challenge": "fixture/functions"},
    )
    assert answer.status_code == 422
    assert "not an http(s) URL" in answer.json()["detail"]["message"]


def test_a_deadline_without_a_time_zone_is_a_422() -> None:
    answer = post(
        "/submissions",
        json={
            "repo_url": "https://github.com/a/b",
            "challenge": "fixture/functions",
            "deadline": "2026-03-01T18:00:00",
        },
    )
    assert answer.status_code == 422


def test_submit_takes_a_zip_file_and_a_deadline_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "work.zip"
    path.write_bytes(a_zip())
    args = ["submit", str(path), "-c", "fixture/functions", "--deadline", "2026-03-01T18:00Z"]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    submission_id = result.stdout.strip().split('"')[-2]
    repo_url, due_at = claimed(submission_id)
    assert repo_url.startswith("upload:")
    assert due_at == datetime(2026, 3, 1, 18, tzinfo=UTC)
    naive = CliRunner().invoke(
        main, ["submit", str(path), "-c", "fixture/functions", "--deadline", "2026-03-01"]
    )
    assert naive.exit_code == 2 and "time zone" in naive.output
