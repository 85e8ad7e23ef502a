"""Bookings: create (idempotent, race-free), list the caller's (paginated), read, cancel."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections import defaultdict
from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app import mail
from app.auth import CurrentUser
from app.db import Session, session
from app.errors import ApiError
from app.models import Booking, IdempotencyRecord, Room, User
from app.schemas import BookingIn, BookingOut, Page

router = APIRouter(prefix="/bookings", tags=["bookings"])
Db = Annotated[AsyncSession, Depends(session)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0)]

MAX_ATTEMPTS = 12


def _out(booking: Booking) -> dict[str, object]:
    data = BookingOut.model_validate(booking).model_dump(mode="json")
    for name in ("start", "end"):
        moment = getattr(booking, name)  # SQLite gives back naive UTC; PostgreSQL aware
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        data[name] = moment.isoformat()
    return data


def _retryable(exc: DBAPIError) -> bool:
    """A serialization failure, a deadlock, or the idempotency key inserted by a rival."""
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state in ("40001", "40P01", "23505") or "database is locked" in str(exc.orig)


Outcome = tuple[int, dict[str, object], bool]  # status, body, whether a booking was made


async def _attempt(body: BookingIn, user: User, key: str | None, fingerprint: str) -> Outcome:
    """One SERIALIZABLE try: the response, with the booking and its record committed."""
    start, end = body.utc()
    async with Session() as db:
        await db.connection(execution_options={"isolation_level": "SERIALIZABLE"})
        if key is not None:
            seen = await db.scalar(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key
                )
            )
            if seen is not None:
                if seen.request_hash != fingerprint:
                    raise ApiError(422, "idempotency_key_reused", "this key was used for another request")
                return seen.status_code, json.loads(seen.response), False
        if await db.get(Room, body.room_id) is None:
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
            raise ApiError(409, "slot_taken", f"room {body.room_id} is booked then")
        booking = Booking(room_id=body.room_id, user_id=user.id, title=body.title, start=start, end=end)
        db.add(booking)
        await db.flush()
        data = _out(booking)
        if key is not None:
            db.add(IdempotencyRecord(user_id=user.id, key=key, request_hash=fingerprint,
                                     status_code=201, response=json.dumps(data)))
        await db.commit()
        return 201, data, True


@router.post("", status_code=201)
async def create_booking(
    body: BookingIn,
    user: CurrentUser,
    tasks: BackgroundTasks,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    fingerprint = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    for attempt in range(MAX_ATTEMPTS):
        try:
            status, data, made = await _attempt(body, user, idempotency_key, fingerprint)
            break
        except DBAPIError as exc:
            if not _retryable(exc) or attempt == MAX_ATTEMPTS - 1:
                raise
            await asyncio.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
    if made:
        tasks.add_task(
            mail.send,
            user.email,
            f"Booking {data['id']} confirmed",
            f"Your booking {data['id']} of room {data['room_id']} "
            f"from {data['start']} to {data['end']} is confirmed.",
        )
    return JSONResponse(data, status)


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


async def _mine(booking_id: int, user: User, db: AsyncSession) -> Booking:
    booking = await db.get(Booking, booking_id)
    if booking is None or booking.user_id != user.id:
        raise ApiError(404, "not_found", f"no booking {booking_id}")
    return booking


@router.get("/{booking_id}")
async def get_booking(booking_id: int, user: CurrentUser, db: Db) -> dict[str, object]:
    return _out(await _mine(booking_id, user, db))


@router.delete("/{booking_id}", status_code=204)
async def cancel_booking(booking_id: int, user: CurrentUser, db: Db) -> Response:
    booking = await _mine(booking_id, user, db)
    booking.status = "cancelled"
    await db.commit()
    return Response(status_code=204)
