"""Real-browser fixtures: the app under uvicorn on loopback, a queue worker thread, a git
server on loopback, and Debian's Chromium driven by Playwright (no browser download).

The worker runs the real queue lifecycle (claim, phase stamps, finish, reports) through
:func:`grader.queue.run_attempt`; its grade function is paced and canned, so these tests
exercise the web app, not the sandbox (the sandbox has its own integration tests).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import sqlalchemy as sa
import uvicorn

from grader.gitserve import GitServer, make_bare_repo
from grader.models import GradeReport, Phase
from grader.pipeline import GradeRequest, Observer
from grader.queue import run_attempt
from grader.sandbox import Sandbox
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.store import open_store
from grader.testing import graded_report
from grader.web import create_app
from tests.conftest import need
from tests.web_support import World, build_world

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("GRADER_TEST_ARTIFACTS", PROJECT_ROOT / "out" / "e2e"))
SAMPLE = PROJECT_ROOT / "challenges" / "devops" / "task-tracker" / "samples" / "strong"
A11Y = (Path(__file__).parent / "a11y.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Live:
    base_url: str
    repo_url: str
    world: World


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def paced_grade(
    request: GradeRequest,
    settings: Settings,
    *,
    sandbox: Sandbox | None = None,
    observer: Observer | None = None,
) -> GradeReport:
    """Walk the phases a real grading walks, slowly enough to watch, then a canned report."""
    assert observer is not None
    for phase in (Phase.FETCH, Phase.PREPARE, Phase.SANDBOX):
        observer.phase_started(phase)
        time.sleep(1.2)
        observer.phase_finished(phase, 1.2)
    return replace(
        graded_report(),
        run_id=request.run_id,
        challenge=request.challenge.ref,
        repo_url=request.url,
        commit=request.commit or "",
    )


def _work(stop: threading.Event, settings: Settings) -> None:
    with open_store(settings.effective_database_url) as store:
        while not stop.is_set():
            with store.engine.connect() as conn:
                queued = conn.execute(sa.text("SELECT id FROM submissions WHERE state='queued'"))
                ids = [row[0] for row in queued]
            for submission_id in ids:
                run_attempt(submission_id, settings, store, grade_fn=paced_grade)
            stop.wait(0.3)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    if not CHROMIUM.exists():
        need("chromium", "install Debian's chromium package (scripts/setup does)")
    home = tmp_path_factory.mktemp("e2e-home")
    repos = tmp_path_factory.mktemp("e2e-repos")
    patch = pytest.MonkeyPatch()
    with GitServer(repos) as git:
        make_bare_repo(SAMPLE, repos, "cleo-solution")
        patch.setenv("GRADER_HOME", str(home))
        patch.setenv("GRADER_REPO_ALLOWLIST", f"{git.base_url}/")
        get_settings.cache_clear()
        settings = get_settings()
        world = build_world()
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
        )
        stop = threading.Event()
        threads = [
            threading.Thread(target=server.run, daemon=True),
            threading.Thread(target=_work, args=(stop, settings), daemon=True),
        ]
        for thread in threads:
            thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            yield Live(f"http://127.0.0.1:{port}", git.url_for("cleo-solution"), world)
        finally:
            stop.set()
            server.should_exit = True
            for thread in threads:
                thread.join(timeout=10)
            patch.undo()
            get_settings.cache_clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - browser tests only

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        yield launched
        launched.close()
