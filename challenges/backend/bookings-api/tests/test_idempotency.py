"""A retried request with the same Idempotency-Key books once and answers the same."""

from __future__ import annotations

import pytest
from api import Api, MailSink, error_of, slot

pytestmark = pytest.mark.category("idempotency")


def test_a_retry_with_the_same_key_returns_the_same_booking(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    first = api.book(user, room, slot(1, 9), key="retry-1")
    again = api.book(user, room, slot(1, 9), key="retry-1")
    assert first.status_code == 201, first.text[:300]
    assert again.status_code == 201, f"the retry got {again.status_code}, not the first answer"
    assert again.json() == first.json()


def test_a_retry_books_once(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    for _ in range(3):
        api.book(user, room, slot(2, 9), key="retry-2")
    assert api.http.get("/bookings", headers=user.headers).json()["total"] == 1


def test_a_retry_sends_no_second_mail(api: Api, sink: MailSink) -> None:
    user = api.new_user()
    room = api.new_room(user)
    assert api.book(user, room, slot(3, 9), key="retry-3").status_code == 201
    assert api.book(user, room, slot(3, 9), key="retry-3").status_code == 201
    assert api.book(user, room, slot(3, 11)).status_code == 201  # a real second booking
    mails = sink.wait_for(user.email, count=2)
    assert len(sink.wait_for(user.email, count=3, seconds=1.0)) == 2, (
        f"{len(mails)} mails for two bookings: a replayed request must not mail again"
    )


def test_a_key_reused_for_another_request_is_refused(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    assert api.book(user, room, slot(4, 9), key="reused").status_code == 201
    other = api.book(user, room, slot(4, 13), key="reused")
    assert other.status_code == 422, f"reusing a key for another body got {other.status_code}"
    assert error_of(other)["code"] == "idempotency_key_reused"


def test_keys_belong_to_one_user(api: Api) -> None:
    alice, bob = api.new_user(), api.new_user()
    room = api.new_room(alice)
    assert api.book(alice, room, slot(5, 9), key="shared-key").status_code == 201
    bobs = api.book(bob, room, slot(5, 11), key="shared-key")
    assert bobs.status_code == 201, "another user's key must not affect this user"
    assert api.http.get("/bookings", headers=bob.headers).json()["total"] == 1


def test_requests_without_a_key_are_not_deduplicated(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    assert api.book(user, room, slot(6, 9)).status_code == 201
    assert api.book(user, room, slot(6, 9)).status_code == 409
