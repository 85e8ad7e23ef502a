"""Run the judge in a fresh, locked-down container and bring back what it wrote.

The layout (:mod:`grader.sandbox.layout`) and every setting are explained in
``docs/sandbox.md``. Files go in and out as tar streams through the Docker API; the worker
never follows a path the sandbox wrote.
"""

from __future__ import annotations

import gc
import io
import logging
import queue
import tarfile
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import docker
import docker.errors
import requests.exceptions
from docker.types import LogConfig, Ulimit

from grader.errors import DockerUnavailableError, ImageError, JudgeError
from grader.models import SandboxRun
from grader.sandbox.layout import (
    DEPS_DIR,
    JUDGE_COMMAND,
    JUDGE_DIR,
    RESULTS_PATH,
    SCRATCH_DIR,
    SUBMISSION_DIR,
    WORK_DIR,
    judge_env,
)
from grader.sandbox.port import SandboxJob
from grader.sandbox.uids import leased_uid
from grader.text import clean_text

log = logging.getLogger(__name__)

MAX_RESULTS_BYTES = 1024 * 1024
MAX_LOG_CHARS = 20_000
LABEL_MANAGED = "grader.managed"
LABEL_RUN = "grader.run"
LABEL_CREATED = "grader.created"
PAUSE_CHECK_SECONDS = 1.0  # how often a running sandbox is checked for a pause from outside
WAIT_MARGIN_SECONDS = 120  # the wait request outlives the wall limit by this much
ISOLATED = "none"  # network mode: only the container's own loopback

# Infrastructure errors from the Docker SDK and the HTTP layer underneath it.
DOCKER_FAULTS = (
    docker.errors.APIError,
    docker.errors.DockerException,
    requests.exceptions.RequestException,
)


def connect(docker_host: str = "") -> docker.DockerClient:
    """A client for the configured daemon, or a DockerUnavailableError saying how to get one."""
    client: docker.DockerClient | None = None
    failure = ""
    try:
        client = docker.DockerClient(base_url=docker_host) if docker_host else docker.from_env()
        client.ping()
    except DOCKER_FAULTS as exc:
        failure = f"{type(exc).__name__}: {exc}"
    if not failure and client is not None:
        return client
    if client is not None:
        client.close()
    # docker-py drops the socket of a failed unix-socket connect inside a reference cycle;
    # collect it now rather than at some random later point in the process.
    gc.collect()
    raise DockerUnavailableError(
        f"no Docker daemon answers ({failure[:200]})",
        hint="start one (`sudo dockerd &` or `systemctl start docker`), or run `grader doctor`",
    )


def run_container(
    client: docker.DockerClient,
    job: SandboxJob,
    *,
    runtime: str = "runc",
    network_mode: str = ISOLATED,
) -> SandboxRun:
    """Create, fill, start, wait for, empty and remove one container; never leaves it behind.

    ``runtime`` is the OCI runtime the daemon knows it by (``runc``, ``runsc``);
    ``network_mode`` is ``none`` or ``container:<id>`` to join a sidecar's loopback namespace.
    The candidate uid is leased for as long as the container lives (``uids.leased_uid``).
    """
    with leased_uid(job.run_id) as uid:
        return _run_as(client, job, uid, runtime, network_mode)


def _run_as(
    client: docker.DockerClient, job: SandboxJob, uid: int, runtime: str, network_mode: str
) -> SandboxRun:
    container_id = _create(client, job, uid, runtime, network_mode)
    try:
        _put(client, container_id, JUDGE_DIR, _tar_of(job.judge_files, dir_mode=0o700))
        _put(client, container_id, SUBMISSION_DIR, job.submission_tar)
        client.api.start(container_id)
        exit_code, timed_out = _wait(client, container_id, job.limits.wall_seconds)
        state = client.api.inspect_container(container_id)["State"]
        results = _read_results(client, container_id)
        # The judge's own output matters only when it did not end normally (pytest's 0 or 1
        # with results written); reading it every run cost the daemon a log read per grading.
        normal = not timed_out and exit_code in (0, 1) and bool(results)
        logs = "" if normal else _log_tail(client, container_id)
        digest = client.images.get(job.image).id
    except DOCKER_FAULTS as exc:
        raise DockerUnavailableError(f"Docker failed during the run: {exc}") from exc
    finally:
        remove_container(client, container_id)
    return SandboxRun(
        results_json=results,
        exit_code=None if timed_out else exit_code,
        timed_out=timed_out,
        oom_killed=bool(state.get("OOMKilled")),
        log_tail=logs,
        image=job.image,
        image_digest=str(digest),
        limits=job.limits,
    )


def _create(
    client: docker.DockerClient, job: SandboxJob, uid: int, runtime: str, network_mode: str
) -> str:
    limits = job.limits
    # tmpfs pages count against the memory limit: what the candidate may write (/work, /tmp,
    # /dev/shm) stays under half of it, so filling them cannot crowd out the judge.
    writable = min(limits.disk_mb, limits.memory_mb // 2)
    host_config = client.api.create_host_config(
        network_mode=network_mode,
        runtime=runtime,
        read_only=True,
        tmpfs={
            WORK_DIR: f"rw,nosuid,nodev,size={writable * 3 // 4}m,nr_inodes=200k,mode=1777",
            SCRATCH_DIR: f"rw,nosuid,nodev,noexec,size={writable // 8}m,nr_inodes=50k,mode=1777",
            # exec: binary wheels (.so) load from here; Docker mounts tmpfs noexec by default.
            DEPS_DIR: "rw,exec,nosuid,nodev,size=1024m,mode=0755",
        },
        mem_limit=f"{limits.memory_mb}m",
        memswap_limit=f"{limits.memory_mb}m",
        nano_cpus=int(limits.cpus * 1e9),
        pids_limit=limits.pids,
        cap_drop=["ALL"],
        cap_add=["SETUID", "SETGID", "KILL"],
        security_opt=["no-new-privileges"],
        ipc_mode="private",
        shm_size=f"{max(4, writable // 8)}m",  # Docker reads 0 as its 64 MB default
        init=True,
        ulimits=[Ulimit(name="core", soft=0, hard=0), Ulimit(name="nofile", soft=1024, hard=1024)],
        log_config=LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
    )
    try:
        created = client.api.create_container(
            job.image,
            command=list(JUDGE_COMMAND),
            user="0:0",
            working_dir=JUDGE_DIR,
            environment=judge_env(uid, limits, job.env),
            volumes=[JUDGE_DIR, SUBMISSION_DIR],
            host_config=host_config,
            labels={
                LABEL_MANAGED: "1",
                LABEL_RUN: job.run_id,
                LABEL_CREATED: str(int(time.time())),
            },
            network_disabled=network_mode == ISOLATED,
        )
    except docker.errors.ImageNotFound as exc:
        raise ImageError(
            f"image {job.image} is missing", hint="run `grader setup` to build the images"
        ) from exc
    except DOCKER_FAULTS as exc:
        raise DockerUnavailableError(f"Docker could not create the sandbox: {exc}") from exc
    return str(created["Id"])


def _put(client: docker.DockerClient, container_id: str, path: str, data: bytes) -> None:
    if not client.api.put_archive(container_id, path, data):
        raise DockerUnavailableError(f"Docker refused to copy files into {path}")


def _wait(client: docker.DockerClient, container_id: str, wall_seconds: int) -> tuple[int, bool]:
    """Wait up to the wall limit; on expiry kill from outside. Returns (exit code, timed out).

    One blocking ``wait`` request, in a helper thread, sees the exit the moment it happens (a
    polling loop lost up to its interval per run, and cost the daemon an inspect per poll).
    Its read timeout lies beyond the wall limit, so it never fires: a timed-out HTTP read on
    the daemon's unix socket leaks the connection inside docker-py. Meanwhile this thread
    checks once a second that nobody paused the container, and kills it at the wall limit,
    which ends the ``wait``.
    """
    done: queue.Queue[Mapping[str, object] | BaseException] = queue.Queue(maxsize=1)

    def wait() -> None:
        try:
            done.put(client.api.wait(container_id, timeout=wall_seconds + WAIT_MARGIN_SECONDS))
        except DOCKER_FAULTS as exc:
            done.put(exc)

    threading.Thread(target=wait, name=f"wait-{container_id[:12]}", daemon=True).start()
    deadline = time.monotonic() + wall_seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            return _exit_code(done.get(timeout=min(PAUSE_CHECK_SECONDS, left))), False
        except queue.Empty:
            pass
        if client.api.inspect_container(container_id)["State"].get("Paused"):
            # frozen from outside: its clock is not the candidate's
            raise DockerUnavailableError(
                f"the sandbox container {container_id[:12]} was paused from outside the grader",
                hint="check the host: something else is managing the grader's containers",
            )
    log.info("container %s hit the %ss wall limit; killing it", container_id[:12], wall_seconds)
    try:
        client.api.kill(container_id)
    except docker.errors.APIError as exc:  # it may have exited on its own: its wait says so
        log.info("could not kill container %s: %s", container_id[:12], exc)
    try:
        answer = done.get(timeout=WAIT_MARGIN_SECONDS)
    except queue.Empty as exc:
        raise DockerUnavailableError(f"container {container_id[:12]} did not stop") from exc
    return _exit_code(answer), True


def _exit_code(answer: Mapping[str, object] | BaseException) -> int:
    """The exit code in a ``wait`` answer; the fault, raised, when the request failed."""
    if isinstance(answer, BaseException):
        raise answer
    code = answer.get("StatusCode")
    return code if isinstance(code, int) else -1


def _read_results(client: docker.DockerClient, container_id: str) -> bytes:
    """The judge's results file, read from a bounded tar stream (empty if the judge wrote none)."""
    try:
        stream, _stat = client.api.get_archive(container_id, RESULTS_PATH)
    except docker.errors.NotFound:
        return b""
    raw = _bounded(stream, MAX_RESULTS_BYTES + 64 * 1024)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r|") as archive:
        for member in archive:
            if not member.isfile():
                raise JudgeError(f"results path holds a {member.type!r} entry, not a file")
            extracted = archive.extractfile(member)
            return extracted.read(MAX_RESULTS_BYTES + 1) if extracted else b""
    return b""


def _bounded(chunks: Iterator[bytes], limit: int) -> bytes:
    buffer = bytearray()
    for chunk in chunks:
        buffer.extend(chunk)
        if len(buffer) > limit:
            raise JudgeError(f"the judge's results exceed {limit // 1024} KiB")
    return bytes(buffer)


def _log_tail(client: docker.DockerClient, container_id: str) -> str:
    raw = client.api.logs(container_id, stdout=True, stderr=True, tail=200)
    return clean_text(raw.decode("utf-8", "replace"), MAX_LOG_CHARS)


def remove_container(client: docker.DockerClient, container_id: str) -> None:
    """Force-remove a grader container with its volumes; the reaper retries what fails here."""
    try:
        client.api.remove_container(container_id, v=True, force=True)
    except docker.errors.NotFound:
        pass
    except DOCKER_FAULTS:
        log.warning("could not remove container %s; `grader sandbox reap` will", container_id[:12])


def _tar_of(files: Mapping[str, bytes], *, dir_mode: int) -> bytes:
    """A root-owned tar of ``files``; folders get ``dir_mode``, files 0600 (judge-only)."""
    buffer = io.BytesIO()
    dirs: set[str] = set()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(files):
            parts = name.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if folder not in dirs:
                    dirs.add(folder)
                    archive.addfile(_info(folder, tarfile.DIRTYPE, dir_mode))
            data = files[name]
            info = _info(name, tarfile.REGTYPE, 0o600)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _info(name: str, kind: bytes, mode: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.uid = info.gid = 0
    info.mtime = 0
    return info


def list_managed(client: docker.DockerClient) -> list[dict[str, Any]]:
    """Every container this grader created that still exists, running or not."""
    found: list[dict[str, Any]] = client.api.containers(
        all=True, filters={"label": f"{LABEL_MANAGED}=1"}
    )
    return found
