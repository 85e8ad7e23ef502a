"""Bad rows are set aside with a reason and never reach the clean data."""

from __future__ import annotations

import pytest
from conftest import MainRun
from dataset import main_dataset

pytestmark = pytest.mark.category("quarantine")


def quarantined(run: MainRun) -> dict[tuple[str, int], dict[str, object]]:
    rows = run.outputs.quarantine()
    assert rows, "nothing was quarantined under out/quarantine/"
    missing = {"source_file", "line", "reason", "raw"} - set(rows[0])
    assert not missing, f"quarantine rows lack the columns {sorted(missing)}"
    return {(str(row["source_file"]), int(row["line"])): row for row in rows}  # type: ignore[call-overload]


def test_every_bad_row_is_quarantined_by_file_and_line(ok_run: MainRun) -> None:
    got = set(quarantined(ok_run))
    want = {(name, line) for name, line, _ in ok_run.expected.quarantine}
    assert not want - got, f"bad rows not quarantined (file, line): {sorted(want - got)[:5]}"
    assert not got - want, f"rows quarantined that are fine (file, line): {sorted(got - want)[:5]}"


def test_each_quarantined_row_has_the_right_reason(ok_run: MainRun) -> None:
    got = quarantined(ok_run)
    wrong = [
        (name, line, got[(name, line)]["reason"], reason)
        for name, line, reason in sorted(ok_run.expected.quarantine)
        if (name, line) in got and got[(name, line)]["reason"] != reason
    ]
    assert not wrong, f"{len(wrong)} wrong reasons (file, line, got, want): {wrong[:4]}"


def test_lines_that_are_not_records_are_malformed(ok_run: MainRun) -> None:
    got = quarantined(ok_run)
    malformed = {
        (n, line) for n, line, reason in ok_run.expected.quarantine if reason == "malformed"
    }
    assert all(got.get(key, {}).get("reason") == "malformed" for key in malformed), (
        "unparseable JSON, JSON that is not an object, and CSV rows with the wrong number "
        "of fields should be quarantined as malformed"
    )


def test_a_quarantined_row_quotes_its_original_line(ok_run: MainRun) -> None:
    files, _ = main_dataset()
    lines = {name: text.removeprefix("\ufeff").split("\n") for name, text in files.items()}
    wrong = [
        key
        for key, row in quarantined(ok_run).items()
        if key[0] in lines
        and 0 < key[1] <= len(lines[key[0]])
        and str(row["raw"]).rstrip("\r\n") != lines[key[0]][key[1] - 1].rstrip("\r")
    ]
    assert not wrong, f"{len(wrong)} quarantined rows do not quote their line, e.g. {wrong[:3]}"


def test_orders_seen_only_in_bad_rows_are_not_in_the_clean_data(ok_run: MainRun) -> None:
    extra = sorted(
        {row["order_id"] for row in ok_run.outputs.orders()} - set(ok_run.expected.orders)
    )
    assert not extra, f"orders that only ever had bad rows were kept: {extra[:5]}"
