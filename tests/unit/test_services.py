"""Sidecar services without Docker: what candidates are told, and how the harness passes it on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.harness.grader_harness import _config, _proc
from grader.sandbox.docker.images import service_tag
from grader.sandbox.docker.recipes import RECIPES
from grader.settings import get_settings


def test_postgres_settings_name_one_database_in_every_conventional_form() -> None:
    env = RECIPES["postgres"].candidate_env("s3cret")
    assert env["DATABASE_URL"] == "postgresql://app:s3cret@127.0.0.1:5432/app"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DB"]) == (
        "127.0.0.1",
        "5432",
        "app",
    )
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("app", "s3cret")


def test_redis_settings_point_at_loopback() -> None:
    assert RECIPES["redis"].candidate_env("unused")["REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_every_service_runs_as_its_own_unprivileged_user() -> None:
    assert {name: recipe.user for name, recipe in RECIPES.items()} == {
        "postgres": "postgres",
        "redis": "redis",
    }


def test_service_image_tag_changes_when_its_recipe_changes() -> None:
    settings = get_settings()
    tag = service_tag("postgres", settings)
    assert tag.startswith("grader-service-postgres:bookworm-")
    other = settings.model_copy(update={"debian_suite": "trixie"})
    assert service_tag("postgres", other) != tag
    assert service_tag("redis", settings) != tag


@pytest.fixture(autouse=True)
def _work_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness makes the candidates' home under the work folder: keep it in tmp_path."""
    monkeypatch.setenv("GRADER_WORK_DIR", str(tmp_path))


def test_harness_gives_candidates_the_service_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = {"DATABASE_URL": "postgresql://app:x@127.0.0.1:5432/app", "REDIS_URL": "redis://r"}
    monkeypatch.setenv("GRADER_CANDIDATE_ENV", json.dumps(settings))
    env = _proc.candidate_env({"EXTRA": "1"})
    assert env["DATABASE_URL"] == settings["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://r" and env["EXTRA"] == "1"
    assert "GRADER_CANDIDATE_ENV" not in env


@pytest.mark.parametrize("raw", ["", "not json", "[1, 2]", '{"A": 1}'])
def test_malformed_service_settings_give_candidates_nothing(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("GRADER_CANDIDATE_ENV", raw)
    assert _config.service_env() == {}


def test_service_settings_never_replace_the_allowlisted_basics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRADER_CANDIDATE_ENV", json.dumps({"PATH": "/evil", "LANG": "C"}))
    env = _proc.candidate_env(None)
    assert env["PATH"] == _config.candidate_path() and env["LANG"] == "C.UTF-8"
