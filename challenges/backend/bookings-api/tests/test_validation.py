"""Bad input is refused with the documented status and error shape."""

from __future__ import annotations

from typing import Any

import pytest
from api import Api, error_of, slot, unknown_id

pytestmark = pytest.mark.category("validation")


def details_of(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, (
        f"expected 422, got {response.status_code}: {response.text[:300]}"
    )
    error = error_of(response)
    assert error["code"] == "validation_error"
    details = error.get("details")
    assert isinstance(details, list) and details, "a validation error lists its details"
    for item in details:
        assert isinstance(item, dict) and isinstance(item.get("field"), str), item
        assert isinstance(item.get("message"), str) and item["message"], item
    return details


def fields(response: Any) -> set[str]:
    return {str(item["field"]).split(".")[-1] for item in details_of(response)}


@pytest.fixture(scope="module")
def who(api: Api) -> tuple[Any, Any]:
    user = api.new_user()
    return user, api.new_room(user)


def test_a_missing_field_is_named(api: Api, who: tuple[Any, Any]) -> None:
    user, _ = who
    got = api.http.post(
        "/bookings",
        json={"start": slot(1, 9).isoformat(), "end": slot(1, 10).isoformat()},
        headers=user.headers,
    )
    assert "room_id" in fields(got)


def test_an_end_before_the_start_is_refused(api: Api, who: tuple[Any, Any]) -> None:
    user, room = who
    got = api.http.post(
        "/bookings",
        json={"room_id": room, "start": slot(1, 11).isoformat(), "end": slot(1, 10).isoformat()},
        headers=user.headers,
    )
    details_of(got)


def test_a_booking_of_zero_length_is_refused(api: Api, who: tuple[Any, Any]) -> None:
    user, room = who
    details_of(api.book(user, room, slot(1, 12), hours=0))


def test_times_without_a_time_zone_are_refused(api: Api, who: tuple[Any, Any]) -> None:
    user, room = who
    got = api.http.post(
        "/bookings",
        json={"room_id": room, "start": "2031-02-01T10:00:00", "end": "2031-02-01T11:00:00"},
        headers=user.headers,
    )
    assert fields(got) & {"start", "end"}


def test_a_booking_longer_than_eight_hours_is_refused(api: Api, who: tuple[Any, Any]) -> None:
    user, room = who
    details_of(api.book(user, room, slot(1, 0), hours=8.5))
    assert api.book(user, room, slot(2, 0), hours=8).status_code == 201, "8 hours is allowed"


def test_a_room_needs_a_name_and_a_positive_capacity(api: Api, who: tuple[Any, Any]) -> None:
    user, _ = who
    got = api.http.post("/rooms", json={"name": "", "capacity": 0}, headers=user.headers)
    assert {"name", "capacity"} <= fields(got)


def test_a_body_that_is_not_json_is_refused(api: Api, who: tuple[Any, Any]) -> None:
    user, _ = who
    got = api.http.post(
        "/bookings",
        content=b"{not json",
        headers={**user.headers, "Content-Type": "application/json"},
    )
    details_of(got)


@pytest.mark.parametrize("params", [{"limit": 101}, {"limit": 0}, {"offset": -1}, {"limit": "ten"}])
def test_page_parameters_out_of_range_are_refused(
    api: Api, who: tuple[Any, Any], params: dict[str, Any]
) -> None:
    user, _ = who
    got = api.http.get("/bookings", params=params, headers=user.headers)
    assert fields(got) & set(params)


def test_an_unknown_room_is_404_in_the_error_shape(api: Api, who: tuple[Any, Any]) -> None:
    user, room = who
    got = api.book(user, unknown_id(room), slot(3, 9))
    assert got.status_code == 404
    assert error_of(got)["code"] == "not_found"


def test_an_unknown_booking_is_404_in_the_error_shape(api: Api, who: tuple[Any, Any]) -> None:
    user, room = who
    made = api.book(user, room, slot(3, 14))
    assert made.status_code == 201, made.text[:300]
    got = api.http.get(f"/bookings/{unknown_id(made.json()['id'])}", headers=user.headers)
    assert got.status_code == 404
    assert error_of(got)["code"] == "not_found"
