"""Rooms and bookings: create, read, list with pagination, cancel, overlap rules."""

from __future__ import annotations

import pytest
from api import Api, MailSink, error_of, instant, slot
from conftest import running_app
from grader_harness.entry import Entry
from grader_harness.workspace import new_workspace

pytestmark = pytest.mark.category("bookings")


def test_a_new_room_can_be_read_back(api: Api) -> None:
    user = api.new_user()
    made = api.http.post("/rooms", json={"name": "Fjord", "capacity": 12}, headers=user.headers)
    assert made.status_code == 201, made.text[:300]
    room = made.json()
    got = api.http.get(f"/rooms/{room['id']}", headers=user.headers)
    assert got.status_code == 200
    assert (got.json()["name"], got.json()["capacity"]) == ("Fjord", 12)


def test_rooms_are_listed_in_pages(api: Api) -> None:
    user = api.new_user()
    ids = {api.new_room(user) for _ in range(3)}
    seen, offset = set(), 0
    while True:
        page = api.http.get("/rooms", params={"limit": 2, "offset": offset}, headers=user.headers)
        assert page.status_code == 200, page.text[:300]
        body = page.json()
        assert len(body["items"]) <= 2 and body["limit"] == 2 and body["offset"] == offset
        seen |= {item["id"] for item in body["items"]}
        offset += 2
        if offset >= body["total"]:
            break
    assert ids <= seen


def test_a_booking_is_created_and_read_back(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    made = api.book(user, room, slot(2, 9), title="Planning")
    assert made.status_code == 201, made.text[:300]
    booking = made.json()
    got = api.http.get(f"/bookings/{booking['id']}", headers=user.headers)
    assert got.status_code == 200
    body = got.json()
    assert (body["room_id"], body["title"], body["status"]) == (room, "Planning", "confirmed")


def test_times_come_back_as_the_same_instants(api: Api) -> None:
    user = api.new_user()
    start = slot(3, 22, offset_hours=5)
    made = api.book(user, api.new_room(user), start, hours=2)
    assert made.status_code == 201, made.text[:300]
    body = made.json()
    assert instant(body["start"]) == start
    assert instant(body["end"]) == slot(4, 0)


def test_an_overlapping_booking_is_refused(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    assert api.book(user, room, slot(5, 10), hours=2).status_code == 201
    clash = api.book(user, room, slot(5, 11, 30))
    assert clash.status_code == 409, f"an overlapping booking got {clash.status_code}"
    assert error_of(clash)["code"] == "slot_taken"
    inside = api.book(user, room, slot(5, 10, 15), hours=0.5)
    assert inside.status_code == 409, "a booking inside another one must be refused"


def test_back_to_back_bookings_are_allowed(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    assert api.book(user, room, slot(6, 10)).status_code == 201
    assert api.book(user, room, slot(6, 11)).status_code == 201, "11:00-12:00 after 10:00-11:00"
    assert api.book(user, room, slot(6, 9)).status_code == 201, "09:00-10:00 before 10:00-11:00"


def test_the_same_time_in_another_room_is_allowed(api: Api) -> None:
    user = api.new_user()
    assert api.book(user, api.new_room(user), slot(7, 10)).status_code == 201
    assert api.book(user, api.new_room(user), slot(7, 10)).status_code == 201


def test_overlap_is_judged_on_instants_not_on_written_times(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    assert api.book(user, room, slot(8, 10)).status_code == 201
    same = api.book(user, room, slot(8, 10, offset_hours=-7))
    assert same.status_code == 409, "10:00 UTC written as 03:00-07:00 is the same slot"


def test_cancelling_frees_the_slot(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    first = api.book(user, room, slot(9, 10))
    assert first.status_code == 201
    gone = api.http.delete(f"/bookings/{first.json()['id']}", headers=user.headers)
    assert gone.status_code == 204
    got = api.http.get(f"/bookings/{first.json()['id']}", headers=user.headers)
    assert got.json()["status"] == "cancelled"
    assert api.book(user, room, slot(9, 10)).status_code == 201, "the cancelled slot is free"


def test_bookings_are_listed_in_pages_by_start_time(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    hours = [15, 9, 13, 11, 10, 16, 12]
    for hour in hours:
        assert api.book(user, room, slot(10, hour)).status_code == 201
    starts, total = [], None
    for offset in (0, 3, 6):
        page = api.http.get(
            "/bookings", params={"limit": 3, "offset": offset}, headers=user.headers
        )
        assert page.status_code == 200, page.text[:300]
        body = page.json()
        total = body["total"]
        starts += [instant(item["start"]) for item in body["items"]]
    assert total == 7
    assert starts == [slot(10, hour) for hour in sorted(hours)]


def test_the_default_page_holds_twenty(api: Api) -> None:
    user = api.new_user()
    room = api.new_room(user)
    for hour in range(22):
        assert api.book(user, room, slot(11, 0, minute=30 * hour), hours=0.5).status_code == 201
    body = api.http.get("/bookings", headers=user.headers).json()
    assert (len(body["items"]), body["total"], body["limit"], body["offset"]) == (20, 22, 20, 0)


def test_users_rooms_and_bookings_survive_a_restart(command: Entry, sink: MailSink) -> None:
    """Stopped and started again in the same folder with the same environment (a redeploy)."""
    folder = new_workspace()
    with running_app(command, folder, sink) as first:
        user = first.new_user()
        made = first.book(user, first.new_room(user), slot(70, 9), title="Kept")
        assert made.status_code == 201, made.text[:300]
    with running_app(command, folder, sink) as again:
        got = again.http.get(f"/bookings/{made.json()['id']}", headers=user.headers)
    assert got.status_code == 200, (
        f"after a restart, GET the booking: {got.status_code} {got.text[:200]}"
    )
    assert (got.json()["title"], got.json()["status"]) == ("Kept", "confirmed")
