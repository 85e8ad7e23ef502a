"""Read-only credentials for private repositories, handed to git through a helper file.

The operator configures one token per host (``GRADER_GIT_CREDENTIALS``). Git gets it only from
a credential helper: a tiny script in the fetch's private scratch folder that prints a 0600
file. The secret is never part of a URL, an argv, an environment variable, a log line, an
error or a report; git asks for it only after the host answered 401 for this one URL.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import RepoNotFoundError
from grader.settings import Settings

# What each forge expects as the user name beside a token (any name works on GitHub).
_FORGE_USERNAMES = {
    "github.com": "x-access-token",
    "gitlab.com": "oauth2",
    "bitbucket.org": "x-token-auth",
}


@dataclass(frozen=True, slots=True)
class Credential:
    host: str  # "github.com", or "host:port" for a non-default port
    username: str
    secret: str = field(repr=False)
    account: str  # whom a candidate grants read access to, as shown to them


def netloc(url: str) -> str:
    """``host[:port]`` of a normalised ``scheme://host[:port]/path`` URL."""
    return url.split("://", 1)[-1].split("/", 1)[0].lower()


def credential_for(url: str, settings: Settings) -> Credential | None:
    """The configured credential for the host of ``url`` (already policy-checked), if any."""
    host = netloc(url)
    configured = settings.git_credentials.get(host)
    if configured is None:
        return None
    username = configured.username or _FORGE_USERNAMES.get(host.split(":")[0], "grader")
    account = configured.account or f"the grader's account on {host}"
    return Credential(host, username, configured.token.get_secret_value(), account)


def helper_config(credential: Credential, workdir: Path) -> list[str]:
    """``-c`` options that make git ask a helper script for ``credential``, and nothing else.

    Must come after ``credential.helper=`` (which empties the helper list)."""
    store = workdir / "credential"
    store.touch(mode=0o600)
    store.write_text(f"username={credential.username}\npassword={credential.secret}\n")
    helper = workdir / "credential-helper"
    quoted = shlex.quote(str(store))
    helper.write_text(f'#!/bin/sh\ntest "$1" = get && exec cat {quoted}\nexit 0\n')
    helper.chmod(0o700)
    return ["-c", f"credential.helper={helper}"]


def access_refused(exc: RepoNotFoundError, credential: Credential) -> RepoNotFoundError:
    """The same refusal, telling the candidate whom to grant read access."""
    hint = (
        f"grant read access to {credential.account} on {credential.host} (or make the "
        "repository public), check the URL and the branch, then submit again"
    )
    return RepoNotFoundError(exc.message, hint=hint)
