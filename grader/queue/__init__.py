"""Grading behind a queue: intake, one task delivery, the reaper, and the Celery wiring.

The database is the source of truth; the broker only carries ``submission_id`` nudges.
``worker/`` holds the Celery app and the task, thin adapters over this package.
"""

from grader.queue.attempt import AttemptResult, Finisher, run_attempt
from grader.queue.config import TASK_NAME, celery_config, parse_queues, queue_for
from grader.queue.intake import Submitted, regrade, submit
from grader.queue.publish import BrokerView, CeleryPublisher, Publisher
from grader.queue.reaper import Reaped, reap_once

__all__ = [
    "TASK_NAME",
    "AttemptResult",
    "BrokerView",
    "CeleryPublisher",
    "Finisher",
    "Publisher",
    "Reaped",
    "Submitted",
    "celery_config",
    "parse_queues",
    "queue_for",
    "reap_once",
    "regrade",
    "run_attempt",
    "submit",
]
