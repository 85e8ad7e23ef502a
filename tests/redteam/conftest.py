"""The red-team suite: hostile repositories graded through the real pipeline.

Real git over loopback (one ``GitServer`` per module), real Docker, the real harness. A
package-level check runs after the whole suite: no grader container of these runs, no process
of their candidate uids on the host, no scratch file left in the suite's private temp folder,
nothing an attack tried to create on the host, no new Docker volume, network or image, and the
host files attacks aim at unchanged.
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import docker
import pytest

from grader.challenge import Challenge, load_challenge
from grader.gitserve import GitServer, make_bare_repo
from grader.models import GradeReport
from grader.pipeline import GradeRequest, grade
from grader.sandbox import Sandbox
from grader.sandbox.docker.container import LABEL_RUN, list_managed
from grader.sandbox.uids import candidate_uid
from grader.settings import Settings, get_settings
from tests.integration.conftest import base_image, docker_client
from tests.redteam.crafted import CRAFTED
from tests.redteam.support import (
    CHALLENGE_DIR,
    HOST_MARKER_GLOB,
    assemble,
    repo_ids,
    stray_processes,
)

__all__ = ["base_image", "docker_client"]  # fixtures shared with the integration tests

collect_ignore = ["repos", "challenge"]  # hostile code and hidden tests: data, not our tests

HOST_FILES = ("/etc/passwd", "/etc/hosts", "/etc/crontab", "/root/.bashrc")
IMAGE_LABEL = "grader.redteam"  # a hostile Dockerfile labels its image with it (row A20)

Grader = Callable[..., GradeReport]


@dataclass
class Ledger:
    """Every run the suite started, so the final check knows whose leftovers to look for."""

    run_ids: list[str] = field(default_factory=list)

    def new_run(self, name: str) -> str:
        run_id = f"redteam-{name}-{uuid.uuid4().hex[:12]}"
        self.run_ids.append(run_id)
        return run_id

    @property
    def uids(self) -> set[int]:
        return {candidate_uid(run_id) for run_id in self.run_ids}


@pytest.fixture(scope="package")
def ledger() -> Ledger:
    return Ledger()


def _digests() -> dict[str, str]:
    return {
        path: hashlib.sha256(Path(path).read_bytes()).hexdigest()
        for path in HOST_FILES
        if Path(path).is_file()
    }


@pytest.fixture(scope="package", autouse=True)
def _leaves_nothing_behind(
    docker_client: docker.DockerClient, ledger: Ledger, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """After the suite: nothing of the hostile runs is left on the host or in Docker."""
    volumes = {v.id for v in docker_client.volumes.list()}
    networks = {n.id for n in docker_client.networks.list()}
    host_files = _digests()
    private = tmp_path_factory.mktemp("redteam-tmp")
    saved, tempfile.tempdir = tempfile.tempdir, str(private)
    try:
        yield
    finally:
        tempfile.tempdir = saved
    ours = [
        c["Id"][:12]
        for c in list_managed(docker_client)
        if (c.get("Labels") or {}).get(LABEL_RUN, "").startswith("redteam-")
    ]
    new_volumes = [
        v.id for v in docker_client.volumes.list(filters={"dangling": True}) if v.id not in volumes
    ]
    new_networks = [n.name for n in docker_client.networks.list() if n.id not in networks]
    assert ours == [], f"containers of red-team runs left behind: {ours}"
    assert stray_processes(docker_client, ledger.uids) == [], "candidate processes left"
    assert sorted(p.name for p in private.iterdir()) == [], "scratch files left behind"
    assert sorted(Path("/tmp").glob(HOST_MARKER_GLOB)) == [], "an attack reached the host"
    assert new_volumes == [] and new_networks == [], (new_volumes, new_networks)
    assert docker_client.images.list(filters={"label": IMAGE_LABEL}) == []
    assert _digests() == host_files, "a host file changed"


@pytest.fixture(scope="package")
def repo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every hostile repository as a bare repo ``<ID>.git``, built once for the suite."""
    root = tmp_path_factory.mktemp("redteam-git")
    work = tmp_path_factory.mktemp("redteam-src")
    for repo_id in repo_ids():
        make_bare_repo(assemble(repo_id, work / repo_id), root, repo_id)
    for name, build in CRAFTED.items():
        build(root, name)
    return root


@pytest.fixture(scope="module")
def server(repo_root: Path) -> Iterator[GitServer]:
    with GitServer(repo_root) as git_server:
        yield git_server


@pytest.fixture(scope="package")
def challenge() -> Challenge:
    return load_challenge(CHALLENGE_DIR)


@pytest.fixture
def settings(server: GitServer, docker_client: docker.DockerClient, base_image: str) -> Settings:
    """Only the loopback server is allowed; no dependency is ever downloaded (no network)."""
    return get_settings().model_copy(
        update={"repo_allowlist": (server.base_url + "/",), "allow_dependency_download": False}
    )


@pytest.fixture
def grade_repo(
    server: GitServer, settings: Settings, challenge: Challenge, ledger: Ledger
) -> Grader:
    """``grade_repo("A1")`` grades ``A1.git`` (keywords: url, ref, commit, settings, sandbox,
    deadline)."""

    def run(
        name: str,
        *,
        url: str | None = None,
        ref: str | None = None,
        commit: str | None = None,
        settings_: Settings | None = None,
        sandbox: Sandbox | None = None,
        deadline: datetime | None = None,
    ) -> GradeReport:
        request = GradeRequest(
            url=url or server.url_for(name),
            challenge=challenge,
            ref=ref,
            commit=commit,
            run_id=ledger.new_run(name),
            deadline=deadline,
        )
        return grade(request, settings_ or settings, sandbox=sandbox)

    return run
