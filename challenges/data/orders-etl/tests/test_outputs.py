"""Parquet partitioned by UTC day, and the daily revenue per region table."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import MainRun
from dataset import as_utc
from grader_harness import run_cli
from runner import ETL

pytestmark = pytest.mark.category("outputs")


def as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def revenue(run: MainRun) -> dict[tuple[date, str], tuple[int, float]]:
    rows = run.outputs.revenue()
    assert rows, "out/daily_revenue.parquet has no rows"
    missing = {"date", "region", "orders", "revenue"} - set(rows[0])
    assert not missing, f"daily_revenue.parquet lacks the columns {sorted(missing)}"
    return {
        (as_date(r["date"]), str(r["region"])): (int(r["orders"]), float(r["revenue"]))
        for r in rows
    }


def test_orders_are_partitioned_by_their_utc_day(ok_run: MainRun) -> None:
    rows = list(ok_run.orders_by_id().values())
    wrong = [
        (row["order_id"], row["_partition"])
        for row in rows
        if row["_partition"] != as_utc(row["order_time"]).date().isoformat()
    ]
    assert not wrong, f"{len(wrong)} orders sit in the wrong order_date= folder: {wrong[:3]}"


def test_every_day_with_orders_has_its_own_folder(ok_run: MainRun) -> None:
    days = {e.order_time.date().isoformat() for e in ok_run.expected.orders.values()}
    folders = {row["_partition"] for row in ok_run.outputs.orders()}
    assert folders == days


def test_daily_revenue_has_one_row_per_day_and_region(ok_run: MainRun) -> None:
    assert set(revenue(ok_run)) == set(ok_run.expected.revenue())


def test_daily_revenue_counts_and_sums_live_orders(ok_run: MainRun) -> None:
    got, want = revenue(ok_run), ok_run.expected.revenue()
    wrong = [
        (key, got[key], value)
        for key, value in sorted(want.items())
        if key in got and (got[key][0] != value[0] or abs(got[key][1] - value[1]) > 0.006)
    ]
    assert not wrong, f"{len(wrong)} (day, region) rows differ (got, want): {wrong[:3]}"


def test_cancelled_orders_are_kept_but_earn_nothing(ok_run: MainRun) -> None:
    statuses = {row["status"] for row in ok_run.outputs.orders()}
    assert "cancelled" in statuses, "cancelled orders belong in out/orders/ too"
    total = sum(orders for orders, _ in revenue(ok_run).values())
    live = sum(1 for e in ok_run.expected.orders.values() if e.status != "cancelled")
    assert total == live, f"daily revenue counts {total} orders, expected {live} (not cancelled)"


def test_a_missing_input_folder_fails_with_a_message(workspace: Path) -> None:
    result = run_cli(ETL)  # the workspace has no in/ folder
    assert result.returncode != 0, "a missing input folder should give a non-zero exit code"
    assert "Traceback (most recent call last)" not in result.output, "the user saw a traceback"
    assert result.output.strip(), "say what is wrong"
