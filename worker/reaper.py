"""The reaper as a worker bootstep: a thread in each worker's main process.

Every ``GRADER_REAPER_INTERVAL_SECONDS`` it runs :func:`grader.queue.reap_once` with this
host's Docker daemon, so lost submissions go back on their queue and orphaned sandboxes
of this host are removed.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import bootsteps
from kombu.exceptions import KombuError
from sqlalchemy.exc import SQLAlchemyError

from grader.errors import GraderError
from grader.queue import CeleryPublisher, reap_once
from grader.sandbox import open_sandbox
from grader.settings import Settings, get_settings
from grader.store import Store, open_store

log = logging.getLogger(__name__)

# What one pass may run into and survive: the next pass tries again.
PASS_FAULTS = (SQLAlchemyError, GraderError, KombuError, OSError)


class ReaperStep(bootsteps.StartStopStep):
    """Starts the reaper thread with the worker (after its pool forked) and stops it."""

    requires = ("celery.worker.components:Pool",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.reaper: Reaper | None = None

    def start(self, parent: Any) -> None:
        self.reaper = Reaper(get_settings())
        self.reaper.start()

    def stop(self, parent: Any) -> None:
        if self.reaper is not None:
            self.reaper.stop()


class Reaper:
    """Runs a reaper pass at start and then every interval until stopped."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Store | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="grader-reaper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        publisher = CeleryPublisher(self.settings)
        try:
            while True:
                self._pass(publisher)
                if self._stop.wait(self.settings.reaper_interval_seconds):
                    return
        finally:
            publisher.close()
            if self._store is not None:
                self._store.close()

    def _pass(self, publisher: CeleryPublisher) -> None:
        try:
            if self._store is None:
                self._store = open_store(self.settings.effective_database_url)
            reaped = reap_once(self._store, publisher, self.settings, self._containers)
        except PASS_FAULTS as exc:
            log.warning("reaper pass failed, trying again next time: %s", exc)
            return
        if reaped.requeued or reaped.containers:
            log.info(
                "reaper: re-enqueued %s, removed %s containers",
                len(reaped.requeued),
                reaped.containers,
            )

    def _containers(self, older_than: int) -> int:
        sandbox = open_sandbox(self.settings)
        try:
            live = self._store.live_runs if self._store is not None else None
            return len(sandbox.reap(older_than, live=live))
        finally:
            sandbox.close()
