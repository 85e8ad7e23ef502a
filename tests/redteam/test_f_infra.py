"""Class F: infrastructure faults. Never charged to the candidate, never shown as failed tests.

Worker loss, redelivery, broker restarts, poison messages and duplicate submissions (F1-F3,
F9, F11, F12) belong to the queue and are covered by the queue issue's tests.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from grader.challenge import Challenge
from grader.gitserve import GitServer
from grader.models import GradeReport, Outcome
from grader.sandbox.docker import DockerSandbox
from grader.sandbox.docker.container import LABEL_RUN, list_managed
from grader.settings import Settings
from tests.conftest import need
from tests.redteam.conftest import Grader, Ledger
from tests.redteam.support import Rewriting

pytestmark = pytest.mark.docker


def _infra(report: GradeReport) -> None:
    """Not the candidate's fault: no score, no test shown at all, a reason that says so."""
    assert report.outcome is Outcome.NOT_GRADABLE, report.reason
    assert report.score is None and report.tests == () and report.categories == ()
    assert "not the candidate's" in report.reason


@pytest.fixture
def dead_docker_socket(tmp_path: Path) -> Iterator[str]:
    """A daemon socket nobody answers on: what the worker sees when dockerd is down."""
    path = tmp_path / "docker.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))  # bound, never listening: every connection is refused
    yield f"unix://{path}"
    listener.close()


@pytest.mark.filterwarnings("ignore:unclosed:ResourceWarning")  # docker-py's failed connect
def test_docker_down_is_not_gradable(
    grade_repo: Grader, settings: Settings, dead_docker_socket: str
) -> None:
    report = grade_repo(
        "A1", settings_=settings.model_copy(update={"docker_host": dead_docker_socket})
    )
    _infra(report)
    assert "Docker" in report.reason


class _MissingImage(DockerSandbox):
    def image_for(self, challenge: Challenge, python: str) -> str:
        return "grader-redteam-missing:never-built"


def test_a_missing_image_is_not_gradable(grade_repo: Grader, settings: Settings) -> None:
    sandbox = _MissingImage(settings)
    try:
        report = grade_repo("A1", sandbox=sandbox)
    finally:
        sandbox.close()
    _infra(report)
    assert "grader-redteam-missing" in report.reason


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The worker's scratch space on a 64 KiB file system: full at the first real write."""
    folder = tmp_path / "full"
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=64", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        need("mount", f"a tiny tmpfs stands in for a full disk: {done.stderr.decode().strip()}")
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_worker_disk_is_not_gradable(grade_repo: Grader, full_disk: Path) -> None:
    report = grade_repo("D14-blob")  # a 3 MB file: its pack does not fit
    _infra(report)


def test_a_container_paused_from_outside_is_not_gradable(
    grade_repo: Grader, ledger: Ledger, docker_client: docker.DockerClient
) -> None:
    reports: list[GradeReport] = []
    worker = threading.Thread(target=lambda: reports.append(grade_repo("A5")))
    worker.start()
    run_id = ""
    deadline = time.monotonic() + 30
    while not run_id and time.monotonic() < deadline:
        mine = [
            c
            for c in list_managed(docker_client)
            if c["Labels"].get(LABEL_RUN) == (ledger.run_ids[-1] if ledger.run_ids else "")
            and c["State"] == "running"
        ]
        if mine:
            run_id = mine[0]["Labels"][LABEL_RUN]
            time.sleep(0.5)  # into the hidden tests
            docker_client.api.pause(mine[0]["Id"])
        time.sleep(0.05)
    worker.join(60)
    assert run_id, "the container never started"
    _infra(reports[0])
    assert "paused" in reports[0].reason
    assert [c for c in list_managed(docker_client) if c["Labels"].get(LABEL_RUN) == run_id] == []


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        pytest.param(503, Outcome.NOT_GRADABLE, id="503"),
        pytest.param(429, Outcome.NOT_GRADABLE, id="429"),
        pytest.param(404, Outcome.REJECTED, id="404"),
    ],
)
def test_git_host_outages_are_infra_and_missing_repos_are_rejected(
    grade_repo: Grader, repo_root: Path, settings: Settings, status: int, outcome: Outcome
) -> None:
    with GitServer(repo_root, fail_with={"A1": status}) as failing:
        allowed = settings.model_copy(update={"repo_allowlist": (failing.base_url + "/",)})
        report = grade_repo("A1", url=failing.url_for("A1"), settings_=allowed)
    assert report.outcome is outcome, report.reason
    assert report.tests == () and report.score is None


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: b"", id="nothing"),
        pytest.param(
            lambda raw: b"\n".join(raw.split(b"\n")[:1] + raw.split(b"\n")[2:]), id="short"
        ),
        pytest.param(lambda raw: b"\x80\x03cos\nsystem\n" + raw, id="pickle"),
    ],
)
def test_damaged_results_outside_the_sandbox_are_not_gradable(
    grade_repo: Grader, settings: Settings, damage: Callable[[bytes], bytes]
) -> None:
    report = grade_repo("A7", sandbox=Rewriting(settings, damage))
    _infra(report)
