"""PUT /shorten/{code} changes the URL; DELETE /shorten/{code} removes the short URL."""

import pytest
from shortener_api import Api, assert_fields, timestamp, unique_url

pytestmark = pytest.mark.category("update-delete")


def test_update_changes_the_url_and_keeps_the_short_code(api: Api) -> None:
    created = api.create(unique_url("before"))
    new_url = unique_url("after")
    answer = api.put(f"/shorten/{created['shortCode']}", {"url": new_url})
    assert answer.status == 200, answer.explain()
    body = answer.json()
    assert_fields(body)
    assert (body["url"], body["shortCode"]) == (new_url, created["shortCode"])


def test_updated_url_is_what_lookup_returns(api: Api) -> None:
    code = api.create(unique_url("before"))["shortCode"]
    new_url = unique_url("after")
    api.put(f"/shorten/{code}", {"url": new_url})
    assert api.get(f"/shorten/{code}").json()["url"] == new_url


def test_update_keeps_created_at_and_sets_updated_at(api: Api) -> None:
    created = api.create(unique_url("times"))
    body = api.put(f"/shorten/{created['shortCode']}", {"url": unique_url("times")}).json()
    before = timestamp(created["createdAt"], "createdAt")
    assert timestamp(body["createdAt"], "createdAt") == before, "createdAt must not change"
    assert timestamp(body["updatedAt"], "updatedAt") >= before


def test_update_with_an_invalid_url_is_400_and_changes_nothing(api: Api) -> None:
    url = unique_url("keep")
    code = api.create(url)["shortCode"]
    answer = api.put(f"/shorten/{code}", {"url": "not a url"})
    assert answer.status == 400, answer.explain()
    assert api.get(f"/shorten/{code}").json()["url"] == url


def test_update_of_an_unknown_code_is_404(api: Api) -> None:
    answer = api.put("/shorten/doesNotExist42", {"url": unique_url("nobody")})
    assert answer.status == 404, answer.explain()


def test_delete_answers_204(api: Api) -> None:
    code = api.create(unique_url("delete"))["shortCode"]
    answer = api.delete(f"/shorten/{code}")
    assert answer.status == 204, answer.explain()


def test_deleted_short_url_is_gone(api: Api) -> None:
    code = api.create(unique_url("gone"))["shortCode"]
    api.delete(f"/shorten/{code}")
    answer = api.get(f"/shorten/{code}")
    assert answer.status == 404, f"after DELETE, {answer.explain()}"


def test_delete_leaves_other_short_urls_alone(api: Api) -> None:
    kept_url = unique_url("kept")
    kept = api.create(kept_url)["shortCode"]
    api.delete(f"/shorten/{api.create(unique_url('dropped'))['shortCode']}")
    assert api.get(f"/shorten/{kept}").json()["url"] == kept_url


def test_delete_of_an_unknown_code_is_404(api: Api) -> None:
    answer = api.delete("/shorten/doesNotExist42")
    assert answer.status == 404, answer.explain()
