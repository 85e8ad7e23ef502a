"""The reaper's pass: lost submissions back on their queue, old containers handed to reap()."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.queue import reap_once
from grader.queue.reaper import orphan_age
from grader.settings import Settings, get_settings
from grader.store import Store, open_store


class RecordingPublisher:
    def __init__(self, *, up: bool = True) -> None:
        self.up = up
        self.sent: list[tuple[str, str]] = []

    def publish(self, submission_id: str, queue: str, *, countdown: float = 0) -> bool:
        if self.up:
            self.sent.append((submission_id, queue))
        return self.up


@pytest.fixture
def settings() -> Settings:
    return get_settings().model_copy(
        update={"queued_timeout_seconds": 60, "max_wall_seconds": 600, "reap_grace_seconds": 30}
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'grader.db'}") as opened:
        yield opened


def _enqueue(store: Store, queue: str, deadline: float) -> str:
    return store.enqueue(
        "https://github.com/a/b",
        None,
        "d" * 40,
        challenge_id=f"{queue}/x",
        challenge_version="1",
        queue=queue,
        deadline_seconds=deadline,
    )


def test_lost_submissions_go_back_on_their_own_queue_and_fresh_ones_stay(
    store: Store, settings: Settings
) -> None:
    lost = _enqueue(store, "ml", deadline=0)
    holder_died = _enqueue(store, "data", deadline=60)
    store.claim(holder_died, "dead-worker", lease_seconds=0)
    fresh = _enqueue(store, "backend", deadline=60)
    time.sleep(0.01)
    publisher = RecordingPublisher()
    reaped = reap_once(store, publisher, settings)
    assert sorted(publisher.sent) == sorted([(lost, "ml"), (holder_died, "data")])
    assert {s.submission_id: s.was for s in reaped.requeued} == {
        lost: "queued",
        holder_died: "running",
    }
    assert store.status(fresh).state == "queued"
    assert reap_once(store, publisher, settings).requeued == ()  # new deadlines were set


def test_a_broker_that_is_down_leaves_the_submission_for_the_next_deadline(
    store: Store, settings: Settings
) -> None:
    lost = _enqueue(store, "ml", deadline=0)
    time.sleep(0.01)
    reaped = reap_once(store, RecordingPublisher(up=False), settings)
    assert [s.submission_id for s in reaped.requeued] == [lost]
    found = store.status(lost)
    assert found.state == "queued" and found.deadline_at is not None


def test_containers_older_than_the_longest_wall_clock_plus_grace_are_reaped(
    store: Store, settings: Settings
) -> None:
    asked: list[int] = []

    def containers(older_than: int) -> int:
        asked.append(older_than)
        return 2

    reaped = reap_once(store, RecordingPublisher(), settings, containers)
    assert asked == [orphan_age(settings)] == [630]
    assert reaped.containers == 2
