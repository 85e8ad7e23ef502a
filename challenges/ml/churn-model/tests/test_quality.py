"""The trained model on the hidden hold-out set, in tiers, and evaluate's own numbers."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import roc_auc
from dataset import holdout_rows
from grader_harness import FunctionsClient

pytestmark = pytest.mark.category("quality")

Trained = tuple[FunctionsClient, dict[str, Any]]


def _labels() -> list[int]:
    return [row["churned"] for row in holdout_rows()]


@pytest.mark.parametrize("floor", [0.7, 0.78])
def test_holdout_auc_reaches(holdout_probabilities: list[float], floor: float) -> None:
    got = roc_auc(_labels(), holdout_probabilities)
    assert got >= floor, f"ROC AUC on the hidden hold-out customers is {got:.3f}, below {floor}"


def test_holdout_accuracy_reaches(holdout_probabilities: list[float]) -> None:
    right = [(p >= 0.5) == bool(y) for p, y in zip(holdout_probabilities, _labels(), strict=True)]
    got = sum(right) / len(right)
    assert got >= 0.7, f"accuracy at 0.5 on the hidden hold-out customers is {got:.3f}, below 0.7"


def test_evaluate_reports_the_auc_and_accuracy_of_predict(
    trained: Trained, holdout_probabilities: list[float]
) -> None:
    client, _ = trained
    rows = holdout_rows()
    got = client.call("evaluate", rows)
    labels = _labels()
    accuracy = sum(
        (p >= 0.5) == bool(y) for p, y in zip(holdout_probabilities, labels, strict=True)
    )
    expected = {"roc_auc": roc_auc(labels, holdout_probabilities), "accuracy": accuracy / len(rows)}
    assert got["roc_auc"] == pytest.approx(expected["roc_auc"], abs=1e-6), (
        f"expected {expected}, got {got}"
    )
    assert got["accuracy"] == pytest.approx(expected["accuracy"], abs=1e-9), (
        f"expected {expected}, got {got}"
    )
