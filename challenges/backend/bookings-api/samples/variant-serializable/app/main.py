"""The application: routers, the error shape, and the schema created at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import auth, bookings, errors, rooms
from app.db import create_schema, engine


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await create_schema()
    yield
    await engine.dispose()


app = FastAPI(title="Room bookings", lifespan=lifespan)
errors.install(app)
app.include_router(auth.router)
app.include_router(rooms.router)
app.include_router(bookings.router)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
