"""Helpers of the red-team suite: building hostile repositories, reading what probes saw.

Every folder ``repos/<ID>/`` holds only the hostile files of one attack; it is laid over the
honest solution in ``repos/_honest/`` and committed as the bare repository ``<ID>.git``.
Repositories git cannot build from a folder (symlinks out of the tree, submodules, hostile
names, git bombs) are made with git's plumbing in ``crafted``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import docker
import docker.errors

from grader.challenge import Challenge
from grader.models import GradeReport, SandboxRun, TestStatus
from grader.sandbox import SandboxJob
from grader.sandbox.docker import DockerSandbox
from grader.sandbox.docker.container import LABEL_RUN
from grader.settings import Settings

HERE = Path(__file__).resolve().parent
REPOS = HERE / "repos"
HONEST = REPOS / "_honest"
CHALLENGE_DIR = HERE / "challenge"
HOST_MARKER_GLOB = "grader-redteam-pwned*"  # what attacks try to create on the *host*'s /tmp
CANDIDATE_TESTS = {
    "add": "test_add_returns_the_sum",
    "random": "test_add_takes_inputs_chosen_at_grade_time",
    "double": "test_double_finishes_in_time",
    "cli": "test_greets_by_name",
}
NOT_PASSED = frozenset(TestStatus) - {TestStatus.PASSED}


def repo_ids() -> list[str]:
    """Every hostile repository folder, sorted (``_honest`` is the base, not an attack)."""
    return sorted(p.name for p in REPOS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def assemble(repo_id: str, dest: Path) -> Path:
    """The honest files with ``repos/<repo_id>`` laid over them, in the new folder ``dest``."""
    shutil.copytree(HONEST, dest)
    shutil.copytree(REPOS / repo_id, dest, dirs_exist_ok=True, symlinks=True)
    return dest


def statuses(report: GradeReport) -> dict[str, TestStatus]:
    """Hidden test statuses by short name (``test_add_returns_the_sum``)."""
    return {t.id.split("::")[-1]: t.status for t in report.tests}


def status(report: GradeReport, which: str) -> TestStatus:
    """The status of one of :data:`CANDIDATE_TESTS` (``"add"``, ``"double"``, ...)."""
    return statuses(report)[CANDIDATE_TESTS[which]]


def message(report: GradeReport, which: str) -> str:
    test_id = CANDIDATE_TESTS[which]
    return next(t.message for t in report.tests if t.id.endswith(f"::{test_id}"))


def seen(report: GradeReport, prefix: str = "probe") -> dict[str, Any]:
    """What the candidate's ``probe()`` (or ``after()``) returned, from the report's facts."""
    found: dict[str, Any] = {}
    recorded = report.run_facts.recorded if report.run_facts else {}
    for key, raw in recorded.items():
        if key.startswith(f"{prefix}."):
            try:
                found[key.removeprefix(f"{prefix}.")] = json.loads(raw)
            except ValueError:
                found[key.removeprefix(f"{prefix}.")] = raw
    return found


def integrity_rules(report: GradeReport) -> set[str]:
    return {f.rule for f in report.findings if f.severity == "integrity"}


_CONTAINER_ID = re.compile(r"[0-9a-f]{64}")


def container_of(pid: int) -> str | None:
    """The Docker container a host process runs in (from its cgroup), if any."""
    try:
        text = Path(f"/proc/{pid}/cgroup").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = _CONTAINER_ID.search(text)
    return found.group() if found else None


def processes_of(uids: Iterable[int]) -> list[int]:
    """Host pids whose real uid is one of ``uids``."""
    wanted = {str(uid) for uid in uids}
    found = []
    for status_file in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue  # it ended while we looked
        uid_line = next((line for line in lines if line.startswith("Uid:")), "Uid: -")
        if uid_line.split()[1] in wanted:
            found.append(int(status_file.parent.name))
    return found


Reply = Callable[[str], tuple[int, dict[str, str], bytes]]  # path -> status, headers, body


class Stub:
    """A tiny HTTP server on loopback that answers every request with ``reply(path)``.

    ``hang=True`` accepts connections and never answers (a stalled git host). Every request
    path is recorded in ``seen``.
    """

    def __init__(self, reply: Reply | None = None, *, hang: bool = False) -> None:
        self.seen: list[str] = []
        self._stop = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.seen.append(self.path)
                if hang:
                    stub._stop.wait(60)
                    return
                code, headers, body = (reply or _not_found)(self.path)
                self.send_response(code)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Stub:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


def _not_found(path: str) -> tuple[int, dict[str, str], bytes]:
    return 404, {"Content-Type": "text/plain"}, b"not here\n"


def pkt_line(text: bytes) -> bytes:
    """One git protocol packet: four hex digits of length, then the payload."""
    return f"{len(text) + 4:04x}".encode() + text


class Rewriting:
    """The real Docker sandbox, with the judge's results rewritten on their way to the host.

    It stands in for what the grader must survive: a judge compromised from inside (results
    that say everything passed, a replayed stream), and a results file damaged outside the
    sandbox (truncated, lost). The container run itself is real.
    """

    def __init__(self, settings: Settings, rewrite: Callable[[bytes], bytes]) -> None:
        self._real = DockerSandbox(settings)
        self._rewrite = rewrite

    def image_for(self, challenge: Challenge, python: str) -> str:
        return self._real.image_for(challenge, python)

    def run(self, job: SandboxJob) -> SandboxRun:
        try:
            run = self._real.run(job)
        finally:
            self._real.close()
        return dataclasses.replace(run, results_json=self._rewrite(run.results_json))


def rewrite_events(
    change: Callable[[dict[str, Any]], dict[str, Any] | None],
) -> Callable[[bytes], bytes]:
    """A results rewrite that applies ``change`` to every event (``None`` drops it)."""

    def rewrite(raw: bytes) -> bytes:
        events = [change(json.loads(line)) for line in raw.splitlines() if line.strip()]
        return b"".join(json.dumps(e).encode() + b"\n" for e in events if e is not None)

    return rewrite


def stray_processes(client: docker.DockerClient, uids: Iterable[int]) -> list[int]:
    """Host processes of ``uids`` that belong to no other suite's live run.

    Candidate uids come from a hash of the run id, so a concurrent run of another suite can
    share one: a process whose container is still there and labelled with a run that is not
    the red team's is theirs, not a leftover.
    """
    strays = []
    for pid in processes_of(uids):
        container = container_of(pid)
        if container is None or _run_of(client, container).startswith("redteam-"):
            strays.append(pid)
    return strays


def _run_of(client: docker.DockerClient, container: str) -> str:
    """The run label of a container; a gone container counts as one of ours."""
    try:
        labels = client.api.inspect_container(container)["Config"]["Labels"] or {}
    except docker.errors.NotFound:
        return "redteam-gone"
    return str(labels.get(LABEL_RUN, ""))
