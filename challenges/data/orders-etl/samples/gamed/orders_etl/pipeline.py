"""One run: read the files not seen before, clean them, merge with the state, write outputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from orders_etl import store
from orders_etl.clean import clean
from orders_etl.read import READERS, Raw


@dataclass(frozen=True)
class Summary:
    files: int
    kept: int
    quarantined: int
    orders: int


def _quarantine(raw: Raw, source: str, rejected: pd.DataFrame) -> pd.DataFrame:
    malformed = pd.DataFrame({"line": pd.Series(raw.malformed, dtype="int64")}).assign(
        reason="malformed"
    )
    rows = pd.concat([rejected[["line", "reason"]], malformed], ignore_index=True)
    rows = rows.sort_values("line", kind="stable").reset_index(drop=True)
    return pd.DataFrame(
        {
            "source_file": source,
            "line": rows["line"].astype("int64"),
            "reason": rows["reason"].astype("string"),
            "raw": [raw.quote(line) for line in rows["line"]],
        }
    )


def run(input_dir: Path, output_dir: Path) -> Summary:
    state = store.State.load(output_dir)
    new_files = sorted(
        p
        for p in input_dir.iterdir()
        if p.is_file() and p.suffix in READERS and p.name not in state.processed
    )
    batches, kept, quarantined = [], 0, 0
    for path in new_files:
        raw = READERS[path.suffix](path)
        good, rejected = clean(raw.frame())
        bad = _quarantine(raw, path.name, rejected)
        store.write_quarantine(output_dir, path.name, bad)
        batches.append(state.sequence(good))
        kept, quarantined = kept + len(good), quarantined + len(bad)
    first_new = state.next_seq - kept  # rows numbered in this run
    orders = state.merge(batches)
    changed = orders[orders["_seq"] >= first_new]
    store.write_orders(output_dir, changed, len(state.processed) + len(new_files))
    store.write_revenue(output_dir, orders)
    state.save(output_dir, orders, [p.name for p in new_files])
    return Summary(len(new_files), kept, quarantined, len(orders))
