"""The confirmation mail is sent after the response, never delaying it."""

from __future__ import annotations

import httpx
import pytest
from api import Api, MailSink, slot

pytestmark = pytest.mark.category("background")

ANSWER_SECONDS = 20.0  # a response that does not wait for the mail comes back long before


def test_a_confirmation_mail_reaches_the_mail_service(api: Api, sink: MailSink) -> None:
    user = api.new_user()
    made = api.book(user, api.new_room(user), slot(60, 9))
    assert made.status_code == 201, made.text[:300]
    mails = sink.wait_for(user.email)
    assert len(mails) == 1, f"{len(mails)} mails to {user.email}; want one confirmation"
    message = mails[0][1]
    text = f"{message.get('subject', '')} {message.get('body', '')}"
    assert str(made.json()["id"]) in text, "the mail should name the booking id"


def test_the_response_does_not_wait_for_the_mail(api: Api, sink: MailSink) -> None:
    """The mail service holds its answer until the booking's response is back: no clock race.

    An app that waits for the mail cannot answer until the sink is released, which happens
    only after the request gave up (ANSWER_SECONDS, far beyond any real response time).
    """
    user = api.new_user()
    room = api.new_room(user)
    sink.hold()
    try:
        made = api.http.post(
            "/bookings",
            json={
                "room_id": room,
                "start": slot(61, 9).isoformat(),
                "end": slot(61, 10).isoformat(),
            },
            headers=user.headers,
            timeout=ANSWER_SECONDS,
        )
    except httpx.TimeoutException:
        pytest.fail(
            f"no response within {ANSWER_SECONDS:g} s while the mail service had not answered: "
            "the response waits for the mail instead of sending it in the background",
            pytrace=False,
        )
    finally:
        sink.release()
    assert made.status_code == 201, made.text[:300]
    assert sink.wait_for(user.email), "the mail never reached the mail service"


def test_a_failing_mail_service_does_not_fail_the_booking(api: Api, sink: MailSink) -> None:
    user = api.new_user()
    room = api.new_room(user)
    sink.fail = True
    assert api.book(user, room, slot(62, 9)).status_code == 201
    assert sink.wait_for(user.email), "the mail was never attempted"
    assert api.book(user, room, slot(62, 11)).status_code == 201, "the app still works after"


def test_a_refused_booking_sends_no_mail(api: Api, sink: MailSink) -> None:
    user = api.new_user()
    room = api.new_room(user)
    assert api.book(user, room, slot(63, 9)).status_code == 201
    assert api.book(user, room, slot(63, 9)).status_code == 409
    sink.wait_for(user.email, count=2, seconds=1.5)
    assert len(sink.to(user.email)) == 1, "a refused booking must not be confirmed by mail"
