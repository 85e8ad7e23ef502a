"""The hardened git environment and options, and ref checks, without running git."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.errors import GitHostError, UrlPolicyError
from grader.fetch.clone import check_ref
from grader.fetch.gitcmd import Deadline, hardened_config, hardened_env


def config_of(scheme: str) -> dict[str, str]:
    args = hardened_config(scheme)
    assert args[::2] == ["-c"] * (len(args) // 2)
    return dict(arg.split("=", 1) for arg in args[1::2])


def test_only_the_urls_own_protocol_is_allowed() -> None:
    https = config_of("https")
    assert https["protocol.allow"] == "never"
    assert https["protocol.https.allow"] == "always"
    assert "protocol.http.allow" not in https
    assert config_of("http")["protocol.http.allow"] == "always"
    assert hardened_env(Path("/tmp/x"), "https")["GIT_ALLOW_PROTOCOL"] == "https"


def test_redirects_hooks_helpers_and_submodules_are_switched_off() -> None:
    config = config_of("https")
    assert config["http.followRedirects"] == "false"
    assert config["core.hooksPath"] == "/dev/null"
    assert config["core.symlinks"] == "false"
    assert config["core.fsmonitor"] == "false"
    assert config["credential.helper"] == ""
    assert config["transfer.bundleURI"] == "false"
    assert config["submodule.recurse"] == "false"
    assert config["fetch.fsckObjects"] == "true"


def test_the_environment_ignores_user_and_system_config_and_never_prompts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GIT_DIR", "/somewhere/else")
    monkeypatch.setenv("GIT_SSL_NO_VERIFY", "1")
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.hookspath'='/evil'")
    monkeypatch.setenv("https_proxy", "http://proxy.internal:3128")
    monkeypatch.setenv("no_proxy", "corp.example")
    env = hardened_env(Path("/scratch"), "https")
    assert env["HOME"] == "/scratch"
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert env["GIT_LFS_SKIP_SMUDGE"] == "1"
    assert env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert env["GIT_CONFIG_GLOBAL"] == "/dev/null"
    assert int(env["GIT_HTTP_LOW_SPEED_LIMIT"]) > 0
    assert int(env["GIT_HTTP_LOW_SPEED_TIME"]) > 0
    assert "GIT_DIR" not in env
    assert "GIT_SSL_NO_VERIFY" not in env
    assert "GIT_CONFIG_PARAMETERS" not in env
    assert env["https_proxy"] == "http://proxy.internal:3128"
    assert env["no_proxy"].startswith("corp.example,") and "127.0.0.1" in env["no_proxy"]


def test_a_spent_deadline_is_a_host_timeout() -> None:
    deadline = Deadline(0.01)
    assert deadline.remaining("https://x/a/b") > 0
    time.sleep(0.02)
    with pytest.raises(GitHostError, match=r"took longer than 0\.01 seconds"):
        deadline.remaining("https://x/a/b")


@pytest.mark.parametrize(
    "ref", [None, "main", "feature/login", "v1.2.0", "refs/heads/main", "a" * 40, "release-2024_01"]
)
def test_ordinary_refs_are_accepted(ref: str | None) -> None:
    check_ref(ref)


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "-b",
        "--upload-pack=x",
        "a..b",
        "main~1",
        "main^",
        "a:b",
        "what?",
        "a*",
        "[x",
        "a\\b",
        "with space",
        "tab\t",
        "nl\n",
        "@",
        "a@{1}",
        "ends/",
        "ends.",
        "x.lock",
        "/lead",
        ".hidden",
        "a//b",
        "ünïcode",
        "x" * 256,
    ],
)
def test_refs_git_would_misread_are_refused_before_any_network(ref: str) -> None:
    with pytest.raises(UrlPolicyError, match="not a valid branch, tag or commit"):
        check_ref(ref)
