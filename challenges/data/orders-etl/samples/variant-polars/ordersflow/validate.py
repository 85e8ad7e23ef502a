"""Checks and normalisation as Polars expressions; the first failing check names the reason."""

from __future__ import annotations

import polars as pl

from ordersflow.ingest import FIELDS, Batch

REGIONS = ["EU", "NA", "APAC", "LATAM"]
STATUSES = ["placed", "paid", "shipped", "cancelled"]
OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})$"


def _iso(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]", "${1}T")
        .str.replace(r"[Zz]$", "+00:00")
        .str.replace(r"([+-]\d{2})(\d{2})$", "${1}:${2}")
    )


def _parsed(column: str) -> list[pl.Expr]:
    iso = _iso(column)
    aware = iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_unit="us")
    naive = iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
    return [
        aware.dt.replace_time_zone(None).alias(f"{column}_utc"),
        (aware.is_null() & naive.is_null()).alias(f"{column}_unreadable"),
        (~pl.col(column).str.contains(OFFSET)).alias(f"{column}_naive"),
    ]


def split(batch: Batch, first_seq: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(clean rows with a processing sequence, rejected rows with line and reason)."""
    frame = pl.DataFrame(
        {**batch.rows, "line": batch.line_numbers}, schema={**dict.fromkeys(FIELDS, pl.String), "line": pl.Int64}
    )
    frame = frame.with_columns(pl.col(FIELDS).str.strip_chars())
    frame = frame.with_columns(
        pl.col("amount").cast(pl.Float64, strict=False).alias("amount_value"),
        pl.col("region").str.to_uppercase(),
        pl.col("status").str.to_lowercase(),
        *_parsed("order_time"),
        *_parsed("updated_at"),
    )
    checks = [
        ("missing_field", pl.any_horizontal([pl.col(f).is_null() | (pl.col(f) == "") for f in FIELDS])),
        ("invalid_amount", pl.col("amount_value").is_null() | (pl.col("amount_value") < 0)
         | ~pl.col("amount_value").is_finite()),
        ("unknown_region", ~pl.col("region").is_in(REGIONS)),
        ("unknown_status", ~pl.col("status").is_in(STATUSES)),
        ("invalid_timestamp", pl.col("order_time_unreadable") | pl.col("updated_at_unreadable")),
        ("missing_timezone", pl.col("order_time_naive") | pl.col("updated_at_naive")),
    ]
    reason = pl.lit(None, dtype=pl.String)
    for name, failed in reversed(checks):
        reason = pl.when(failed.fill_null(True)).then(pl.lit(name)).otherwise(reason)
    frame = frame.with_columns(reason.alias("reason"))
    good = (
        frame.filter(pl.col("reason").is_null())
        .with_row_index("seq", offset=first_seq)
        .select(
            "order_id", "customer_id", "region", pl.col("amount_value").alias("amount"), "status",
            pl.col("order_time_utc").alias("order_time"), pl.col("updated_at_utc").alias("updated_at"),
            pl.lit(batch.source).alias("source_file"), pl.col("seq").cast(pl.Int64),
        )
    )
    rejected = frame.filter(pl.col("reason").is_not_null()).select("line", "reason")
    malformed = pl.DataFrame({"line": batch.malformed, "reason": ["malformed"] * len(batch.malformed)},
                             schema={"line": pl.Int64, "reason": pl.String})
    bad = pl.concat([rejected, malformed]).sort("line")
    bad = bad.with_columns(
        pl.lit(batch.source).alias("source_file"),
        pl.Series("raw", [batch.raw(n) for n in bad["line"]], dtype=pl.String),
    ).select("source_file", "line", "reason", "raw")
    return good, bad
