"""A small smart-HTTP git server on loopback, for integration tests and ``grader demo``.

It runs the real ``git http-backend`` as a CGI program behind ``http.server``, so a fetch
against it takes the same path as a fetch from a public forge: URL policy, ``ls-remote``,
a shallow fetch of one pinned SHA over HTTP, and git's own error messages.

    with GitServer(root) as server:
        sha = make_bare_repo(sample_dir, root, "strong")
        url = server.url_for("strong")  # http://127.0.0.1:PORT/strong.git

``fail_with={"name": 503}`` answers that status for one repository (to test error handling);
``auth={"name": ("user", "token")}`` makes one repository private behind HTTP basic auth.
"""

from __future__ import annotations

import base64
import gzip
import hmac
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self, cast
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

_BACKEND_TIMEOUT_SECONDS = 120
_MAX_BODY_BYTES = 64 * 1024 * 1024
_BYTECODE_EXCLUDES = "__pycache__/\n*.py[cod]\n.pytest_cache/\n.mypy_cache/\n.ruff_cache/\n"
_IDENTITY = {"NAME": "Sample Candidate", "EMAIL": "candidate@example.com"}
_FIXED_IDENTITY = {  # same author, committer and date every time: stable SHAs
    f"GIT_{role}_{key}": value
    for role in ("AUTHOR", "COMMITTER")
    for key, value in {**_IDENTITY, "DATE": "2024-01-01T12:00:00+00:00"}.items()
}


def _git_env(**extra: str) -> dict[str, str]:
    """A clean environment for git: no user or system config, nothing inherited but PATH."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        **extra,
    }


def _git(*args: str, env: Mapping[str, str], stdin: bytes = b"") -> str:
    done = subprocess.run(
        ["git", *args], input=stdin, env=dict(env), capture_output=True, check=False, timeout=60
    )
    if done.returncode != 0:
        msg = f"git {args[0]} failed: {done.stderr.decode(errors='replace').strip()}"
        raise RuntimeError(msg)
    return done.stdout.decode().strip()


def make_bare_repo(
    src_dir: Path, dest_root: Path, name: str, *, message: str = "Submit the solution"
) -> str:
    """Commit the contents of ``src_dir`` into a new bare repo ``dest_root/<name>.git``.

    The commit has a fixed author, committer and date, so the same folder always gives the
    same SHA. Symlinks are stored as symlinks and executable bits are kept; ``.gitignore``
    files in the folder are honoured and Python caches are left out. Returns the commit SHA;
    the branch is ``main`` and HEAD points at it.
    """
    bare = dest_root / f"{name}.git"
    if bare.exists():
        msg = f"{bare} already exists"
        raise FileExistsError(msg)
    bare.parent.mkdir(parents=True, exist_ok=True)
    env = _git_env(HOME=str(dest_root))
    _git("init", "--bare", "--quiet", "--initial-branch=main", "--template=", str(bare), env=env)
    (bare / "info").mkdir(exist_ok=True)
    (bare / "info" / "exclude").write_text(_BYTECODE_EXCLUDES, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="grader-gitserve-") as tmp:
        work = _git_env(
            HOME=tmp,
            GIT_DIR=str(bare),
            GIT_WORK_TREE=str(src_dir),
            GIT_INDEX_FILE=str(Path(tmp) / "index"),
            **_FIXED_IDENTITY,
        )
        _git("add", "--all", env=work)
        tree = _git("write-tree", env=work)
        commit = _git("commit-tree", tree, "-F", "-", env=work, stdin=message.encode())
        _git("update-ref", "refs/heads/main", commit, env=work)
    return commit


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        fail_with: Mapping[str, int],
        seen: list[str],
        auth: Mapping[str, tuple[str, str]],
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.root = root
        self.fail_with = dict(fail_with)
        self.auth = {
            name: "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
            for name, (user, secret) in auth.items()
        }
        self.seen = seen
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server_version = "grader-gitserve/1"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("gitserve: " + format, *args)

    def _serve(self) -> None:
        server = cast(_Server, self.server)
        with server.lock:
            server.seen.append(f"{self.command} {self.path}")
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        for name, status in server.fail_with.items():
            if path == f"/{name}.git" or path.startswith(f"/{name}.git/"):
                self._reply(status, {"Content-Type": "text/plain"}, b"failing on purpose\n")
                return
        for name, expected in server.auth.items():
            inside = path == f"/{name}.git" or path.startswith(f"/{name}.git/")
            if inside and not hmac.compare_digest(self.headers.get("Authorization", ""), expected):
                challenge = {"Content-Type": "text/plain", "WWW-Authenticate": 'Basic realm="git"'}
                self._reply(401, challenge, b"authentication required\n")
                return
        body = self._read_body()
        if body is None:
            self._reply(400, {"Content-Type": "text/plain"}, b"bad or oversized body\n")
            return
        self._run_backend(self._cgi_env(server.root, path, parts.query, len(body)), body)

    def _read_body(self) -> bytes | None:
        """The request body, de-chunked and gunzipped; None when broken or too large."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length <= _MAX_BODY_BYTES else None
        if body is not None and self.headers.get("Content-Encoding", "") in {"gzip", "x-gzip"}:
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError):
                return None
        return body if body is None or len(body) <= _MAX_BODY_BYTES else None

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            if sum(map(len, chunks)) + size > _MAX_BODY_BYTES:
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline()  # the CRLF after each chunk
        self.rfile.readline()  # the blank line after the last chunk
        return b"".join(chunks)

    def _cgi_env(self, root: Path, path: str, query: str, length: int) -> dict[str, str]:
        config = {"uploadpack.allowAnySHA1InWant": "true", "http.receivepack": "false"}
        env = _git_env(
            HOME=str(root),
            GIT_PROJECT_ROOT=str(root),
            GIT_HTTP_EXPORT_ALL="1",
            PATH_INFO=path,
            QUERY_STRING=query,
            REQUEST_METHOD=self.command,
            CONTENT_TYPE=self.headers.get("Content-Type", ""),
            CONTENT_LENGTH=str(length),
            REMOTE_ADDR=self.client_address[0],
            GIT_CONFIG_COUNT=str(len(config)),
        )
        for index, (key, value) in enumerate(config.items()):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        protocol = self.headers.get("Git-Protocol")
        if protocol:
            env["GIT_PROTOCOL"] = protocol
        return env

    def _run_backend(self, env: dict[str, str], body: bytes) -> None:
        git = shutil.which("git") or "git"
        try:
            done = subprocess.run(
                [git, "http-backend"],
                input=body,
                env=env,
                capture_output=True,
                check=False,
                timeout=_BACKEND_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            self._reply(504, {"Content-Type": "text/plain"}, b"git http-backend timed out\n")
            return
        if done.stderr:
            logger.debug("git http-backend: %s", done.stderr.decode(errors="replace").strip())
        status, headers, payload = parse_cgi_response(done.stdout)
        self._reply(status, headers, payload)

    def _reply(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def parse_cgi_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Split a CGI program's output into status, headers and body (``Status:`` sets the code)."""
    ends = [(raw.find(sep), sep) for sep in (b"\r\n\r\n", b"\n\n") if raw.find(sep) >= 0]
    if not ends:
        return 502, {"Content-Type": "text/plain"}, b"the git backend sent no headers\n"
    cut, sep = min(ends)
    status = 200
    headers: dict[str, str] = {}
    for line in raw[:cut].decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "status":
            status = int(value.strip().split(" ", 1)[0])
        elif name.strip():
            headers[name.strip()] = value.strip()
    return status, headers, raw[cut + len(sep) :]


class GitServer:
    """Serve every bare repository under ``root`` over smart HTTP on a loopback port."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        fail_with: Mapping[str, int] | None = None,
        auth: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self.root = Path(root)
        self.host = host
        self._port = port
        self._fail_with = dict(fail_with or {})
        self._auth = dict(auth or {})
        self._seen: list[str] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            msg = "the git server is not started"
            raise RuntimeError(msg)
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` without a trailing slash."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def requests(self) -> tuple[str, ...]:
        """Every request seen so far (also after stop), as ``"METHOD /path?query"``."""
        return tuple(self._seen)

    def url_for(self, name: str) -> str:
        return f"{self.base_url}/{name}.git"

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._server = _Server(
            (self.host, self._port), self.root, self._fail_with, self._seen, self._auth
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="grader-gitserve", daemon=True
        )
        self._thread.start()
        logger.info("git server for %s listening on %s", self.root, self.base_url)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
