"""The application factory: routers and the error shape (the schema belongs to Alembic)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import auth, bookings, errors, rooms
from app.db import engine


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


def create_app() -> FastAPI:
    app = FastAPI(title="Room bookings", lifespan=lifespan)
    errors.install(app)
    app.include_router(auth.router)
    app.include_router(rooms.router)
    app.include_router(bookings.router)
    return app
