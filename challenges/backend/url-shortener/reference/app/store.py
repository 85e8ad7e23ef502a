"""Short URLs in a SQL database: PostgreSQL from ``DATABASE_URL``, else a local SQLite file."""

from __future__ import annotations

import os
import secrets
import string
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String, create_engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 7
CODE_ATTEMPTS = 5
SQLITE_FALLBACK = "sqlite:///./shortener.db"


class Base(DeclarativeBase):
    pass


class ShortUrl(Base):
    __tablename__ = "short_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    short_code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    access_count: Mapped[int] = mapped_column(default=0)

    def to_json(self, *, stats: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(self.id),
            "url": self.url,
            "shortCode": self.short_code,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
        }
        if stats:
            body["accessCount"] = self.access_count
        return body


def iso(moment: datetime) -> str:
    """``2021-09-01T12:00:00Z`` (SQLite hands back naive UTC date-times)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def database_url() -> str:
    """SQLAlchemy's URL for ``DATABASE_URL`` (with the psycopg 3 driver), or the SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url or SQLITE_FALLBACK


engine = create_engine(database_url(), pool_pre_ping=True)
SessionLocal = sessionmaker(engine, expire_on_commit=False)


def create_tables() -> None:
    Base.metadata.create_all(engine)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


class Store:
    """The five operations of the API, each one transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, url: str) -> ShortUrl:
        now = datetime.now(UTC)
        for _ in range(CODE_ATTEMPTS):
            item = ShortUrl(
                url=url, short_code=new_code(), created_at=now, updated_at=now, access_count=0
            )
            self.session.add(item)
            try:
                self.session.commit()
            except IntegrityError:  # the code was taken: draw another
                self.session.rollback()
                continue
            return item
        raise RuntimeError("no free short code found")

    def find(self, code: str) -> ShortUrl | None:
        return self.session.scalar(select(ShortUrl).where(ShortUrl.short_code == code))

    def visit(self, code: str) -> ShortUrl | None:
        """The short URL, counting this lookup as one access."""
        self.session.execute(
            update(ShortUrl)
            .where(ShortUrl.short_code == code)
            .values(access_count=ShortUrl.access_count + 1)
        )
        self.session.commit()
        return self.find(code)

    def change(self, code: str, url: str) -> ShortUrl | None:
        item = self.find(code)
        if item is not None:
            item.url, item.updated_at = url, datetime.now(UTC)
            self.session.commit()
        return item

    def remove(self, code: str) -> bool:
        deleted = self.session.execute(delete(ShortUrl).where(ShortUrl.short_code == code))
        self.session.commit()
        return bool(deleted.rowcount)
