"""About a million rows: correct totals, then time and memory in generous tiers.

The input is generated in the candidate's folder by ``bigdata.GENERATOR`` (run as the
candidate with ``python3 -I``); the ETL's CPU time (user + system) and memory (peak resident
size) are those of the candidate's processes, sampled from /proc by the judge. CPU time, not
wall-clock time, so a machine busy with other gradings does not cost the candidate a tier.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from bigdata import GENERATOR
from grader_harness import CliResult, record_fact, run_cli
from grader_harness.workspace import new_workspace
from runner import read_outputs, timed_run

pytestmark = pytest.mark.category("scale")

ROWS = 1_000_000
ETL_TIMEOUT = 300.0  # wall clock, only to stop a run that hangs


@dataclass(frozen=True)
class BigRun:
    want: dict[str, Any]
    result: CliResult
    seconds: float  # CPU seconds
    peak_mb: float
    revenue: list[dict[str, Any]]
    quarantined: int

    def require_correct(self) -> None:
        assert self.result.returncode == 0, (
            f"the ETL exited {self.result.returncode} on {ROWS:,} rows: {self.result.output[-500:]}"
        )
        orders = sum(int(row["orders"]) for row in self.revenue)
        revenue = sum(float(row["revenue"]) for row in self.revenue)
        assert len(self.revenue) == self.want["groups"], "wrong number of (day, region) rows"
        assert orders == self.want["live_orders"], (
            f"{orders} live orders, want {self.want['live_orders']}"
        )
        assert abs(revenue - self.want["revenue"]) < 0.01 * len(self.revenue), (
            f"total revenue {revenue:.2f}, want {self.want['revenue']:.2f}"
        )
        assert self.quarantined == self.want["quarantined"], (
            f"{self.quarantined} rows quarantined, want {self.want['quarantined']}"
        )


@pytest.fixture(scope="session")
def big_run() -> Iterator[BigRun]:
    folder = new_workspace()
    made = run_cli(
        ["sh", "-c", 'mkdir -p in && exec python3 -I -c "$0" "$1"', GENERATOR, str(ROWS)],
        cwd=folder,
        timeout=60,
    )
    assert made.returncode == 0, f"the judge's generator failed: {made.stderr[-500:]}"
    want = json.loads(made.stdout.strip().splitlines()[-1])
    result, seconds, wall, peak = timed_run(folder, ETL_TIMEOUT)
    outputs = read_outputs(folder, ("daily_revenue.parquet", "quarantine"))
    revenue = outputs.revenue() if result.returncode == 0 else []
    quarantined = len(outputs.quarantine()) if result.returncode == 0 else 0
    record_fact(
        "scale",
        f"{ROWS:,} rows in {seconds:.1f} CPU s ({wall:.1f} s wall), peak memory {peak:.0f} MB",
    )
    yield BigRun(want, result, seconds, peak, revenue, quarantined)
    run_cli(["rm", "-rf", "--", str(folder)], cwd=folder.parent)


def test_a_million_rows_give_the_right_totals(big_run: BigRun) -> None:
    big_run.require_correct()


@pytest.mark.parametrize("limit", [60.0, 40.0])
def test_a_million_rows_are_processed_within(big_run: BigRun, limit: float) -> None:
    big_run.require_correct()
    assert big_run.seconds <= limit, f"took {big_run.seconds:.1f} CPU s (tier: {limit:g} s)"


@pytest.mark.parametrize("limit_mb", [2000.0, 1200.0])
def test_a_million_rows_fit_in_memory(big_run: BigRun, limit_mb: float) -> None:
    big_run.require_correct()
    assert big_run.peak_mb <= limit_mb, (
        f"peak memory {big_run.peak_mb:.0f} MB (tier: {limit_mb:g} MB)"
    )
