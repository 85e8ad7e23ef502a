"""The web app's behaviour through its pages and API, on a SQLite store and the embedded broker."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from click.testing import CliRunner
from sqlalchemy import text, update
from sqlalchemy.orm import sessionmaker

from grader.cli import main
from grader.store import open_store
from grader.store.tables import utcnow
from grader.store.web_tables import OrgSubmissionTable, WebhookTable
from grader.testing import graded_report
from grader.web import accounts, webhooks
from grader.web.listing import safe_cell
from grader.web.security import Signer, fresh_session, hash_password, verify_password
from tests.web_support import PASSWORD, WebClient, World, build_world, csrf_of, finished, sign_in

pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def client() -> Iterator[WebClient]:
    with WebClient() as opened:
        yield opened


def _post(client: WebClient, path: str, **data: str) -> object:
    return client.post(path, data={**data, "csrf_token": csrf_of(client, "/login")})


def test_passwords_are_argon2_hashes_that_verify_only_the_right_password() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "!")
    assert not verify_password(None, PASSWORD)


def test_a_session_cookie_that_was_changed_or_is_too_old_is_ignored() -> None:
    signer = Signer(b"k" * 32, max_age_seconds=60)
    cookie = signer.dump(fresh_session("user-1"))
    assert signer.load(cookie) is not None and signer.load(cookie).user_id == "user-1"  # type: ignore[union-attr]
    data, mac = cookie.rsplit(".", 1)
    assert signer.load(data[:-2] + "xx." + mac) is None
    assert Signer(b"other" * 8, 60).load(cookie) is None
    assert Signer(b"k" * 32, max_age_seconds=-1).load(cookie) is None


def test_sign_in_is_throttled_after_repeated_failures(world: World, client: WebClient) -> None:
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        bad = client.post(
            "/login",
            data={
                "email": world.emails["admin"],
                "password": "wrong",
                "csrf_token": csrf_of(client),
            },
        )
        assert bad.status_code == 400 and "not right" in bad.text
    right = client.post(
        "/login",
        data={"email": world.emails["admin"], "password": PASSWORD, "csrf_token": csrf_of(client)},
    )
    assert right.status_code == 429 and "wait 15 minutes" in right.text


def test_sign_in_never_redirects_off_the_site(world: World, client: WebClient) -> None:
    answer = client.post(
        "/login",
        data={
            "email": world.emails["admin"],
            "password": PASSWORD,
            "next": "//evil.example/x",
            "csrf_token": csrf_of(client),
        },
    )
    assert answer.headers["location"] == "/team/submissions"


def test_the_csv_export_neutralises_formulas(world: World, client: WebClient) -> None:
    with open_store(world.db_url) as store, sessionmaker(store.engine).begin() as session:
        session.get_one(OrgSubmissionTable, world.graded).candidate_name = '=HYPERLINK("x")'
    sign_in(client, world.emails["recruiter"])
    text = client.get("/team/submissions.csv").text
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x" and safe_cell("ok") == "ok"


def test_a_reviewer_decision_needs_a_note_to_override_and_joins_the_audit_trail(
    world: World, client: WebClient
) -> None:
    sign_in(client, world.emails["reviewer"])
    path = f"/team/submissions/{world.flagged}/review"
    refused = _post(client, path, decision="override", score="40", note="")
    assert "needs%20a%20note" in refused.headers["location"]  # type: ignore[attr-defined]
    _post(client, path, decision="override", score="40", note="hook only logs timings")
    report = client.get(f"/team/submissions/{world.flagged}").text
    assert "override</strong> to 40.0 by Ann Reviewer" in report and "hook only logs" in report
    queue = client.get("/team/review").text
    assert "Fred Flagged" not in queue


def test_invitations_from_a_csv_are_all_or_nothing(world: World, client: WebClient) -> None:
    sign_in(client, world.emails["recruiter"])
    head = "name,email,challenge,deadline,attempts\n"
    good = (
        head
        + "Ada,ada@example.com,devops/task-tracker,2099-01-01,2\n"
        + "Bob,bob@example.com,devops/task-tracker,2099-01-01,1\n"
    )
    bad = good + "Cy,cy@example.com,nope/none,2099-01-01,1\n"
    token = csrf_of(client, "/team/invitations")
    refused = client.post(
        "/team/invitations/csv",
        data={"csrf_token": token},
        files={"file": ("i.csv", bad.encode(), "text/csv")},
    )
    assert refused.status_code == 400 and "nope/none" in refused.text
    made = client.post(
        "/team/invitations/csv",
        data={"csrf_token": token},
        files={"file": ("i.csv", good.encode(), "text/csv")},
    )
    assert made.status_code == 200 and made.text.count("/i/") >= 2
    assert "Ada" in made.text and "Cy" not in made.text


def test_a_disabled_challenge_closes_its_invitations(world: World, client: WebClient) -> None:
    sign_in(client, world.emails["admin"])
    _post(client, "/admin/challenges/devops/task-tracker", enabled="0")
    with WebClient() as candidate:
        page = candidate.get(f"/i/{world.token}").text
        assert "closed by the hiring team" in page and 'name="repo_url"' not in page
        answer = candidate.post(
            f"/i/{world.token}/submit",
            data={"repo_url": "https://github.com/a/b", "csrf_token": csrf_of(candidate)},
        )
        assert answer.status_code == 400


def test_the_candidate_sees_the_brief_the_starter_and_a_live_url_check(
    world: World, client: WebClient
) -> None:
    page = client.get(f"/i/{world.token}").text
    assert '<h2 id="brief-h">' in page and "Cleo Candidate" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/i/{world.token}/starter.zip").content))
    assert archive.namelist() and all(
        n.startswith("devops-task-tracker/") for n in archive.namelist()
    )
    bad = client.get(f"/i/{world.token}/check", params={"url": "http://10.0.0.1/x.git"}).json()
    assert bad["ok"] is False and bad["message"]
    good = client.get(f"/i/{world.token}/check", params={"url": "https://github.com/a/b"}).json()
    assert good["ok"] is True


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(
    world: World, client: WebClient
) -> None:
    sign_in(client, world.emails["admin"])
    page = _post(client, "/admin/tokens", name="ATS", scope="read").text  # type: ignore[attr-defined]
    secret = page.split('id="new-token">')[1].split("<")[0]
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/challenges", headers=auth).status_code == 200
    assert secret not in client.get("/admin/tokens").text
    with open_store(world.db_url) as store, store.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash, id FROM api_tokens")).one()
    assert secret not in stored[0]
    _post(client, f"/admin/tokens/{stored[1]}/revoke")
    assert client.get("/api/v1/challenges", headers=auth).status_code == 401


class _Receiver(BaseHTTPRequestHandler):
    answers: ClassVar[list[int]] = []
    seen: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append((dict(self.headers), body))
        self.send_response(type(self).answers.pop(0) if type(self).answers else 200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_webhooks_post_signed_json_and_retry_with_backoff(world: World) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.answers[:] = [500]
    _Receiver.seen.clear()
    try:
        with open_store(world.db_url) as store:
            db = sessionmaker(store.engine, expire_on_commit=False)
            # created before the runs, so it hears about them (a new hook hears only new runs)
            secret = webhooks.create(db, world.org, f"http://127.0.0.1:{server.server_port}/hook")
            with db.begin() as session:
                session.execute(
                    update(WebhookTable).values(created_at=utcnow() - timedelta(days=1))
                )
            assert webhooks.collect(db) == 2  # the graded and the flagged run of this org
            assert webhooks.collect(db) == 0
            assert webhooks.deliver_due(db) == 1  # one answered 500, the other 200
            now = utcnow()
            assert webhooks.deliver_due(db, now=now) == 0  # the failed one waits its backoff
            assert webhooks.deliver_due(db, now=now + webhooks.backoff(1)) == 1
            hook = webhooks.hooks(db, world.org)[0]
            log = webhooks.deliveries(db, world.org, hook.id)
    finally:
        server.shutdown()
        server.server_close()
    assert sorted((d.status, d.tries) for d in log) == [("delivered", 1), ("delivered", 2)]
    headers, body = _Receiver.seen[-1]
    stamp = headers["Grader-Signature"].split(",")[0].removeprefix("t=")
    assert headers["Grader-Signature"] == webhooks.sign(secret, int(stamp), body)
    payload = json.loads(body)
    assert payload["event"] in {"submission.graded", "submission.flagged"}
    assert payload["candidate"]["name"] in {"Grace Graded", "Fred Flagged"}


def test_the_first_admin_is_created_from_the_command_line(world: World) -> None:
    result = CliRunner().invoke(
        main, ["users", "create", "lead@acme.test", "--admin", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    short = CliRunner().invoke(main, ["users", "create", "x@acme.test", "--password", "short"])
    assert short.exit_code == 1 and "at least 12" in short.output
    with open_store(world.db_url) as store:
        db = sessionmaker(store.engine)
        found = accounts.authenticate(db, "lead@acme.test", PASSWORD, "127.0.0.1")
    assert found is not None and found.role == "admin"


def test_the_table_pages_by_fifty_and_keeps_the_filters_in_its_links(
    world: World, client: WebClient
) -> None:
    with open_store(world.db_url) as store:
        for n in range(50):
            finished(store, world.org, graded_report(), f"Extra {n:02d}", None)
    sign_in(client, world.emails["recruiter"])
    second = client.get("/team/submissions?page=2&sort=name").text
    assert "Page 2 of 2" in second and 'href="?sort=name&amp;page=1"' in second
    assert second.count('name="ids"') == 2  # 52 rows: 50 on the first page
    first = client.get("/team/submissions?sort=name").text
    assert "Extra 00" in first and "Olga Other" not in first
