"""Room bookings, in memory (no database): correct in one process only."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, Field, model_validator

app = FastAPI()
ids = itertools.count(1)
users: dict[str, dict[str, Any]] = {}
tokens: dict[str, str] = {}
rooms: dict[int, dict[str, Any]] = {}
bookings: dict[int, dict[str, Any]] = {}
keys: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
lock = asyncio.Lock()
pending: set[asyncio.Task[None]] = set()


class Problem(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message


@app.exception_handler(Problem)
async def problem(_: Request, exc: Problem) -> JSONResponse:
    return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, exc.status)


@app.exception_handler(RequestValidationError)
async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
    details = [{"field": str(e["loc"][-1]), "message": e["msg"]} for e in exc.errors()]
    body = {"code": "validation_error", "message": "the request is not valid", "details": details}
    return JSONResponse({"error": body}, 422)


class Credentials(BaseModel):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=8)


class RoomIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    capacity: int = Field(ge=1, le=1000)


class BookingIn(BaseModel):
    room_id: int
    start: AwareDatetime
    end: AwareDatetime
    title: str = ""

    @model_validator(mode="after")
    def interval(self) -> BookingIn:
        if not timedelta(0) < self.end - self.start <= timedelta(hours=8):
            raise ValueError("end must be after start, at most 8 hours later")
        return self


def me(authorization: str | None) -> str:
    token = (authorization or "").removeprefix("Bearer ").strip()
    if token not in tokens:
        raise Problem(401, "unauthorized", "a valid bearer token is required")
    return tokens[token]


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"items": items[offset : offset + limit], "total": len(items), "limit": limit, "offset": offset}


Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0)]
Auth = Annotated[str | None, Header()]


@app.post("/auth/register", status_code=201)
async def register(body: Credentials) -> dict[str, Any]:
    if body.email in users:
        raise Problem(409, "conflict", "email taken")
    users[body.email] = {"id": next(ids), "email": body.email, "password": body.password}
    return {"id": users[body.email]["id"], "email": body.email}


@app.post("/auth/token")
async def token(body: Credentials) -> dict[str, str]:
    user = users.get(body.email)
    if user is None or user["password"] != body.password:
        raise Problem(401, "unauthorized", "wrong email or password")
    raw = secrets.token_urlsafe(24)
    tokens[raw] = body.email
    return {"access_token": raw, "token_type": "bearer"}


@app.post("/rooms", status_code=201)
async def create_room(body: RoomIn, authorization: Auth = None) -> dict[str, Any]:
    me(authorization)
    if any(r["name"] == body.name for r in rooms.values()):
        raise Problem(409, "conflict", "name taken")
    room = {"id": next(ids), **body.model_dump()}
    rooms[room["id"]] = room
    return room


@app.get("/rooms")
async def list_rooms(authorization: Auth = None, limit: Limit = 20, offset: Offset = 0) -> dict[str, Any]:
    me(authorization)
    return page(list(rooms.values()), limit, offset)


@app.get("/rooms/{room_id}")
async def get_room(room_id: int, authorization: Auth = None) -> dict[str, Any]:
    me(authorization)
    if room_id not in rooms:
        raise Problem(404, "not_found", "no such room")
    return rooms[room_id]


def out(b: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in b.items() if k != "owner"}


async def mail(to: str, booking_id: int) -> None:
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            await client.post(os.environ.get("MAIL_SINK_URL", ""), json={
                "to": to, "subject": f"Booking {booking_id}", "body": f"Booking {booking_id} confirmed"})
    except httpx.HTTPError:
        pass


@app.post("/bookings", status_code=201)
async def book(body: BookingIn, authorization: Auth = None,
               idempotency_key: Annotated[str | None, Header()] = None) -> JSONResponse:
    email = me(authorization)
    digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    async with lock:
        if idempotency_key and (email, idempotency_key) in keys:
            seen_digest, seen = keys[(email, idempotency_key)]
            if seen_digest != digest:
                raise Problem(422, "idempotency_key_reused", "key used for another request")
            return JSONResponse(seen, 201)
        if body.room_id not in rooms:
            raise Problem(404, "not_found", "no such room")
        start, end = body.start.astimezone(UTC), body.end.astimezone(UTC)
        for other in bookings.values():
            if (other["room_id"] == body.room_id and other["status"] == "confirmed"
                    and other["start"] < end and other["end"] > start):
                raise Problem(409, "slot_taken", "the room is booked then")
        booking = {"id": next(ids), "room_id": body.room_id, "title": body.title, "start": start,
                   "end": end, "status": "confirmed", "owner": email}
        bookings[booking["id"]] = booking
        if idempotency_key:
            keys[(email, idempotency_key)] = (digest, out(booking))
    task = asyncio.get_running_loop().create_task(mail(email, booking["id"]))
    pending.add(task)
    task.add_done_callback(pending.discard)
    return JSONResponse(out(booking), 201)


@app.get("/bookings")
async def list_bookings(authorization: Auth = None, limit: Limit = 20, offset: Offset = 0) -> dict[str, Any]:
    email = me(authorization)
    mine = sorted((b for b in bookings.values() if b["owner"] == email), key=lambda b: (b["start"], b["id"]))
    return page([out(b) for b in mine], limit, offset)


def mine(booking_id: int, email: str) -> dict[str, Any]:
    booking = bookings.get(booking_id)
    if booking is None or booking["owner"] != email:
        raise Problem(404, "not_found", "no such booking")
    return booking


@app.get("/bookings/{booking_id}")
async def get_booking(booking_id: int, authorization: Auth = None) -> dict[str, Any]:
    return out(mine(booking_id, me(authorization)))


@app.delete("/bookings/{booking_id}", status_code=204)
async def cancel(booking_id: int, authorization: Auth = None) -> Response:
    mine(booking_id, me(authorization))["status"] = "cancelled"
    return Response(status_code=204)
