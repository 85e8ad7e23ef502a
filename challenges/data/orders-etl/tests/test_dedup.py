"""One row per order: the version with the latest ``updated_at`` wins."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import MainRun
from dataset import as_utc

pytestmark = pytest.mark.category("dedup")


def test_each_order_appears_exactly_once(ok_run: MainRun) -> None:
    ok_run.orders_by_id()
    counts = Counter(row["order_id"] for row in ok_run.outputs.orders())
    repeated = {oid: n for oid, n in counts.items() if n > 1}
    assert not repeated, f"{len(repeated)} orders appear more than once, e.g. {list(repeated)[:3]}"


def test_the_latest_version_wins_wherever_it_arrived(ok_run: MainRun) -> None:
    got = {
        oid: (row["status"], round(float(row["amount"]), 2))
        for oid, row in ok_run.orders_by_id().items()
    }
    want = {oid: (e.status, round(e.amount, 2)) for oid, e in ok_run.expected.orders.items()}
    wrong = {oid for oid in want if oid in got and got[oid] != want[oid]}
    assert not wrong, (
        f"{len(wrong)} orders are not at their latest version, e.g. {sorted(wrong)[:3]}"
    )


def test_a_newer_but_bad_row_never_replaces_a_good_version(ok_run: MainRun) -> None:
    # Every bad row is dated a month after the order's latest good version.
    rows = ok_run.orders_by_id().items()
    got = {oid: as_utc(row["updated_at"]) for oid, row in rows if row["updated_at"] is not None}
    newer = sorted(
        oid
        for oid, event in ok_run.expected.orders.items()
        if oid in got and got[oid] > event.updated_at
    )
    assert not newer, f"{len(newer)} orders took a bad row's version, e.g. {newer[:3]}"
