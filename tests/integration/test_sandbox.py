"""The sandbox itself, probed by a stand-in judge inside a real container (no harness needed)."""

from __future__ import annotations

import io
import json
import tarfile
import time

import docker
import pytest

from grader.errors import DockerUnavailableError, ImageError, JudgeError
from grader.models import Limits
from grader.sandbox import SandboxJob
from grader.sandbox.docker.container import (
    LABEL_MANAGED,
    LABEL_RUN,
    MAX_RESULTS_BYTES,
    connect,
    list_managed,
    run_container,
)
from grader.sandbox.docker.reap import reap

pytestmark = pytest.mark.docker

PROBE = r"""
import json, os, socket, subprocess, sys
out = open(os.environ["GRADER_RESULTS_FILE"], "w")  # boot's private copy of stdout
def fact(key, value):
    out.write(json.dumps({"key": key, "value": value}) + "\n"); out.flush()
fact("uid", os.getuid())
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    fact("network", "open")
except OSError as exc:
    fact("network", type(exc).__name__)
try:
    open("/etc/probe", "w")
    fact("root_fs", "writable")
except OSError as exc:
    fact("root_fs", exc.errno)
fact("submission", sorted(os.listdir("/submission")))
fact("submission_mode", oct(os.stat("/submission/solution.py").st_mode & 0o777))
as_candidate = lambda code: subprocess.run(
    [sys.executable, "-c", code], user=61000, group=61000, extra_groups=[],
    capture_output=True, text=True).stdout.strip()
TRY = "try:\n {}; print('yes')\nexcept PermissionError: print('PermissionError')"
fact("candidate_reads_judge", as_candidate(TRY.format("__import__('os').listdir('/judge')")))
fact("candidate_writes_submission", as_candidate(TRY.format("open('/submission/x', 'w')")))
fact("candidate_writes_work", as_candidate("open('/work/x','w').write('ok'); print('yes')"))
results_fd = f"/proc/{os.getpid()}/fd/{os.environ['GRADER_RESULTS_FILE'].rsplit('/', 1)[1]}"
fact("candidate_writes_results", as_candidate(TRY.format(f"open({results_fd!r}, 'w')")))
fact("candidate_writes_stdout", as_candidate(TRY.format("open('/proc/1/fd/1', 'w')")))
fact("stdin", sys.stdin.read())
print("to the log, not the results")
fact("caps", [l for l in open("/proc/self/status") if l.startswith("CapEff")][0].split()[1])
fact("peak_kb", int([l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]))
if os.environ.get("PROBE_SLEEP"):
    import time; time.sleep(int(os.environ["PROBE_SLEEP"]))
if os.environ.get("PROBE_FLOOD"):
    out.write("x" * int(os.environ["PROBE_FLOOD"])); out.flush()
if os.environ.get("PROBE_EXIT"):
    print("probe failing on purpose"); sys.exit(int(os.environ["PROBE_EXIT"]))
"""


def _submission() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = b"def add(a, b):\n    return a + b\n"
        info = tarfile.TarInfo("solution.py")
        info.size, info.mode = len(data), 0o644
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _job(
    image: str,
    *,
    run_id: str,
    wall: int = 60,
    env: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> SandboxJob:
    return SandboxJob(
        run_id=run_id,
        image=image,
        limits=Limits(
            memory_mb=256, cpus=1.0, pids=64, disk_mb=64, wall_seconds=wall, test_seconds=5
        ),
        judge_files={
            "harness/grader_harness/judge.py": PROBE.encode(),
            "out/.keep": b"",
            **(extra or {}),
        },
        submission_tar=_submission(),
        env=env or {},
    )


def _facts(raw: bytes) -> dict[str, object]:
    return {row["key"]: row["value"] for row in map(json.loads, raw.decode().splitlines())}


def _containers_of(client: docker.DockerClient, run_id: str) -> list[object]:
    return [c for c in list_managed(client) if c["Labels"].get(LABEL_RUN) == run_id]


def test_judge_runs_locked_down_and_candidate_uid_is_fenced_off(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    run = run_container(docker_client, _job(base_image, run_id="probe-lockdown"))
    facts = _facts(run.results_json)
    assert run.exit_code == 0 and not run.timed_out
    assert facts["uid"] == 0
    assert facts["network"] in {
        "OSError",
        "ConnectionRefusedError",
        "TimeoutError",
    } or "Unreachable" in str(facts["network"])
    assert facts["root_fs"] == 30  # EROFS: read-only root
    assert facts["submission"] == ["solution.py"]
    assert facts["submission_mode"] == "0o644"
    assert facts["candidate_reads_judge"] == "PermissionError"
    assert facts["candidate_writes_submission"] == "PermissionError"
    assert facts["candidate_writes_work"] == "yes"
    # Results leave through the judge's private copy of stdout: no candidate can open it, nor
    # the container's own stdout; the judge's stdin is empty once its input is unpacked, and
    # what it prints goes to the log.
    assert facts["candidate_writes_results"] == "PermissionError"
    assert facts["candidate_writes_stdout"] == "PermissionError"
    assert facts["stdin"] == ""
    assert b"to the log" not in run.results_json
    # Only CAP_KILL (5), CAP_SETGID (6), CAP_SETUID (7) remain.
    assert int(str(facts["caps"]), 16) == (1 << 5) | (1 << 6) | (1 << 7)
    assert run.image_digest.startswith("sha256:")


def test_an_abnormal_end_brings_back_the_judges_log_and_a_normal_one_does_not(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    failed = run_container(
        docker_client, _job(base_image, run_id="probe-exit", env={"PROBE_EXIT": "3"})
    )
    assert failed.exit_code == 3
    assert "probe failing on purpose" in failed.log_tail
    assert b"probe failing" not in failed.results_json
    normal = run_container(docker_client, _job(base_image, run_id="probe-normal"))
    assert normal.exit_code == 0 and normal.log_tail == ""


def test_big_judge_files_are_unpacked_as_they_arrive_not_held_in_the_judges_memory(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    """The candidate's wheels travel in the judge files (up to 500 MB); a copy held by the
    judge would count against the sandbox's memory limit for the whole run."""
    wheels = {"wheels/big-1.0-py3-none-any.whl": bytes(150 * 2**20)}
    run = run_container(docker_client, _job(base_image, run_id="probe-big", extra=wheels))
    facts = _facts(run.results_json)
    assert run.exit_code == 0 and facts["submission"] == ["solution.py"]
    assert int(str(facts["peak_kb"])) < 40 * 1024, facts["peak_kb"]


def test_results_over_the_cap_are_a_judge_error_and_the_container_is_removed(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    flood = {"PROBE_FLOOD": str(MAX_RESULTS_BYTES + 1)}
    with pytest.raises(JudgeError, match="exceed"):
        run_container(docker_client, _job(base_image, run_id="probe-flood", env=flood))
    assert _containers_of(docker_client, "probe-flood") == []


def test_container_and_its_volumes_are_removed_after_the_run(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    volumes_before = {v.name for v in docker_client.volumes.list()}
    run_container(docker_client, _job(base_image, run_id="probe-cleanup"))
    assert _containers_of(docker_client, "probe-cleanup") == []
    assert {v.name for v in docker_client.volumes.list()} <= volumes_before


def test_wall_clock_limit_kills_the_container_from_outside(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    started = time.monotonic()
    run = run_container(
        docker_client, _job(base_image, run_id="probe-wall", wall=3, env={"PROBE_SLEEP": "120"})
    )
    assert run.timed_out and run.exit_code is None
    assert time.monotonic() - started < 60
    assert _facts(run.results_json)["uid"] == 0  # what the judge wrote before the kill survives
    assert _containers_of(docker_client, "probe-wall") == []


def test_missing_image_is_an_infrastructure_fault(docker_client: docker.DockerClient) -> None:
    with pytest.raises(ImageError, match="missing"):
        run_container(docker_client, _job("grader-no-such-image:0", run_id="probe-missing"))


# docker-py leaks the socket of a failed connect (closed by gc in connect()); not ours.
@pytest.mark.filterwarnings("ignore:unclosed:ResourceWarning")
def test_unreachable_daemon_says_how_to_get_one() -> None:
    with pytest.raises(DockerUnavailableError) as info:
        connect("unix:///nonexistent/docker.sock")
    assert "grader doctor" in info.value.hint


def test_reap_removes_only_old_grader_containers(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    labels = {LABEL_MANAGED: "1", LABEL_RUN: "probe-orphan", "grader.created": "1"}
    orphan = docker_client.api.create_container(base_image, command=["sleep", "600"], labels=labels)
    bystander = docker_client.api.create_container(
        base_image, command=["true"], labels={"other": "1"}
    )
    try:
        reaped = reap(docker_client, older_than_seconds=60)
        assert [r.run_id for r in reaped if r.run_id == "probe-orphan"] == ["probe-orphan"]
        assert _containers_of(docker_client, "probe-orphan") == []
        assert docker_client.api.inspect_container(bystander["Id"])["Id"] == bystander["Id"]
    finally:
        docker_client.api.remove_container(bystander["Id"], force=True)
        if _containers_of(docker_client, "probe-orphan"):
            docker_client.api.remove_container(orphan["Id"], force=True)
