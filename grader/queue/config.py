"""How the queue is wired: queue names, routing, Celery settings and retry backoff.

The database is the record and the broker only carries ``submission_id`` nudges, so every
setting here leans towards "deliver again" over "lose": late acks, reject on a lost worker,
one message prefetched at a time, JSON only.
"""

from __future__ import annotations

import re
from typing import Any

from kombu import Queue

from grader.challenge import Challenge
from grader.errors import ConfigError
from grader.models import DEFAULT_QUEUE, SPECIALTIES
from grader.settings import Settings

TASK_NAME = "grader.grade_submission"
QUEUE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
# Fetch, prepare and report around the sandbox's own wall clock; also covers an image build.
TASK_OVERHEAD_SECONDS = 300
SOFT_LIMIT_MARGIN_SECONDS = 30


def queue_for(challenge: Challenge) -> str:
    """The queue a challenge's submissions go to: its specialty, or ``default``."""
    return challenge.queue


def parse_queues(text: str) -> tuple[str, ...]:
    """``"ml,default"`` -> ``("ml", "default")``, refusing names a broker would mangle."""
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    bad = [name for name in names if not QUEUE_NAME.match(name)]
    if bad or not names:
        raise ConfigError(
            f"invalid worker queues {text!r}",
            hint=f"give comma-separated names such as {','.join((*SPECIALTIES, DEFAULT_QUEUE))} "
            "(GRADER_WORKER_QUEUES or --queues)",
        )
    return names


def task_time_limit(settings: Settings) -> int:
    """Hard limit for one grading task, above any sandbox's wall clock plus the clone."""
    return settings.max_wall_seconds + settings.clone_timeout_seconds + TASK_OVERHEAD_SECONDS


def backoff(faults: int, settings: Settings) -> float:
    """Seconds before retry number ``faults + 1``: doubling from the base, capped."""
    delay = settings.retry_backoff_seconds * 2**faults
    return float(min(delay, settings.retry_backoff_max_seconds))


def celery_config(settings: Settings) -> dict[str, Any]:
    """The Celery configuration every process of the grader uses (worker, CLI, web)."""
    limit = task_time_limit(settings)
    queues = (*SPECIALTIES, DEFAULT_QUEUE, *parse_queues(settings.worker_queues))
    return {
        "broker_url": settings.effective_broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": _transport_options(settings.effective_broker_url, limit),
        "task_serializer": "json",
        "result_serializer": "json",
        "event_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,  # results live in the database, not the broker
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": limit,
        "task_soft_time_limit": limit - SOFT_LIMIT_MARGIN_SECONDS,
        "worker_max_tasks_per_child": settings.worker_max_tasks_per_child,
        "worker_concurrency": settings.worker_concurrency,
        "task_queues": tuple(Queue(name) for name in dict.fromkeys(queues)),
        "task_default_queue": DEFAULT_QUEUE,
        # Task events cost the worker's main process a broker publish per task state; flower
        # switches them on while it watches (its default --enable_events), so they stay off.
        "worker_send_task_events": False,
        "task_send_sent_event": False,
        "worker_hijack_root_logger": False,
        # On a broker restart, let running gradings finish: the database records them, and
        # a redelivered duplicate finds the attempt done.
        "worker_cancel_long_running_tasks_on_connection_loss": False,
    }


def _transport_options(broker_url: str, limit: int) -> dict[str, Any]:
    if broker_url.startswith(("redis://", "rediss://", "redis+socket://")):
        # Redis hands an unacknowledged message out again after this; never mid-grade.
        return {"visibility_timeout": limit + 60}
    return {}  # the SQLAlchemy transport passes these to create_engine(); keep it empty
