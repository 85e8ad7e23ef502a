"""Run the Alembic migrations from code; the migration scripts ship inside this package."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(*, connection: sa.Connection | None = None, url: str = "") -> Config:
    """An Alembic config for this package's migrations, bound to a connection or a URL.

    Developers make a new revision with
    ``command.revision(alembic_config(url=...), message="...", autogenerate=True)``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    if url:
        config.attributes["url"] = url
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` up to ``revision`` in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), revision)


def downgrade(engine: sa.Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), revision)


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
