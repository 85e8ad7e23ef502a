"""Validate and normalise raw rows, vectorised: each bad row gets the first reason that applies."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orders_etl.read import FIELDS

REGIONS = ("EU", "NA", "APAC", "LATAM")
STATUSES = ("placed", "paid", "shipped", "cancelled")
_OFFSET = r"(?:Z|z|[+-]\d{2}:?\d{2})$"


def _times(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parsed UTC times, which failed to parse, and which had no offset."""
    parsed = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
    invalid = parsed.isna()
    naive = ~invalid & ~values.str.contains(_OFFSET, regex=True)
    return parsed, invalid, naive


def clean(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(good rows, normalised; bad rows with a ``reason`` column)."""
    text = {name: frame[name].astype("string").str.strip() for name in FIELDS}
    amount = pd.to_numeric(text["amount"], errors="coerce")
    region = text["region"].str.upper()
    status = text["status"].str.lower()
    order_time, bad_order_time, naive_order_time = _times(text["order_time"])
    updated_at, bad_updated_at, naive_updated_at = _times(text["updated_at"])
    checks = [
        (
            "missing_field",
            pd.concat([t.isna() | (t == "") for t in text.values()], axis=1).any(axis=1),
        ),
        ("invalid_amount", amount.isna() | (amount < 0) | ~np.isfinite(amount.fillna(0))),
        ("unknown_region", ~region.isin(REGIONS)),
        ("unknown_status", ~status.isin(STATUSES)),
        ("invalid_timestamp", bad_order_time | bad_updated_at),
        ("missing_timezone", naive_order_time | naive_updated_at),
    ]
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")
    for name, failed in checks:
        reason = reason.mask(reason.isna() & failed.fillna(True).astype(bool), name)
    bad = reason.notna()
    good = pd.DataFrame(
        {
            "order_id": text["order_id"],
            "customer_id": text["customer_id"],
            "region": region,
            "amount": amount.astype("float64"),
            "status": status,
            "order_time": order_time,
            "updated_at": updated_at,
        }
    )[~bad]
    rejected = frame.loc[bad, ["line"]].assign(reason=reason[bad])
    return good, rejected
