"""How git's complaints become the candidate's fault or the git host's."""

from __future__ import annotations

import pytest

from grader.errors import GitHostError, RejectedError, RepoNotFoundError
from grader.fetch.classify import classify, neutralise, summarise

URL = "https://github.com/alice/solution"


@pytest.mark.parametrize(
    "stderr",
    [
        "remote: Repository not found.\nfatal: repository 'https://github.com/a/b/' not found",
        "fatal: unable to access 'https://github.com/a/b/': The requested URL returned error: 404",
        "fatal: unable to access 'https://github.com/a/b/': The requested URL returned error: 403",
        "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
        "fatal: Authentication failed for 'https://gitlab.com/a/b/'",
        "fatal: remote error: upload-pack: not our ref 1111111111111111111111111111111111111111",
        "fatal: couldn't find remote ref refs/heads/nope",
        "fatal: 'x' does not appear to be a git repository",
    ],
)
def test_missing_private_or_unknown_things_are_the_candidates_to_fix(stderr: str) -> None:
    error = classify(stderr, url=URL, timeout_seconds=120)
    assert isinstance(error, RepoNotFoundError)
    assert "public" in error.hint
    assert URL in error.message


@pytest.mark.parametrize(
    "stderr",
    [
        "fatal: unable to access 'https://github.com/a/b/': The requested URL returned error: 503",
        "fatal: unable to access 'https://github.com/a/b/': The requested URL returned error: 500",
        "error: RPC failed; HTTP 429 curl 22 The requested URL returned error: 429",
        "fatal: unable to access 'https://github.com/a/b/': Could not resolve host: github.com",
        "fatal: unable to access 'https://x/': Failed to connect to x port 443: Connection refused",
        "error: RPC failed; curl 56 Recv failure: Connection reset by peer",
        "fatal: unable to access 'https://x/': Operation timed out after 30000 milliseconds",
        "fetch-pack: unexpected disconnect\nfatal: early EOF",
        "fatal: unable to access 'https://x/': server certificate verification failed",
        'Timeout: the command "git fetch" did not complete in 120 secs.',
        "something nobody has seen before",
        "",
    ],
)
def test_outages_and_unknown_failures_are_the_hosts_and_retried(stderr: str) -> None:
    error = classify(stderr, url=URL, timeout_seconds=120)
    assert type(error) is GitHostError
    assert "retries" in error.hint


def test_a_timeout_says_how_long_was_allowed() -> None:
    error = classify(
        'Timeout: the command "x" did not complete in 9 secs.', url=URL, timeout_seconds=9
    )
    assert error.message == f"fetching {URL} took longer than 9 seconds"


def test_a_redirect_asks_for_the_current_url() -> None:
    stderr = (
        "fatal: unable to access 'https://github.com/a/b/': The requested URL returned error: 301"
    )
    error = classify(stderr, url=URL, timeout_seconds=120)
    assert isinstance(error, RepoNotFoundError)
    assert "current https URL" in error.hint


def test_words_inside_the_url_do_not_change_the_verdict() -> None:
    stderr = "fatal: repository 'https://github.com/alice/ssl-redirect-timeout/' not found"
    error = classify(stderr, url=URL, timeout_seconds=120)
    assert isinstance(error, RepoNotFoundError)


def test_objects_git_refuses_as_malformed_reject_the_submission() -> None:
    stderr = (
        "error: object 123: gitmodulesSymlink: .gitmodules is a symbolic link\n"
        "fatal: fsck error in packed object"
    )
    error = classify(stderr, url=URL, timeout_seconds=120)
    assert type(error) is RejectedError
    assert "git fsck" in error.hint


def test_remote_text_cannot_smuggle_terminal_escapes_or_credentials_into_messages() -> None:
    stderr = (
        "remote: \x1b]0;pwned\x07\x1b[2J\rfake: all good\u202e\n"
        "fatal: unable to access 'https://user:ghp_secret@github.com/a/b/': error: 503"
    )
    error = classify(stderr, url=URL, timeout_seconds=120)
    text = str(error)
    assert not any(char in text for char in "\x1b\x07\r\u202e")
    assert "\\x1b" in text and "\\u202e" in text
    assert "ghp_secret" not in text


def test_neutralise_keeps_newlines_only_when_asked_and_cuts_long_text() -> None:
    assert neutralise("a\nb") == "a\\x0ab"
    assert neutralise("a\nb\tc", keep_newlines=True) == "a\nb\tc"
    assert neutralise("x" * 50, limit=10) == "xxxxxxx..."


def test_summarise_keeps_the_last_lines_on_one_line() -> None:
    assert summarise("one\n\ntwo\nthree\nfour\n") == "two / three / four"
    assert summarise("") == "git gave no reason"
