"""Request and response bodies (Pydantic v2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

MAX_BOOKING = timedelta(hours=8)
T = TypeVar("T")


class Credentials(BaseModel):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)
    password: str = Field(min_length=8, max_length=200)


class UserOut(BaseModel):
    id: int
    email: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class RoomIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    capacity: int = Field(ge=1, le=1000)


class RoomOut(RoomIn):
    model_config = ConfigDict(from_attributes=True)
    id: int


class BookingIn(BaseModel):
    room_id: int
    start: AwareDatetime
    end: AwareDatetime
    title: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _interval(self) -> BookingIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.end - self.start > MAX_BOOKING:
            raise ValueError("a booking lasts at most 8 hours")
        return self

    def utc(self) -> tuple[datetime, datetime]:
        return self.start.astimezone(UTC), self.end.astimezone(UTC)


class BookingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    room_id: int
    title: str
    start: datetime
    end: datetime
    status: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
