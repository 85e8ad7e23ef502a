"""Of many simultaneous requests for one slot, exactly one succeeds, across processes.

Two copies of the app run side by side on the same database (as two workers of one deploy
would), and the requests alternate between them: a lock held inside one process cannot
keep the other from booking. The judge fires the requests from threads released together
by a barrier, each with its own connection, several rounds in a row, so a check-then-insert
race shows up reliably.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from api import Api, MailSink, User, slot
from conftest import running_app
from grader_harness.entry import Entry
from grader_harness.workspace import new_workspace

pytestmark = pytest.mark.category("concurrency")

THREADS = 16
ROUNDS = 3
RACE_ROUNDS = 5  # a check-then-insert race may hide in one round; not in five


@pytest.fixture(scope="module")
def second(command: Entry, sink: MailSink, api: Api) -> Iterator[Api]:
    """A second copy of the app, started after the first (whose start-up made the tables)."""
    del api  # only its start-up order matters
    with running_app(command, new_workspace(), sink) as client:
        yield client


@pytest.fixture
def bases(api: Api, second: Api) -> list[str]:
    return [api.base, second.base]


def fire(
    bases: list[str], requests: list[tuple[User, Any, datetime, float, str | None]]
) -> list[int]:
    """Send every request at once, alternating between the app's copies; the status codes."""
    barrier = threading.Barrier(len(requests))
    codes = [0] * len(requests)
    clients = [
        httpx.Client(base_url=bases[i % len(bases)], timeout=30.0) for i in range(len(requests))
    ]

    def one(index: int) -> None:
        user, room, start, hours, key = requests[index]
        body: dict[str, Any] = {
            "room_id": room,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=hours)).isoformat(),
        }
        headers = {**user.headers, **({"Idempotency-Key": key} if key else {})}
        barrier.wait()
        try:
            codes[index] = clients[index].post("/bookings", json=body, headers=headers).status_code
        except httpx.HTTPError:
            codes[index] = 599

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for client in clients:
        client.close()
    return codes


def test_of_many_requests_for_one_slot_exactly_one_wins(api: Api, bases: list[str]) -> None:
    users = [api.new_user() for _ in range(4)]
    for round_ in range(RACE_ROUNDS):
        room = api.new_room(users[0])
        start = slot(20 + round_, 9)
        codes = fire(bases, [(users[i % 4], room, start, 1.0, None) for i in range(THREADS)])
        counts = Counter(codes)
        assert counts[201] == 1 and counts[409] == THREADS - 1, (
            f"round {round_ + 1}: status codes {dict(counts)}; want one 201 and {THREADS - 1} x 409"
        )


def test_overlapping_requests_of_different_lengths_leave_one_winner(
    api: Api, bases: list[str]
) -> None:
    user = api.new_user()
    for round_ in range(ROUNDS):
        room = api.new_room(user)
        requests = [(user, room, slot(30 + round_, 9, minute=7 * i), 1.0, None) for i in range(8)]
        counts = Counter(fire(bases, requests))
        assert counts[201] == 1, (
            f"round {round_ + 1}: {dict(counts)}; overlapping slots, one winner"
        )


def test_simultaneous_requests_for_free_slots_all_succeed(api: Api, bases: list[str]) -> None:
    user = api.new_user()
    rooms = [api.new_room(user) for _ in range(4)]
    requests = [(user, rooms[i % 4], slot(40, 8 + i // 4), 1.0, None) for i in range(12)]
    codes = fire(bases, requests)
    assert codes == [201] * 12, f"status codes {codes}: none of these requests overlap"


def test_simultaneous_retries_with_one_key_book_once(api: Api, bases: list[str]) -> None:
    user = api.new_user()
    room = api.new_room(user)
    codes = fire(bases, [(user, room, slot(50, 9), 1.0, "same-key") for _ in range(8)])
    listed = api.http.get("/bookings", headers=user.headers).json()
    assert listed["total"] == 1, f"{listed['total']} bookings from one idempotency key"
    assert codes.count(201) >= 1 and all(code in (201, 409) for code in codes), codes
