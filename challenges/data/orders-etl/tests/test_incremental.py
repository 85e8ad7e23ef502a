"""Re-runs change nothing; new files are processed on their own; old files may be removed."""

from __future__ import annotations

from pathlib import Path

import pytest
from dataset import later_updates, main_dataset
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
    got = {
        r["order_id"]: (r["status"], round(float(r["amount"]), 2))
        for r in read_outputs(workspace).orders()
    }
    want = {oid: (e.status, round(e.amount, 2)) for oid, e in expected.orders.items()}
    assert got == want, "after the third file the orders should match a run over all three"


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
    got = {r["order_id"]: r["status"] for r in read_outputs(workspace).orders()}
    for event in updates:
        expected.orders[event.order_id] = event
    want = {oid: e.status for oid, e in expected.orders.items()}
    assert len(got) == len(want), (
        f"{len(got)} orders after removing processed files, expected {len(want)}: "
        "orders from earlier runs must be kept"
    )
    wrong = sorted(oid for oid in want if got.get(oid) != want[oid])
    assert not wrong, f"{len(wrong)} orders are not at their latest version, e.g. {wrong[:3]}"


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
