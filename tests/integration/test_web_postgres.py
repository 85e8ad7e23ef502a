"""The web app on a real PostgreSQL (started from the Debian binaries): the production record."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grader.settings import get_settings
from tests.integration.services import PostgresServer
from tests.web_support import WebClient, build_world, csrf_of, sign_in

pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


def test_the_team_pages_work_on_postgresql(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_DATABASE_URL", postgres.create_database())
    get_settings.cache_clear()
    world = build_world()
    with WebClient() as client:
        sign_in(client, world.emails["admin"])
        for query in (
            "",
            "?sort=score",
            "?flagged=1",
            "?outcome=graded&page=2",
            "?since=2020-01-01",
        ):
            assert client.get(f"/team/submissions{query}").status_code == 200
        assert "Fred Flagged" in client.get("/team/review").text
        token = csrf_of(client, "/team/review")
        decided = client.post(
            f"/team/submissions/{world.flagged}/review",
            data={"decision": "override", "score": "35", "note": "n", "csrf_token": token},
        )
        assert decided.status_code == 303
        assert "override</strong> to 35.0" in client.get(f"/team/submissions/{world.flagged}").text
        assert client.get("/admin/challenges/devops/task-tracker").status_code == 200
        assert client.get("/team/submissions.csv").text.count("\n") == 3  # header + 2 rows
        page = client.get(f"/i/{world.token}").text
        assert "Submit for grading" in page
