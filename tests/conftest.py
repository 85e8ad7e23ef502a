"""Shared fixtures. Integration tests use real components; under CI=true a missing one fails."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from grader.settings import get_settings


def need(component: str, reason: str) -> None:
    """Skip locally, but fail under CI=true: a missing component is never a silent skip there."""
    message = f"{component} is not available: {reason}"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _fresh_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Each test gets its own GRADER_HOME so nothing leaks between tests or into the user's home."""
    monkeypatch.setenv("GRADER_HOME", str(tmp_path_factory.mktemp("grader-home")))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
