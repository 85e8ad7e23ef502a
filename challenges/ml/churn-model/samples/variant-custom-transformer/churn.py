"""Churn model with a hand-written transformer (numpy) inside a scikit-learn Pipeline."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

NUMBERS = ("tenure_months", "monthly_charges", "support_tickets")
CATEGORIES = ("contract", "payment_method")


class CustomerFeatures(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """Learns medians, means, scales and category levels in fit; applies them in transform."""

    def fit(self, rows: list[dict[str, Any]], y: Any = None) -> CustomerFeatures:
        numbers = self._numbers(rows)
        self.medians_ = np.nanmedian(numbers, axis=0)
        filled = np.where(np.isnan(numbers), self.medians_, numbers)
        self.means_, self.scales_ = filled.mean(axis=0), filled.std(axis=0)
        self.levels_ = {c: sorted({str(row[c]) for row in rows}) for c in CATEGORIES}
        return self

    def transform(self, rows: list[dict[str, Any]]) -> np.ndarray:
        numbers = self._numbers(rows)
        filled = np.where(np.isnan(numbers), self.medians_, numbers)
        scaled = (filled - self.means_) / np.where(self.scales_ == 0, 1.0, self.scales_)
        onehot = [
            [[float(str(row[c]) == level) for level in self.levels_[c]] for row in rows]
            for c in CATEGORIES
        ]
        return np.hstack([scaled, *[np.asarray(block).reshape(len(rows), -1) for block in onehot]])

    @staticmethod
    def _numbers(rows: list[dict[str, Any]]) -> np.ndarray:
        values = [[np.nan if row[n] is None else float(row[n]) for n in NUMBERS] for row in rows]
        return np.asarray(values, dtype=float).reshape(len(rows), len(NUMBERS))


_pipeline: list[Pipeline] = []


def _fresh(seed: int) -> Pipeline:
    return Pipeline(
        [("features", CustomerFeatures()), ("logit", LogisticRegression(random_state=seed))]
    )


def train(rows: list[dict[str, Any]], folds: int = 5, seed: int = 0) -> dict[str, Any]:
    labels = np.array([row["churned"] for row in rows])
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_val_score(
        _fresh(seed), np.array(rows, dtype=object), labels, cv=cv, scoring="roc_auc"
    )
    _pipeline[:] = [_fresh(seed).fit(rows, labels)]
    return {"cv_auc": [float(s) for s in scores], "cv_auc_mean": float(scores.mean())}


def predict(rows: list[dict[str, Any]]) -> list[float]:
    return [float(p) for p in _pipeline[0].predict_proba(rows)[:, 1]]


def evaluate(rows: list[dict[str, Any]]) -> dict[str, float]:
    labels = np.array([row["churned"] for row in rows])
    chances = np.array(predict(rows))
    return {
        "roc_auc": float(roc_auc_score(labels, chances)),
        "accuracy": float(((chances >= 0.5) == labels).mean()),
    }
