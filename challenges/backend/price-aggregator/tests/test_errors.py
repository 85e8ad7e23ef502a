"""Incomplete orders are refused with FastAPI's 422, and no mail is sent."""

import pytest
from conftest import Api
from fakes import MailSink

pytestmark = pytest.mark.category("errors")


@pytest.mark.parametrize(
    "body", [{"email": "ada@example.com"}, {"sku": "kettle"}], ids=["no-sku", "no-email"]
)
def test_an_incomplete_order_is_422(api: Api, mail: MailSink, body: dict[str, str]) -> None:
    answer = api.post("/orders", body)
    assert answer.status == 422, f"expected 422, got {answer.status}: {answer.body}"
    assert mail.wait_for("ada@example.com", seconds=0.5) == [], "a refused order sent a mail"
