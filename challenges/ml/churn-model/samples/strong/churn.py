"""Churn model as a small class: a column transformer and logistic regression, folds by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

FEATURES = {
    "tenure_months": "number",
    "monthly_charges": "number",
    "support_tickets": "number",
    "contract": "category",
    "payment_method": "category",
}


def _columns(kind: str) -> list[str]:
    return [name for name, k in FEATURES.items() if k == kind]


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame([{name: row.get(name) for name in FEATURES} for row in rows])
    return table.astype({name: "float64" for name in _columns("number")})


@dataclass
class ChurnModel:
    seed: int
    pipeline: Pipeline = field(init=False)

    def __post_init__(self) -> None:
        prepare = make_column_transformer(
            (make_pipeline(SimpleImputer(), StandardScaler()), _columns("number")),
            (OneHotEncoder(handle_unknown="ignore"), _columns("category")),
        )
        self.pipeline = make_pipeline(prepare, LogisticRegression(C=0.5, random_state=self.seed))

    def cross_validate(self, table: pd.DataFrame, target: np.ndarray, folds: int) -> list[float]:
        splitter = StratifiedKFold(folds, shuffle=True, random_state=self.seed)
        scores = []
        for fit_on, score_on in splitter.split(table, target):
            fold = clone(self.pipeline).fit(table.iloc[fit_on], target[fit_on])
            chances = fold.predict_proba(table.iloc[score_on])[:, 1]
            scores.append(float(roc_auc_score(target[score_on], chances)))
        return scores

    def probabilities(self, rows: list[dict[str, Any]]) -> np.ndarray:
        return np.asarray(self.pipeline.predict_proba(_table(rows))[:, 1])


_current: list[ChurnModel] = []


def train(rows: list[dict[str, Any]], folds: int = 5, seed: int = 0) -> dict[str, Any]:
    table, target = _table(rows), np.array([int(row["churned"]) for row in rows])
    model = ChurnModel(seed)
    scores = model.cross_validate(table, target, folds)
    model.pipeline.fit(table, target)
    _current[:] = [model]
    return {"cv_auc": scores, "cv_auc_mean": sum(scores) / len(scores)}


def predict(rows: list[dict[str, Any]]) -> list[float]:
    if not _current:
        raise RuntimeError("train first")
    return _current[0].probabilities(rows).tolist()


def evaluate(rows: list[dict[str, Any]]) -> dict[str, float]:
    target = np.array([int(row["churned"]) for row in rows])
    chances = np.asarray(predict(rows))
    return {
        "roc_auc": float(roc_auc_score(target, chances)),
        "accuracy": float(np.mean((chances >= 0.5) == target)),
    }
