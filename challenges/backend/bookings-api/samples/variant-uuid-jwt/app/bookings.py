"""Bookings: create (idempotent, race-free), list the caller's (paginated), read, cancel."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections import defaultdict
from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import mail
from app.auth import CurrentUser
from app.db import session
from app.errors import ApiError
from app.models import Booking, IdempotencyRecord, Room, User
from app.schemas import BookingIn, BookingOut, Page

router = APIRouter(prefix="/bookings", tags=["bookings"])
Db = Annotated[AsyncSession, Depends(session)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0)]

# One writer per room and per idempotency key inside this process. SQLite has no row locks;
# on PostgreSQL the room row is also locked (SELECT ... FOR UPDATE) for other processes.
_room_locks: defaultdict[uuid.UUID, asyncio.Lock] = defaultdict(asyncio.Lock)
_key_locks: defaultdict[tuple[uuid.UUID, str], asyncio.Lock] = defaultdict(asyncio.Lock)


def _out(booking: Booking) -> dict[str, object]:
    data = BookingOut.model_validate(booking).model_dump(mode="json")
    for name in ("start", "end"):
        moment = getattr(booking, name)  # SQLite gives back naive UTC; PostgreSQL aware
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        data[name] = moment.isoformat()
    return data


async def _book(body: BookingIn, user: User, db: AsyncSession) -> Booking:
    start, end = body.utc()
    async with _room_locks[body.room_id]:
        room = await db.scalar(select(Room).where(Room.id == body.room_id).with_for_update())
        if room is None:
            raise ApiError(404, "not_found", f"no room {body.room_id}")
        clash = await db.scalar(
            select(Booking.id).where(
                Booking.room_id == body.room_id,
                Booking.status == "confirmed",
                Booking.start < end,
                Booking.end > start,
            )
        )
        if clash is not None:
            raise ApiError(
                409, "slot_taken", f"room {body.room_id} is booked then (booking {clash})"
            )
        booking = Booking(
            room_id=body.room_id, user_id=user.id, title=body.title, start=start, end=end
        )
        db.add(booking)
        await db.commit()
    return booking


@router.post("", status_code=201)
async def create_booking(
    body: BookingIn,
    user: CurrentUser,
    db: Db,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    if idempotency_key is None:
        booking = await _book(body, user, db)
        return _created(booking, user)
    fingerprint = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    async with _key_locks[(user.id, idempotency_key)]:
        seen = await db.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == idempotency_key
            )
        )
        if seen is not None:
            if seen.request_hash != fingerprint:
                raise ApiError(
                    422, "idempotency_key_reused", "this key was used for another request"
                )
            return JSONResponse(json.loads(seen.response), seen.status_code)
        booking = await _book(body, user, db)
        response = _created(booking, user)
        db.add(
            IdempotencyRecord(
                user_id=user.id,
                key=idempotency_key,
                request_hash=fingerprint,
                status_code=201,
                response=bytes(response.body).decode(),
            )
        )
        await db.commit()
        return response


def _created(booking: Booking, user: User) -> JSONResponse:
    data = _out(booking)
    mail.send_later(
        user.email,
        f"Booking {booking.id} confirmed",
        f"Your booking {booking.id} of room {booking.room_id} "
        f"from {data['start']} to {data['end']} is confirmed.",
    )
    return JSONResponse(data, 201)


@router.get("")
async def list_bookings(
    user: CurrentUser, db: Db, limit: Limit = 20, offset: Offset = 0
) -> Page[dict[str, object]]:
    mine = select(Booking).where(Booking.user_id == user.id)
    total = await db.scalar(select(func.count()).select_from(mine.subquery()))
    rows = await db.scalars(mine.order_by(Booking.start, Booking.id).limit(limit).offset(offset))
    return Page[dict[str, object]](
        items=[_out(b) for b in rows], total=total or 0, limit=limit, offset=offset
    )


async def _mine(booking_id: uuid.UUID, user: User, db: AsyncSession) -> Booking:
    booking = await db.get(Booking, booking_id)
    if booking is None or booking.user_id != user.id:
        raise ApiError(404, "not_found", f"no booking {booking_id}")
    return booking


@router.get("/{booking_id}")
async def get_booking(booking_id: uuid.UUID, user: CurrentUser, db: Db) -> dict[str, object]:
    return _out(await _mine(booking_id, user, db))


@router.delete("/{booking_id}", status_code=204)
async def cancel_booking(booking_id: uuid.UUID, user: CurrentUser, db: Db) -> Response:
    booking = await _mine(booking_id, user, db)
    booking.status = "cancelled"
    await db.commit()
    return Response(status_code=204)
