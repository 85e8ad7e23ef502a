"""Orders ETL in one script: read -> validate -> merge_latest -> write_outputs."""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

import pandas as pd

FIELDS = ["order_id", "customer_id", "region", "amount", "status", "order_time", "updated_at"]
REGIONS = {"EU", "NA", "APAC", "LATAM"}
STATUSES = {"placed", "paid", "shipped", "cancelled"}
HAS_OFFSET = r"(?:Z|z|[+-]\d\d:?\d\d)$"


# --- read --------------------------------------------------------------------------------


def _record_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value).lower() if isinstance(value, bool) else json.dumps(value)


def read_file(path: Path) -> tuple[pd.DataFrame, list[int], list[str]]:
    """(records as text with `source_line`, malformed line numbers, the file's lines)."""
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    records: list[dict[str, object]] = []
    malformed: list[int] = []
    if path.suffix == ".csv":
        reader = csv.reader(lines)
        header = [h.strip() for h in next(reader, [])]
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                malformed.append(reader.line_num)
                continue
            values = dict(zip(header, row))
            records.append({**{f: values.get(f) for f in FIELDS}, "source_line": reader.line_num})
    else:
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError:
                obj = None
            if not isinstance(obj, dict):
                malformed.append(number)
                continue
            records.append({**{f: _record_text(obj.get(f)) for f in FIELDS}, "source_line": number})
    frame = pd.DataFrame(records, columns=[*FIELDS, "source_line"])
    return frame, malformed, lines


# --- validate ----------------------------------------------------------------------------


def _utc_naive(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    return parsed.dt.tz_convert(None).astype("datetime64[ns]"), parsed.isna()


def validate(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """(normalised rows, the reason each row is bad or <NA>)."""
    text = frame[FIELDS].astype("string").apply(lambda col: col.str.strip())
    amount = pd.to_numeric(text["amount"], errors="coerce")
    region, status = text["region"].str.upper(), text["status"].str.lower()
    order_time, bad_order = _utc_naive(text["order_time"])
    updated_at, bad_update = _utc_naive(text["updated_at"])
    no_zone = ~text["order_time"].str.contains(HAS_OFFSET) | ~text["updated_at"].str.contains(HAS_OFFSET)
    rules = {
        "missing_field": (text.isna() | (text == "")).any(axis=1),
        "invalid_amount": amount.isna() | (amount < 0) | amount.isin([float("inf")]),
        "unknown_region": ~region.isin(REGIONS),
        "unknown_status": ~status.isin(STATUSES),
        "invalid_timestamp": bad_order | bad_update,
        "missing_timezone": no_zone,
    }
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")
    for name, failed in rules.items():
        reason = reason.mask(reason.isna() & failed.fillna(True).astype(bool), name)
    clean = pd.DataFrame({
        "order_id": text["order_id"], "customer_id": text["customer_id"], "region": region,
        "amount": amount.astype("float64"), "status": status, "order_time": order_time,
        "updated_at": updated_at, "source_line": frame["source_line"].astype("int64"),
    })
    return clean, reason


# --- merge -------------------------------------------------------------------------------


def merge_latest(previous: pd.DataFrame | None, batches: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in [previous, *batches] if f is not None and len(f)]
    if not frames:
        return pd.DataFrame(columns=[*FIELDS, "source_file", "source_line", "seq"])
    every = pd.concat(frames, ignore_index=True).sort_values(["updated_at", "seq"], kind="stable")
    return every.drop_duplicates("order_id", keep="last").sort_values("order_id").reset_index(drop=True)


# --- write -------------------------------------------------------------------------------


def write_outputs(out: Path, latest: pd.DataFrame) -> None:
    staging = out / "_orders_staging"
    shutil.rmtree(staging, ignore_errors=True)
    rows = latest.drop(columns=["seq"]).assign(order_date=latest["order_time"].dt.strftime("%Y-%m-%d"))
    for day, part in rows.groupby("order_date", sort=True):
        (staging / f"order_date={day}").mkdir(parents=True)
        part.to_parquet(staging / f"order_date={day}" / "data.parquet", index=False)
    staging.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "orders", ignore_errors=True)
    staging.rename(out / "orders")
    live = rows[rows["status"] != "cancelled"]
    revenue = (
        live.assign(date=live["order_time"].dt.date)
        .groupby(["date", "region"], as_index=False)
        .agg(orders=("order_id", "count"), revenue=("amount", "sum"))
    )
    revenue["revenue"] = revenue["revenue"].round(2)
    revenue.to_parquet(out / "daily_revenue.parquet", index=False)


def quarantine(out: Path, source: str, lines: list[str], reasons: pd.Series,
               frame: pd.DataFrame, malformed: list[int]) -> None:
    bad = [(int(line), str(reason)) for line, reason in zip(frame["source_line"], reasons) if pd.notna(reason)]
    bad += [(line, "malformed") for line in malformed]
    bad.sort()
    table = pd.DataFrame({
        "source_file": [source] * len(bad), "line": pd.Series([b[0] for b in bad], dtype="int64"),
        "reason": [b[1] for b in bad], "raw": [lines[b[0] - 1].rstrip("\r") for b in bad],
    })
    (out / "quarantine").mkdir(parents=True, exist_ok=True)
    table.to_parquet(out / "quarantine" / f"{source}.parquet", index=False)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    if not args.input.is_dir():
        print(f"error: {args.input} is not a folder", file=sys.stderr)
        return 1
    out = args.output
    out.mkdir(parents=True, exist_ok=True)
    state_file, latest_file = out / "_state.json", out / "_latest.parquet"
    state = json.loads(state_file.read_text()) if state_file.exists() else {"files": [], "seq": 0}
    previous = pd.read_parquet(latest_file) if latest_file.exists() else None
    new = sorted(p for p in args.input.iterdir()
                 if p.is_file() and p.suffix in (".csv", ".jsonl") and p.name not in state["files"])
    batches = []
    for path in new:
        frame, malformed, lines = read_file(path)
        clean, reasons = validate(frame)
        quarantine(out, path.name, lines, reasons, frame, malformed)
        good = clean[reasons.isna().to_numpy()].assign(source_file=path.name)
        good = good.assign(seq=range(state["seq"], state["seq"] + len(good)))
        state["seq"] += len(good)
        batches.append(good)
    latest = merge_latest(previous, batches)
    write_outputs(out, latest)
    latest.to_parquet(latest_file, index=False)
    state["files"] = sorted(set(state["files"]) | {p.name for p in new})
    state_file.write_text(json.dumps(state))
    print(f"{len(new)} new files, {len(latest)} orders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
