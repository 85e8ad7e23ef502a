"""Rooms: create, list (paginated), read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import CurrentUser
from app.db import session
from app.errors import ApiError
from app.models import Room
from app.schemas import Page, RoomIn, RoomOut

router = APIRouter(prefix="/rooms", tags=["rooms"])
Db = Annotated[AsyncSession, Depends(session)]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0)]


@router.post("", status_code=201, response_model=RoomOut)
async def create_room(body: RoomIn, user: CurrentUser, db: Db) -> Room:
    room = Room(name=body.name, capacity=body.capacity)
    db.add(room)
    try:
        await db.commit()
    except IntegrityError:
        raise ApiError(409, "conflict", f"a room called {body.name!r} exists") from None
    return room


@router.get("", response_model=Page[RoomOut])
async def list_rooms(
    user: CurrentUser, db: Db, limit: Limit = 20, offset: Offset = 0
) -> Page[RoomOut]:
    total = await db.scalar(select(func.count()).select_from(Room))
    rooms = await db.scalars(select(Room).order_by(Room.id).limit(limit).offset(offset))
    items = [RoomOut.model_validate(r) for r in rooms]
    return Page[RoomOut](items=items, total=total or 0, limit=limit, offset=offset)


@router.get("/{room_id}", response_model=RoomOut)
async def get_room(room_id: int, user: CurrentUser, db: Db) -> Room:
    room = await db.get(Room, room_id)
    if room is None:
        raise ApiError(404, "not_found", f"no room {room_id}")
    return room
