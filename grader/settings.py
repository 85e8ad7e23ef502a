"""Settings, read from ``GRADER_*`` environment variables through one cached factory.

Every setting is documented in ``docs/configuration.md``. Nothing is read at import time:
call :func:`get_settings` (tests call ``get_settings.cache_clear()`` after changing the env).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from grader.errors import ConfigError
from grader.models import DEFAULT_QUEUE, SPECIALTIES

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_ALLOWLIST = (
    "https://github.com/",
    "https://gitlab.com/",
    "https://bitbucket.org/",
    "https://codeberg.org/",
)


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "grader"


class GitCredential(BaseModel):
    """A read-only token for one git host (``GRADER_GIT_CREDENTIALS``, JSON keyed by host)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token: SecretStr = Field(min_length=1)
    username: str = ""  # default: what the forge expects beside a token
    account: str = ""  # whom candidates grant read access to, e.g. "@acme-grader"


class Settings(BaseSettings):
    """The grader's configuration. Field names map to ``GRADER_<NAME>`` variables."""

    model_config = SettingsConfigDict(env_prefix="GRADER_", frozen=True, extra="ignore")

    home: Path = Field(default_factory=_default_home)
    database_url: str = ""  # default: a SQLite file under ``home``
    challenges_dir: Path = PROJECT_ROOT / "challenges"
    # More challenge folders, e.g. a hiring team's private checkout: os.pathsep-separated.
    challenge_paths: Annotated[tuple[Path, ...], NoDecode] = ()

    # Intake
    repo_allowlist: Annotated[tuple[str, ...], NoDecode] = DEFAULT_ALLOWLIST
    clone_timeout_seconds: int = Field(default=120, ge=5, le=3600)
    max_repo_mb: int = Field(default=100, ge=1, le=10_000)
    max_repo_files: int = Field(default=5_000, ge=10, le=1_000_000)
    git_credentials: dict[str, GitCredential] = Field(default_factory=dict)  # host -> token
    max_history_commits: int = Field(default=500, ge=1, le=100_000)  # history signals, deadlines

    # Sandbox
    docker_host: str = ""  # empty: the docker SDK's own default (DOCKER_HOST or the socket)
    runner_base_image: str = ""  # empty: build grader-runner-base offline with debootstrap
    # The OCI runtime sandboxes run under, as the daemon registered it: runc, or runsc (gVisor).
    sandbox_runtime: str = Field(default="runc", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    debian_suite: str = "bookworm"
    max_memory_mb: int = Field(default=8192, ge=128)
    max_cpus: float = Field(default=4.0, gt=0)
    max_pids: int = Field(default=4096, ge=16)
    max_wall_seconds: int = Field(default=1800, ge=10)

    # Candidate dependencies
    allow_dependency_download: bool = True  # host-side ``pip download`` into the wheel cache
    wheel_cache_mb: int = Field(default=5_000, ge=100)  # least recently used wheels evicted
    prepare_seconds: int = Field(default=900, ge=10)  # every pip run of one grading, together

    # Queue and workers (docs/operations.md)
    broker_url: str = ""  # default: a SQLite-backed kombu transport under ``home``, no server
    worker_concurrency: int = Field(default=2, ge=1, le=256)
    worker_queues: str = ",".join((*SPECIALTIES, DEFAULT_QUEUE))
    worker_max_tasks_per_child: int = Field(default=50, ge=1)
    max_retries: int = Field(default=3, ge=0, le=20)  # infrastructure faults only
    retry_backoff_seconds: float = Field(default=15.0, ge=0)
    retry_backoff_max_seconds: float = Field(default=300.0, ge=0)
    lease_seconds: float = Field(default=60.0, ge=1)
    queued_timeout_seconds: float = Field(default=900.0, ge=1)
    reaper_interval_seconds: float = Field(default=30.0, gt=0)
    reap_grace_seconds: int = Field(default=120, ge=0)

    # Web app (docs/web.md)
    secret_key: str = ""  # signs session cookies; empty: a random key kept in <home>/secret_key
    secure_cookies: bool = False  # True behind HTTPS: cookies are then sent over HTTPS only
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    webhook_interval_seconds: float = Field(default=5.0, gt=0)

    @field_validator("repo_allowlist", mode="before")
    @classmethod
    def _split_allowlist(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("challenge_paths", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(Path(part.strip()) for part in value.split(os.pathsep) if part.strip())
        return value

    @field_validator("challenge_paths")
    @classmethod
    def _check_paths(cls, value: tuple[Path, ...]) -> tuple[Path, ...]:
        for path in value:
            if not path.is_dir():
                raise ValueError(f"{path} is not a folder of challenges")
        return value

    @field_validator("repo_allowlist")
    @classmethod
    def _check_allowlist(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in value:
            if not prefix.startswith(("https://", "http://")) or not prefix.endswith("/"):
                msg = f"allowlist prefix {prefix!r} must start with http(s):// and end with '/'"
                raise ValueError(msg)
        return value

    @field_validator("git_credentials")
    @classmethod
    def _lowercase_hosts(cls, value: dict[str, GitCredential]) -> dict[str, GitCredential]:
        return {host.strip().lower(): credential for host, credential in value.items()}

    @property
    def challenge_roots(self) -> tuple[Path, ...]:
        """Every folder challenges are looked up in: this repository's, then the extra ones."""
        return (self.challenges_dir, *self.challenge_paths)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'grader.db'}"

    @property
    def effective_broker_url(self) -> str:
        return self.broker_url or f"sqla+sqlite:///{self.home / 'broker.db'}"

    @field_validator("secret_key")
    @classmethod
    def _check_secret(cls, value: str) -> str:
        if value and (len(value) < 32 or value.lower() in {"changeme", "secret"}):
            raise ValueError("must be at least 32 random characters (python -m secrets)")
        return value

    @property
    def wheel_cache(self) -> Path:
        return self.home / "wheels"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def uploads_dir(self) -> Path:
        """Handed-in bundles and zips, by SHA-256 (shared by intake and workers)."""
        return self.home / "uploads"

    @property
    def validations_dir(self) -> Path:
        """What ``grader challenges validate`` last found, one JSON file per challenge."""
        return self.home / "validations"

    def report_dir(self, run_id: str) -> Path:
        """Where one run's rendered reports are written (a cache: the store is the record)."""
        return self.reports_dir / run_id


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings; fails fast with the variable name on a bad value."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "GRADER_" + str(first["loc"][0]).upper() if first["loc"] else "GRADER_*"
        raise ConfigError(
            f"invalid setting {name}: {first['msg']}",
            hint="see docs/configuration.md for every setting and its format",
        ) from exc
