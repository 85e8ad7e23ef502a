"""The functions the grader calls; the brief says what each must do."""

from __future__ import annotations

from typing import Any


def train(rows: list[dict[str, Any]], folds: int = 5, seed: int = 0) -> dict[str, Any]:
    raise NotImplementedError("cross-validate, then fit the model on all rows")


def predict(rows: list[dict[str, Any]]) -> list[float]:
    raise NotImplementedError("the probability that each customer churns")


def evaluate(rows: list[dict[str, Any]]) -> dict[str, float]:
    raise NotImplementedError("ROC AUC and accuracy of the trained model")
