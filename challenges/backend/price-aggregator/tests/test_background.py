"""POST /orders: answered at once; the confirmation mail follows, whatever the mail API does."""

import pytest
from conftest import Api
from fakes import MailSink

pytestmark = pytest.mark.category("background")

WAIT = 8  # seconds a client waits for the order's answer while the mail API holds the mail


def test_an_order_is_answered_before_its_mail_is_delivered(api: Api, mail: MailSink) -> None:
    mail.hold()
    try:
        answer = api.post("/orders", {"sku": "kettle", "email": "ada@example.com"}, timeout=WAIT)
    except TimeoutError:
        pytest.fail(
            f"the order was not answered within {WAIT} s while the mail API was busy: the "
            "response waits for the mail"
        )
    finally:
        mail.release()
    assert answer.status == 202, f"expected 202, got {answer.status}: {answer.body}"
    assert isinstance(answer.body.get("order_id"), str) and answer.body["order_id"], answer.body
    assert answer.body.get("status") == "accepted", answer.body


def test_the_confirmation_mail_names_the_order_and_sku(api: Api, mail: MailSink) -> None:
    answer = api.post("/orders", {"sku": "teapot-7", "email": "grace@example.com"})
    assert answer.status == 202, answer.body
    mails = mail.wait_for("grace@example.com")
    assert len(mails) == 1, f"expected one mail to grace@example.com, got {len(mails)}"
    assert mails[0].get("subject"), f"the mail has no subject: {mails[0]}"
    body = str(mails[0].get("body", ""))
    assert answer.body["order_id"] in body and "teapot-7" in body, (
        f"the mail's body should name order {answer.body['order_id']} and teapot-7: {body!r}"
    )


def test_a_failing_mail_api_does_not_fail_the_order(api: Api, mail: MailSink) -> None:
    mail.fail = True
    answer = api.post("/orders", {"sku": "kettle", "email": "alan@example.com"})
    assert answer.status == 202, f"expected 202, got {answer.status}: {answer.body}"
    assert mail.wait_for("alan@example.com"), "no mail was attempted"
