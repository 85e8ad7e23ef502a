"""The fetch stage against a real git smart-HTTP server on loopback (no mocks)."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.errors import GitHostError, RepoNotFoundError, RepoTooLargeError, UrlPolicyError
from grader.fetch import fetch, resolve
from grader.gitserve import GitServer, make_bare_repo
from grader.settings import Settings
from tests.conftest import need

IDENTITY = {
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_AUTHOR_DATE": "2024-02-02T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2024-02-02T10:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def _git_installed() -> None:
    if shutil.which("git") is None:
        need("git", "the git binary is not on PATH")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "repos"
    folder.mkdir()
    return folder


@pytest.fixture
def server(root: Path) -> Iterator[GitServer]:
    with GitServer(root, fail_with={"down": 503, "private": 401}) as running:
        yield running


@pytest.fixture
def settings(server: GitServer, tmp_path: Path) -> Settings:
    return Settings(repo_allowlist=(server.base_url + "/",), home=tmp_path / "home")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point tempfile at a folder of our own, to see what fetch leaves behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def write_tree(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        path.write_bytes(data)
    return folder


def git(bare: Path, *args: str, stdin: bytes = b"", index: Path | None = None) -> str:
    env = {"PATH": os.environ["PATH"], "GIT_DIR": str(bare), **IDENTITY}
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
    done = subprocess.run(["git", *args], env=env, input=stdin, capture_output=True, check=True)
    return done.stdout.decode().strip()


def tar_members(data: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {member.name: member for member in tar.getmembers()}


def tar_text(data: bytes, name: str) -> str:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.extractfile(name)
        assert member is not None
        return member.read().decode()


@pytest.fixture
def alice(root: Path, tmp_path: Path) -> dict[str, str]:
    """A repo with main (v1), a feature branch (v2), an annotated and a lightweight tag."""
    v1 = write_tree(tmp_path / "v1", {"solution.py": "VERSION = 1\n", "run.sh": "#!/bin/sh\n"})
    (v1 / "run.sh").chmod(0o755)
    main = make_bare_repo(v1, root, "alice", message="First version")
    v2 = write_tree(tmp_path / "v2", {"solution.py": "VERSION = 2\n"})
    feature = make_bare_repo(v2, root, "alice-v2", message="Second version")
    bare = root / "alice.git"
    git(bare, "fetch", "--quiet", str(root / "alice-v2.git"), "main:feature")
    git(bare, "tag", "-a", "v1.0", "-m", "release", main)
    git(bare, "tag", "light", feature)
    return {"main": main, "feature": feature}


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (None, "main"),
        ("main", "main"),
        ("feature", "feature"),
        ("v1.0", "main"),
        ("light", "feature"),
        ("refs/heads/feature", "feature"),
    ],
)
def test_a_ref_is_resolved_and_fetched_at_exactly_that_commit(
    server: GitServer, settings: Settings, alice: dict[str, str], ref: str | None, expected: str
) -> None:
    url = server.url_for("alice")
    sha = resolve(url, ref, settings)
    repo = fetch(url, ref, settings)
    assert sha == alice[expected]
    assert repo.commit == sha
    assert repo.ref == ref
    assert repo.url == url
    version = "1" if expected == "main" else "2"
    assert tar_text(repo.tree_tar, "solution.py") == f"VERSION = {version}\n"


def test_a_full_sha_is_fetched_as_is_even_when_no_branch_points_at_it(
    server: GitServer, settings: Settings, alice: dict[str, str], root: Path
) -> None:
    git(root / "alice.git", "branch", "-D", "feature")
    git(root / "alice.git", "tag", "-d", "light")
    sha = alice["feature"]
    assert resolve(server.url_for("alice"), sha.upper(), settings) == sha
    repo = fetch(server.url_for("alice"), sha, settings)
    assert repo.commit == sha
    assert tar_text(repo.tree_tar, "solution.py") == "VERSION = 2\n"


def test_the_fetched_repo_carries_files_commit_message_and_date(
    server: GitServer, settings: Settings, alice: dict[str, str]
) -> None:
    repo = fetch(server.url_for("alice"), "main", settings)
    assert [(f.path, f.executable) for f in repo.files] == [
        ("run.sh", True),
        ("solution.py", False),
    ]
    assert repo.commit_message == "First version"
    assert repo.committed_at is not None
    assert repo.committed_at.isoformat() == "2024-01-01T12:00:00+00:00"
    members = tar_members(repo.tree_tar)
    assert members["run.sh"].mode == 0o755
    assert members["solution.py"].mode == 0o644
    assert {(m.uid, m.gid) for m in members.values()} == {(0, 0)}
    assert repo.skipped == ()


def test_a_symlink_to_etc_passwd_is_left_out_and_reported(
    server: GitServer, settings: Settings, root: Path, tmp_path: Path
) -> None:
    src = write_tree(tmp_path / "src", {"app.py": "x = 1\n"})
    (src / "passwd").symlink_to("/etc/passwd")
    (src / "config").symlink_to("../../outside")
    make_bare_repo(src, root, "sneaky")
    repo = fetch(server.url_for("sneaky"), None, settings)
    members = tar_members(repo.tree_tar)
    assert list(members) == ["app.py"]
    assert not any(m.issym() or m.islnk() for m in members.values())
    assert set(repo.skipped) == {"passwd: symlink, not followed", "config: symlink, not followed"}


def test_a_submodule_is_neither_fetched_nor_followed(
    server: GitServer, settings: Settings, root: Path, tmp_path: Path
) -> None:
    inner = make_bare_repo(
        write_tree(tmp_path / "inner", {"lib.py": "SECRET = 1\n"}), root, "inner"
    )
    main = make_bare_repo(write_tree(tmp_path / "outer", {"app.py": "x = 1\n"}), root, "outer")
    bare, index = root / "outer.git", tmp_path / "index"
    modules = f'[submodule "vendor"]\n\tpath = vendor\n\turl = {server.url_for("inner")}\n'
    blob = git(bare, "hash-object", "-w", "--stdin", stdin=modules.encode())
    git(bare, "read-tree", main, index=index)
    git(bare, "update-index", "--add", "--cacheinfo", f"100644,{blob},.gitmodules", index=index)
    git(bare, "update-index", "--add", "--cacheinfo", f"160000,{inner},vendor", index=index)
    tree = git(bare, "write-tree", index=index)
    commit = git(bare, "commit-tree", tree, "-p", main, "-m", "add submodule")
    git(bare, "update-ref", "refs/heads/main", commit)

    repo = fetch(server.url_for("outer"), "main", settings)

    assert repo.commit == commit
    assert "vendor: submodule, not fetched" in repo.skipped
    assert sorted(tar_members(repo.tree_tar)) == [".gitmodules", "app.py"]
    assert not any("inner" in request for request in server.requests)


def test_too_many_files_is_refused_with_the_count_and_the_cap(
    server: GitServer, root: Path, tmp_path: Path, scratch: Path
) -> None:
    make_bare_repo(
        write_tree(tmp_path / "many", {f"f{i}.txt": str(i) for i in range(11)}), root, "many"
    )
    settings = Settings(repo_allowlist=(server.base_url + "/",), max_repo_files=10)
    with pytest.raises(RepoTooLargeError, match="more than 10 files"):
        fetch(server.url_for("many"), None, settings)
    assert list(scratch.iterdir()) == []  # the scratch repo is gone


def test_too_many_bytes_is_refused_with_the_size_and_the_cap(
    server: GitServer, root: Path, tmp_path: Path, scratch: Path
) -> None:
    blob = os.urandom(1024 * 1024 + 1)
    make_bare_repo(write_tree(tmp_path / "big", {"data.bin": blob}), root, "big")
    settings = Settings(repo_allowlist=(server.base_url + "/",), max_repo_mb=1)
    with pytest.raises(RepoTooLargeError, match="total more than 1 MB"):
        fetch(server.url_for("big"), None, settings)
    assert list(scratch.iterdir()) == []


def test_a_pack_past_the_cap_is_stopped_while_it_downloads(
    server: GitServer, root: Path, tmp_path: Path, scratch: Path
) -> None:
    blob = os.urandom(4 * 1024 * 1024)  # incompressible: the pack is as large as the file
    make_bare_repo(write_tree(tmp_path / "huge", {"data.bin": blob}), root, "huge")
    settings = Settings(repo_allowlist=(server.base_url + "/",), max_repo_mb=1)
    with pytest.raises(RepoTooLargeError, match="git objects are larger than 1 MB"):
        fetch(server.url_for("huge"), None, settings)
    assert list(scratch.iterdir()) == []


def test_an_unknown_repository_is_the_candidates_to_fix(
    server: GitServer, settings: Settings
) -> None:
    with pytest.raises(RepoNotFoundError) as caught:
        fetch(server.url_for("nobody"), None, settings)
    assert "public" in caught.value.hint


@pytest.mark.parametrize("ref", ["no-such-branch", "refs/heads/nope", "f" * 40])
def test_an_unknown_branch_or_commit_is_the_candidates_to_fix(
    server: GitServer, settings: Settings, alice: dict[str, str], ref: str
) -> None:
    with pytest.raises(RepoNotFoundError):
        fetch(server.url_for("alice"), ref, settings)


def test_an_empty_repository_has_nothing_to_grade(
    server: GitServer, settings: Settings, root: Path
) -> None:
    subprocess.run(["git", "init", "--bare", "-q", str(root / "empty.git")], check=True)
    with pytest.raises(RepoNotFoundError, match="empty"):
        fetch(server.url_for("empty"), None, settings)


def test_a_host_answering_503_is_an_infrastructure_fault(
    server: GitServer, settings: Settings, scratch: Path
) -> None:
    with pytest.raises(GitHostError, match="503"):
        fetch(server.url_for("down"), None, settings)
    assert list(scratch.iterdir()) == []


def test_a_host_that_refuses_connections_is_an_infrastructure_fault(root: Path) -> None:
    with GitServer(root) as stopped:
        url, prefix = stopped.url_for("alice"), stopped.base_url + "/"
    with pytest.raises(GitHostError):
        fetch(url, None, Settings(repo_allowlist=(prefix,)))


@pytest.mark.parametrize(
    "url_of",
    [
        lambda base: base.replace("127.0.0.1", "localhost") + "/alice.git",
        lambda base: base.replace("127.0.0.1", "2130706433") + "/alice.git",
        lambda base: base.replace("http://", "https://") + "/alice.git",
        lambda base: base + "/../alice.git",
        lambda base: base + "/alice.git?x=1",
        lambda base: base.replace("http://", "http://user:pw@") + "/alice.git",
        lambda base: "ext::" + base + "/alice.git",
        lambda base: "file://" + base + "/alice.git",
    ],
)
def test_a_url_outside_the_allowlist_is_refused_before_any_request(
    server: GitServer, settings: Settings, alice: dict[str, str], url_of: object
) -> None:
    assert callable(url_of)
    url = url_of(server.base_url)
    with pytest.raises(UrlPolicyError):
        fetch(url, None, settings)
    with pytest.raises(UrlPolicyError):
        resolve(url, None, settings)
    assert server.requests == ()


def test_a_bad_ref_is_refused_before_any_request(
    server: GitServer, settings: Settings, alice: dict[str, str]
) -> None:
    with pytest.raises(UrlPolicyError):
        fetch(server.url_for("alice"), "--upload-pack=touch /tmp/pwned", settings)
    assert server.requests == ()


def test_host_git_config_hooks_and_helpers_never_apply(
    server: GitServer,
    settings: Settings,
    alice: dict[str, str],
    root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_bare_repo(write_tree(tmp_path / "decoy", {"solution.py": "DECOY\n"}), root, "decoy")
    marker = tmp_path / "ran"
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    script = f'#!/bin/sh\necho "$0" >> {marker}\n'
    for name in ("reference-transaction", "post-checkout", "post-merge", "pre-auto-gc", "fsmon"):
        (hooks / name).write_text(script)
        (hooks / name).chmod(0o755)
    (tmp_path / "templates" / "hooks").mkdir(parents=True)
    shutil.copy(hooks / "reference-transaction", tmp_path / "templates" / "hooks")
    hostile = tmp_path / "hostile.gitconfig"
    hostile.write_text(
        f"[core]\n\thooksPath = {hooks}\n\tfsmonitor = {hooks}/fsmon\n\tsymlinks = true\n"
        f"[init]\n\ttemplateDir = {tmp_path / 'templates'}\n"
        f"[credential]\n\thelper = !{hooks}/fsmon\n"
        f'[url "{server.url_for("decoy")}"]\n\tinsteadOf = {server.url_for("alice")}\n'
        "[gc]\n\tauto = 1\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(hostile))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'core.hookspath'='{hooks}'")
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "not-a-repo"))
    monkeypatch.setenv("GIT_SSL_NO_VERIFY", "1")

    repo = fetch(server.url_for("alice"), "main", settings)

    assert repo.commit == alice["main"]
    assert tar_text(repo.tree_tar, "solution.py") == "VERSION = 1\n"
    assert not any("decoy" in request for request in server.requests)
    assert not marker.exists()


def test_a_repository_asking_for_credentials_gets_none_and_is_not_found(
    server: GitServer, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "asked"
    helper = tmp_path / "askpass"
    helper.write_text(f"#!/bin/sh\ntouch {marker}\necho secret\n")
    helper.chmod(0o755)
    monkeypatch.setenv("GIT_ASKPASS", str(helper))
    monkeypatch.setenv("SSH_ASKPASS", str(helper))
    with pytest.raises(RepoNotFoundError) as caught:
        fetch(server.url_for("private"), None, settings)
    assert "public" in caught.value.hint
    assert not marker.exists()


@pytest.mark.slow
def test_a_host_that_never_answers_is_cut_off_at_the_clone_timeout(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0), backlog=8) as black_hole:  # accepts, never answers
        port = black_hole.getsockname()[1]
        settings = Settings(repo_allowlist=(f"http://127.0.0.1:{port}/",), clone_timeout_seconds=5)
        started = time.monotonic()
        with pytest.raises(GitHostError, match="took longer than 5 seconds"):
            fetch(f"http://127.0.0.1:{port}/slow.git", None, settings)
    assert 4.5 < time.monotonic() - started < 15
