"""The fetch stage: a candidate's repository at one pinned commit, as a normalised tar.

check_url(url, settings) -> str          the normalised URL, or UrlPolicyError (no network)
resolve(url, ref, settings) -> str       the commit SHA ``ref`` points to now
fetch(url, ref, settings) -> FetchedRepo the tree of that commit, size-capped and cleaned
"""

from grader.fetch.clone import fetch, resolve
from grader.fetch.policy import check_url, redact

__all__ = ["check_url", "fetch", "redact", "resolve"]
