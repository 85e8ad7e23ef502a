"""Intake shared by the CLI and the web app: record a submission, then enqueue it.

The order matters: the database row is written first, so a broker that is down (or loses
the message) delays grading but never loses the submission.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from grader.challenge import find_challenge
from grader.errors import InfrastructureError
from grader.fetch import check_url, is_upload, resolve
from grader.queue.config import queue_for
from grader.queue.publish import Publisher
from grader.settings import Settings
from grader.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submitted:
    id: str
    queue: str
    commit: str  # empty when the git host could not be asked; the worker resolves it then
    enqueued: bool  # False: the broker was unreachable; the reaper enqueues it later


def submit(
    url: str,
    challenge_id: str,
    settings: Settings,
    store: Store,
    publisher: Publisher,
    *,
    ref: str | None = None,
    roots: tuple[Path, ...] | None = None,
    deadline: datetime | None = None,
    uploaded: bool = False,
) -> Submitted:
    """Check the URL, pin the commit ``ref`` points to now, record and enqueue.

    With ``uploaded``, ``url`` is the ``upload:`` name :func:`grader.fetch.store_upload` gave a
    handed-in bundle or zip (a typed ``upload:`` name is refused like any non-URL). With a
    ``deadline``, the worker grades the last commit
    before it. Raises :class:`grader.errors.RejectedError` for a URL or repository that can
    never be graded, and :class:`grader.errors.ChallengeError` for an unknown challenge."""
    challenge = find_challenge(challenge_id, roots or settings.challenge_roots)
    checked, commit = (url, "") if uploaded and is_upload(url) else _pin(url, ref, settings)
    queue = queue_for(challenge)
    submission_id = store.enqueue(
        checked,
        ref,
        commit,
        challenge_id=challenge.id,
        challenge_version=challenge.spec.version,
        queue=queue,
        deadline_seconds=settings.queued_timeout_seconds,
        due_at=deadline,
    )
    enqueued = publisher.publish(submission_id, queue)
    return Submitted(submission_id, queue, commit, enqueued)


def _pin(url: str, ref: str | None, settings: Settings) -> tuple[str, str]:
    """The checked URL and the commit ``ref`` points to now ("" when the host is down)."""
    checked = check_url(url, settings)
    try:
        return checked, resolve(checked, ref, settings)
    except InfrastructureError as exc:
        log.warning("cannot pin %s now (%s); the worker will resolve it", checked, exc)
        return checked, ""


def regrade(submission_id: str, settings: Settings, store: Store, publisher: Publisher) -> int:
    """Queue the next attempt of a finished submission; returns the attempt number."""
    attempt, queue = store.regrade(submission_id, deadline_seconds=settings.queued_timeout_seconds)
    publisher.publish(submission_id, queue)
    return attempt
