"""The confirmation mail is sent after the response, never delaying it."""

from __future__ import annotations

import time

import pytest
from api import Api, MailSink, slot

pytestmark = pytest.mark.category("background")

SINK_DELAY = 4.0  # the mail service takes this long to answer
FAST_ENOUGH = 1.5  # a response that did not wait for it comes back well within this


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
    user = api.new_user()
    room = api.new_room(user)
    sink.delay = SINK_DELAY
    started = time.monotonic()
    made = api.book(user, room, slot(61, 9))
    answered = time.monotonic() - started
    assert made.status_code == 201, made.text[:300]
    assert answered < FAST_ENOUGH, (
        f"the response took {answered:.1f} s while the mail service took {SINK_DELAY:g} s to "
        "answer: the mail is not sent in the background"
    )
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
