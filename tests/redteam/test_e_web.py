"""Class E and C10, the web app's side: reports behind organisation checks, CSRF on every
form, capped submissions per invitation, and a candidate view without recruiter fields."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import sessionmaker

from grader.gitserve import GitServer, make_bare_repo
from grader.record import run_record
from grader.settings import PROJECT_ROOT, get_settings
from grader.store import Store, open_store
from grader.testing import flagged_report, graded_report
from grader.web import invites
from tests.web_support import WebClient, World, build_world, csrf_of, finished, sign_in

# kombu's SQLAlchemy transport (the embedded broker) still maps its tables with ``noload``.
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")

STARTER = PROJECT_ROOT / "challenges" / "devops" / "task-tracker" / "starter"


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def client() -> Iterator[WebClient]:
    with WebClient() as opened:
        yield opened


def test_a_report_of_another_organisation_is_missing_however_its_id_is_found(
    world: World, client: WebClient
) -> None:
    sign_in(client, world.emails["other"])
    for path in (
        f"/team/submissions/{world.graded}",
        f"/team/compare?ids={world.graded}&ids={world.flagged}",
    ):
        answer = client.get(path)
        assert answer.status_code in {200, 404}
        assert "Grace Graded" not in answer.text and "conftest.py" not in answer.text
    assert client.get(f"/team/submissions/{world.graded}").status_code == 404


def test_forms_without_the_sessions_csrf_token_are_refused_and_change_nothing(
    world: World, client: WebClient
) -> None:
    sign_in(client, world.emails["recruiter"])
    form = {
        "name": "Mallory",
        "email": "m@example.com",
        "challenge": "devops/task-tracker",
        "deadline": "2099-01-01",
        "attempts": "2",
    }
    with WebClient() as stranger:
        foreign = csrf_of(stranger, "/login")  # valid, but another session's
    for token in ("", "forged", foreign):
        answer = client.post("/team/invitations", data={**form, "csrf_token": token})
        assert answer.status_code == 403
    db = sessionmaker(open_store(world.db_url).engine)
    assert [i.candidate_name for i in invites.list_for(db, world.org)] == ["Cleo Candidate"]
    cookie = client.get("/login").headers.get("set-cookie", "") or _login_cookie(world)
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def _login_cookie(world: World) -> str:
    with WebClient() as fresh:
        return fresh.get("/login").headers["set-cookie"]


def test_an_invitation_caps_attempts_and_takes_one_grading_at_a_time(
    world: World, client: WebClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with GitServer(tmp_path) as server:
        make_bare_repo(STARTER, tmp_path, "solution")
        monkeypatch.setenv("GRADER_REPO_ALLOWLIST", f"{server.base_url}/")
        get_settings.cache_clear()
        with WebClient() as candidate:
            url = server.url_for("solution")
            first = _submit(candidate, world, url)
            assert first.status_code == 303
            busy = _submit(candidate, world, url)
            assert busy.status_code == 400 and "still being graded" in busy.text
            for _ in range(2):  # a worker finishes the attempt in flight; the next is taken
                _finish_in_flight(world)
                assert _submit(candidate, world, url).status_code == 303
            _finish_in_flight(world)
            capped = _submit(candidate, world, url)
    assert capped.status_code == 400 and "used all 3 attempts" in capped.text


def _submit(client: WebClient, world: World, url: str) -> httpx.Response:
    token = csrf_of(client, "/login")
    return client.post(f"/i/{world.token}/submit", data={"repo_url": url, "csrf_token": token})


def _finish_in_flight(world: World) -> None:
    with open_store(world.db_url) as store:
        db = sessionmaker(store.engine)
        for sid, state in invites.submissions_of(db, world.invitation_id):
            if state != "done":
                _finish(store, sid)


def _finish(store: Store, submission_id: str) -> None:
    claim = store.claim(submission_id, uuid.uuid4().hex, lease_seconds=60)
    assert claim is not None
    store.finish(claim, run_record(replace(graded_report(), run_id=claim.token)))


def test_the_candidate_never_sees_recruiter_fields_of_a_flagged_run(
    world: World, client: WebClient
) -> None:
    with open_store(world.db_url) as store:
        flagged = finished(
            store, world.org, flagged_report(), "Cleo Candidate", world.invitation_id
        )
    page = client.get(f"/i/{world.token}/s/{flagged}").text
    assert "being reviewed by the hiring team" in page
    for secret in ("conftest", "pytest_runtest_makereport", "integrity evidence", "100.0"):
        assert secret not in page
    assert client.get(f"/submissions/{flagged}").status_code == 401  # the old open endpoint
