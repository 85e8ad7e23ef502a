"""One way to finish a run: ``grader grade`` in-process and a queue worker store the same row,
stamp the same phases and write the same report files for the same grading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from grader.challenge import find_challenge
from grader.models import GradeReport, Phase
from grader.pipeline import GradeRequest, Observer
from grader.queue import run_attempt
from grader.record import grade_here
from grader.sandbox import Sandbox
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.store import open_store
from grader.store.tables import PHASE_COLUMNS
from grader.testing import graded_report

ROOTS = (PROJECT_ROOT / "tests" / "fixtures" / "challenges",)
URL = "https://github.com/jane-doe/todo-api"
# What legitimately differs between two runs: their ids, when they happened, who graded.
VARYING = {"id", "submission_id", "created_at", "updated_at", "holder", "worker", "deadline_at"}


def _canned(
    request: GradeRequest,
    settings: Settings,
    *,
    sandbox: Sandbox | None = None,
    observer: Observer | None = None,
) -> GradeReport:
    """The same grading, whoever asks: phases walked, the sample graded report returned."""
    for phase in (Phase.FETCH, Phase.ANALYSE, Phase.PREPARE, Phase.SANDBOX, Phase.COLLECT):
        if observer is not None:
            observer.phase_started(phase)
            observer.phase_finished(phase, 0.1)
    return graded_report(run_id=request.run_id, challenge=request.challenge.ref, repo_url=URL)


def _settings(home: Path) -> Settings:
    return get_settings().model_copy(update={"home": home, "challenges_dir": ROOTS[0]})


def _rows(settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    engine = sa.create_engine(settings.effective_database_url)
    try:
        with engine.connect() as conn:
            run = dict(conn.execute(sa.text("SELECT * FROM runs")).mappings().one())
            submission = dict(conn.execute(sa.text("SELECT * FROM submissions")).mappings().one())
    finally:
        engine.dispose()
    return run, submission


def _comparable(row: dict[str, Any], run_id: str) -> dict[str, Any]:
    """The row without what varies: timestamps reduced to whether they are set, the run's
    phase stamps to their names, its id inside the stored report to a placeholder."""
    kept: dict[str, Any] = {}
    for key, value in row.items():
        if key in VARYING:
            continue
        if key.endswith("_at"):
            kept[key] = value is not None
        elif key == "phases":
            kept[key] = sorted(json.loads(value))
        elif key == "report":
            kept[key] = json.loads(value.replace(run_id, "RUN"))
        else:
            kept[key] = value
    return kept


def _files(folder: Path, run_id: str) -> dict[str, str]:
    return {p.name: p.read_text().replace(run_id, "RUN") for p in sorted(folder.iterdir())}


@pytest.fixture
def both(tmp_path: Path) -> dict[str, tuple[Settings, str]]:
    """The same submission graded once by ``grader grade`` and once by a worker."""
    challenge = find_challenge("fixture/functions", ROOTS)
    cli = _settings(tmp_path / "cli")
    request = GradeRequest(url=URL, challenge=challenge, ref="main", commit="c" * 40)
    _report, finished = grade_here(request, cli, grade_fn=_canned)
    assert finished.run_id is not None
    worker = _settings(tmp_path / "worker")
    with open_store(worker.effective_database_url) as store:
        submission = store.enqueue(
            URL,
            "main",
            "c" * 40,
            challenge_id=challenge.id,
            challenge_version=challenge.spec.version,
            queue=challenge.queue,
            deadline_seconds=60,
        )
        done = run_attempt(submission, worker, store, roots=ROOTS, grade_fn=_canned)
    assert done.run_id is not None
    return {"cli": (cli, finished.run_id), "worker": (worker, done.run_id)}


def test_cli_and_worker_store_the_same_run_row(both: dict[str, tuple[Settings, str]]) -> None:
    (cli, cli_id), (worker, worker_id) = both.values()
    (cli_run, cli_sub), (worker_run, worker_sub) = _rows(cli), _rows(worker)
    assert _comparable(cli_run, cli_id) == _comparable(worker_run, worker_id)
    assert _comparable(cli_sub, cli_id) == _comparable(worker_sub, worker_id)


def test_cli_and_worker_stamp_every_phase_including_reported(
    both: dict[str, tuple[Settings, str]],
) -> None:
    for settings, _run_id in both.values():
        run, submission = _rows(settings)
        stamped = {p for p in PHASE_COLUMNS if submission[f"{p}_at"] is not None}
        assert stamped == set(PHASE_COLUMNS)
        assert set(json.loads(run["phases"])) == set(PHASE_COLUMNS)
        assert submission["state"] == "done"


def test_cli_and_worker_write_the_same_report_files_in_the_same_place(
    both: dict[str, tuple[Settings, str]],
) -> None:
    (cli, cli_id), (worker, worker_id) = both.values()
    cli_dir, worker_dir = cli.report_dir(cli_id), worker.report_dir(worker_id)
    assert cli_dir == cli.home / "reports" / cli_id
    assert _files(cli_dir, cli_id) == _files(worker_dir, worker_id)
    assert set(_files(cli_dir, cli_id)) == {
        "report.html",
        "report.md",
        "report.json",
        "candidate.html",
        "candidate.md",
    }


def test_a_run_whose_reports_cannot_be_written_is_stored_without_the_reported_stamp(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path / "home")
    challenge = find_challenge("fixture/functions", ROOTS)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the reports folder should be", encoding="utf-8")
    request = GradeRequest(url=URL, challenge=challenge, ref="main", commit="c" * 40)
    _report, finished = grade_here(request, settings, grade_fn=_canned, out_dir=blocked)
    assert finished.run_id is not None and finished.paths == {}
    run, submission = _rows(settings)
    assert submission["state"] == "done" and submission["finished_at"] is not None
    assert submission["reported_at"] is None
    assert "reported" not in json.loads(run["phases"])
