"""The store on a real SQLite file: submissions, runs, prefixes and migrations."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from grader.errors import ConfigError
from grader.store import (
    Claim,
    Overlap,
    RunNotFoundError,
    RunRecord,
    Store,
    SubmissionNotFoundError,
    open_store,
)
from grader.store.migrate import alembic_config, current_revision, downgrade, upgrade
from grader.store.tables import Base

STARTED = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'nested' / 'grader.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened


def _submission(
    store: Store,
    challenge_id: str = "backend/todo-api",
    repo_url: str = "https://github.com/someone/todo",
    version: str = "1.0",
) -> str:
    return store.enqueue(
        repo_url,
        "main",
        "a" * 40,
        challenge_id=challenge_id,
        challenge_version=version,
        queue="default",
        deadline_seconds=60,
    )


def _claim(store: Store, submission_id: str) -> Claim:
    """Claim the submission's next attempt (regrading it first when it is done)."""
    if store.status(submission_id).state == "done":
        store.regrade(submission_id, deadline_seconds=60)
    claim = store.claim(submission_id, uuid.uuid4().hex, lease_seconds=60)
    assert claim is not None
    return claim


def _finish(store: Store, submission_id: str, record: RunRecord) -> str:
    run_id = store.finish(_claim(store, submission_id), record)
    assert run_id is not None
    return run_id


def _record(
    store: Store,
    submission_id: str,
    *,
    outcome: str = "graded",
    score: float | None = 80.0,
    version: str = "1.0",
    challenge_id: str = "backend/todo-api",
    fingerprints: list[Any] | None = None,
) -> str:
    report: dict[str, Any] = {"outcome": outcome, "score": score, "tests": [{"id": "t1"}]}
    if fingerprints is not None:
        report["fingerprints"] = fingerprints
    return _finish(
        store,
        submission_id,
        RunRecord(
            run_id=uuid.uuid4().hex,
            report=report,
            outcome=outcome,
            score=score,
            reason="" if outcome == "graded" else "docker daemon went away",
            commit_sha="a" * 40,
            challenge_id=challenge_id,
            challenge_version=version,
            started_at=STARTED,
            finished_at=STARTED + timedelta(seconds=42),
            timings={"fetch": 0.1, "sandbox": 3.5},
            image="grader-runner-base:bookworm",
            image_digest="sha256:" + "b" * 64,
        ),
    )


def _attempts(db_url: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT attempt, outcome FROM runs ORDER BY attempt")
            return [tuple(row) for row in conn.execute(query)]
    finally:
        engine.dispose()


def test_open_store_creates_the_missing_parent_folder_and_migrates_to_head(db_url: str) -> None:
    with open_store(db_url):
        pass
    engine = sa.create_engine(db_url)
    try:
        assert current_revision(engine) == HEAD
        assert {"submissions", "runs"} <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_second_run_of_a_submission_gets_attempt_two(store: Store, db_url: str) -> None:
    submission = _submission(store)
    _record(store, submission, outcome="not_gradable", score=None)
    _record(store, submission)
    assert _attempts(db_url) == [(1, "not_gradable"), (2, "graded")]


def test_recording_a_run_marks_the_submission_done(store: Store, db_url: str) -> None:
    submission = _submission(store)
    _record(store, submission)
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            state: str = conn.execute(sa.text("SELECT state FROM submissions")).scalar_one()
    finally:
        engine.dispose()
    assert state == "done"


def test_recording_a_run_for_an_unknown_submission_is_a_clear_error(store: Store) -> None:
    claim = _claim(store, _submission(store))
    ghost = dataclasses.replace(claim, submission_id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(SubmissionNotFoundError, match="no submission"):
        store.finish(ghost, RunRecord("r", {}, "graded", 1.0, "", None, "c", "1", None, None, {}))


def test_list_runs_shows_newest_first_and_filters_by_challenge(store: Store) -> None:
    first = _record(store, _submission(store))
    other = _submission(store, challenge_id="data/etl")
    _finish(
        store,
        other,
        RunRecord(
            run_id=uuid.uuid4().hex,
            report={},
            outcome="graded",
            score=50.0,
            reason="",
            commit_sha=None,
            challenge_id="data/etl",
            challenge_version="2",
            started_at=None,
            finished_at=None,
            timings={},
            image="",
            image_digest="",
        ),
    )
    rows = store.list_runs()
    assert [r.challenge_id for r in rows] == ["data/etl", "backend/todo-api"]
    assert rows[1].id == first
    assert rows[1].repo_url == "https://github.com/someone/todo"
    assert [r.challenge_id for r in store.list_runs(challenge_id="backend/todo-api")] == [
        "backend/todo-api"
    ]
    assert len(store.list_runs(limit=1)) == 1


def test_get_run_by_unique_prefix_returns_the_report_and_aware_timestamps(store: Store) -> None:
    run_id = _record(store, _submission(store))
    detail = store.get_run(run_id[:8])
    assert detail.row.id == run_id
    assert detail.attempt == 1
    assert detail.report == {"outcome": "graded", "score": 80.0, "tests": [{"id": "t1"}]}
    assert detail.timings == {"fetch": 0.1, "sandbox": 3.5}
    assert detail.row.finished_at == STARTED + timedelta(seconds=42)
    assert detail.row.finished_at is not None and detail.row.finished_at.tzinfo is not None


def test_timestamps_in_other_zones_are_stored_as_the_same_instant(store: Store) -> None:
    paris = timezone(timedelta(hours=1))
    submission = _submission(store)
    run_id = _finish(
        store,
        submission,
        RunRecord(
            run_id=uuid.uuid4().hex,
            report={},
            outcome="graded",
            score=1.0,
            reason="",
            commit_sha=None,
            challenge_id="backend/todo-api",
            challenge_version="1.0",
            started_at=datetime(2025, 3, 1, 13, 0, tzinfo=paris),
            finished_at=None,
            timings={},
            image="",
            image_digest="",
        ),
    )
    assert store.get_run(run_id).started_at == STARTED


def test_get_run_with_an_ambiguous_prefix_says_so(store: Store, db_url: str) -> None:
    submission = _submission(store)
    first, second = _record(store, submission), _record(store, submission)
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            for old, new in ((first, "abcd1111"), (second, "abcd2222")):
                conn.execute(
                    sa.text("UPDATE runs SET id = :new WHERE id = :old"),
                    {"new": new + old[8:], "old": old},
                )
    finally:
        engine.dispose()
    with pytest.raises(RunNotFoundError, match="more than one run"):
        store.get_run("abcd")
    assert store.get_run("abcd2").attempt == 2


def test_get_run_with_an_unknown_or_too_short_id_is_a_config_error(store: Store) -> None:
    with pytest.raises(RunNotFoundError, match="no run") as unknown:
        store.get_run("ffff-not-there")
    assert isinstance(unknown.value, ConfigError)
    assert unknown.value.hint
    with pytest.raises(RunNotFoundError, match="too short"):
        store.get_run("ab")


def test_a_prefix_with_sql_wildcards_matches_nothing(store: Store) -> None:
    _record(store, _submission(store))
    with pytest.raises(RunNotFoundError, match="no run"):
        store.get_run("%%%%")


def test_the_cohort_is_the_latest_graded_run_of_each_repository_without_samples(
    store: Store,
) -> None:
    submission = _submission(store)
    _record(store, submission, score=70.0)
    _record(store, submission, outcome="flagged", score=100.0)
    _record(store, submission, outcome="not_gradable", score=None)
    _record(store, submission, score=90.0)  # a regrade: only the latest run counts
    other = _submission(store, repo_url="https://github.com/other/todo")
    _record(store, other, score=40.0)
    sample = _submission(store, repo_url="http://127.0.0.1:8123/strong.git")
    _record(store, sample, score=100.0)
    assert sorted(store.cohort_scores("backend/todo-api", "1.0")) == [40.0, 90.0]
    mine = "https://github.com/someone/todo"
    assert store.cohort_scores("backend/todo-api", "1.0", exclude_repo=mine) == [40.0]
    assert store.cohort_scores("backend/todo-api", "2.0") == []
    assert store.cohort_scores("data/etl", "1.0") == []


def test_a_repository_submitted_twice_counts_once_with_its_latest_score(store: Store) -> None:
    first = _submission(store)
    _record(store, first, score=30.0)
    again = _submission(store)  # the same repository handed in anew: a second submission
    _record(store, again, score=60.0)
    _record(store, _submission(store, repo_url="https://github.com/other/todo"), score=50.0)
    _record(store, first, score=20.0)  # a regrade of the first submission, latest of all
    assert sorted(store.cohort_scores("backend/todo-api", "1.0")) == [20.0, 50.0]


def test_other_versions_and_challenges_are_never_in_the_cohort(store: Store) -> None:
    _record(store, _submission(store), score=90.0)
    newer = _submission(store, repo_url="https://github.com/new/todo", version="2.0")
    _record(store, newer, score=10.0, version="2.0")
    etl = _submission(store, challenge_id="data/etl")
    _record(store, etl, score=50.0, challenge_id="data/etl")
    assert store.cohort_scores("backend/todo-api", "1.0") == [90.0]
    assert store.cohort_scores("backend/todo-api", "2.0") == [10.0]
    assert store.cohort_scores("data/etl", "1.0") == [50.0]
    assert store.cohort_overlaps("backend/todo-api", "2.0", {7}) == []  # no fingerprints


def _marks(*digests: int) -> list[dict[str, Any]]:
    return [{"digest": d, "path": "app.py", "first": d, "last": d} for d in digests]


def test_overlaps_come_from_the_latest_graded_or_flagged_run_of_each_other_repository(
    store: Store,
) -> None:
    mine = _submission(store)
    _record(store, mine, fingerprints=_marks(1, 2, 3))
    copied = _submission(store, repo_url="https://github.com/copy/todo")
    _record(store, copied, fingerprints=_marks(1))
    flagged = _record(store, copied, outcome="flagged", score=0.0, fingerprints=_marks(1, 2, 8))
    _record(store, copied, outcome="not_gradable", score=None, fingerprints=_marks(1, 2, 3))
    _record(store, _submission(store, repo_url="https://github.com/bare/todo"))  # no marks
    _record(
        store, _submission(store, repo_url="https://github.com/apart/todo"), fingerprints=_marks(9)
    )
    for sample in ("http://127.0.0.1:8123/strong.git", "http://localhost:9/weak.git"):
        _record(store, _submission(store, repo_url=sample), fingerprints=_marks(1, 2, 3))
    other = _submission(store, repo_url="https://github.com/v2/todo", version="2.0")
    _record(store, other, version="2.0", fingerprints=_marks(1, 2, 3))
    mine_url = "https://github.com/someone/todo"
    overlaps = store.cohort_overlaps("backend/todo-api", "1.0", {1, 2, 3}, exclude_repo=mine_url)
    assert overlaps == [Overlap(flagged, "https://github.com/copy/todo", shared=2, total=3)]
    assert [o.repo_url for o in store.cohort_overlaps("backend/todo-api", "1.0", {1, 2, 3})] == [
        mine_url,
        "https://github.com/copy/todo",
    ]
    assert store.cohort_overlaps("backend/todo-api", "1.0", set()) == []
    assert store.fingerprints_of(flagged) == _marks(1, 2, 8)


def test_only_scored_runs_leave_fingerprints_each_distinct_digest_once(
    store: Store,
) -> None:
    duplicate = _record(store, _submission(store), fingerprints=_marks(5, 5, 6))
    failed = _submission(store, repo_url="https://github.com/down/todo")
    _record(store, failed, outcome="not_gradable", score=None, fingerprints=_marks(5, 6))
    (overlap,) = store.cohort_overlaps("backend/todo-api", "1.0", {5, 6})
    assert (overlap.run_id, overlap.shared, overlap.total) == (duplicate, 2, 2)


def test_an_unknown_outcome_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="outcome"):
        _record(store, _submission(store), outcome="passed")


def test_an_unusable_url_is_a_config_error_naming_the_setting(tmp_path: Path) -> None:
    for url in ("not a url", "nosuchdialect://x/y", f"sqlite:///{tmp_path}"):
        with pytest.raises(ConfigError) as caught:
            open_store(url)
        assert "GRADER_DATABASE_URL" in caught.value.hint


def test_migrations_go_from_empty_to_head_and_back_to_base(db_url: str) -> None:
    Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    engine = sa.create_engine(db_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == HEAD
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert current_revision(engine) == HEAD
    finally:
        engine.dispose()


def test_upgrading_fills_the_fingerprints_of_runs_stored_before_the_table(
    store: Store, db_url: str
) -> None:
    copied = _record(store, _submission(store), fingerprints=_marks(3, 4))
    ignored = _submission(store, repo_url="https://github.com/down/todo")
    _record(store, ignored, outcome="not_gradable", score=None, fingerprints=_marks(3, 4))
    engine = sa.create_engine(db_url)
    try:
        downgrade(engine, "0003_web")  # as a database from before 0004 holds them: no table
        assert "fingerprints" not in sa.inspect(engine).get_table_names()
        upgrade(engine)
    finally:
        engine.dispose()
    (overlap,) = store.cohort_overlaps("backend/todo-api", "1.0", {3, 4})
    assert (overlap.run_id, overlap.shared, overlap.total) == (copied, 2, 2)


def test_the_migrations_match_the_models(db_url: str) -> None:
    with open_store(db_url):
        pass
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_sqlite_files_use_write_ahead_logging(store: Store, db_url: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            mode: str = conn.execute(sa.text("PRAGMA journal_mode")).scalar_one()
    finally:
        engine.dispose()
    assert mode == "wal"
