"""The churn data set, generated from fixed seeds: the training file and the hidden hold-out.

``python3 tests/dataset.py`` (from the challenge's folder) rewrites ``starter/data/customers.csv``,
the training data the candidate gets. The hold-out rows come from another seed, never leave the
judge, and describe customers who are still active: ``retention_call`` is 0 and ``customer_id``
is a new number, so a model that learned either column from the training file gains nothing.
"""

from __future__ import annotations

import csv
import math
import random
import sys
from pathlib import Path
from typing import Any

Row = dict[str, Any]

TRAINING_SEED = 1407
HOLDOUT_SEED = 90210
TRAINING_ROWS = 1200
HOLDOUT_ROWS = 800
COLUMNS = (
    "customer_id",
    "tenure_months",
    "monthly_charges",
    "support_tickets",
    "contract",
    "payment_method",
    "retention_call",
    "churned",
)
CONTRACT_EFFECT = {"month-to-month": 0.9, "one-year": -0.4, "two-year": -1.4}
PAYMENT_EFFECT = {"card": 0.0, "bank-transfer": -0.3, "cheque": 0.6}


def _customer(rng: random.Random) -> Row:
    tenure = rng.randint(1, 72)
    contract = rng.choices(list(CONTRACT_EFFECT), weights=[5, 3, 2])[0]
    payment = rng.choices(list(PAYMENT_EFFECT), weights=[4, 3, 2])[0]
    charges: float | None = round(rng.uniform(20.0, 120.0), 2)
    tickets = min(10, int(rng.expovariate(0.6)))
    assert charges is not None
    z = (
        0.6
        - 0.045 * tenure
        + 0.02 * (charges - 70.0)
        + 0.4 * tickets
        + CONTRACT_EFFECT[contract]
        + PAYMENT_EFFECT[payment]
    )
    churned = int(rng.random() < 1.0 / (1.0 + math.exp(-z)))
    if rng.random() < 0.05:
        charges = None
    return {
        "tenure_months": tenure,
        "monthly_charges": charges,
        "support_tickets": tickets,
        "contract": contract,
        "payment_method": payment,
        "churned": churned,
    }


def training_rows() -> list[Row]:
    """The candidate's training data: CRM numbers follow the outcome, retention calls are logged."""
    rng = random.Random(TRAINING_SEED)
    rows = sorted((_customer(rng) for _ in range(TRAINING_ROWS)), key=lambda r: r["churned"])
    for number, row in enumerate(rows):
        row["customer_id"] = 10_000 + 3 * number + rng.randint(0, 2)
        row["retention_call"] = int(rng.random() < (0.8 if row["churned"] else 0.04))
    rng.shuffle(rows)
    return [{column: row[column] for column in COLUMNS} for row in rows]


def holdout_rows() -> list[Row]:
    """Customers still active when the model runs: no retention call yet, fresh CRM numbers."""
    rng = random.Random(HOLDOUT_SEED)
    rows = [_customer(rng) for _ in range(HOLDOUT_ROWS)]
    for row, number in zip(rows, rng.sample(range(200_000, 999_999), len(rows)), strict=True):
        row["customer_id"] = number
        row["retention_call"] = 0
    return [{column: row[column] for column in COLUMNS} for row in rows]


def unlabelled(rows: list[Row]) -> list[Row]:
    """The rows as ``predict`` receives them: every column but ``churned``."""
    return [{k: v for k, v in row.items() if k != "churned"} for row in rows]


def write_training_csv(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for row in training_rows():
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("starter/data/customers.csv")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_training_csv(target)
