"""The loopback smart-HTTP git server used by tests and ``grader demo``, with real git."""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.gitserve import GitServer, make_bare_repo, parse_cgi_response
from tests.conftest import need


@pytest.fixture(autouse=True)
def _git_installed() -> None:
    if shutil.which("git") is None:
        need("git", "the git binary is not on PATH")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    src = tmp_path / "sample"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "__init__.py").write_text("VALUE = 42\n")
    (src / "README.md").write_text("# Sample\n")
    return src


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "repos"
    folder.mkdir()
    return folder


@pytest.fixture
def server(root: Path) -> Iterator[GitServer]:
    with GitServer(root, fail_with={"down": 503, "gone": 404}) as running:
        yield running


def run_git(*args: str, cwd: Path | None = None) -> str:
    env = {"PATH": os.environ["PATH"], "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, check=True, text=True
    )
    return done.stdout.strip()


def test_a_plain_git_clone_gets_the_committed_folder(
    server: GitServer, root: Path, sample: Path, tmp_path: Path
) -> None:
    sha = make_bare_repo(sample, root, "strong", message="Strong sample")
    run_git("clone", "--quiet", server.url_for("strong"), str(tmp_path / "clone"))
    clone = tmp_path / "clone"
    assert (clone / "pkg" / "__init__.py").read_text() == "VALUE = 42\n"
    assert run_git("rev-parse", "HEAD", cwd=clone) == sha
    assert run_git("log", "-1", "--format=%s", cwd=clone) == "Strong sample"
    assert run_git("rev-parse", "--abbrev-ref", "HEAD", cwd=clone) == "main"


def test_ls_remote_lists_head_and_main(server: GitServer, root: Path, sample: Path) -> None:
    sha = make_bare_repo(sample, root, "strong")
    listing = run_git("ls-remote", server.url_for("strong"))
    assert listing.splitlines() == [f"{sha}\tHEAD", f"{sha}\trefs/heads/main"]


def test_any_commit_can_be_fetched_by_sha_even_unadvertised(
    server: GitServer, root: Path, sample: Path, tmp_path: Path
) -> None:
    first = make_bare_repo(sample, root, "strong")
    (sample / "README.md").write_text("changed\n")
    second = make_bare_repo(sample, root, "other")
    bare = root / "strong.git"
    run_git("--git-dir", str(bare), "fetch", "--quiet", str(root / "other.git"), f"{second}:refs/x")
    run_git("--git-dir", str(bare), "update-ref", "-d", "refs/x")  # now only reachable by SHA
    client = tmp_path / "client.git"
    run_git("init", "--bare", "--quiet", str(client))
    for protocol in ("0", "2"):
        run_git(
            "--git-dir",
            str(client),
            "-c",
            f"protocol.version={protocol}",
            "fetch",
            "--quiet",
            "--depth=1",
            server.url_for("strong"),
            second,
        )
    assert run_git("--git-dir", str(client), "cat-file", "-t", second) == "commit"
    assert first != second


def test_the_same_folder_always_gives_the_same_commit(root: Path, sample: Path) -> None:
    first = make_bare_repo(sample, root, "one")
    second = make_bare_repo(sample, root, "two")
    assert first == second
    assert make_bare_repo(sample, root, "three", message="other") != first


def test_python_caches_and_gitignored_files_are_not_committed(root: Path, sample: Path) -> None:
    (sample / "pkg" / "__pycache__").mkdir()
    (sample / "pkg" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (sample / ".gitignore").write_text("*.log\n")
    (sample / "debug.log").write_text("noise\n")
    make_bare_repo(sample, root, "clean")
    listed = run_git("--git-dir", str(root / "clean.git"), "ls-tree", "-r", "--name-only", "main")
    assert listed.splitlines() == [".gitignore", "README.md", "pkg/__init__.py"]


def test_an_existing_repo_is_never_overwritten(root: Path, sample: Path) -> None:
    make_bare_repo(sample, root, "strong")
    with pytest.raises(FileExistsError):
        make_bare_repo(sample, root, "strong")


def test_repos_may_live_under_an_owner_folder(server: GitServer, root: Path, sample: Path) -> None:
    sha = make_bare_repo(sample, root, "alice/solution")
    assert server.url_for("alice/solution").endswith("/alice/solution.git")
    assert run_git("ls-remote", server.url_for("alice/solution"), "HEAD").startswith(sha)


@pytest.mark.parametrize(("name", "status"), [("down", 503), ("gone", 404), ("missing", 404)])
def test_failures_answer_with_their_status_and_requests_are_recorded(
    server: GitServer, name: str, status: int
) -> None:
    url = server.url_for(name) + "/info/refs?service=git-upload-pack"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=10)
    assert caught.value.code == status
    caught.value.close()
    assert server.requests == (f"GET /{name}.git/info/refs?service=git-upload-pack",)


def upload_pack_request(sha: str) -> bytes:
    want = f"want {sha}\n"
    return f"{len(want) + 4:04x}{want}00000009done\n".encode()


def post_upload_pack(
    server: GitServer, body: bytes, headers: dict[str, str], *, chunked: bool
) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        headers = {"Content-Type": "application/x-git-upload-pack-request", **headers}
        chunks = iter([body]) if chunked else body
        connection.request(
            "POST", "/strong.git/git-upload-pack", chunks, headers, encode_chunked=chunked
        )
        response = connection.getresponse()
        assert response.status == 200
        return response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("gzipped", "chunked"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_upload_pack_posts_work_plain_gzipped_and_chunked(
    server: GitServer, root: Path, sample: Path, gzipped: bool, chunked: bool
) -> None:
    sha = make_bare_repo(sample, root, "strong")
    body = upload_pack_request(sha)
    headers = {"Content-Encoding": "gzip"} if gzipped else {}
    reply = post_upload_pack(
        server, gzip.compress(body) if gzipped else body, headers, chunked=chunked
    )
    assert reply.startswith(b"0008NAK\n")
    assert b"PACK" in reply


def test_a_broken_gzip_body_is_a_bad_request(server: GitServer, root: Path, sample: Path) -> None:
    make_bare_repo(sample, root, "strong")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request(
        "POST", "/strong.git/git-upload-pack", b"not gzip", {"Content-Encoding": "gzip"}
    )
    assert connection.getresponse().status == 400
    connection.close()


def test_pushing_is_refused(server: GitServer, root: Path, sample: Path, tmp_path: Path) -> None:
    make_bare_repo(sample, root, "strong")
    run_git("clone", "--quiet", server.url_for("strong"), str(tmp_path / "c"))
    env = {"PATH": os.environ["PATH"], "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"}
    pushed = subprocess.run(
        ["git", "push", "origin", "HEAD:main"],
        cwd=tmp_path / "c",
        env=env,
        capture_output=True,
        check=False,
    )
    assert pushed.returncode != 0


def test_stop_frees_the_port_and_start_stop_are_idempotent(root: Path) -> None:
    server = GitServer(root)
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.base_url
    server.start()
    server.start()
    port = server.port
    assert server.base_url == f"http://127.0.0.1:{port}"
    server.stop()
    server.stop()
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")


def test_cgi_output_is_split_into_status_headers_and_body() -> None:
    raw = b"Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope\r\n\r\nmore"
    assert parse_cgi_response(raw) == (404, {"Content-Type": "text/plain"}, b"nope\r\n\r\nmore")
    assert parse_cgi_response(b"Expires: 0\n\nbody") == (200, {"Expires": "0"}, b"body")
    assert parse_cgi_response(b"no headers at all")[0] == 502
