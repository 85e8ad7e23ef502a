"""train: k-fold cross-validation that reports one ROC AUC per fold, honestly."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FOLDS, roc_auc
from dataset import holdout_rows, training_rows
from grader_harness import FunctionsClient, functions
from grader_harness.workspace import new_workspace

pytestmark = pytest.mark.category("validation")

Trained = tuple[FunctionsClient, dict[str, Any]]
HONEST_WITHIN = 0.05


def test_train_reports_one_auc_per_fold(trained: Trained) -> None:
    _, report = trained
    scores = report["cv_auc"]
    assert len(scores) == FOLDS, f"asked for {FOLDS} folds, got {len(scores)} scores: {scores}"
    assert all(0.5 <= s <= 1.0 for s in scores), f"fold AUCs outside [0.5, 1]: {scores}"
    assert report["cv_auc_mean"] == pytest.approx(sum(scores) / len(scores), abs=1e-9)


def test_the_number_of_folds_is_the_one_asked_for() -> None:
    with functions("churn", cwd=new_workspace(), timeout=60) as client:
        report = client.call("train", training_rows(), 3, 0)
    assert len(report["cv_auc"]) == 3, f"asked for 3 folds, got {report['cv_auc']}"


def test_the_cross_validated_auc_predicts_the_holdout_auc(
    trained: Trained, holdout_probabilities: list[float]
) -> None:
    _, report = trained
    held = roc_auc([row["churned"] for row in holdout_rows()], holdout_probabilities)
    estimate = report["cv_auc_mean"]
    assert abs(estimate - held) <= HONEST_WITHIN, (
        f"cross-validation promised ROC AUC {estimate:.3f}, on unseen customers it is "
        f"{held:.3f}: the estimate leaks information the model will not have"
    )
