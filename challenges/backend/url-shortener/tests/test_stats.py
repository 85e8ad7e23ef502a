"""GET /shorten/{code}/stats: the short URL with accessCount, the number of lookups."""

import pytest
from shortener_api import Api, assert_fields, unique_url

pytestmark = pytest.mark.category("stats")


def stats(api: Api, code: str) -> dict:
    answer = api.get(f"/shorten/{code}/stats")
    assert answer.status == 200, answer.explain()
    body = answer.json()
    assert_fields(body, also=("accessCount",))
    return body


def test_a_new_short_url_has_no_accesses(api: Api) -> None:
    code = api.create(unique_url("fresh"))["shortCode"]
    assert stats(api, code)["accessCount"] == 0


def test_each_lookup_counts_one_access(api: Api) -> None:
    code = api.create(unique_url("counted"))["shortCode"]
    for _ in range(3):
        api.get(f"/shorten/{code}")
    assert stats(api, code)["accessCount"] == 3


def test_reading_stats_is_not_an_access(api: Api) -> None:
    code = api.create(unique_url("quiet"))["shortCode"]
    api.get(f"/shorten/{code}")
    stats(api, code)
    assert stats(api, code)["accessCount"] == 1


def test_counts_are_kept_per_short_url(api: Api) -> None:
    first = api.create(unique_url("first"))["shortCode"]
    second = api.create(unique_url("second"))["shortCode"]
    for code in (first, first, second):
        api.get(f"/shorten/{code}")
    assert (stats(api, first)["accessCount"], stats(api, second)["accessCount"]) == (2, 1)


def test_stats_carry_the_short_url_fields(api: Api) -> None:
    url = unique_url("described")
    created = api.create(url)
    body = stats(api, created["shortCode"])
    assert (body["url"], body["shortCode"]) == (url, created["shortCode"])


def test_stats_of_an_unknown_code_is_404(api: Api) -> None:
    answer = api.get("/shorten/doesNotExist42/stats")
    assert answer.status == 404, answer.explain()
