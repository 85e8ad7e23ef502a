"""The fetch stage: a candidate's repository at one pinned commit, as a normalised tar.

check_url(url, settings) -> str          the normalised URL, or UrlPolicyError (no network)
resolve(url, ref, settings) -> str       the commit SHA ``ref`` points to now
obtain(source, settings, ...)            the tree to grade, from a URL or a stored upload
store_upload(data, settings) -> str      keep a handed-in bundle or zip; its ``upload:`` name
"""

from grader.fetch.archive import is_upload, store_upload
from grader.fetch.clone import fetch, resolve
from grader.fetch.obtain import obtain
from grader.fetch.policy import check_url, redact

__all__ = ["check_url", "fetch", "is_upload", "obtain", "redact", "resolve", "store_upload"]
