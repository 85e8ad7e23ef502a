"""The orders-etl hidden data generator: deterministic, and its expectations add up."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parents[2] / "challenges" / "data" / "orders-etl" / "tests"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"orders_etl_{name}", TESTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def test_the_main_dataset_is_the_same_on_every_call() -> None:
    dataset = _load("dataset")
    first, expected_first = dataset.main_dataset()
    second, expected_second = dataset.main_dataset()
    assert first == second
    assert expected_first.quarantine == expected_second.quarantine


def test_every_defect_kind_and_malformed_lines_are_in_the_quarantine() -> None:
    dataset = _load("dataset")
    _files, expected = dataset.main_dataset()
    reasons = {reason for _name, _line, reason in expected.quarantine}
    assert reasons == {*dataset.DEFECTS, "malformed"}


def test_expected_revenue_leaves_out_cancelled_orders() -> None:
    dataset = _load("dataset")
    _files, expected = dataset.main_dataset()
    live = [e for e in expected.orders.values() if e.status != "cancelled"]
    assert sum(count for count, _ in expected.revenue().values()) == len(live)
    assert len(live) < len(expected.orders)


def test_naive_and_aware_utc_timestamps_read_back_as_the_same_instant() -> None:
    dataset = _load("dataset")
    aware = datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    shifted = aware.astimezone(timezone(timedelta(hours=2)))
    assert dataset.as_utc(aware.replace(tzinfo=None)) == aware == dataset.as_utc(shifted)


def test_an_output_row_compares_with_its_event_on_every_documented_value() -> None:
    dataset = _load("dataset")
    _files, expected = dataset.main_dataset()
    event = next(iter(expected.orders.values()))
    row = {
        "order_id": event.order_id,
        "customer_id": event.customer_id,
        "region": event.region,
        "amount": event.amount + 1e-9,  # float noise is rounded away
        "status": event.status,
        "order_time": event.order_time.replace(tzinfo=None),
        "updated_at": event.updated_at,
        "source_file": "lineage is ignored",
    }
    assert dataset.row_values(row) == dataset.event_values(event)
    assert dataset.row_values({**row, "status": "stale"}) != dataset.event_values(event)
