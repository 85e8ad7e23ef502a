"""State between runs (OUT/.ordersflow) and the outputs, rewritten whole on every run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl

from ordersflow.ingest import READERS
from ordersflow.validate import split

STATE = ".ordersflow"
ORDER_COLUMNS = ["order_id", "customer_id", "region", "amount", "status", "order_time",
                 "updated_at", "source_file"]


def _load_state(out: Path) -> tuple[set[str], int, pl.DataFrame | None]:
    folder = out / STATE
    if not (folder / "processed.json").exists():
        return set(), 0, None
    meta = json.loads((folder / "processed.json").read_text())
    return set(meta["files"]), meta["next_seq"], pl.read_parquet(folder / "latest.parquet")


def _save_state(out: Path, files: set[str], next_seq: int, latest: pl.DataFrame) -> None:
    folder = out / STATE
    folder.mkdir(parents=True, exist_ok=True)
    latest.write_parquet(folder / "latest.parquet.tmp")
    os.replace(folder / "latest.parquet.tmp", folder / "latest.parquet")
    (folder / "processed.json.tmp").write_text(json.dumps({"files": sorted(files), "next_seq": next_seq}))
    os.replace(folder / "processed.json.tmp", folder / "processed.json")


def _write_orders(out: Path, latest: pl.DataFrame) -> None:
    staging = out / ".orders.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    dated = latest.with_columns(pl.col("order_time").dt.date().alias("day"))
    for (day,), part in dated.partition_by("day", as_dict=True).items():
        folder = staging / f"order_date={day.isoformat()}"
        folder.mkdir()
        part.select(ORDER_COLUMNS).sort("order_id").write_parquet(folder / "part-0.parquet")
    shutil.rmtree(out / "orders", ignore_errors=True)
    os.replace(staging, out / "orders")


def _write_revenue(out: Path, latest: pl.DataFrame) -> None:
    daily = (
        latest.filter(pl.col("status") != "cancelled")
        .group_by(pl.col("order_time").dt.date().alias("date"), "region")
        .agg(pl.len().cast(pl.Int64).alias("orders"), pl.col("amount").sum().round(2).alias("revenue"))
        .sort("date", "region")
    )
    daily.write_parquet(out / "daily_revenue.parquet.tmp")
    os.replace(out / "daily_revenue.parquet.tmp", out / "daily_revenue.parquet")


def run(source: Path, out: Path) -> tuple[int, int]:
    done, next_seq, latest = _load_state(out)
    todo = sorted(p for p in source.iterdir()
                  if p.is_file() and p.suffix in READERS and p.name not in done)
    frames = [] if latest is None else [latest]
    (out / "quarantine").mkdir(parents=True, exist_ok=True)
    for path in todo:
        good, bad = split(READERS[path.suffix](path), next_seq)
        next_seq += good.height
        frames.append(good)
        bad.write_parquet(out / "quarantine" / f"{path.name}.parquet")
    if frames:
        latest = (
            pl.concat(frames, how="vertical_relaxed")
            .sort("updated_at", "seq")
            .unique("order_id", keep="last", maintain_order=True)
        )
    else:
        latest = pl.DataFrame(schema={"order_id": pl.String, "customer_id": pl.String, "region": pl.String,
                                      "amount": pl.Float64, "status": pl.String,
                                      "order_time": pl.Datetime("us"), "updated_at": pl.Datetime("us"),
                                      "source_file": pl.String, "seq": pl.Int64})
    _write_orders(out, latest)
    _write_revenue(out, latest)
    _save_state(out, done | {p.name for p in todo}, next_seq, latest)
    return len(todo), latest.height
