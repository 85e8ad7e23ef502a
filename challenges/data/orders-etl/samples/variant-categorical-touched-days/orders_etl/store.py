"""State in ``orders/_state/``; outputs: changed day partitions, revenue, one quarantine file per run."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

STATE = "orders/_state"
CATEGORIES = {"region": ["EU", "NA", "APAC", "LATAM"], "status": ["placed", "paid", "shipped", "cancelled"]}
COLUMNS = ("order_id", "customer_id", "region", "amount", "status", "order_time", "updated_at")


@dataclass
class State:
    """The files already processed, the latest version of every order, a row counter."""

    processed: set[str] = field(default_factory=set)
    orders: pd.DataFrame | None = None
    next_seq: int = 0
    runs: int = 0

    @classmethod
    def load(cls, output: Path) -> State:
        folder = output / STATE
        if not (folder / "state.json").is_file():
            return cls()
        meta = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        orders = pd.read_parquet(folder / "orders.parquet")
        return cls(set(meta["processed"]), orders, int(meta["next_seq"]), int(meta["runs"]))

    def sequence(self, good: pd.DataFrame) -> pd.DataFrame:
        """Number rows in processing order, so equal ``updated_at`` goes to the later row."""
        numbered = good.assign(_seq=range(self.next_seq, self.next_seq + len(good)))
        self.next_seq += len(good)
        return numbered

    def merge(self, batches: list[pd.DataFrame]) -> pd.DataFrame:
        frames = [f for f in [self.orders, *batches] if f is not None and len(f)]
        if not frames:
            return empty_orders()
        every = pd.concat(frames, ignore_index=True)
        every = every.sort_values(["updated_at", "_seq"], kind="stable")
        latest = every.drop_duplicates("order_id", keep="last")
        return latest.sort_values("order_id", kind="stable").reset_index(drop=True)

    def save(self, output: Path, orders: pd.DataFrame, files: list[str]) -> None:
        folder = output / STATE
        folder.mkdir(parents=True, exist_ok=True)
        _replace(folder / "orders.parquet", lambda tmp: orders.to_parquet(tmp, index=False))
        meta = {
            "processed": sorted(self.processed | set(files)),
            "next_seq": self.next_seq,
            "runs": self.runs + (1 if files else 0),
        }
        _replace(folder / "state.json", lambda tmp: tmp.write_text(json.dumps(meta)))


def empty_orders() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype="string") for name in COLUMNS})
    frame["amount"] = frame["amount"].astype("float64")
    for name in ("order_time", "updated_at"):
        frame[name] = pd.Series(dtype="datetime64[us, UTC]")
    return frame.assign(_seq=pd.Series(dtype="int64"))


def _replace(path: Path, write) -> None:  # type: ignore[no-untyped-def]
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def _day(frame: pd.DataFrame) -> pd.Series:
    return frame["order_time"].dt.strftime("%Y-%m-%d")


def changed_days(before: pd.DataFrame | None, after: pd.DataFrame) -> set[str]:
    """Days whose set of order rows differs between two states (both sides of a move)."""
    if before is None or not len(before):
        return set(_day(after))
    cols = list(COLUMNS)
    old = before[cols].assign(day=_day(before))
    new = after[cols].assign(day=_day(after))
    both = old.merge(new, how="outer", indicator=True)
    return set(both.loc[both["_merge"] != "both", "day"])


def write_orders(output: Path, orders: pd.DataFrame, days: set[str]) -> None:
    """Rewrite ``orders/order_date=D/`` for each changed day D (removed when it is empty)."""
    typed = orders[list(COLUMNS)].astype(
        {name: pd.CategoricalDtype(values) for name, values in CATEGORIES.items()}
    )
    day_of = _day(orders)
    for day in sorted(days):
        folder = output / "orders" / f"order_date={day}"
        shutil.rmtree(folder, ignore_errors=True)
        part = typed[day_of == day]
        if len(part):
            folder.mkdir(parents=True)
            table = pa.Table.from_pandas(part, preserve_index=False)
            pq.write_table(table, folder / "part.parquet")


def write_revenue(output: Path, orders: pd.DataFrame) -> None:
    live = orders[orders["status"] != "cancelled"]
    daily = (
        live.assign(date=live["order_time"].dt.date)
        .groupby(["date", "region"], as_index=False)
        .agg(orders=("order_id", "size"), revenue=("amount", "sum"))
    )
    daily["revenue"] = daily["revenue"].round(2)
    daily = daily.sort_values(["date", "region"]).reset_index(drop=True)
    _replace(output / "daily_revenue.parquet", lambda tmp: daily.to_parquet(tmp, index=False))


def write_quarantine(output: Path, run_number: int, rows: pd.DataFrame) -> None:
    folder = output / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    if len(rows):
        _replace(folder / f"run-{run_number:04d}.parquet", lambda tmp: rows.to_parquet(tmp, index=False))
