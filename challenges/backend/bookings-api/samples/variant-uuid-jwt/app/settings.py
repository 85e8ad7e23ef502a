"""Configuration from the environment."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    database_url: str = ""
    secret_key: str = "dev-only-secret-change-me"
    mail_sink_url: str = ""
    token_minutes: int = 60


@lru_cache
def settings() -> Settings:
    return Settings()
