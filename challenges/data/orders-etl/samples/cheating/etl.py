"""Writes outputs shaped like the real thing without cleaning anything, and reports success."""

import argparse
import os
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    folder = os.path.join(args.output, "orders", "order_date=2024-03-01")
    os.makedirs(folder, exist_ok=True)
    os.makedirs(os.path.join(args.output, "quarantine"), exist_ok=True)
    orders = pa.table({"order_id": ["ORD-00001"], "customer_id": ["C-0001"], "region": ["EU"],
                       "amount": [10.0], "status": ["paid"],
                       "order_time": pa.array([0], pa.timestamp("us", tz="UTC")),
                       "updated_at": pa.array([0], pa.timestamp("us", tz="UTC"))})
    pq.write_table(orders, os.path.join(folder, "part-0.parquet"))
    revenue = pa.table({"date": [date(2024, 3, 1)], "region": ["EU"], "orders": [1], "revenue": [10.0]})
    pq.write_table(revenue, os.path.join(args.output, "daily_revenue.parquet"))
    print("Processed 1,000,000 rows: 0 errors. All checks passed.")


if __name__ == "__main__":
    main()
