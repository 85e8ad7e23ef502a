"""Registration, tokens, and routes that refuse a missing or wrong token."""

from __future__ import annotations

import pytest
from api import Api, error_of, slot

pytestmark = pytest.mark.category("auth")


def test_a_registered_user_gets_a_bearer_token(api: Api) -> None:
    user = api.new_user()
    listed = api.http.get("/bookings", headers=user.headers)
    assert listed.status_code == 200, f"GET /bookings with a fresh token: {listed.status_code}"


def test_a_wrong_password_gets_400_or_401(api: Api) -> None:
    """401 (like every bad credential here) or 400 (OAuth2's password flow): both are standard."""
    user = api.new_user()
    got = api.http.post("/auth/token", json={"email": user.email, "password": "not the password"})
    assert got.status_code in (400, 401), f"a wrong password got {got.status_code}"
    error_of(got)


def test_registering_an_email_twice_is_a_conflict(api: Api) -> None:
    user = api.new_user()
    again = api.http.post(
        "/auth/register", json={"email": user.email, "password": "another password"}
    )
    assert again.status_code == 409
    error_of(again)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/bookings"), ("POST", "/bookings"), ("GET", "/rooms"), ("POST", "/rooms")],
)
def test_routes_refuse_a_missing_token(api: Api, method: str, path: str) -> None:
    got = api.http.request(
        method, path, json={"name": "x", "capacity": 1} if method == "POST" else None
    )
    assert got.status_code == 401, f"{method} {path} without a token: {got.status_code}"
    assert error_of(got)["code"] == "unauthorized"


def test_routes_refuse_a_made_up_token(api: Api) -> None:
    got = api.http.get("/bookings", headers={"Authorization": "Bearer not-a-real-token"})
    assert got.status_code == 401
    assert error_of(got)["code"] == "unauthorized"


def test_a_user_cannot_read_or_cancel_another_users_booking(api: Api) -> None:
    owner, other = api.new_user(), api.new_user()
    made = api.book(owner, api.new_room(owner), slot(1, 9))
    assert made.status_code == 201, made.text[:300]
    booking = made.json()["id"]
    assert api.http.get(f"/bookings/{booking}", headers=other.headers).status_code == 404
    assert api.http.delete(f"/bookings/{booking}", headers=other.headers).status_code == 404
    assert (
        api.http.get(f"/bookings/{booking}", headers=owner.headers).json()["status"] == "confirmed"
    )
    assert api.http.get("/bookings", headers=other.headers).json()["total"] == 0
