"""Re-runs change nothing; new files are processed on their own; old files may be removed."""

from __future__ import annotations

from pathlib import Path

import pytest
from dataset import Event, event_values, later_updates, main_dataset, row_values
from runner import read_outputs, remove_file, run_ok, write_file

pytestmark = pytest.mark.category("incremental")


def rows_of(
    folder: Path,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    out = read_outputs(folder)
    orders = sorted(tuple(sorted(r.items())) for r in out.orders())
    revenue = sorted(tuple(sorted(r.items())) for r in out.revenue())
    quarantine = sorted(tuple(sorted(r.items())) for r in out.quarantine())
    return orders, revenue, quarantine


def orders_of(folder: Path) -> dict[str, tuple[object, ...]]:
    """Every clean order's documented values by id; an order written twice fails."""
    rows = read_outputs(folder).orders()
    ids = [str(row["order_id"]) for row in rows]
    twice = sorted({oid for oid in ids if ids.count(oid) > 1})
    assert not twice, f"{len(twice)} orders appear more than once, e.g. {twice[:3]}"
    return {str(row["order_id"]): row_values(row) for row in rows}


def assert_orders(folder: Path, want: dict[str, Event], when: str) -> None:
    """Row by row: the same orders, each with every documented value at its latest version."""
    got = orders_of(folder)
    missing = sorted(set(want) - set(got))
    assert not missing, f"{when}, {len(missing)} orders are missing, e.g. {missing[:3]}"
    extra = sorted(set(got) - set(want))
    assert not extra, f"{when}, {len(extra)} unexpected orders, e.g. {extra[:3]}"
    wrong = [(oid, got[oid]) for oid, e in sorted(want.items()) if got[oid] != event_values(e)]
    assert not wrong, f"{when}, {len(wrong)} orders have stale or wrong values, e.g. {wrong[:2]}"


@pytest.fixture
def first_run(workspace: Path) -> dict[str, str]:
    files, _ = main_dataset()
    for name in list(files)[:2]:
        write_file(workspace, f"in/{name}", files[name])
    run_ok(workspace)
    kept = len(read_outputs(workspace).orders())
    assert kept >= 100, f"the first run kept only {kept} orders from two files of about 160"
    return files


def test_a_second_run_without_new_files_changes_nothing(
    workspace: Path, first_run: dict[str, str]
) -> None:
    before = rows_of(workspace)
    run_ok(workspace)
    after = rows_of(workspace)
    assert after[0] == before[0], "the clean orders changed on a re-run"
    assert after[1] == before[1], "the daily revenue changed on a re-run"
    assert after[2] == before[2], "the quarantine changed on a re-run (duplicates?)"


def test_a_new_file_is_merged_with_what_came_before(
    workspace: Path, first_run: dict[str, str]
) -> None:
    files, expected = main_dataset()
    name = list(files)[2]
    write_file(workspace, f"in/{name}", files[name])
    run_ok(workspace)
    assert_orders(workspace, expected.orders, "after the third file")


def test_processed_files_may_be_removed_before_the_next_run(
    workspace: Path, first_run: dict[str, str]
) -> None:
    files, expected = main_dataset()
    text, updates = later_updates(expected, seed=5, count=12)
    for name in list(files)[:2]:
        remove_file(workspace, f"in/{name}")
    write_file(workspace, f"in/{list(files)[2]}", files[list(files)[2]])
    write_file(workspace, "in/2024-03-09-updates.jsonl", text)
    run_ok(workspace)
    for event in updates:
        expected.orders[event.order_id] = event
    assert_orders(workspace, expected.orders, "after removing processed files")


def test_quarantine_keeps_earlier_runs_without_duplicates(
    workspace: Path, first_run: dict[str, str]
) -> None:
    files, expected = main_dataset()
    name = list(files)[2]
    write_file(workspace, f"in/{name}", files[name])
    run_ok(workspace)
    run_ok(workspace)
    rows = read_outputs(workspace).quarantine()
    keys = [(str(r["source_file"]), int(r["line"])) for r in rows]
    assert len(keys) == len(set(keys)), "some bad rows were quarantined twice"
    assert set(keys) == {(n, line) for n, line, _ in expected.quarantine}
