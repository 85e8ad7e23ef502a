"""Churn model: every column of the export goes into the pipeline (the careless version)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["customer_id", "retention_call", "tenure_months", "monthly_charges", "support_tickets"]
CATEGORICAL = ["contract", "payment_method"]
TARGET = "churned"

_model: dict[str, Pipeline] = {}


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=[*NUMERIC, *CATEGORICAL])
    frame[NUMERIC] = frame[NUMERIC].astype(float)
    return frame


def _pipeline(seed: int) -> Pipeline:
    features = ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ]
    )
    model = LogisticRegression(max_iter=1000, random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def _fitted() -> Pipeline:
    if "pipeline" not in _model:
        raise ValueError("call train() before predict() or evaluate()")
    return _model["pipeline"]


def train(rows: list[dict[str, Any]], folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Cross-validate a fresh pipeline on ``rows``, then fit it on all of them."""
    features, target = _frame(rows), np.asarray([row[TARGET] for row in rows], dtype=int)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_val_score(_pipeline(seed), features, target, cv=splitter, scoring="roc_auc")
    _model["pipeline"] = _pipeline(seed).fit(features, target)
    return {"cv_auc": [float(s) for s in scores], "cv_auc_mean": float(np.mean(scores))}


def predict(rows: list[dict[str, Any]]) -> list[float]:
    """The probability that each customer churns, in the order of ``rows``."""
    return [float(p) for p in _fitted().predict_proba(_frame(rows))[:, 1]]


def evaluate(rows: list[dict[str, Any]]) -> dict[str, float]:
    """ROC AUC and accuracy (threshold 0.5) of the trained model on labelled ``rows``."""
    target = np.asarray([row[TARGET] for row in rows], dtype=int)
    probabilities = np.asarray(predict(rows))
    return {
        "roc_auc": float(roc_auc_score(target, probabilities)),
        "accuracy": float(accuracy_score(target, probabilities >= 0.5)),
    }
