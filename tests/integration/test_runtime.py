"""scripts/setup registers gVisor (runsc) with the dockerd it starts.

The shared daemon is never restarted: this starts a second, private dockerd (own socket,
data root, exec root and containerd namespaces, no bridge, no iptables) with exactly the
arguments setup would give its own, and runs a container under runsc in it.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from grader.settings import PROJECT_ROOT
from tests.conftest import need

SETUP = PROJECT_ROOT / "scripts" / "setup"
START_SECONDS = 60
INIT = Path("/usr/bin/docker-init")  # tini, statically linked: an image of one file


def _setup_args() -> list[str]:
    """What scripts/setup would pass its own dockerd for GRADER_SANDBOX_RUNTIME=runsc."""
    script = f"source {SETUP}; install_runsc_wrapper; runtime_args"
    env = {**os.environ, "GRADER_SANDBOX_RUNTIME": "runsc"}
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env, check=True, timeout=60
    )
    return done.stdout.split()


@pytest.fixture
def private_dockerd() -> Iterator[docker.DockerClient]:
    for tool in ("dockerd", "runsc"):
        if shutil.which(tool) is None:
            need(tool, "install it with scripts/setup (Debian docker.io, runsc)")
    if os.geteuid() != 0:
        need("root", "starting a private dockerd needs root")
    root = Path(tempfile.mkdtemp(prefix="gd-", dir="/tmp"))  # short: socket paths are capped
    # containerd namespaces allow only letters and digits between single separators
    name = "gd" + uuid.uuid4().hex[:8]
    argv = [
        "dockerd",
        *_setup_args(),
        f"--host=unix://{root}/docker.sock",
        f"--data-root={root}/data",
        f"--exec-root={root}/exec",
        f"--pidfile={root}/docker.pid",
        f"--containerd-namespace={name}",
        f"--containerd-plugins-namespace={name}-plugins",
        "--bridge=none",
        "--iptables=false",
        "--ip-masq=false",
    ]
    with (root / "dockerd.log").open("wb") as log:
        daemon = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        client = _connect(daemon, root)
        try:
            yield client
        finally:
            client.close()
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _connect(daemon: subprocess.Popen[bytes], root: Path) -> docker.DockerClient:
    """A client of the private daemon once it answers (the client asks at creation)."""
    deadline = time.monotonic() + START_SECONDS
    path = root / "docker.sock"
    while time.monotonic() < deadline and daemon.poll() is None:
        if _answers(path):  # dockerd listens once it is initialised
            return docker.DockerClient(base_url=f"unix://{path}")
        time.sleep(0.5)
    log = (root / "dockerd.log").read_text(errors="replace")[-2000:]
    pytest.fail(f"the private dockerd did not start: {log}")


def _answers(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def _one_file_image(client: docker.DockerClient, folder: Path) -> str:
    """An image holding only tini, imported like the runner base (a tar of a root folder)."""
    (folder / "rootfs").mkdir()
    shutil.copy2(INIT, folder / "rootfs" / "init")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(folder / "rootfs", arcname=".")
    client.api.import_image_from_data(buffer.getvalue(), repository="grader-runtime-probe", tag="1")
    return "grader-runtime-probe:1"


def test_setup_registers_runsc_with_the_dockerd_it_starts(
    private_dockerd: docker.DockerClient, tmp_path: Path
) -> None:
    runtimes = private_dockerd.info()["Runtimes"]
    assert runtimes["runsc"]["path"] == "/usr/local/libexec/grader/runsc"
    output = private_dockerd.containers.run(
        _one_file_image(private_dockerd, tmp_path),
        ["/init", "--version"],
        runtime="runsc",
        network_mode="none",
        remove=True,
    )
    assert b"tini version" in output


def test_runtime_args_are_stable_so_setup_stays_idempotent() -> None:
    if os.geteuid() != 0:
        need("root", "the runsc wrapper lives under /usr/local")
    assert _setup_args() == _setup_args() == ["--add-runtime=runsc=/usr/local/libexec/grader/runsc"]
