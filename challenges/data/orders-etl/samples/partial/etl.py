import argparse
import csv
import json
import os
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq

REGIONS = ["EU", "NA", "APAC", "LATAM"]
STATUSES = ["placed", "paid", "shipped", "cancelled"]


def parse_time(value):
    dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def check(rec):
    for key in ["order_id", "customer_id", "region", "amount", "status", "order_time", "updated_at"]:
        if rec.get(key) in (None, ""):
            return "missing_field", None
    try:
        amount = float(str(rec["amount"]).strip())
    except ValueError:
        return "invalid_amount", None
    if amount < 0:
        return "invalid_amount", None
    region = rec["region"].strip().upper()
    if region not in REGIONS:
        return "unknown_region", None
    status = rec["status"].strip().lower()
    if status not in STATUSES:
        return "unknown_status", None
    try:
        order_time = parse_time(rec["order_time"])
        updated_at = parse_time(rec["updated_at"])
    except ValueError:
        return "invalid_timestamp", None
    return None, {
        "order_id": rec["order_id"].strip(),
        "customer_id": rec["customer_id"].strip(),
        "region": region,
        "amount": amount,
        "status": status,
        "order_time": order_time,
        "updated_at": updated_at,
    }


def read_rows(path):
    if path.endswith(".csv"):
        with open(path, encoding="utf-8-sig") as f:
            for i, row in enumerate(csv.DictReader(f)):
                yield i + 1, row, json.dumps(row)
    else:
        with open(path) as f:
            for i, line in enumerate(f):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    yield i + 1, None, line.strip()
                    continue
                if isinstance(rec, dict):
                    rec = {k: v if v is None or isinstance(v, str) else str(v) for k, v in rec.items()}
                    yield i + 1, rec, line.strip()
                else:
                    yield i + 1, None, line.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input")
    parser.add_argument("--output")
    args = parser.parse_args()

    orders = {}
    quarantine = []
    for name in sorted(os.listdir(args.input)):
        if not (name.endswith(".csv") or name.endswith(".jsonl")):
            continue
        for line, rec, raw in read_rows(os.path.join(args.input, name)):
            if rec is None:
                quarantine.append({"source_file": name, "line": line, "reason": "malformed", "raw": raw})
                continue
            reason, order = check(rec)
            if reason:
                quarantine.append({"source_file": name, "line": line, "reason": reason, "raw": raw})
                continue
            old = orders.get(order["order_id"])
            if old is None or order["updated_at"] >= old["updated_at"]:
                orders[order["order_id"]] = order

    os.makedirs(os.path.join(args.output, "orders"), exist_ok=True)
    by_day = {}
    for order in orders.values():
        by_day.setdefault(order["order_time"].strftime("%Y-%m-%d"), []).append(order)
    for day, rows in by_day.items():
        folder = os.path.join(args.output, "orders", "order_date=" + day)
        os.makedirs(folder, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows), os.path.join(folder, "part.parquet"))

    revenue = {}
    for order in orders.values():
        if order["status"] == "cancelled":
            continue
        key = (order["order_time"].date(), order["region"])
        count, total = revenue.get(key, (0, 0.0))
        revenue[key] = (count + 1, total + order["amount"])
    table = [{"date": d, "region": r, "orders": c, "revenue": round(t, 2)} for (d, r), (c, t) in sorted(revenue.items())]
    pq.write_table(pa.Table.from_pylist(table), os.path.join(args.output, "daily_revenue.parquet"))

    os.makedirs(os.path.join(args.output, "quarantine"), exist_ok=True)
    if quarantine:
        pq.write_table(pa.Table.from_pylist(quarantine), os.path.join(args.output, "quarantine", "bad_rows.parquet"))
    print("done:", len(orders), "orders,", len(quarantine), "bad rows")


if __name__ == "__main__":
    main()
