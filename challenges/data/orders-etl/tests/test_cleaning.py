"""Types, time zones and spellings normalised as the brief says."""

from __future__ import annotations

import pyarrow as pa
import pytest
from conftest import MainRun
from dataset import FIELDS
from dataset import as_utc as utc

pytestmark = pytest.mark.category("cleaning")

STRING = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
UTC_ZONES = (None, "UTC", "+00:00", "Etc/UTC", "Z")  # aware UTC, or naive holding UTC


def is_text(kind: pa.DataType) -> bool:
    """Plain or dictionary-encoded (categorical) strings."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return any(check(kind) for check in STRING)


def by_id(run: MainRun) -> dict[str, dict[str, object]]:
    return run.orders_by_id()


def test_the_run_succeeds_despite_bad_rows(main_run: MainRun) -> None:
    main_run.require_success()


def test_clean_orders_have_the_documented_columns_and_types(ok_run: MainRun) -> None:
    schemas = ok_run.outputs.order_schemas()
    assert schemas, "no Parquet files under out/orders/"
    for schema in schemas:  # extra columns (lineage, order_date) are the candidate's choice
        missing = sorted(set(FIELDS) - set(schema.names))
        assert not missing, f"columns {missing} are missing; found {sorted(schema.names)}"
        for name in ("order_id", "customer_id", "region", "status"):
            assert is_text(schema.field(name).type), f"{name} is not text"
        assert pa.types.is_floating(schema.field("amount").type), "amount must be a float"
        for name in ("order_time", "updated_at"):
            kind = schema.field(name).type
            assert pa.types.is_timestamp(kind) and kind.tz in UTC_ZONES, (
                f"{name} must be a UTC timestamp, not {kind}"
            )


def test_regions_are_upper_case_codes(ok_run: MainRun) -> None:
    got = {oid: row["region"] for oid, row in by_id(ok_run).items()}
    want = {oid: e.region for oid, e in ok_run.expected.orders.items() if oid in got}
    assert got == want


def test_statuses_are_lower_case_words(ok_run: MainRun) -> None:
    got = {oid: row["status"] for oid, row in by_id(ok_run).items()}
    want = {oid: e.status for oid, e in ok_run.expected.orders.items() if oid in got}
    assert got == want


def test_amounts_are_numbers_from_text_or_json(ok_run: MainRun) -> None:
    rows = by_id(ok_run)
    wrong = [
        (oid, rows[oid]["amount"], e.amount)
        for oid, e in ok_run.expected.orders.items()
        if oid in rows and abs(float(rows[oid]["amount"]) - e.amount) > 1e-6  # type: ignore[arg-type]
    ]
    assert not wrong, f"{len(wrong)} amounts differ, e.g. (order, got, want) {wrong[:3]}"


def test_times_with_any_offset_become_the_same_instant_in_utc(ok_run: MainRun) -> None:
    rows = by_id(ok_run)
    wrong = []
    for oid, event in ok_run.expected.orders.items():
        if oid not in rows:
            continue
        got = (utc(rows[oid]["order_time"]), utc(rows[oid]["updated_at"]))
        if got != (event.order_time, event.updated_at):
            wrong.append((oid, [g.isoformat() for g in got], event.order_time.isoformat()))
    assert not wrong, f"{len(wrong)} orders have wrong times, e.g. {wrong[:2]}"


def test_quoted_csv_fields_keep_their_commas_and_quotes(ok_run: MainRun) -> None:
    customers = {row["customer_id"] for row in by_id(ok_run).values()}
    assert {"ACME, Inc.", 'Shop "Nord"'} <= customers


def test_both_csv_layouts_and_the_json_lines_file_are_read(ok_run: MainRun) -> None:
    rows = by_id(ok_run)
    missing = sorted(set(ok_run.expected.orders) - set(rows))
    assert not missing, f"{len(missing)} valid orders are missing, e.g. {missing[:5]}"
