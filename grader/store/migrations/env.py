"""Alembic environment, configured in code: no ``alembic.ini`` is needed.

The caller puts either an open SQLAlchemy ``connection`` or a database ``url`` into
``config.attributes`` (see :func:`grader.store.migrate.alembic_config`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from grader.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )


def run_offline(url: str) -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade --sql``)."""
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection: sa.Connection | None = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(config.attributes["url"], poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline(config.attributes["url"])
else:
    run_online()
