"""The URL policy: what a candidate may submit, decided before any network access."""

from __future__ import annotations

import pytest

from grader.errors import ConfigError, UrlPolicyError
from grader.fetch import check_url, redact
from grader.fetch.policy import check_url_against
from grader.settings import DEFAULT_ALLOWLIST, Settings

LOOPBACK = (*DEFAULT_ALLOWLIST, "http://127.0.0.1:8418/", "http://[::1]:8418/")


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://github.com/alice/solution", "https://github.com/alice/solution"),
        ("https://github.com/alice/solution.git", "https://github.com/alice/solution.git"),
        ("https://github.com/alice/solution/", "https://github.com/alice/solution"),
        ("HTTPS://GitHub.COM/alice/Solution", "https://github.com/alice/Solution"),
        ("https://github.com:443/alice/solution", "https://github.com/alice/solution"),
        (
            "https://gitlab.com/group/sub-group/project",
            "https://gitlab.com/group/sub-group/project",
        ),
        ("https://bitbucket.org/a_b/c.d-e", "https://bitbucket.org/a_b/c.d-e"),
        ("https://codeberg.org/~someone/repo", "https://codeberg.org/~someone/repo"),
        ("http://127.0.0.1:8418/strong.git", "http://127.0.0.1:8418/strong.git"),
        ("http://[::1]:8418/owner/repo.git", "http://[::1]:8418/owner/repo.git"),
        ("http://[0:0::1]:8418/repo.git", "http://[::1]:8418/repo.git"),
    ],
)
def test_allowed_urls_come_back_normalised(url: str, normalised: str) -> None:
    assert check_url_against(url, LOOPBACK) == normalised


REJECTED = [
    # (url, words the message must contain)
    ("", "empty"),
    ("-uhttps://github.com/a/b", "starts with '-'"),
    ("--upload-pack=touch /tmp/x", "starts with '-'"),
    ("https://github.com/a/b ", "spaces or control"),
    ("https://github.com/a/b\n", "spaces or control"),
    ("https://github.com/a/\tb", "spaces or control"),
    ("https://github.com/a/b\x1b[31m", "spaces or control"),
    ("https://github.com/a/\u202eb", "non-ASCII"),
    ("https://g\u0456thub.com/a/b", "non-ASCII"),  # Cyrillic i
    ("file:///etc/passwd", "local files"),
    ("FILE:///srv/repo.git", "local files"),
    ("/srv/git/repo.git", "local paths"),
    ("./repo", "local paths"),
    ("../../etc", "local paths"),
    ("repo.git", "local paths"),
    ("ext::sh", "remote-helper"),
    ("fd::17", "remote-helper"),
    ("transport::https://github.com/a/b", "remote-helper"),
    ("ssh://git@github.com/a/b.git", "ssh"),
    ("git+ssh://github.com/a/b.git", "scheme"),
    ("git@github.com:alice/solution.git", "use https://github.com/alice/solution.git"),
    ("github.com:alice/solution", "use https://github.com/alice/solution"),
    ("git://github.com/a/b.git", "git://"),
    ("ftp://github.com/a/b", "'ftp' scheme"),
    ("http://github.com/a/b", "plain http"),
    ("https://user:token@github.com/a/b", "credentials"),
    ("https://token@github.com/a/b", "credentials"),
    ("https://github.com@evil.example/a/b", "credentials"),
    ("https://github.com:@evil.example/a/b", "credentials"),
    ("https://github.com/a/b?ref=main", "query"),
    ("https://github.com/a/b#main", "fragment"),
    ("https://github.com/a/b?", "query"),
    ("https://github.com/a/../../evil/b", "'..'"),
    ("https://github.com/a/./b", "'.'"),
    ("https://github.com//a/b", "''"),
    ("https://github.com/a/%2e%2e/b", "percent"),
    ("https://github.com\\@evil.example/a/b", "backslash"),
    ("https://github.com/a/b@c", "'b@c'"),
    ("https://github.com/alice", "<owner>/<repo>"),
    ("https://github.com/", "<owner>/<repo>"),
    ("https://github.com", "<owner>/<repo>"),
    ("https://github.com.evil.example/a/b", "not an allowed git host"),
    ("https://evil.example/github.com/a/b", "not an allowed git host"),
    ("https://github.com./a/b", "not a valid host name"),
    ("https://github.com:22/a/b", "not an allowed git host"),
    ("https://github.com:99999/a/b", "port"),
    ("https://github.com:0/a/b", "port"),
    ("https://github.com:/a/b", "port"),
    ("https:///a/b", "host name"),
    ("https://localhost/a/b", "not an allowed git host"),
    ("https://127.0.0.1/a/b", "private"),
    ("https://10.0.0.8/a/b", "private"),
    ("https://169.254.169.254/latest/meta-data", "private"),
    ("https://0.0.0.0/a/b", "private"),
    ("https://140.82.112.3/a/b", "IP addresses are not allowed"),
    ("https://2130706433/a/b", "four decimal numbers"),
    ("https://0177.0.0.1/a/b", "four decimal numbers"),
    ("https://0x7f.0.0.1/a/b", "four decimal numbers"),
    ("https://0x7f000001/a/b", "four decimal numbers"),
    ("https://127.1/a/b", "four decimal numbers"),
    ("https://127.0.0.1./a/b", "four decimal numbers"),
    ("https://[::1]/a/b", "private"),
    ("https://[::ffff:127.0.0.1]/a/b", "private"),
    ("https://[::ffff:7f00:1]/a/b", "private"),
    ("https://[fe80::1]/a/b", "private"),
    ("https://[fe80::1%25eth0]/a/b", "percent"),
    ("https://[::1/a/b", "IPv6"),
    ("https://[::1]x/a/b", "IPv6"),
    ("http://127.0.0.1:8419/strong.git", "private"),  # allowlisted port is 8418
    ("http://127.0.0.1/strong.git", "private"),
    ("https://127.0.0.1:8418/strong.git", "private"),  # scheme must match too
    ("http://localhost:8418/strong.git", "not an allowed git host"),
    ("http://2130706433:8418/strong.git", "four decimal numbers"),
]


@pytest.mark.parametrize(("url", "words"), REJECTED)
def test_unsafe_urls_are_refused_with_a_reason(url: str, words: str) -> None:
    with pytest.raises(UrlPolicyError) as caught:
        check_url_against(url, LOOPBACK)
    assert words in caught.value.message
    assert "github.com" in caught.value.hint


def test_the_hint_names_the_allowed_hosts_and_an_example() -> None:
    with pytest.raises(UrlPolicyError) as caught:
        check_url_against("https://evil.example/a/b", DEFAULT_ALLOWLIST)
    hint = caught.value.hint
    assert "github.com, gitlab.com, bitbucket.org, codeberg.org" in hint
    assert "https://github.com/<owner>/<repo>" in hint


def test_credentials_never_appear_in_the_message() -> None:
    with pytest.raises(UrlPolicyError) as caught:
        check_url_against("https://alice:ghp_secret123@github.com/a/b", DEFAULT_ALLOWLIST)
    assert "ghp_secret123" not in str(caught.value)
    assert "https://***@github.com/a/b" in str(caught.value)


def test_control_characters_are_shown_escaped_in_the_message() -> None:
    with pytest.raises(UrlPolicyError) as caught:
        check_url_against("https://github.com/a/b\x1b[2J", DEFAULT_ALLOWLIST)
    assert "\x1b" not in str(caught.value)
    assert "\\x1b" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("https://user:pass@github.com/a/b", "https://***@github.com/a/b"),
        ("https://ghp_token@github.com/a/b", "https://***@github.com/a/b"),
        ("https://github.com/a/b", "https://github.com/a/b"),
        (
            "fatal: 'https://x:y@h/r' and 'http://u@h2/'",
            "fatal: 'https://***@h/r' and 'http://***@h2/'",
        ),
    ],
)
def test_redact_hides_userinfo_everywhere_in_a_text(url: str, redacted: str) -> None:
    assert redact(url) == redacted


def test_an_owner_prefix_allows_only_that_owners_repositories() -> None:
    allowlist = ("https://github.com/acme-hiring/",)
    assert check_url_against("https://github.com/acme-hiring/task-1", allowlist)
    for url in (
        "https://github.com/acme-hiring",
        "https://github.com/acme-hiring-evil/task-1",
        "https://github.com/ACME-hiring/task-1",
        "https://github.com/other/acme-hiring/task-1",
    ):
        with pytest.raises(UrlPolicyError):
            check_url_against(url, allowlist)


def test_check_url_reads_the_allowlist_from_settings() -> None:
    settings = Settings(repo_allowlist=("https://git.example.com/",))
    assert check_url("https://git.example.com/a/b", settings) == "https://git.example.com/a/b"
    with pytest.raises(UrlPolicyError):
        check_url("https://github.com/a/b", settings)


def test_an_empty_allowlist_refuses_everything_and_says_how_to_fix_it() -> None:
    with pytest.raises(UrlPolicyError) as caught:
        check_url_against("https://github.com/a/b", ())
    assert "GRADER_REPO_ALLOWLIST" in caught.value.hint


def test_a_malformed_allowlist_prefix_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="allowlist prefix"):
        check_url_against("https://github.com/a/b", ("https://user@github.com/",))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("github.com/alice/repo", "https://github.com/alice/repo"),
        ("www.gitlab.com/alice/repo.git", "https://www.gitlab.com/alice/repo.git"),
        ("https:/github.com/alice/repo", "https://github.com/alice/repo"),
        ("https:github.com/alice/repo", "https://github.com/alice/repo"),
        ("https//github.com/alice/repo", "https://github.com/alice/repo"),
        ("HTTP:/github.com/alice/repo", "http://github.com/alice/repo"),
    ],
)
def test_a_url_typo_is_refused_with_the_url_it_most_likely_meant(typed: str, meant: str) -> None:
    with pytest.raises(UrlPolicyError, match="did you mean") as caught:
        check_url_against(typed, DEFAULT_ALLOWLIST)
    assert f"did you mean {meant!r}?" in caught.value.message


@pytest.mark.parametrize("path", ["./repo", "/srv/repo.git", "repo", "C:\\repo"])
def test_local_paths_get_no_url_suggestion(path: str) -> None:
    with pytest.raises(UrlPolicyError) as caught:
        check_url_against(path, DEFAULT_ALLOWLIST)
    assert "did you mean" not in caught.value.message
