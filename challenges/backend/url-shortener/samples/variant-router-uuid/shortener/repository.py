"""Short URLs in PostgreSQL through SQLAlchemy Core."""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column, DateTime, Integer, MetaData, String, Table, Text, Uuid, create_engine, delete,
    insert, select, update,
)
from sqlalchemy.engine import Engine, RowMapping
from sqlalchemy.exc import IntegrityError

metadata = MetaData()
links = Table(
    "links",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("url", Text, nullable=False),
    Column("code", String(16), nullable=False, unique=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
    Column("hits", Integer, nullable=False, default=0),
)


def make_engine() -> Engine:
    url = os.environ.get("DATABASE_URL", "sqlite:///links.db")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


def as_json(row: RowMapping, *, stats: bool = False) -> dict[str, Any]:
    body = {
        "id": str(row["id"]),
        "url": row["url"],
        "shortCode": row["code"],
        "createdAt": row["created"].isoformat(),
        "updatedAt": row["updated"].isoformat(),
    }
    if stats:
        body["accessCount"] = row["hits"]
    return body


class LinkRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, url: str) -> RowMapping:
        now = datetime.now(UTC)
        for _attempt in range(5):
            values = {"id": uuid.uuid4(), "url": url, "code": secrets.token_urlsafe(6),
                      "created": now, "updated": now, "hits": 0}
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(links).values(**values))
                return self.get(values["code"])  # type: ignore[return-value]
            except IntegrityError:
                continue
        raise RuntimeError("could not find a free short code")

    def get(self, code: str) -> RowMapping | None:
        with self.engine.connect() as conn:
            return conn.execute(select(links).where(links.c.code == code)).mappings().first()

    def hit(self, code: str) -> RowMapping | None:
        statement = (
            update(links).where(links.c.code == code).values(hits=links.c.hits + 1)
            .returning(*links.c)
        )
        with self.engine.begin() as conn:
            return conn.execute(statement).mappings().first()

    def replace(self, code: str, url: str) -> RowMapping | None:
        statement = (
            update(links).where(links.c.code == code)
            .values(url=url, updated=datetime.now(UTC)).returning(*links.c)
        )
        with self.engine.begin() as conn:
            return conn.execute(statement).mappings().first()

    def remove(self, code: str) -> bool:
        with self.engine.begin() as conn:
            return conn.execute(delete(links).where(links.c.code == code)).rowcount > 0
