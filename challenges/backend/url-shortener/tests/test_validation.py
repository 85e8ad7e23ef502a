"""Bad input to POST /shorten is refused with 400: only absolute http(s) URLs are shortened."""

import pytest
from shortener_api import Api

pytestmark = pytest.mark.category("validation")

INVALID = {
    "words": "not a url",
    "empty": "",
    "no-scheme": "example.com/page",
    "ftp": "ftp://example.com/file.txt",
    "javascript": "javascript:alert(1)",
    "no-host": "https://",
}


@pytest.mark.parametrize("url", list(INVALID.values()), ids=list(INVALID))
def test_invalid_url_is_refused_with_400(api: Api, url: str) -> None:
    answer = api.post("/shorten", {"url": url})
    assert answer.status == 400, answer.explain()


def test_missing_url_is_400(api: Api) -> None:
    answer = api.post("/shorten", {"link": "https://example.com/"})
    assert answer.status == 400, answer.explain()


def test_url_that_is_not_a_string_is_400(api: Api) -> None:
    answer = api.post("/shorten", {"url": 42})
    assert answer.status == 400, answer.explain()


def test_body_that_is_not_json_is_400(api: Api) -> None:
    answer = api.post("/shorten", raw=b"url=https://example.com/")
    assert answer.status == 400, answer.explain()
