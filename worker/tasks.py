"""``grade_submission``: a thin adapter from a Celery delivery to :func:`run_attempt`."""

from __future__ import annotations

import functools
import logging
from typing import Any

from celery import Task, signals

from grader.pipeline import grading_sandbox
from grader.queue import TASK_NAME, Finisher, run_attempt
from grader.sandbox import SandboxBackend
from grader.settings import get_settings
from grader.store import Store, open_store
from worker.app import app

log = logging.getLogger(__name__)

FINISH_DRAIN_SECONDS = 60


@functools.cache
def _store(url: str) -> Store:
    """One store per worker process (opened after the fork, on the first task)."""
    return open_store(url)


@functools.cache
def _sandbox() -> SandboxBackend:
    """One sandbox per worker process, so each grading skips connecting to the daemon again.
    It reconnects by itself after being closed (see the retry below)."""
    return grading_sandbox(get_settings())


@functools.cache
def _finisher() -> Finisher:
    """One finisher per worker process: a grading's finish overlaps the next delivery."""
    return Finisher()


@signals.worker_process_shutdown.connect
def _drain_finisher(**_: Any) -> None:
    """A pool process about to exit (recycled, or a warm shutdown) finishes its last run."""
    if _finisher.cache_info().currsize and not _finisher().drain(timeout=FINISH_DRAIN_SECONDS):
        log.error(
            "a run was still finishing after %ss at exit; the reaper will regrade it",
            FINISH_DRAIN_SECONDS,
        )


@app.task(
    name=TASK_NAME,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # the database counts infrastructure faults and caps them
)
def grade_submission(self: Task[Any, Any], submission_id: str) -> str:
    """Grade the submission's current attempt unless another delivery holds or finished it."""
    settings = get_settings()
    store = _store(settings.effective_database_url)
    sandbox = _sandbox()
    worker = self.request.hostname or ""
    result = run_attempt(
        submission_id, settings, store, sandbox=sandbox, worker=worker, finisher=_finisher()
    )
    if result.retry_in is not None:
        sandbox.close()  # the fault may be a restarted daemon: connect afresh next time
        raise self.retry(countdown=result.retry_in)
    return result.state
