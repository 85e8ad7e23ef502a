"""``grader sandbox reap``: never a live run's container, never a negative age, a dry run."""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any

import pytest
from click.testing import CliRunner

from grader.cli import admin, main
from grader.sandbox.docker.container import LABEL_CREATED, LABEL_MANAGED, LABEL_RUN
from grader.sandbox.docker.reap import reap
from grader.sandbox.port import LiveRuns, ReapedSandbox
from grader.settings import get_settings
from grader.store import open_store

NOW = int(time.time())


class _Api:
    def __init__(self, runs: dict[str, int]) -> None:
        self.listed = [
            {
                "Id": f"{run}-container".ljust(64, "0"),
                "Labels": {LABEL_MANAGED: "1", LABEL_RUN: run, LABEL_CREATED: str(NOW - age)},
            }
            for run, age in runs.items()
        ]
        self.removed: list[str] = []

    def containers(self, **_filters: Any) -> list[dict[str, Any]]:
        return [c for c in self.listed if c["Id"] not in self.removed]

    def remove_container(self, container_id: str, **_options: Any) -> None:
        self.removed.append(container_id)


class _Client:
    def __init__(self, runs: dict[str, int]) -> None:
        self.api = _Api(runs)

    def close(self) -> None:
        return None


class _Backend:
    """The Docker backend's reap over the fake client (what ``open_sandbox`` would give)."""

    def __init__(self, client: _Client) -> None:
        self.client = client

    def reap(
        self, older_than_seconds: int, *, live: LiveRuns | None = None, dry_run: bool = False
    ) -> tuple[ReapedSandbox, ...]:
        found = reap(self.client, older_than_seconds=older_than_seconds, live=live, dry_run=dry_run)
        return tuple(found)

    def close(self) -> None:
        return None


def _live(*runs: str) -> Any:
    def live(run_ids: Collection[str]) -> set[str]:
        return set(run_ids) & set(runs)

    return live


def test_a_container_whose_run_holds_a_live_claim_is_never_reaped() -> None:
    client = _Client({"crashed": 4000, "grading": 4000, "young": 10})
    reaped = reap(client, older_than_seconds=0, now=NOW, live=_live("grading"))
    assert sorted(r.run_id for r in reaped) == ["crashed", "young"]
    assert all("grading" not in removed for removed in client.api.removed)


def test_a_dry_run_lists_and_removes_nothing() -> None:
    client = _Client({"crashed": 4000, "young": 10})
    reaped = reap(client, older_than_seconds=60, now=NOW, dry_run=True)
    assert [(r.run_id, r.age_seconds) for r in reaped] == [("crashed", 4000)]
    assert client.api.removed == []


def test_a_negative_age_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        reap(_Client({"x": 1}), older_than_seconds=-1, now=NOW)


def test_the_command_refuses_a_negative_age_before_touching_docker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(admin, "open_sandbox", pytest.fail)
    result = CliRunner().invoke(main, ["sandbox", "reap", "--older-than", "-1"])
    assert result.exit_code == 2
    assert "-1 is not in the range x>=0" in result.output


def test_the_command_asks_the_store_which_runs_are_live(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    with open_store(get_settings().effective_database_url) as store:
        busy = store.enqueue(
            "https://example.org/a/b",
            None,
            "a" * 40,
            challenge_id="x/y",
            challenge_version="1",
            queue="default",
            deadline_seconds=60,
        )
        claim = store.claim(busy, "live-run-token", lease_seconds=600)
        assert claim is not None
        lapsed = store.enqueue(
            "https://example.org/a/c",
            None,
            "b" * 40,
            challenge_id="x/y",
            challenge_version="1",
            queue="default",
            deadline_seconds=60,
        )
        assert store.claim(lapsed, "lapsed-token", lease_seconds=-1) is not None
        assert store.live_runs({"live-run-token", "lapsed-token", "other"}) == {"live-run-token"}
    client = _Client({"live-run-token": 4000, "lapsed-token": 4000, "orphan": 4000})
    monkeypatch.setattr(admin, "open_sandbox", lambda settings: _Backend(client))
    dry = CliRunner().invoke(main, ["sandbox", "reap", "--older-than", "0", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would be removed" in dry.stdout and "live-run-token" not in dry.stdout
    assert client.api.removed == []
    done = CliRunner().invoke(main, ["sandbox", "reap", "--older-than", "0"])
    assert done.exit_code == 0, done.output
    assert sorted(c[:12] for c in client.api.removed) == ["lapsed-token", "orphan-conta"]
