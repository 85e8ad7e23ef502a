"""GET /shorten/{code}: the original URL back, 404 for codes that do not exist."""

import pytest
from grader_harness.workspace import new_workspace
from shortener_api import Api, assert_fields, start_app, timestamp, unique_url
from startup import Startup

pytestmark = pytest.mark.category("lookup")


def test_lookup_returns_the_original_url(api: Api) -> None:
    url = unique_url("lookup")
    created = api.create(url)
    answer = api.get(f"/shorten/{created['shortCode']}")
    assert answer.status == 200, answer.explain()
    assert answer.json()["url"] == url


def test_lookup_returns_the_same_short_url(api: Api) -> None:
    created = api.create(unique_url("same"))
    body = api.get(f"/shorten/{created['shortCode']}").json()
    assert_fields(body)
    assert (body["id"], body["shortCode"]) == (created["id"], created["shortCode"])
    assert timestamp(body["createdAt"], "createdAt") == timestamp(created["createdAt"], "createdAt")


def test_lookup_of_an_unknown_code_is_404(api: Api) -> None:
    answer = api.get("/shorten/doesNotExist42")
    assert answer.status == 404, answer.explain()


def test_short_urls_survive_a_restart(startup: Startup | None) -> None:
    url = unique_url("restart")
    folder = new_workspace()  # the same folder and environment both times, like a redeploy
    with start_app(startup, folder) as base:
        code = Api(base).create(url)["shortCode"]
    with start_app(startup, folder) as base:
        answer = Api(base).get(f"/shorten/{code}")
    assert answer.status == 200, f"after a restart, {answer.explain()}"
    assert answer.json()["url"] == url
