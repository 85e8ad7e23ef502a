"""Real Redis and PostgreSQL servers from the Debian binaries, on free loopback ports.

Each server is a child process this module started; it is stopped by its pid. Under CI=true a
missing binary fails the test (``need``); locally it skips.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import redis

from tests.conftest import need

START_SECONDS = 30
STOP_SECONDS = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(ready: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError, redis.RedisError, psycopg.Error):
            if ready():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within {START_SECONDS}s: {log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class RedisServer:
    """``redis-server`` with no persistence: a restart loses every message, as in production
    without AOF/RDB."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            need("Redis", "redis-server is not installed (apt-get install redis-server)")
        self.binary = str(binary)
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="grader-redis-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        log = self.dir / "redis.log"
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(self.dir), "--logfile", str(log)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait(self.ping, "redis-server", self.proc, log)
        return self

    def ping(self) -> bool:
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()

    def restart(self) -> None:
        """Stop and start again on the same port: everything in memory is gone."""
        _stop(self.proc, signal.SIGKILL)
        self.start()

    def stop(self) -> None:
        _stop(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresServer:
    """A throwaway cluster (``initdb`` + ``postgres``), trust auth on loopback only.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres``
    system user that the Debian package creates."""

    def __init__(self) -> None:
        bindir = _postgres_bindir()
        if bindir is None:
            need("PostgreSQL", "initdb/postgres not found (apt-get install postgresql)")
        self.bindir = Path(str(bindir))
        self.user = _run_as()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="grader-pg-"))
        self.proc: subprocess.Popen[bytes] | None = None
        self._databases = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://grader@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        data, log = self.dir / "data", self.dir / "postgres.log"
        if self.user is not None:
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        initdb = [str(self.bindir / "initdb"), "-D", str(data), "-U", "grader", "-A", "trust"]
        subprocess.run(
            [*initdb, "-E", "UTF8"], check=True, capture_output=True, user=self.uid, group=self.gid
        )
        argv = [str(self.bindir / "postgres"), "-D", str(data), "-p", str(self.port)]
        argv += ["-h", "127.0.0.1", "-k", str(self.dir), "-c", "fsync=off"]
        argv += ["-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        with log.open("wb") as sink:
            self.proc = subprocess.Popen(
                argv, stdout=sink, stderr=subprocess.STDOUT, user=self.uid, group=self.gid
            )
        _wait(self._answers, "postgres", self.proc, log)
        return self

    def create_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        self._databases += 1
        name = f"grader_test_{self._databases}"
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        _stop(self.proc, signal.SIGINT)  # "fast" shutdown: disconnect clients, then exit
        shutil.rmtree(self.dir, ignore_errors=True)

    def _answers(self) -> bool:
        with psycopg.connect(self._dsn("postgres"), connect_timeout=1) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)

    def _dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=grader dbname={database}"

    @property
    def uid(self) -> int | None:
        return None if self.user is None else self.user.pw_uid

    @property
    def gid(self) -> int | None:
        return None if self.user is None else self.user.pw_gid


def _postgres_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    found_in = [
        p for p in Path("/usr/lib/postgresql").glob("*/bin/initdb") if p.parts[-3].isdigit()
    ]
    newest = sorted(found_in, key=lambda p: int(p.parts[-3]), reverse=True)
    return newest[0].parent if newest else None


def _run_as() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        need("PostgreSQL", "running as root needs the 'postgres' user (apt-get install postgresql)")
        raise
