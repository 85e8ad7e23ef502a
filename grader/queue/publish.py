"""Send ``grade_submission`` messages, and ask the broker how deep its queues are.

Publishing is a nudge, not the record: when the broker is down the submission is already
in the database, and the reaper enqueues it once its deadline passes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from celery import Celery
from kombu.exceptions import ChannelError, OperationalError

from grader.queue.config import TASK_NAME, celery_config
from grader.settings import Settings

log = logging.getLogger(__name__)


class Publisher(Protocol):
    """Puts one submission on a queue. Real: :class:`CeleryPublisher`; fakes in tests."""

    def publish(self, submission_id: str, queue: str, *, countdown: float = 0) -> bool: ...


@dataclass(frozen=True, slots=True)
class BrokerView:
    depths: dict[str, int | None]  # None: the broker could not say
    workers: tuple[str, ...] | None  # None: this transport cannot broadcast a ping


class CeleryPublisher:
    """A small Celery client (no tasks registered) configured from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.app = Celery("grader-client", set_as_current=False)
        self.app.conf.update(celery_config(settings))
        self.app.conf.update(task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2})

    def __enter__(self) -> CeleryPublisher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.app.close()

    def publish(self, submission_id: str, queue: str, *, countdown: float = 0) -> bool:
        """True when the broker took the message; False (logged) when it is unreachable."""
        try:
            self.app.send_task(
                TASK_NAME, args=[submission_id], queue=queue, countdown=countdown or None
            )
        except (OperationalError, OSError) as exc:
            log.warning(
                "broker unreachable, %s stays queued in the database for the reaper: %s",
                submission_id,
                exc,
            )
            return False
        log.debug("enqueued %s on %s", submission_id, queue)
        return True

    def view(self, queues: tuple[str, ...], *, timeout: float = 1.0) -> BrokerView:
        """Messages waiting per queue, and the workers that answered a ping."""
        with self.app.connection_for_read() as connection:
            faults: tuple[type[BaseException], ...] = (
                OperationalError,
                OSError,
                *connection.connection_errors,  # e.g. redis' own ConnectionError
            )
            depths = {name: self._depth(connection, name, faults) for name in queues}
            # Pings are broadcast: transports without fanout (the embedded SQLite one) cannot.
            if "fanout" not in connection.transport.implements.exchange_type:
                return BrokerView(depths, None)
        try:
            replies = self.app.control.ping(timeout=timeout)
        except faults as exc:
            log.warning("cannot ping workers: %s", exc)
            return BrokerView(depths, None)
        return BrokerView(depths, tuple(sorted(name for reply in replies or () for name in reply)))

    @staticmethod
    def _depth(connection: Any, name: str, faults: tuple[type[BaseException], ...]) -> int | None:
        try:
            declared = connection.default_channel.queue_declare(queue=name, passive=True)
        except ChannelError:
            return 0  # never declared: nothing was ever sent there
        except faults as exc:
            log.warning("cannot read the depth of %s: %s", name, exc)
            return None
        return int(declared.message_count)
