"""How each sidecar service is built (Debian packages, scripts) and what a candidate gets from it.

Each service image is a Debian ``debootstrap`` rootfs with the service's packages and three
small scripts: ``ENTRYPOINT`` starts the service on ``127.0.0.1`` with nothing persisted,
``READY`` exits 0 once it accepts connections, and ``USAGE`` prints one activity counter
(PostgreSQL: committed and rolled-back transactions in the candidate's database; Redis:
commands processed) so the worker can tell whether the candidate's code used the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ENTRYPOINT = "/usr/local/bin/grader-service"
READY = "/usr/local/bin/grader-service-ready"
USAGE = "/usr/local/bin/grader-service-usage"
HOST = "127.0.0.1"
POSTGRES_PORT = 5432
REDIS_PORT = 6379
DB_NAME = DB_USER = "app"

_PG_BIN = "bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)\n"

POSTGRES_ENTRYPOINT = f"""#!/bin/sh
# An ephemeral PostgreSQL: a fresh cluster on tmpfs, one login role owning one database.
set -eu
{_PG_BIN}export PGDATA=/pgdata/data
"$bin/initdb" -D "$PGDATA" -U postgres --no-locale -E UTF8 \\
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
"$bin/postgres" --single -D "$PGDATA" postgres >/dev/null <<SQL
CREATE ROLE "$POSTGRES_USER" LOGIN PASSWORD '$POSTGRES_PASSWORD';
CREATE DATABASE "$POSTGRES_DB" OWNER "$POSTGRES_USER";
SQL
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses={HOST} -c port={POSTGRES_PORT} \\
    -c unix_socket_directories=/pgdata -c fsync=off -c synchronous_commit=off \\
    -c full_page_writes=off -c shared_buffers=32MB -c max_connections=40 \\
    -c min_wal_size=32MB -c max_wal_size=64MB
"""

POSTGRES_READY = f"""#!/bin/sh
{_PG_BIN}exec "$bin/pg_isready" -q -t 3 -h {HOST} -p {POSTGRES_PORT}
"""

_USAGE_SQL = (
    "SELECT coalesce(sum(xact_commit + xact_rollback), 0) FROM pg_stat_database"
    " WHERE datname = '$POSTGRES_DB'"
)
POSTGRES_USAGE = f"""#!/bin/sh
{_PG_BIN}exec "$bin/psql" -h /pgdata -p {POSTGRES_PORT} -U postgres -d postgres -Atq \\
    -c "{_USAGE_SQL}"
"""

REDIS_ENTRYPOINT = f"""#!/bin/sh
# An ephemeral Redis: no snapshots, no append-only file, bounded memory.
exec redis-server --bind {HOST} --port {REDIS_PORT} --protected-mode yes --save '' \\
    --appendonly no --dir /tmp --maxmemory 128mb --loglevel warning
"""

REDIS_READY = f"""#!/bin/sh
[ "$(redis-cli -h {HOST} -p {REDIS_PORT} ping)" = PONG ]
"""

REDIS_USAGE = f"""#!/bin/sh
redis-cli -h {HOST} -p {REDIS_PORT} info stats | tr -d '\\r' \\
  | sed -n 's/^total_commands_processed:\\([0-9]*\\)$/\\1/p'
"""


@dataclass(frozen=True, slots=True)
class Recipe:
    """One service: how its image is built and run, and what the candidate's code is told."""

    name: str
    packages: tuple[str, ...]
    scripts: dict[str, str]  # absolute path in the image -> contents (installed 0755)
    user: str  # created by the Debian package; the service never runs as root
    data: tuple[str, ...]  # tmpfs mount points for the service's data
    disk_mb: int
    probe_overhead: int  # how much one USAGE probe itself adds to the counter
    sidecar_env: Callable[[str], dict[str, str]]  # password -> the sidecar's environment
    candidate_env: Callable[[str], dict[str, str]]  # password -> what candidate processes get


def _postgres_sidecar_env(password: str) -> dict[str, str]:
    return {"POSTGRES_USER": DB_USER, "POSTGRES_PASSWORD": password, "POSTGRES_DB": DB_NAME}


def _postgres_candidate_env(password: str) -> dict[str, str]:
    return {
        "DATABASE_URL": f"postgresql://{DB_USER}:{password}@{HOST}:{POSTGRES_PORT}/{DB_NAME}",
        "POSTGRES_HOST": HOST,
        "POSTGRES_PORT": str(POSTGRES_PORT),
        "POSTGRES_USER": DB_USER,
        "POSTGRES_PASSWORD": password,
        "POSTGRES_DB": DB_NAME,
    }


def _redis_candidate_env(_password: str) -> dict[str, str]:
    return {
        "REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
        "REDIS_HOST": HOST,
        "REDIS_PORT": str(REDIS_PORT),
    }


RECIPES: dict[str, Recipe] = {
    "postgres": Recipe(
        name="postgres",
        packages=("postgresql",),
        scripts={ENTRYPOINT: POSTGRES_ENTRYPOINT, READY: POSTGRES_READY, USAGE: POSTGRES_USAGE},
        user="postgres",
        data=("/pgdata",),
        disk_mb=256,
        probe_overhead=0,  # the probe queries the "postgres" database, not the candidate's
        sidecar_env=_postgres_sidecar_env,
        candidate_env=_postgres_candidate_env,
    ),
    "redis": Recipe(
        name="redis",
        packages=("redis-server",),
        scripts={ENTRYPOINT: REDIS_ENTRYPOINT, READY: REDIS_READY, USAGE: REDIS_USAGE},
        user="redis",
        data=(),
        disk_mb=0,
        probe_overhead=1,  # INFO counts itself on the next read
        sidecar_env=lambda _password: {},
        candidate_env=_redis_candidate_env,
    ),
}
