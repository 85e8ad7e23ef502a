"""Messy order events generated with fixed seeds, and what a correct ETL makes of them.

Every bad row has exactly one problem. Each order's versions have strictly increasing
``updated_at``; they are spread over the files in any order, so an older version may arrive
after a newer one.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

REGIONS = ("EU", "NA", "APAC", "LATAM")
STATUSES = ("placed", "paid", "shipped", "cancelled")
FIELDS = ("order_id", "customer_id", "region", "amount", "status", "order_time", "updated_at")
OFFSETS = (0, 120, -480, 330, 540, -180, 60)  # minutes east of UTC
START = datetime(2024, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    order_id: str
    customer_id: str
    region: str
    cents: int
    status: str
    order_time: datetime
    updated_at: datetime

    @property
    def amount(self) -> float:
        return self.cents / 100


@dataclass
class Expected:
    orders: dict[str, Event] = field(default_factory=dict)
    quarantine: set[tuple[str, int, str]] = field(default_factory=set)

    def revenue(self) -> dict[tuple[date, str], tuple[int, float]]:
        totals: dict[tuple[date, str], tuple[int, int]] = {}
        for event in self.orders.values():
            if event.status != "cancelled":
                key = (event.order_time.date(), event.region)
                count, cents = totals.get(key, (0, 0))
                totals[key] = (count + 1, cents + event.cents)
        return {key: (count, cents / 100) for key, (count, cents) in totals.items()}


def stamp(moment: datetime, rng: random.Random, *, offset: bool = True) -> str:
    """``moment`` in a random zone and spelling; without an offset when ``offset`` is false."""
    minutes = rng.choice(OFFSETS)
    local = moment.astimezone(timezone(timedelta(minutes=minutes)))
    sep = rng.choice(("T", "T", " "))
    text = local.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    if rng.random() < 0.2:
        text += rng.choice((".000", ".0", ".000000"))  # the events have whole seconds
    if not offset:
        return text
    if minutes == 0 and rng.random() < 0.6:
        return text + "Z"
    sign, value = ("+" if minutes >= 0 else "-"), abs(minutes)
    colon = ":" if rng.random() < 0.8 else ""
    return f"{text}{sign}{value // 60:02d}{colon}{value % 60:02d}"


def messy(event: Event, rng: random.Random, as_json: bool) -> dict[str, Any]:
    """The event's fields spelled as a sloppy upstream system might."""
    region = rng.choice((event.region, event.region.lower(), f" {event.region.title()} "))
    status = rng.choice((event.status, event.status.upper(), f"{event.status.title()} "))
    amount: Any = f"{event.amount:.2f}" if event.cents % 7 else f" {event.amount:g} "
    if as_json and rng.random() < 0.5:
        amount = event.amount
    return {
        "order_id": event.order_id,
        "customer_id": event.customer_id,
        "region": region,
        "amount": amount,
        "status": status,
        "order_time": stamp(event.order_time, rng),
        "updated_at": stamp(event.updated_at, rng),
    }


def _versions(rng: random.Random, number: int) -> list[Event]:
    placed = START + timedelta(minutes=rng.randrange(4 * 24 * 60))
    if rng.random() < 0.3:  # close to midnight UTC, where zones disagree about the day
        placed = placed.replace(hour=rng.choice((0, 23)), minute=rng.randrange(60))
    customer = rng.choice((f"C-{rng.randrange(500):04d}", "ACME, Inc.", 'Shop "Nord"'))
    first = Event(
        f"ORD-{number:05d}",
        customer,
        rng.choice(REGIONS),
        rng.randrange(100, 50_000),
        "placed",
        placed,
        placed + timedelta(seconds=rng.randrange(1, 60)),
    )
    versions = [first]
    for _ in range(rng.choice((0, 0, 1, 2))):
        last = versions[-1]
        versions.append(
            replace(
                last,
                status=rng.choice(STATUSES[1:]),
                cents=last.cents if rng.random() < 0.7 else rng.randrange(100, 50_000),
                updated_at=last.updated_at + timedelta(minutes=rng.randrange(1, 3000)),
            )
        )
    return versions


def _defect(rng: random.Random, row: dict[str, Any], kind: str) -> dict[str, Any]:
    row = dict(row)
    if kind == "missing_field":
        name = rng.choice(FIELDS)
        if rng.random() < 0.5:
            row[name] = ""
        else:
            row[name] = None
    elif kind == "invalid_amount":
        row["amount"] = rng.choice(("abc", "-5.00", "12,50", "€9"))
    elif kind == "unknown_region":
        row["region"] = rng.choice(("MARS", "EUROPE", "N/A"))
    elif kind == "unknown_status":
        row["status"] = rng.choice(("lost", "refunded", "pending"))
    elif kind == "invalid_timestamp":
        row[rng.choice(("order_time", "updated_at"))] = rng.choice(
            ("yesterday", "2024-02-30T10:00:00Z", "2024-03-01T25:61:00+01:00")
        )
    elif kind == "missing_timezone":
        name = rng.choice(("order_time", "updated_at"))
        row[name] = str(row[name])[:19]
    return row


DEFECTS = (
    "missing_field",
    "invalid_amount",
    "unknown_region",
    "unknown_status",
    "invalid_timestamp",
    "missing_timezone",
)

CSV_FILES = ("2024-03-01-export.csv", "2024-03-03-export.csv")
JSON_FILE = "2024-03-02-events.jsonl"
REORDERED = ("updated_at", "status", "order_id", "amount", "region", "channel", "customer_id")
REORDERED = (*REORDERED, "order_time")


@dataclass
class _File:
    name: str
    rows: list[tuple[dict[str, Any] | str, str]] = field(default_factory=list)  # (row, reason)


def _csv_text(
    file: _File,
    columns: tuple[str, ...],
    rng: random.Random,
    expected: Expected,
    *,
    bom: bool,
    crlf: bool,
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(columns)
    for line, (row, reason) in enumerate(file.rows, start=2):
        if isinstance(row, str):
            out.write(row + ("\r\n" if crlf else "\n"))
        else:
            values = {**row, "channel": rng.choice(("web", "app", "phone"))}
            writer.writerow(["" if values.get(c) is None else values[c] for c in columns])
        if reason:
            expected.quarantine.add((file.name, line, reason))
    return ("\ufeff" if bom else "") + out.getvalue()


def _jsonl_text(file: _File, rng: random.Random, expected: Expected) -> str:
    lines: list[str] = []
    for row, reason in file.rows:
        if rng.random() < 0.08:
            lines.append(rng.choice(("", "   ")))  # blank lines are skipped, never quarantined
        if isinstance(row, str):
            lines.append(row)
        else:
            record = {k: v for k, v in row.items() if v is not None or rng.random() < 0.5}
            record["source"] = "events-api"
            lines.append(json.dumps(record, ensure_ascii=False))
        if reason:
            expected.quarantine.add((file.name, len(lines), reason))
    return "\n".join(lines) + "\n"


def _bad_rows(rng: random.Random, events: list[Event], per_kind: int) -> list[tuple[Any, str]]:
    rows: list[tuple[Any, str]] = []
    for kind in DEFECTS:
        for number in range(per_kind):
            base = rng.choice(events)
            if number % 2:  # an order seen nowhere else: it must not appear at all
                base = replace(base, order_id=f"ORD-9{len(rows):04d}")
            newer = replace(base, updated_at=base.updated_at + timedelta(days=30), status="paid")
            rows.append((_defect(rng, messy(newer, rng, as_json=False), kind), kind))
    return rows


MALFORMED_CSV = ("ORD-77777,C-1,EU", "ORD-77778,C-1,EU,1.00,paid,x,y,z,extra,more")
MALFORMED_JSON = ("{oops", "[1, 2, 3]", '"just a string"')


def main_dataset(seed: int = 20240301, orders: int = 240) -> tuple[dict[str, str], Expected]:
    """Three messy files and what a correct ETL makes of them."""
    rng = random.Random(seed)
    expected = Expected()
    files = [_File(CSV_FILES[0]), _File(JSON_FILE), _File(CSV_FILES[1])]
    events: list[Event] = []
    for number in range(1, orders + 1):
        versions = _versions(rng, number)
        expected.orders[versions[-1].order_id] = versions[-1]
        events += versions
    for event in events:
        target = rng.choice(files)
        target.rows.append((messy(event, rng, as_json=target is files[1]), ""))
    for row, kind in _bad_rows(rng, events, per_kind=6):
        target = rng.choice(files)
        if target is files[1] and isinstance(row, dict):  # JSON carries numbers as numbers
            numeric = {k: float(v) for k, v in row.items() if k == "amount" and _is_number(v)}
            target.rows.append(({**row, **numeric}, kind))
        else:
            target.rows.append((row, kind))
    for text in MALFORMED_CSV:
        rng.choice((files[0], files[2])).rows.append((text, "malformed"))
    for text in MALFORMED_JSON:
        files[1].rows.append((text, "malformed"))
    for file in files:
        rng.shuffle(file.rows)
    return {
        files[0].name: _csv_text(files[0], FIELDS, rng, expected, bom=True, crlf=True),
        files[1].name: _jsonl_text(files[1], rng, expected),
        files[2].name: _csv_text(files[2], REORDERED, rng, expected, bom=False, crlf=False),
    }, expected


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def later_updates(expected: Expected, seed: int, count: int) -> tuple[str, list[Event]]:
    """A new JSON-lines file updating ``count`` known orders (and one older, stale version)."""
    rng = random.Random(seed)
    chosen = rng.sample(sorted(expected.orders), count)
    updates = []
    for order_id in chosen:
        current = expected.orders[order_id]
        updates.append(
            replace(
                current,
                status="cancelled" if rng.random() < 0.5 else "shipped",
                updated_at=current.updated_at + timedelta(hours=5),
            )
        )
    stale_id = next(o for o in sorted(expected.orders) if o not in chosen)
    stale = replace(
        expected.orders[stale_id],
        status="cancelled",
        updated_at=expected.orders[stale_id].updated_at - timedelta(seconds=1),
    )
    lines = [json.dumps(messy(e, rng, as_json=True)) for e in [*updates, stale]]
    return "\n".join(lines) + "\n", updates


def as_utc(value: object) -> datetime:
    """A timestamp read back from Parquet, as UTC: time-zone aware, or naive holding UTC."""
    assert isinstance(value, datetime), f"expected a timestamp, got {value!r}"
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def row_values(row: dict[str, Any]) -> tuple[object, ...]:
    """An output order's documented values, comparable with ``event_values``."""
    amount = row.get("amount")
    times = (as_utc(row.get("order_time")), as_utc(row.get("updated_at")))
    rounded = round(float(amount), 2) if isinstance(amount, int | float) else amount
    return (row.get("customer_id"), row.get("region"), rounded, row.get("status"), *times)


def event_values(event: Event) -> tuple[object, ...]:
    times = (event.order_time, event.updated_at)
    return (event.customer_id, event.region, event.amount, event.status, *times)
