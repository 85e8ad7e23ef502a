"""predict: one probability per row, fitted preprocessing, missing values and new categories."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import assert_discriminates
from dataset import holdout_rows, unlabelled
from grader_harness import FunctionsClient

pytestmark = pytest.mark.category("pipeline")

Trained = tuple[FunctionsClient, dict[str, Any]]


def test_predict_gives_one_probability_per_row_in_order(trained: Trained) -> None:
    client, _ = trained
    rows = unlabelled(holdout_rows()[:40])
    forward = client.call("predict", rows)
    backward = client.call("predict", rows[::-1])
    assert_discriminates(forward)
    assert len(forward) == len(rows), f"{len(rows)} rows gave {len(forward)} probabilities"
    assert all(0.0 <= p <= 1.0 for p in forward), f"probabilities outside [0, 1]: {forward}"
    assert backward[::-1] == pytest.approx(forward, abs=1e-9), "reversed rows, other answers"


def test_a_prediction_does_not_depend_on_the_rest_of_the_batch(trained: Trained) -> None:
    client, _ = trained
    rows = unlabelled(holdout_rows()[:60])
    batch = client.call("predict", rows)
    alone = [client.call("predict", [row])[0] for row in rows[:5]]
    assert_discriminates(batch)
    loyal = [i for i, row in enumerate(rows) if row["tenure_months"] > 48]
    among_loyal = client.call("predict", [rows[i] for i in loyal])
    assert alone == pytest.approx(batch[:5], abs=1e-9), (
        f"each row alone gave {alone}, in a batch {batch[:5]}: preprocessing is refitted on "
        "the rows being predicted instead of learnt in train"
    )
    assert among_loyal == pytest.approx([batch[i] for i in loyal], abs=1e-9), (
        "a batch of long-tenure customers only gets other probabilities than the same rows in "
        "a mixed batch: preprocessing is refitted on the rows being predicted"
    )


def test_a_missing_monthly_charge_gives_a_probability(trained: Trained) -> None:
    client, _ = trained
    row = {**unlabelled(holdout_rows()[:1])[0], "monthly_charges": None}
    [probability] = client.call("predict", [row])
    assert 0.0 <= probability <= 1.0, (
        f"expected a probability for null monthly_charges, got {probability}"
    )


def test_a_category_never_seen_in_training_gives_a_probability(trained: Trained) -> None:
    client, _ = trained
    row = {**unlabelled(holdout_rows()[:1])[0], "payment_method": "voucher"}
    [probability] = client.call("predict", [row])
    assert 0.0 <= probability <= 1.0, (
        f"expected a probability for payment_method 'voucher', got {probability}"
    )
