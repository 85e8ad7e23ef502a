"""The reaper: puts lost submissions back on their queue and removes orphaned containers.

It runs in every worker (a thread, see ``worker/reaper.py``), because sandbox containers
live on each worker's own Docker daemon. Re-enqueueing is safe to run on many hosts at once:
the store hands each stale submission to one reaper only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from grader.queue.publish import Publisher
from grader.settings import Settings
from grader.store import Stale, Store

log = logging.getLogger(__name__)

# Removes sandbox containers older than the given age; returns how many it removed.
ContainerReaper = Callable[[int], int]


@dataclass(frozen=True, slots=True)
class Reaped:
    requeued: tuple[Stale, ...]
    containers: int


def orphan_age(settings: Settings) -> int:
    """A container older than any sandbox's wall clock plus a grace lost its worker."""
    return settings.max_wall_seconds + settings.reap_grace_seconds


def reap_once(
    store: Store,
    publisher: Publisher,
    settings: Settings,
    containers: ContainerReaper | None = None,
) -> Reaped:
    """One pass: re-enqueue submissions past their deadline, then reap old containers."""
    stale = store.reclaim_stale(deadline_seconds=settings.queued_timeout_seconds)
    for item in stale:
        log.warning(
            "re-enqueueing %s on %s: it was %s past its deadline",
            item.submission_id,
            item.queue,
            item.was,
        )
        publisher.publish(item.submission_id, item.queue)
    removed = containers(orphan_age(settings)) if containers is not None else 0
    return Reaped(tuple(stale), removed)
