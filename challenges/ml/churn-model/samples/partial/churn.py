"""Churn model with the preprocessing outside the pipeline (the mistakes seen most)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import KFold, cross_val_score
from sklearn.preprocessing import StandardScaler

NUMERIC = ["tenure_months", "monthly_charges", "support_tickets"]
CATEGORICAL = ["contract", "payment_method"]

_state: dict[str, Any] = {}


def _features(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)[NUMERIC + CATEGORICAL]
    frame[NUMERIC] = frame[NUMERIC].astype(float)
    frame["monthly_charges"] = frame["monthly_charges"].fillna(frame["monthly_charges"].mean())
    frame = pd.get_dummies(frame, columns=CATEGORICAL, dtype=float)
    # The scaler sees every row it is given: all training rows before the folds, and then
    # the rows being predicted.
    frame[NUMERIC] = StandardScaler().fit_transform(frame[NUMERIC])
    return frame


def train(rows: list[dict[str, Any]], folds: int = 5, seed: int = 0) -> dict[str, Any]:
    features, target = _features(rows), np.array([r["churned"] for r in rows])
    scores = cross_val_score(
        LogisticRegression(max_iter=1000),
        features,
        target,
        cv=KFold(folds, shuffle=True),
        scoring="roc_auc",
    )
    model = LogisticRegression(max_iter=1000).fit(features, target)
    _state.update(model=model, columns=list(features.columns))
    return {"cv_auc": scores.tolist(), "cv_auc_mean": float(scores.mean())}


def predict(rows: list[dict[str, Any]]) -> list[float]:
    features = _features(rows).reindex(columns=_state["columns"], fill_value=0.0)
    return _state["model"].predict_proba(features)[:, 1].tolist()


def evaluate(rows: list[dict[str, Any]]) -> dict[str, float]:
    target = [r["churned"] for r in rows]
    chances = np.array(predict(rows))
    return {
        "roc_auc": float(roc_auc_score(target, chances)),
        "accuracy": float(accuracy_score(target, chances >= 0.5)),
    }
