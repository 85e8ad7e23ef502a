"""POST /shorten: a new short URL, answered with 201 and its fields."""

import re

import pytest
from shortener_api import Api, assert_fields, timestamp, unique_url

pytestmark = pytest.mark.category("create")


def test_create_answers_201_with_the_original_url(api: Api) -> None:
    url = unique_url("create")
    answer = api.post("/shorten", {"url": url})
    assert answer.status == 201, answer.explain()
    assert answer.json()["url"] == url


def test_created_short_url_has_every_field(api: Api) -> None:
    body = api.create(unique_url("fields"))
    assert_fields(body)
    assert body["id"] not in (None, ""), "id should identify the short URL"
    timestamp(body["createdAt"], "createdAt")
    timestamp(body["updatedAt"], "updatedAt")


def test_each_url_gets_its_own_short_code(api: Api) -> None:
    codes = [api.create(unique_url("unique"))["shortCode"] for _ in range(5)]
    assert len(set(codes)) == 5, f"short codes repeat: {codes}"


def test_short_code_can_be_used_in_a_url_path(api: Api) -> None:
    code = api.create(unique_url("code"))["shortCode"]
    assert isinstance(code, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code), (
        f"shortCode {code!r} should be letters, digits, '-' or '_'"
    )


def test_query_and_fragment_are_kept_exactly(api: Api) -> None:
    url = "https://example.com/search?q=short%20links&page=2#results"
    assert api.create(url)["url"] == url
