"""The fetch stage's one entry point: a repository URL or a stored upload, as a tree."""

from __future__ import annotations

from datetime import datetime

from grader.fetch.archive import is_upload, open_upload
from grader.fetch.clone import fetch
from grader.models import FetchedRepo
from grader.settings import Settings


def obtain(
    source: str,
    settings: Settings,
    *,
    ref: str | None = None,
    commit: str | None = None,
    deadline: datetime | None = None,
) -> FetchedRepo:
    """The tree to grade: ``commit`` (else what ``ref`` points to now) of the repository at
    ``source``, or of the handed-in ``upload:...`` file; with a ``deadline``, the last
    commit before it."""
    if is_upload(source):
        return open_upload(source, commit or ref, settings, deadline=deadline)
    return fetch(source, commit or ref, settings, deadline=deadline)
