"""The queue end to end: real Redis, real PostgreSQL, real ``grader worker`` processes, real
Docker, real git over loopback. The issue's "done when" list, one test each."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docker
import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from grader.challenge import load_challenge
from grader.cli import main
from grader.gitserve import GitServer, make_bare_repo
from grader.models import GradeReport, Outcome, TestStatus
from grader.pipeline import GradeRequest, grade
from grader.queue import CeleryPublisher, submit
from grader.report import from_json_dict
from grader.sandbox.docker.container import LABEL_CREATED, LABEL_MANAGED, LABEL_RUN, list_managed
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.store import Store, SubmissionStatus, open_store
from grader.store.tables import RunTable
from tests.integration.services import PostgresServer, RedisServer, free_port
from tests.web_support import api_token

pytestmark = [pytest.mark.docker, pytest.mark.slow]

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "challenges"
CHALLENGE = "fixture/functions"
WORKER_CMD = [sys.executable, "-c", "from grader.cli import main; main()"]
_redis_db = itertools.count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitServer]:
    root = tmp_path_factory.mktemp("git")
    for folder in sorted((FIXTURES / CHALLENGE / "submissions").iterdir()):
        make_bare_repo(folder, root, f"functions-{folder.name}")
    with GitServer(root) as git_server:
        yield git_server


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    started = RedisServer().start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    started = PostgresServer().start()
    yield started
    started.stop()


@pytest.fixture
def env(
    server: GitServer,
    redis_server: RedisServer,
    postgres: PostgresServer,
    base_image: str,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """Settings for this test's workers and for this process: a fresh database, its own Redis
    database, short leases and deadlines so recovery happens in seconds."""
    values = {
        "GRADER_HOME": os.environ["GRADER_HOME"],
        "GRADER_DATABASE_URL": postgres.create_database(),
        "GRADER_BROKER_URL": f"{redis_server.url.rsplit('/', 1)[0]}/{next(_redis_db) % 16}",
        "GRADER_REPO_ALLOWLIST": server.base_url + "/",
        "GRADER_CHALLENGES_DIR": str(FIXTURES),
        "GRADER_WORKER_CONCURRENCY": "1",
        "GRADER_LEASE_SECONDS": "3",
        "GRADER_REAPER_INTERVAL_SECONDS": "0.5",
        "GRADER_QUEUED_TIMEOUT_SECONDS": "60",
        "GRADER_RETRY_BACKOFF_SECONDS": "0.2",
        "GRADER_MAX_WALL_SECONDS": "60",
        # Only containers this module labels as ancient are old enough to reap, never the
        # sandboxes of anything else sharing this Docker daemon.
        "GRADER_REAP_GRACE_SECONDS": "3600",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return values


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return get_settings()


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    with open_store(settings.effective_database_url) as opened:
        yield opened


class Workers:
    """``grader worker`` processes of one test, each in its own process group."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, **extra: str) -> subprocess.Popen[bytes]:
        log = self.logs / f"{name}.log"
        argv = [*WORKER_CMD, "worker", f"--hostname={name}@%h"]
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                argv,
                cwd=PROJECT_ROOT,
                env={**os.environ, **self.env, **extra},
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[name] = proc
        _wait_for(lambda: " ready." in log.read_text(), 60, f"worker {name}: {log}")
        return proc

    def kill(self, name: str) -> None:
        """SIGKILL the worker and its pool children, as a dying host would."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name)
        proc.terminate()  # warm shutdown: finish the current task, then exit
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)


@pytest.fixture
def workers(env: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    started = Workers(env, tmp_path)
    yield started
    started.stop_all()


def _wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


def _submit(server: GitServer, settings: Settings, store: Store, name: str) -> str:
    with CeleryPublisher(settings) as publisher:
        return submit(server.url_for(f"functions-{name}"), CHALLENGE, settings, store, publisher).id


def _all_done(store: Store, ids: list[str], seconds: float) -> list[SubmissionStatus]:
    _wait_for(
        lambda: all(store.status(i).state == "done" for i in ids), seconds, f"{len(ids)} gradings"
    )
    return [store.status(i) for i in ids]


def _report(store: Store, found: SubmissionStatus) -> GradeReport:
    assert found.run_id is not None
    return from_json_dict(store.get_run(found.run_id).report)


def _essence(report: GradeReport) -> tuple[Outcome, float | None, dict[str, TestStatus]]:
    return report.outcome, report.score, {t.id: t.status for t in report.tests}


def _runs_per_submission(settings: Settings) -> dict[str, list[int]]:
    engine = sa.create_engine(settings.effective_database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(RunTable.submission_id, RunTable.attempt)).all()
    finally:
        engine.dispose()
    found: dict[str, list[int]] = {}
    for submission_id, attempt in rows:
        found.setdefault(submission_id, []).append(attempt)
    return found


def _holder(settings: Settings, submission_id: str) -> str:
    engine = sa.create_engine(settings.effective_database_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT holder FROM submissions WHERE id = :id")
            return str(conn.execute(query, {"id": submission_id}).scalar_one())
    finally:
        engine.dispose()


def test_twenty_submissions_on_two_workers_are_each_graded_once_as_one_by_one(
    server: GitServer, settings: Settings, store: Store, workers: Workers
) -> None:
    names = ["good", "wrong", "alwaysequal", "peek"]
    challenge = load_challenge(FIXTURES / CHALLENGE)
    one_by_one = {
        name: _essence(
            grade(
                GradeRequest(url=server.url_for(f"functions-{name}"), challenge=challenge), settings
            )
        )
        for name in names
    }
    ids = {_submit(server, settings, store, name): name for name in names * 5}
    workers.start("w1")
    workers.start("w2")
    done = _all_done(store, list(ids), 120)
    assert {_essence(_report(store, found)) == one_by_one[ids[found.id]] for found in done} == {
        True
    }
    assert all(found.tries == 1 and found.attempt == 1 for found in done)
    assert _runs_per_submission(settings) == {i: [1] for i in ids}
    assert {found.worker.split("@")[0] for found in done} == {"w1", "w2"}


def test_a_pool_process_recycled_after_each_grading_finishes_its_run_before_it_exits(
    server: GitServer, settings: Settings, store: Store, workers: Workers
) -> None:
    """A run is finished on a background thread while the next delivery starts; with a pool
    process replaced after every task, each run is still finished once, by the process that
    graded it (no lease lapses, no regrade). The finish usually beats the process's exit even
    without the drain on exit; tests/unit/test_queue_config.py proves the drain waits."""
    workers.start("recycled", GRADER_WORKER_MAX_TASKS_PER_CHILD="1")
    ids = [_submit(server, settings, store, name) for name in ("good", "wrong", "good")]
    done = _all_done(store, ids, 90)
    assert [(found.tries, found.outcome) for found in done] == [
        (1, "graded"),
        (1, "graded"),
        (1, "graded"),
    ]
    assert all(found.phases["reported"] is not None for found in done)
    assert _runs_per_submission(settings) == {i: [1] for i in ids}


def test_a_worker_killed_mid_grade_is_replaced_and_the_submission_has_one_result(
    server: GitServer,
    settings: Settings,
    store: Store,
    workers: Workers,
    docker_client: docker.DockerClient,
) -> None:
    workers.start("doomed")
    submission = _submit(server, settings, store, "loop")  # one test runs into its time limit
    _wait_for(lambda: store.status(submission).phases["started"] is not None, 30, "sandbox start")
    orphan_run = _holder(settings, submission)
    workers.kill("doomed")
    try:
        workers.start("survivor")
        (found,) = _all_done(store, [submission], 60)
    finally:
        for container in list_managed(docker_client):
            if (container.get("Labels") or {}).get(LABEL_RUN) == orphan_run:
                docker_client.api.remove_container(container["Id"], v=True, force=True)
    assert found.worker.startswith("survivor@")
    assert (found.attempt, found.tries, found.outcome) == (1, 2, "graded")
    statuses = _essence(_report(store, found))[2]
    assert TestStatus.TIMEOUT in statuses.values() and TestStatus.PASSED in statuses.values()
    assert _runs_per_submission(settings) == {submission: [1]}


def test_submissions_queued_when_redis_restarts_without_persistence_are_still_graded(
    server: GitServer,
    settings: Settings,
    store: Store,
    workers: Workers,
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRADER_QUEUED_TIMEOUT_SECONDS", "3")  # when the reaper steps in
    get_settings.cache_clear()
    settings = get_settings()
    workers.start("steady", GRADER_QUEUED_TIMEOUT_SECONDS="3")
    busy = _submit(server, settings, store, "loop")
    _wait_for(lambda: store.status(busy).state == "running", 30, "the worker to be busy")
    waiting = [_submit(server, settings, store, name) for name in ("good", "wrong", "peek")]
    with CeleryPublisher(settings) as publisher:
        assert publisher.view(("default",)).depths["default"] == len(waiting)
    redis_server.restart()
    with CeleryPublisher(settings) as publisher:
        assert publisher.view(("default",)).depths["default"] == 0  # the messages are gone
    done = _all_done(store, [busy, *waiting], 90)
    assert [found.outcome for found in done] == ["graded", "graded", "graded", "flagged"]
    assert _runs_per_submission(settings) == {i: [1] for i in [busy, *waiting]}


@pytest.fixture
def dead_docker_socket() -> Iterator[str]:
    """A daemon socket nobody answers on: what a worker sees when dockerd is stopped."""
    folder = Path(tempfile.mkdtemp(prefix="grader-dead-docker-"))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(folder / "docker.sock"))  # bound, never listening: connections refused
    yield f"unix://{folder / 'docker.sock'}"
    listener.close()
    (folder / "docker.sock").unlink()
    folder.rmdir()


def _cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return result.stdout


def test_docker_down_ends_not_gradable_after_capped_retries_and_regrade_grades_it(
    server: GitServer, env: dict[str, str], workers: Workers, dead_docker_socket: str
) -> None:
    workers.start("sick", GRADER_DOCKER_HOST=dead_docker_socket, GRADER_MAX_RETRIES="2")
    url = server.url_for("functions-good")
    submission = json.loads(_cli(env, "submit", url, "-c", CHALLENGE, "--json"))["id"]

    def status() -> dict[str, Any]:
        found: dict[str, Any] = json.loads(_cli(env, "status", submission, "--json"))
        return found

    _wait_for(lambda: status()["state"] == "done", 60, "the retries to run out")
    sick = status()
    assert (sick["outcome"], sick["score"], sick["tries"]) == ("not_gradable", None, 3)
    assert "Docker" in str(sick["reason"]) and "gave up after 3 tries" in str(sick["reason"])
    workers.stop("sick")
    workers.start("healthy")
    _cli(env, "regrade", submission)
    _wait_for(lambda: status()["state"] == "done", 60, "the regrade")
    healthy = status()
    assert (healthy["attempt"], healthy["outcome"], healthy["score"]) == (2, "graded", 100.0)
    assert all(healthy["timestamps"].values())


def test_the_reaper_in_a_worker_removes_an_orphaned_sandbox_container(
    workers: Workers, docker_client: docker.DockerClient, base_image: str
) -> None:
    run = f"orphan-{uuid.uuid4().hex}"
    labels = {LABEL_MANAGED: "1", LABEL_RUN: run, LABEL_CREATED: str(int(time.time()) - 86_400)}
    docker_client.api.create_container(base_image, command=["true"], labels=labels)

    def orphan_left() -> bool:
        return any(
            (c.get("Labels") or {}).get(LABEL_RUN) == run for c in list_managed(docker_client)
        )

    assert orphan_left()
    workers.start("reaper")
    _wait_for(lambda: not orphan_left(), 20, "the reaper")


def test_grader_serve_grades_a_rest_submission_with_no_broker_server(
    server: GitServer, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = {**os.environ, **env}
    del embedded["GRADER_BROKER_URL"], embedded["GRADER_DATABASE_URL"]  # the defaults: SQLite
    for name in ("GRADER_BROKER_URL", "GRADER_DATABASE_URL"):
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    auth = {"Authorization": f"Bearer {api_token()}"}  # in the SQLite database serve opens
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        serve = subprocess.Popen(
            [*WORKER_CMD, "serve", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=embedded,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _answers(base) and " ready." in log.read_text(), 60, f"serve: {log}")
        body = {"repo_url": server.url_for("functions-good"), "challenge": CHALLENGE}
        created = httpx.post(f"{base}/submissions", json=body, headers=auth, timeout=30)
        assert created.status_code == 202, created.text
        where = f"{base}/submissions/{created.json()['id']}"
        _wait_for(lambda: httpx.get(where, headers=auth).json()["state"] == "done", 60, "grading")
        result = httpx.get(where, headers=auth).json()
        assert (result["outcome"], result["score"]) == ("graded", 100.0)
        assert "sqla+sqlite" in log.read_text()
    finally:
        serve.terminate()
        serve.wait(timeout=60)
    assert _group_members(serve.pid) == []


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _group_members(pgid: int) -> list[int]:
    """Processes still in the process group: the worker ``grader serve`` started must be gone."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members
