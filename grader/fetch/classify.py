"""Turn git's stderr into the right error: the candidate's fault, or the git host's.

Git output can carry text from the remote (``remote: ...`` lines), so every character that a
terminal would interpret (ANSI escapes, carriage returns, bidi overrides) is shown escaped
before it reaches a log line or a message (the CVE-2024-52005 pattern).
"""

from __future__ import annotations

import re
import unicodedata

from grader.errors import GitHostError, GraderError, RejectedError, RepoNotFoundError
from grader.fetch.policy import redact

_HOST_TROUBLE = re.compile(
    r"returned error: (?:5\d\d|429)|could not resolve host|connection refused|connection reset"
    r"|connection timed out|operation timed out|timed out after|couldn't connect|early eof"
    r"|remote end hung up|rpc failed|ssl|gnutls|certificate|http/2 stream|empty reply|recv failure"
    r"|send failure|network is unreachable|temporary failure in name resolution",
)
_MOVED = re.compile(r"returned error: 30[12378]|redirect")
_NOT_FOUND = re.compile(
    r"repository not found|not found|returned error: (?:40[0134]|410)|could not read username"
    r"|could not read password|authentication failed|terminal prompts disabled|access denied"
    r"|not our ref|couldn't find remote ref|does not appear to be a git repository"
    r"|not a valid git repository|bad object|not a commit|invalid refspec",
)
_URL_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://[^\s']+", re.IGNORECASE)
_MALFORMED = re.compile(r"fsck error|fsck: |object .* is corrupt|badtree|duplicateentries")
_TIMEOUT = re.compile(r"^timeout: the command .* did not complete in", re.IGNORECASE)

NOT_FOUND_HINT = (
    "make the repository public, check the URL, and check that the branch, tag or commit exists"
)
HOST_HINT = "the git host did not answer properly; the grader retries this later on its own"


def neutralise(text: str, *, limit: int = 500, keep_newlines: bool = False) -> str:
    """Escape control and format characters; cut to ``limit`` characters."""
    out: list[str] = []
    for char in text:
        if (char == "\n" and keep_newlines) or char == "\t":
            out.append(char)
        elif unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    shown = "".join(out)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def summarise(stderr: str) -> str:
    """The last few meaningful lines of git's stderr, on one safe line."""
    lines = [line.strip() for line in redact(stderr).splitlines() if line.strip()]
    return neutralise(" / ".join(lines[-3:]), limit=300) or "git gave no reason"


def classify(stderr: str, *, url: str, timeout_seconds: float) -> GraderError:
    """Map a failed git command's stderr to the candidate's fault or the git host's.

    Anything not recognised counts as the host's (retried): a candidate is never blamed for
    a failure nobody understood.
    """
    detail = summarise(stderr)
    lowered = _URL_TEXT.sub("<url>", stderr).lower()  # a repo named "redirect" is no redirect
    if _TIMEOUT.search(stderr.strip()):
        return GitHostError(
            f"fetching {url} took longer than {timeout_seconds:g} seconds", hint=HOST_HINT
        )
    if _MALFORMED.search(lowered):
        return RejectedError(
            f"git refused objects of {url} as malformed: {detail}",
            hint="run `git fsck` in your repository, fix what it reports and push again",
        )
    if _HOST_TROUBLE.search(lowered):
        return GitHostError(f"the git host failed while fetching {url}: {detail}", hint=HOST_HINT)
    if _MOVED.search(lowered):
        return RepoNotFoundError(
            f"{url} redirects elsewhere: {detail}",
            hint="the repository was moved or renamed; submit its current https URL",
        )
    if _NOT_FOUND.search(lowered):
        return RepoNotFoundError(f"could not read {url}: {detail}", hint=NOT_FOUND_HINT)
    return GitHostError(f"git failed while fetching {url}: {detail}", hint=HOST_HINT)
