"""Churn model on plain dicts: DictVectorizer, imputer, scaler and logistic regression."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

USED = ("tenure_months", "monthly_charges", "support_tickets", "contract", "payment_method")

MODEL: dict[str, Pipeline] = {}


def _records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the columns known before the outcome; an unknown charge becomes NaN."""
    return [{k: math.nan if row[k] is None else row[k] for k in USED} for row in rows]


def _model(seed: int) -> Pipeline:
    return make_pipeline(
        DictVectorizer(sparse=False),
        SimpleImputer(strategy="mean"),
        StandardScaler(),
        LogisticRegression(C=2.0, random_state=seed),
    )


def train(rows: list[dict[str, Any]], folds: int = 5, seed: int = 0) -> dict[str, Any]:
    records, churned = np.array(_records(rows)), np.array([r["churned"] for r in rows])
    aucs = []
    for train_at, test_at in StratifiedKFold(folds, shuffle=True, random_state=seed).split(
        records, churned
    ):
        model = _model(seed).fit(list(records[train_at]), churned[train_at])
        chances = model.predict_proba(list(records[test_at]))[:, 1]
        aucs.append(float(roc_auc_score(churned[test_at], chances)))
    MODEL["fitted"] = _model(seed).fit(list(records), churned)
    return {"cv_auc": aucs, "cv_auc_mean": float(np.mean(aucs))}


def predict(rows: list[dict[str, Any]]) -> list[float]:
    return MODEL["fitted"].predict_proba(_records(rows))[:, 1].tolist()


def evaluate(rows: list[dict[str, Any]]) -> dict[str, float]:
    churned = [r["churned"] for r in rows]
    chances = np.array(predict(rows))
    return {
        "roc_auc": float(roc_auc_score(churned, chances)),
        "accuracy": float(accuracy_score(churned, chances >= 0.5)),
    }
