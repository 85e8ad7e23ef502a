"""Private repositories, handed-in bundles and zips, and deadlines: real git, real loopback."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from grader.errors import RejectedError, RepoNotFoundError, RepoTooLargeError
from grader.fetch import fetch, obtain, resolve, store_upload
from grader.gitserve import GitServer, make_bare_repo
from grader.settings import GitCredential, Settings
from tests.integration.test_fetch import tar_members, tar_text, write_tree

TOKEN = "ghp_S3cretTokenThatMustNeverShow0123456789"
JAN = {1: "2024-01-01T10:00:00+00:00", 2: "2024-01-02T10:00:00+00:00"}
JAN.update({3: "2024-01-03T10:00:00+00:00"})


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "repos"
    folder.mkdir()
    return folder


@pytest.fixture
def server(root: Path) -> Iterator[GitServer]:
    with GitServer(root, auth={"secret": ("x-access-token", TOKEN)}) as running:
        yield running


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def settings_for(server: GitServer, tmp_path: Path, token: str | None = None) -> Settings:
    host = server.base_url.removeprefix("http://")
    credentials = {}
    if token:
        credentials[host] = GitCredential(
            token=SecretStr(token), username="x-access-token", account="@acme-grader"
        )
    return Settings(
        repo_allowlist=(server.base_url + "/",), home=tmp_path / "home", git_credentials=credentials
    )


def history(bare: Path, work: Path, dated: dict[int, str]) -> dict[int, str]:
    """Commits ``n`` on ``main`` of a new bare repo, each writing solution.py = n, dated."""
    subprocess.run(["git", "init", "--bare", "-q", "-b", "main", str(bare)], check=True)
    shas: dict[int, str] = {}
    parent: list[str] = []
    for number, date in dated.items():
        env = {
            "PATH": os.environ["PATH"],
            "GIT_DIR": str(bare),
            "GIT_INDEX_FILE": str(work / "index"),
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            **{f"GIT_{who}_NAME": "C" for who in ("AUTHOR", "COMMITTER")},
            **{f"GIT_{who}_EMAIL": "c@example.com" for who in ("AUTHOR", "COMMITTER")},
            **{f"GIT_{who}_DATE": date for who in ("AUTHOR", "COMMITTER")},
        }

        def run(*args: str, stdin: bytes = b"", env: dict[str, str] = env) -> str:
            done = subprocess.run(
                ["git", *args], env=env, input=stdin, capture_output=True, check=True
            )
            return done.stdout.decode().strip()

        blob = run("hash-object", "-w", "--stdin", stdin=f"VERSION = {number}\n".encode())
        run("update-index", "--add", "--cacheinfo", f"100644,{blob},solution.py")
        tree = run("write-tree")
        shas[number] = run("commit-tree", tree, *parent, "-m", f"version {number}")
        parent = ["-p", shas[number]]
    subprocess.run(
        ["git", f"--git-dir={bare}", "update-ref", "refs/heads/main", shas[number]], check=True
    )
    return shas


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Private repositories -----------------------------------------------------------------------


def test_a_private_repository_is_read_with_the_token_which_shows_nowhere(
    server: GitServer,
    root: Path,
    tmp_path: Path,
    scratch: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    make_bare_repo(write_tree(tmp_path / "src", {"app.py": "x = 1\n"}), root, "secret")
    settings = settings_for(server, tmp_path, TOKEN)
    url = server.url_for("secret")
    repo = fetch(url, None, settings)
    assert tar_text(repo.tree_tar, "app.py") == "x = 1\n"
    assert resolve(url, "main", settings) == repo.commit
    assert list(scratch.iterdir()) == []  # the helper and the secret file are gone too
    seen = caplog.text + "".join(capfd.readouterr()) + repr(repo) + repr(settings)
    assert TOKEN not in seen
    assert all(TOKEN not in request for request in server.requests)


def test_a_repository_the_token_cannot_read_says_whom_to_grant_access(
    server: GitServer, root: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_bare_repo(write_tree(tmp_path / "src", {"app.py": "x = 1\n"}), root, "secret")
    with pytest.raises(RepoNotFoundError) as caught:
        fetch(server.url_for("secret"), None, settings_for(server, tmp_path, "wrong-token"))
    assert "grant read access to @acme-grader" in caught.value.hint
    assert "wrong-token" not in str(caught.value) + caplog.text
    with pytest.raises(RepoNotFoundError) as anonymous:
        fetch(server.url_for("secret"), None, settings_for(server, tmp_path))
    assert "public" in anonymous.value.hint


# Bundles and zips ---------------------------------------------------------------------------


def bundle_of(bare: Path, target: Path, *revs: str) -> bytes:
    subprocess.run(
        ["git", f"--git-dir={bare}", "bundle", "create", "-q", str(target), *revs],
        check=True,
        capture_output=True,
    )
    return target.read_bytes()


def test_a_bundle_is_graded_at_its_main_branch(tmp_path: Path, scratch: Path) -> None:
    shas = history(tmp_path / "b.git", tmp_path, {1: JAN[1], 2: JAN[2]})
    settings = Settings(home=tmp_path / "home")
    source = store_upload(bundle_of(tmp_path / "b.git", tmp_path / "x.bundle", "--all"), settings)
    assert source.startswith("upload:") and source.endswith(".bundle")
    repo = obtain(source, settings)
    assert repo.commit == shas[2]
    assert tar_text(repo.tree_tar, "solution.py") == "VERSION = 2\n"
    first = obtain(source, settings, ref=shas[1])
    assert tar_text(first.tree_tar, "solution.py") == "VERSION = 1\n"
    assert list(scratch.iterdir()) == []


def test_an_incremental_or_fake_bundle_is_rejected_with_how_to_make_one(tmp_path: Path) -> None:
    history(tmp_path / "b.git", tmp_path, {1: JAN[1], 2: JAN[2]})
    settings = Settings(home=tmp_path / "home")
    thin = bundle_of(tmp_path / "b.git", tmp_path / "thin.bundle", "main~1..main")
    with pytest.raises(RejectedError, match="incremental") as caught:
        obtain(store_upload(thin, settings), settings)
    assert "git bundle create" in caught.value.hint
    with pytest.raises(RejectedError, match="neither a git bundle nor a zip"):
        store_upload(b"#!/bin/sh\nrm -rf /\n", settings)
    broken = b"# v2 git bundle\n" + b"a" * 40 + b" refs/heads/main\n\nPACKnonsense"
    with pytest.raises(RejectedError, match="bundle cannot be read"):
        obtain(store_upload(broken, settings), settings)


def zip_of(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def test_a_zip_is_graded_from_its_top_folder_with_symlinks_left_out(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    data = zip_of(
        {"repo-main/solution.py": b"VERSION = 9\n", "repo-main/.git/config": b"[core]\n"},
        links={"repo-main/passwd": "/etc/passwd"},
    )
    repo = obtain(store_upload(data, settings), settings)
    assert list(tar_members(repo.tree_tar)) == ["solution.py"]
    assert repo.skipped == ("passwd: symlink, not followed",)
    assert len(repo.commit) == 64


@pytest.mark.parametrize("name", ["../evil.py", "/etc/cron.d/x", "a/../../b", "C:/x", "a\\..\\b"])
def test_a_zip_with_a_path_leaving_its_folder_is_rejected(tmp_path: Path, name: str) -> None:
    settings = Settings(home=tmp_path / "home")
    source = store_upload(zip_of({"ok.py": b"x = 1\n", name: b"owned\n"}), settings)
    with pytest.raises(RejectedError, match="leaves the repository folder"):
        obtain(source, settings)


def test_a_zip_bomb_stops_at_the_size_cap(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", max_repo_mb=1, max_repo_files=10)
    bomb = zip_of({"zeros.bin": bytes(50 * 1024 * 1024)})  # 50 MB of zeros, ~50 KB zipped
    assert len(bomb) < 1024 * 1024
    with pytest.raises(RepoTooLargeError, match="size limit"):
        obtain(store_upload(bomb, settings), settings)
    many = zip_of({f"f{i}.py": b"" for i in range(11)})
    with pytest.raises(RepoTooLargeError, match="more than 10 files"):
        obtain(store_upload(many, settings), settings)


# Deadlines ----------------------------------------------------------------------------------


def test_a_deadline_grades_the_last_commit_before_it_and_says_later_ones_exist(
    server: GitServer, root: Path, tmp_path: Path
) -> None:
    shas = history(root / "dated.git", tmp_path, JAN)
    settings = settings_for(server, tmp_path)
    repo = fetch(server.url_for("dated"), None, settings, deadline=when("2024-01-02T12:00Z"))
    assert repo.commit == shas[2]
    assert tar_text(repo.tree_tar, "solution.py") == "VERSION = 2\n"
    assert "1 later commit exists" in repo.deadline
    assert shas[3][:12] in repo.deadline
    assert repo.rewritten == ""
    on_time = fetch(server.url_for("dated"), None, settings, deadline=when("2025-01-01T00:00Z"))
    assert on_time.commit == shas[3]
    assert "no commit after the deadline" in on_time.deadline
    with pytest.raises(RejectedError, match="before 2023-12-31T00:00"):
        fetch(server.url_for("dated"), None, settings, deadline=when("2023-12-31T00:00Z"))


def test_history_whose_dates_go_backwards_is_said_to_be_rewritten(
    server: GitServer, root: Path, tmp_path: Path
) -> None:
    shas = history(root / "rewritten.git", tmp_path, {1: JAN[3], 2: JAN[1]})
    settings = settings_for(server, tmp_path)
    deadline = datetime(2024, 1, 2, tzinfo=UTC)
    repo = fetch(server.url_for("rewritten"), None, settings, deadline=deadline)
    assert repo.commit == shas[2]
    assert "the history was rewritten" in repo.rewritten
    assert "cheat" not in repo.rewritten.lower()


def test_a_deadline_works_on_a_bundle_and_is_refused_for_a_zip(tmp_path: Path) -> None:
    shas = history(tmp_path / "b.git", tmp_path, JAN)
    settings = Settings(home=tmp_path / "home")
    source = store_upload(bundle_of(tmp_path / "b.git", tmp_path / "x.bundle", "--all"), settings)
    repo = obtain(source, settings, deadline=when("2024-01-01T12:00Z"))
    assert repo.commit == shas[1]
    zipped = store_upload(zip_of({"a.py": b""}), settings)
    with pytest.raises(RejectedError, match="no commit dates"):
        obtain(zipped, settings, deadline=when("2024-01-01T12:00Z"))
