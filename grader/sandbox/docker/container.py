"""Run the judge in a fresh, locked-down container and bring back what it wrote.

The layout (:mod:`grader.sandbox.layout`) and every setting are explained in
``docs/sandbox.md``. Files go in and results come out over the container's attach stream: the
judge's stdin carries the judge files and the submission as tars, its stdout the results
stream, its stderr the log. The worker never reads a path the sandbox wrote, and no archive
copy is made (in Docker 20.10 each one re-executes the daemon: ~50 ms of CPU).
"""

from __future__ import annotations

import gc
import io
import logging
import queue
import socket
import struct
import tarfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
import requests.exceptions
from docker.types import LogConfig, Ulimit

from grader.errors import DockerUnavailableError, ImageError, JudgeError
from grader.models import SandboxRun
from grader.sandbox.layout import (
    DEPS_DIR,
    JUDGE_DIR,
    SCRATCH_DIR,
    SUBMISSION_DIR,
    WORK_DIR,
    judge_command,
    judge_env,
    judge_input,
)
from grader.sandbox.port import SandboxJob
from grader.sandbox.uids import leased_uid
from grader.text import clean_text

log = logging.getLogger(__name__)

MAX_RESULTS_BYTES = 1024 * 1024
MAX_LOG_CHARS = 20_000
LOG_TAIL_BYTES = 4 * MAX_LOG_CHARS  # of the judge's stderr, kept while it runs
STDOUT = 1  # attach stream frames: 1 stdout (the results), 2 stderr (the log)
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
        if client.api.base_url.startswith("http+docker://"):  # a local socket takes no proxy
            # requests would otherwise scan the whole environment for proxy settings on
            # every call: a tenth of the worker's own CPU per grading.
            client.api.trust_env = False
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
        stdin = judge_input(_tar_of(job.judge_files, dir_mode=0o700), job.submission_tar)
        # Attached before the start, so not a byte of the judge's output is missed.
        attached = client.api.attach_socket(
            container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
        )
        raw: socket.socket = getattr(attached, "_sock", attached)  # under docker-py's wrapper
        try:
            client.api.start(container_id)
            exit_code, timed_out, output = _wait(
                client, container_id, raw, stdin, job.limits.wall_seconds
            )
        finally:
            attached.close()
            raw.close()
        state = client.api.inspect_container(container_id)["State"]
        digest = client.images.get(job.image).id
    except DOCKER_FAULTS as exc:
        raise DockerUnavailableError(f"Docker failed during the run: {exc}") from exc
    finally:
        remove_container(client, container_id)
    if output.results_overflow:
        raise JudgeError(f"the judge's results exceed {MAX_RESULTS_BYTES // 1024} KiB")
    # The judge's own output matters only when it did not end normally (pytest's 0 or 1
    # with results written).
    normal = not timed_out and exit_code in (0, 1) and bool(output.results)
    return SandboxRun(
        results_json=output.results,
        exit_code=None if timed_out else exit_code,
        timed_out=timed_out,
        oom_killed=bool(state.get("OOMKilled")),
        log_tail="" if normal else clean_text(output.log.decode("utf-8", "replace"), MAX_LOG_CHARS),
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
        # The worker reads the judge's output over the attach stream; a log file would be a
        # second copy, written by the daemon.
        log_config=LogConfig(type="none"),
    )
    try:
        created = client.api.create_container(
            job.image,
            command=list(judge_command()),
            stdin_open=True,  # and StdinOnce: the judge's stdin ends when the worker's input does
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


@dataclass
class _Output:
    """What the judge wrote: the results (stdout, bounded) and the log's tail (stderr)."""

    results: bytes = b""
    results_overflow: bool = False
    log: bytes = b""


def _exchange(raw: socket.socket, stdin: Sequence[bytes]) -> _Output:
    """Feed ``stdin`` (its parts in turn) to the container and read its output until it
    closes (it exited).

    The input is written by a second thread, so a judge that writes while the worker still
    sends cannot deadlock the two. Past :data:`MAX_RESULTS_BYTES` results are drained, not
    kept; of the log only the last :data:`LOG_TAIL_BYTES` are kept.
    """
    raw.settimeout(None)  # the wall clock bounds the run: a kill ends the stream

    def feed() -> None:
        try:
            for part in stdin:
                raw.sendall(part)
            raw.shutdown(socket.SHUT_WR)  # StdinOnce: the judge's stdin ends here
        except OSError as exc:  # the container ended first: its exit code tells why
            log.info("the sandbox stopped reading its input: %s", exc)

    writer = threading.Thread(target=feed, name="sandbox-stdin", daemon=True)
    writer.start()
    results, log_tail = bytearray(), bytearray()
    overflow = False
    for stream, data in _frames(raw):
        if stream == STDOUT:
            overflow = overflow or len(results) + len(data) > MAX_RESULTS_BYTES
            if not overflow:
                results.extend(data)
        else:
            log_tail.extend(data)
            del log_tail[:-LOG_TAIL_BYTES]
    writer.join()
    return _Output(bytes(results), overflow, bytes(log_tail))


def _frames(raw: socket.socket) -> Iterator[tuple[int, bytes]]:
    """(stream, bytes) frames of a non-TTY attach stream (an 8-byte header: stream, 0, 0, 0,
    big-endian size), until the daemon closes it."""
    with raw.makefile("rb") as reader:
        while len(header := reader.read(8)) == 8:
            stream, size = struct.unpack(">BxxxL", header)
            yield stream, reader.read(size)


def _wait(
    client: docker.DockerClient,
    container_id: str,
    raw: socket.socket,
    stdin: Sequence[bytes],
    wall_seconds: int,
) -> tuple[int, bool, _Output]:
    """Run the exchange up to the wall limit; on expiry kill from outside.

    Returns (exit code, timed out, output). A helper thread feeds the input, reads the output
    until the container closes it, then asks for the exit code with one blocking ``wait``: the
    exit is seen the moment it happens, with no polling. Meanwhile this thread checks once a
    second that nobody paused the container, and kills it at the wall limit, which ends the
    stream. The ``wait`` request's read timeout lies beyond the wall limit, so it never fires:
    a timed-out HTTP read on the daemon's unix socket leaks the connection inside docker-py.
    """
    done: queue.Queue[tuple[Mapping[str, object], _Output] | BaseException] = queue.Queue(1)

    def run() -> None:
        try:
            output = _exchange(raw, stdin)
            done.put(
                (client.api.wait(container_id, timeout=wall_seconds + WAIT_MARGIN_SECONDS), output)
            )
        except (*DOCKER_FAULTS, OSError) as exc:
            done.put(exc)

    threading.Thread(target=run, name=f"sandbox-{container_id[:12]}", daemon=True).start()
    deadline = time.monotonic() + wall_seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            code, output = _finished(done.get(timeout=min(PAUSE_CHECK_SECONDS, left)))
            return code, False, output
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
    code, output = _finished(answer)
    return code, True, output


def _finished(
    answer: tuple[Mapping[str, object], _Output] | BaseException,
) -> tuple[int, _Output]:
    """The exit code in a ``wait`` answer, and the output; the fault, raised, when one failed."""
    if isinstance(answer, BaseException):
        raise answer
    status, output = answer
    code = status.get("StatusCode")
    return (code if isinstance(code, int) else -1), output


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
