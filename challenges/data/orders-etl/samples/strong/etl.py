"""Order events ETL.

Usage: python3 etl.py --input IN --output OUT

Keeps a small state folder (OUT/.state) with the processed file names and the current
version of every order, so each run only reads new files.
"""

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

import pandas as pd

COLS = ["order_id", "customer_id", "region", "amount", "status", "order_time", "updated_at"]
REGIONS = {"EU", "NA", "APAC", "LATAM"}
STATUSES = {"placed", "paid", "shipped", "cancelled"}
TZ_SUFFIX = r"(?:Z|z|[+-]\d\d:?\d\d)$"


def load_file(path):
    """Return (records dataframe with a 'line' column, list of malformed (line, text))."""
    records, malformed = [], []
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    if path.suffix == ".csv":
        reader = csv.reader(lines)
        header = [h.strip() for h in next(reader)]
        for row in reader:
            if not row or row == [""]:
                continue
            if len(row) != len(header):
                malformed.append((reader.line_num, lines[reader.line_num - 1]))
                continue
            rec = dict(zip(header, row))
            rec["line"] = reader.line_num
            records.append(rec)
    else:
        for n, text in enumerate(lines, 1):
            if not text.strip():
                continue
            try:
                rec = json.loads(text)
            except json.JSONDecodeError:
                rec = None
            if not isinstance(rec, dict):
                malformed.append((n, text))
                continue
            rec = {k: (None if rec.get(k) is None else str(rec.get(k))) for k in COLS}
            rec["line"] = n
            records.append(rec)
    df = pd.DataFrame(records, columns=COLS + ["line"])
    return df, malformed


def validate(df):
    s = {c: df[c].astype("string").str.strip() for c in COLS}
    amount = pd.to_numeric(s["amount"], errors="coerce")
    region = s["region"].str.upper()
    status = s["status"].str.lower()
    times = {}
    bad_time = pd.Series(False, index=df.index)
    no_tz = pd.Series(False, index=df.index)
    for c in ("order_time", "updated_at"):
        times[c] = pd.to_datetime(s[c], format="ISO8601", utc=True, errors="coerce")
        bad_time |= times[c].isna()
        no_tz |= times[c].notna() & ~s[c].str.contains(TZ_SUFFIX, regex=True).fillna(False)
    missing = pd.concat([(v.isna() | (v == "")) for v in s.values()], axis=1).any(axis=1)
    reason = pd.Series(None, index=df.index, dtype="object")
    for name, mask in [
        ("missing_field", missing),
        ("invalid_amount", amount.isna() | (amount < 0)),
        ("unknown_region", ~region.isin(REGIONS).fillna(False)),
        ("unknown_status", ~status.isin(STATUSES).fillna(False)),
        ("invalid_timestamp", bad_time),
        ("missing_timezone", no_tz),
    ]:
        reason = reason.where(reason.notna() | ~mask.fillna(True).astype(bool), name)
    clean = pd.DataFrame({
        "order_id": s["order_id"], "customer_id": s["customer_id"], "region": region,
        "amount": amount, "status": status,
        "order_time": times["order_time"], "updated_at": times["updated_at"],
    })
    return clean[reason.isna()], df.loc[reason.notna(), ["line"]].assign(reason=reason[reason.notna()])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    args = ap.parse_args()
    src, out = Path(args.input), Path(args.output)
    if not src.is_dir():
        print(f"input folder not found: {src}", file=sys.stderr)
        return 1
    state_dir = out / ".state"
    state_dir.mkdir(parents=True, exist_ok=True)
    seen_file = state_dir / "seen.json"
    seen = json.loads(seen_file.read_text()) if seen_file.exists() else {"files": [], "seq": 0}
    current = pd.read_parquet(state_dir / "orders.parquet") if (state_dir / "orders.parquet").exists() else None

    batches = [] if current is None else [current]
    new = sorted(p for p in src.iterdir() if p.suffix in (".csv", ".jsonl") and p.name not in seen["files"])
    (out / "quarantine").mkdir(exist_ok=True)
    for path in new:
        df, malformed = load_file(path)
        good, bad = validate(df)
        good = good.assign(seq=range(seen["seq"], seen["seq"] + len(good)))
        seen["seq"] += len(good)
        batches.append(good)
        q = pd.concat([bad, pd.DataFrame({"line": [m[0] for m in malformed], "reason": "malformed"})])
        q = q.sort_values("line")
        q["source_file"] = path.name
        # keep the parsed record for reference
        q["raw"] = [json.dumps({"line": int(n)}) for n in q["line"]]
        q.to_parquet(out / "quarantine" / (path.name + ".parquet"), index=False)
        seen["files"].append(path.name)

    orders = pd.concat([b for b in batches if len(b)], ignore_index=True) if any(len(b) for b in batches) else None
    if orders is None:
        return 0
    orders = orders.sort_values(["updated_at", "seq"]).drop_duplicates("order_id", keep="last")
    orders.to_parquet(state_dir / "orders.parquet", index=False)

    shutil.rmtree(out / "orders", ignore_errors=True)
    part = orders.drop(columns=["seq"]).assign(order_date=orders["order_time"].dt.strftime("%Y-%m-%d"))
    part.to_parquet(out / "orders", partition_cols=["order_date"], index=False)

    live = orders[orders["status"] != "cancelled"]
    daily = live.groupby([live["order_time"].dt.date.rename("date"), "region"]).agg(
        orders=("order_id", "count"), revenue=("amount", "sum")).reset_index()
    daily["revenue"] = daily["revenue"].round(2)
    daily.to_parquet(out / "daily_revenue.parquet", index=False)
    seen_file.write_text(json.dumps(seen))
    print(f"processed {len(new)} new files, {len(orders)} orders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
