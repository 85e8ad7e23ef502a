"""The launcher: start commands tried in rank order, falling back as a reviewer would."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from grader.harness.grader_harness import CandidateError, launch, read_file
from grader.harness.grader_harness.entry import Entry
from tests.unit.harness_support import candidate_processes
from tests.unit.test_harness_helpers import base, put

__all__ = ["base"]  # the fixture, shared with the helpers' tests

SERVE = "exec python3 -m http.server $PORT --bind 127.0.0.1"
HELLO = "mkdir -p site && echo hi > site/hello && cd site && " + SERVE
PROBES = [("GET", "/hello")]


@pytest.fixture
def facts(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    seen: dict[str, str] = {}
    monkeypatch.setattr(launch, "record_fact", seen.__setitem__)
    return seen


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return int(answer.status)


def test_a_command_that_exits_at_once_gives_way_to_the_next(
    base: Path, facts: dict[str, str]
) -> None:
    launcher = launch.Launcher([Entry(100, "first", "exit 3"), Entry(90, "second", HELLO)])
    with launcher.serve() as url:
        assert get(url + "/hello") == 200
    assert facts["entry_point"] == "second"
    assert facts["entry_point_tried"].startswith("first: `/bin/sh -c 'exit 3'` exited with code 3")
    assert candidate_processes() == []


def test_an_app_without_the_specs_routes_gives_way_and_the_choice_is_kept(
    base: Path, facts: dict[str, str]
) -> None:
    entries = [Entry(70, "bare", SERVE), Entry(65, "routed", HELLO)]
    launcher = launch.Launcher(entries, probes=PROBES)
    with launcher.serve() as url:
        assert get(url + "/hello") == 200
    assert facts == {"entry_point": "routed", "entry_point_tried": f"bare: {launch.NO_ROUTES}"}
    with launcher.serve() as url:  # a restart: straight to the command that worked
        assert get(url + "/hello") == 200


def test_the_last_candidate_is_kept_even_without_the_routes(
    base: Path, facts: dict[str, str]
) -> None:
    with launch.Launcher([Entry(70, "only", SERVE)], probes=PROBES).serve() as url:
        assert url.startswith("http://127.0.0.1:")
    assert facts == {"entry_point": "only"}


def test_when_nothing_starts_the_first_error_stands_and_later_starts_fail_at_once(
    base: Path, facts: dict[str, str]
) -> None:
    launcher = launch.Launcher([Entry(100, "a", "exit 4"), Entry(90, "b", "exit 5")])
    with pytest.raises(CandidateError, match="exited with code 4"), launcher.serve():
        pass
    assert facts["entry_point"] == "a (it did not start)"
    assert facts["entry_point_tried"].endswith("nothing else to try")
    with pytest.raises(CandidateError, match="did not start earlier in this run"), launcher.serve():
        pass


def test_every_procfile_process_runs_beside_the_app(base: Path, facts: dict[str, str]) -> None:
    put(base, "Procfile", "release: touch released\nworker: touch worked; exec sleep 30\n")
    launcher = launch.Launcher([Entry(100, "web", HELLO)], root=base / "submission")
    folder = base / "work" / "app"
    folder.mkdir()
    folder.chmod(0o1777)
    with launcher.serve(folder):
        assert read_file("released", cwd=folder) == ""
        assert read_file("worked", cwd=folder) == ""
    assert (
        facts["procfile_worker"]
        == "Procfile `worker:` process started: touch worked; exec sleep 30"
    )
    assert candidate_processes() == []
