"""The queue's store transitions on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from grader.errors import GraderError
from grader.store import Claim, RunRecord, Store, SubmissionBusyError, open_store
from grader.store.migrate import alembic_config, current_revision, downgrade, upgrade
from grader.store.tables import Base, RunTable
from tests.integration.services import PostgresServer
from tests.unit.test_store import (  # the cohort queries' SQL, again on both backends
    test_a_repository_submitted_twice_counts_once_with_its_latest_score,
    test_only_scored_runs_leave_fingerprints_each_distinct_digest_once,
    test_other_versions_and_challenges_are_never_in_the_cohort,
    test_overlaps_come_from_the_latest_graded_or_flagged_run_of_each_other_repository,
    test_the_cohort_is_the_latest_graded_run_of_each_repository_without_samples,
)

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
BACKENDS = ["sqlite", "postgresql"]
COHORT_TESTS = (  # collected here too, with this module's store on each backend
    test_a_repository_submitted_twice_counts_once_with_its_latest_score,
    test_other_versions_and_challenges_are_never_in_the_cohort,
    test_the_cohort_is_the_latest_graded_run_of_each_repository_without_samples,
    test_overlaps_come_from_the_latest_graded_or_flagged_run_of_each_other_repository,
    test_only_scored_runs_leave_fingerprints_each_distinct_digest_once,
)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'grader.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened


def _enqueue(store: Store, deadline: float = 60) -> str:
    return store.enqueue(
        "https://github.com/someone/todo",
        None,
        "a" * 40,
        challenge_id="backend/todo-api",
        challenge_version="1.0",
        queue="backend",
        deadline_seconds=deadline,
    )


def _record(claim: Claim, outcome: str = "graded") -> RunRecord:
    return RunRecord(
        run_id=claim.token,
        report={"outcome": outcome},
        outcome=outcome,
        score=90.0 if outcome == "graded" else None,
        reason="",
        commit_sha="a" * 40,
        challenge_id="backend/todo-api",
        challenge_version="1.0",
        started_at=datetime.now(UTC),
        finished_at=datetime.now(UTC),
        timings={"sandbox": 1.0},
    )


def _runs(db_url: str, submission_id: str) -> list[tuple[int, str]]:
    engine = sa.create_engine(db_url)
    query = sa.select(RunTable.attempt, RunTable.id).where(RunTable.submission_id == submission_id)
    try:
        with engine.connect() as conn:
            rows = conn.execute(query.order_by(RunTable.attempt)).all()
    finally:
        engine.dispose()
    return [(attempt, run_id) for attempt, run_id in rows]


def test_migrations_go_up_down_and_up_again_and_match_the_models(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        upgrade(engine)
        downgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        upgrade(engine)
        assert current_revision(engine) == HEAD
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_a_new_submission_is_queued_for_attempt_one_on_its_queue(store: Store) -> None:
    found = store.status(_enqueue(store))
    assert (found.state, found.attempt, found.queue, found.tries) == ("queued", 1, "backend", 0)
    assert found.phases["queued"] is not None
    assert found.phases["claimed"] is None


def test_only_one_of_many_racing_workers_claims_a_submission(store: Store) -> None:
    submission = _enqueue(store)
    claims: list[Claim | None] = []
    barrier = threading.Barrier(8)

    def race(n: int) -> None:
        barrier.wait()
        claims.append(store.claim(submission, f"token-{n}", lease_seconds=60))

    threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [c for c in claims if c is not None]
    assert len(won) == 1
    assert store.status(submission).tries == 1


def test_a_lapsed_lease_lets_another_worker_take_over_and_the_old_holder_loses_it(
    store: Store,
) -> None:
    submission = _enqueue(store)
    first = store.claim(submission, "first", lease_seconds=0.2)
    assert first is not None
    assert store.claim(submission, "early", lease_seconds=60) is None
    time.sleep(0.3)
    second = store.claim(submission, "second", lease_seconds=60)
    assert second is not None and second.tries == 2 and second.attempt == 1
    assert not store.heartbeat(first, lease_seconds=60)
    assert store.heartbeat(second, lease_seconds=60)


def test_the_first_finish_of_an_attempt_wins_and_a_late_duplicate_is_dropped(
    store: Store, db_url: str
) -> None:
    submission = _enqueue(store)
    first = store.claim(submission, "a" * 32, lease_seconds=0.1)
    time.sleep(0.2)
    second = store.claim(submission, "b" * 32, lease_seconds=60)
    assert first is not None and second is not None
    assert store.finish(second, _record(second)) == second.token
    assert store.finish(first, _record(first)) is None
    assert _runs(db_url, submission) == [(1, second.token)]
    found = store.status(submission)
    assert (found.state, found.run_id, found.outcome) == ("done", second.token, "graded")
    assert found.phases["finished"] is not None


def test_an_infrastructure_fault_releases_the_claim_and_counts_a_fault(store: Store) -> None:
    submission = _enqueue(store)
    claim = store.claim(submission, "t1", lease_seconds=60)
    assert claim is not None
    assert store.release(claim, "docker went away", ready_in=0, deadline_seconds=60)
    again = store.claim(submission, "t2", lease_seconds=60)
    assert again is not None and again.faults == 1 and again.tries == 2
    assert not store.release(claim, "stale holder", ready_in=0, deadline_seconds=60)


def test_phase_stamps_need_the_live_claim(store: Store) -> None:
    submission = _enqueue(store)
    claim = store.claim(submission, "t1", lease_seconds=60)
    assert claim is not None
    assert store.mark_phase(claim, "cloned")
    stranger = dataclasses.replace(claim, token="someone-else")
    assert not store.mark_phase(stranger, "prepared")
    phases = store.status(submission).phases
    assert phases["cloned"] is not None and phases["prepared"] is None


def test_regrade_queues_the_next_attempt_only_once_the_submission_is_done(
    store: Store, db_url: str
) -> None:
    submission = _enqueue(store)
    with pytest.raises(SubmissionBusyError, match="still queued"):
        store.regrade(submission, deadline_seconds=60)
    claim = store.claim(submission, "c" * 32, lease_seconds=60)
    assert claim is not None
    store.finish(claim, _record(claim, "not_gradable"))
    assert store.regrade(submission, deadline_seconds=60) == (2, "backend")
    found = store.status(submission)
    assert (found.state, found.attempt, found.run_id, found.tries) == ("queued", 2, None, 0)
    again = store.claim(submission, "d" * 32, lease_seconds=60)
    assert again is not None and again.attempt == 2
    store.finish(again, _record(again))
    assert [a for a, _ in _runs(db_url, submission)] == [1, 2]


def test_concurrent_reapers_hand_each_stale_submission_to_one_of_them(store: Store) -> None:
    lost_queued = [_enqueue(store, deadline=0) for _ in range(5)]
    lost_running = _enqueue(store)
    store.claim(lost_running, "gone", lease_seconds=0)
    _enqueue(store)  # not stale
    time.sleep(0.05)
    found: list[str] = []
    barrier = threading.Barrier(4)

    def reap() -> None:
        barrier.wait()
        found.extend(s.submission_id for s in store.reclaim_stale(deadline_seconds=60))

    threads = [threading.Thread(target=reap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(found) == sorted([*lost_queued, lost_running])
    assert store.status(lost_running).state == "queued"
    assert store.state_counts() == {"queued": 7}


def test_processes_starting_together_on_a_fresh_database_migrate_it_once(db_url: str) -> None:
    failures: list[GraderError] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        try:
            open_store(db_url).close()
        except GraderError as exc:  # open_store reports every database failure this way
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
