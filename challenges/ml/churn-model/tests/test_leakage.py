"""Only what is known before the outcome: neither customer_id nor retention_call moves a score."""

from __future__ import annotations

from typing import Any

import pytest
from dataset import holdout_rows, unlabelled
from grader_harness import FunctionsClient

pytestmark = pytest.mark.category("leakage")

Trained = tuple[FunctionsClient, dict[str, Any]]


@pytest.mark.parametrize(
    ("column", "values"),
    [("customer_id", [10_001, 12_345, 7]), ("retention_call", [1, 1, 1])],
    ids=["customer_id", "retention_call"],
)
def test_predictions_do_not_change_with(trained: Trained, column: str, values: list[int]) -> None:
    client, _ = trained
    rows = unlabelled(holdout_rows()[:3])
    changed = [{**row, column: value} for row, value in zip(rows, values, strict=True)]
    before, after = client.call("predict", rows), client.call("predict", changed)
    assert after == pytest.approx(before, abs=1e-6), (
        f"changing {column} to {values} moved the probabilities from {before} to {after}"
    )
