"""Only what is known before the outcome: neither customer_id nor retention_call moves a score."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import assert_discriminates
from dataset import holdout_rows, unlabelled
from grader_harness import FunctionsClient

pytestmark = pytest.mark.category("leakage")

Trained = tuple[FunctionsClient, dict[str, Any]]


@pytest.mark.parametrize(
    ("column", "values"),
    [("customer_id", [10_001 + 7 * i for i in range(20)]), ("retention_call", [1] * 20)],
    ids=["customer_id", "retention_call"],
)
def test_predictions_do_not_change_with(trained: Trained, column: str, values: list[int]) -> None:
    client, _ = trained
    rows = unlabelled(holdout_rows()[:20])
    changed = [{**row, column: value} for row, value in zip(rows, values, strict=True)]
    before, after = client.call("predict", rows), client.call("predict", changed)
    assert_discriminates(after)
    assert after == pytest.approx(before, abs=1e-6), (
        f"changing {column} to {values[:3]}... moved the probabilities from {before} to {after}"
    )
