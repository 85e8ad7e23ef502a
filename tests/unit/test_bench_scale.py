"""The scale and capacity benchmarks' arithmetic: quantiles, deciles, rates, hosts. No timing."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from benchmarks.bench_capacity import hosts_needed, per_hour_per_core
from benchmarks.bench_scale import (
    by_decile,
    deciles,
    eta_seconds,
    per_minute,
    percentile,
    seq_scans,
)
from grader.store import SubmissionStatus
from grader.store.tables import PHASE_COLUMNS

T0 = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_percentile_interpolates_between_ranks_and_ignores_order() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 5.0
    assert percentile(values, 0.95) == pytest.approx(4.8)
    assert percentile([7.0], 0.95) == 7.0


def test_percentile_of_nothing_is_nan_and_q_must_be_a_fraction() -> None:
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError, match=r"0\.\.1"):
        percentile([1.0], 95)


def test_deciles_keep_order_cover_everything_and_differ_by_at_most_one() -> None:
    parts = deciles(list(range(1003)))
    assert len(parts) == 10
    assert [x for part in parts for x in part] == list(range(1003))
    assert {len(p) for p in parts} <= {100, 101}


def test_deciles_of_fewer_items_than_parts_drop_the_empty_ones() -> None:
    assert deciles([1, 2, 3]) == [[1], [2], [3]]
    assert deciles([]) == []
    assert deciles(list(range(20)), parts=4) == [list(range(i, i + 5)) for i in (0, 5, 10, 15)]
    with pytest.raises(ValueError, match="at least 1"):
        deciles([1], parts=0)


def test_rates_and_eta() -> None:
    assert per_minute(30, 60.0) == 30.0
    assert math.isnan(per_minute(3, 0.0))
    assert eta_seconds(250, 1000, 300.0) == 900.0
    assert math.isnan(eta_seconds(0, 1000, 10.0))


def test_seq_scans_name_only_submissions_and_runs() -> None:
    plan = """Hash Join
  ->  Seq Scan on runs  (cost=0.00..3.35 rows=20 width=53)
  ->  Seq Scan on submissions submissions_1  (cost=0.00..3.20 rows=20 width=71)
  ->  Seq Scan on orgs  (cost=0.00..1.00 rows=1 width=8)
  ->  Index Scan using ix_runs_created_at on runs"""
    assert seq_scans(plan) == ["runs", "submissions"]
    assert seq_scans("Index Scan using pk_submissions on submissions") == []
    assert seq_scans("Seq Scan on runs_archive") == []


def _done(index: int, claimed: float, reported: float) -> SubmissionStatus:
    phases: dict[str, datetime | None] = dict.fromkeys(PHASE_COLUMNS)
    phases["claimed"] = T0 + timedelta(seconds=claimed)
    phases["finished"] = phases["reported"] = T0 + timedelta(seconds=reported)
    return SubmissionStatus(
        id=f"s{index}",
        state="done",
        attempt=1,
        queue="default",
        challenge_id="fixture/functions",
        repo_url="http://127.0.0.1/sample.git",
        commit_sha="0" * 40,
        tries=1,
        faults=0,
        last_error="",
        worker="w",
        deadline_at=None,
        phases=phases,
    )


def test_by_decile_windows_run_from_the_previous_decile_s_last_report() -> None:
    # 20 submissions, one every 3 s, each taking 2 s from claim to report
    done = [_done(i, 3 * i, 3 * i + 2) for i in range(20)]
    probe = [(0, 0.002), (1, 0.004), (19, 0.010)]
    rows = by_decile(done, probe)
    assert [r.count for r in rows] == [2] * 10
    assert rows[0].label == "0-10 %"
    assert rows[-1].label == "90-100 %"
    assert rows[0].per_minute == pytest.approx(60 * 2 / 5)  # first claim 0 s -> report 5 s
    assert rows[1].per_minute == pytest.approx(60 * 2 / 6)  # 5 s -> 11 s
    assert rows[0].latency == [2.0, 2.0]
    assert rows[0].claim == [0.002, 0.004]
    assert rows[-1].claim == [0.010]
    assert rows[5].claim == []


def test_capacity_per_core_counts_at_least_one_cpu() -> None:
    assert per_hour_per_core(12.0, 1.0) == 300.0
    assert per_hour_per_core(12.0, 0.5) == 300.0
    assert per_hour_per_core(12.0, 2.0) == 150.0
    with pytest.raises(ValueError, match="positive"):
        per_hour_per_core(0.0, 1.0)


def test_hosts_round_up_and_need_one_for_any_work() -> None:
    # 500 candidates, 1 grading each, 300 gradings/hour/host, 24 h: 500 / 7200 -> 1 host
    assert hosts_needed(500, 1.0, 300.0, 24.0) == 1
    # the same round in 1 hour: 500 / 300 -> 2 hosts
    assert hosts_needed(500, 1.0, 300.0, 1.0) == 2
    assert hosts_needed(600, 1.0, 300.0, 1.0) == 2
    assert hosts_needed(601, 1.0, 300.0, 1.0) == 3
    assert hosts_needed(500, 2.0, 300.0, 1.0) == 4
    assert hosts_needed(0, 1.0, 300.0, 1.0) == 0
    with pytest.raises(ValueError, match="positive"):
        hosts_needed(10, 1.0, 300.0, 0.0)
