"""The same rows and seed give the same model in a fresh process."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import assert_discriminates
from dataset import holdout_rows, training_rows, unlabelled
from grader_harness import functions
from grader_harness.workspace import new_workspace

pytestmark = pytest.mark.category("reproducibility")


def _run(seed: int) -> tuple[dict[str, Any], list[float]]:
    with functions("churn", cwd=new_workspace(), timeout=60) as client:
        report = client.call("train", training_rows(), 4, seed)
        return report, client.call("predict", unlabelled(holdout_rows()[:50]))


def test_the_same_seed_gives_the_same_scores_and_predictions() -> None:
    (first, firstp), (second, secondp) = _run(11), _run(11)
    assert_discriminates(firstp)
    assert second["cv_auc"] == pytest.approx(first["cv_auc"], abs=1e-12), (
        f"seed 11 twice gave fold AUCs {first['cv_auc']} and {second['cv_auc']}"
    )
    assert secondp == pytest.approx(firstp, abs=1e-12), "seed 11 twice gave other predictions"
