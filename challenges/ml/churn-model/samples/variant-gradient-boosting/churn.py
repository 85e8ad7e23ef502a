"""Churn model with gradient-boosted trees: ordinal-coded categories, missing values native."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder

NUMERIC = ["tenure_months", "monthly_charges", "support_tickets"]
CATEGORICAL = ["contract", "payment_method"]

_fitted: dict[str, Pipeline] = {}


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=NUMERIC + CATEGORICAL)
    return frame.astype({name: float for name in NUMERIC})


def _model(seed: int) -> Pipeline:
    codes = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    prepare = ColumnTransformer(
        [("codes", codes, CATEGORICAL)], remainder="passthrough", verbose_feature_names_out=False
    )
    trees = HistGradientBoostingClassifier(
        max_iter=120,
        learning_rate=0.05,
        max_depth=3,
        categorical_features=[0, 1],
        random_state=seed,
    )
    return Pipeline([("prepare", prepare), ("trees", trees)])


def train(rows: list[dict[str, Any]], folds: int = 5, seed: int = 0) -> dict[str, Any]:
    x, y = _frame(rows), np.array([row["churned"] for row in rows])
    folds_of = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_validate(_model(seed), x, y, cv=folds_of, scoring="roc_auc")["test_score"]
    _fitted["model"] = _model(seed).fit(x, y)
    return {"cv_auc": scores.tolist(), "cv_auc_mean": float(np.mean(scores))}


def predict(rows: list[dict[str, Any]]) -> list[float]:
    return _fitted["model"].predict_proba(_frame(rows))[:, 1].tolist()


def evaluate(rows: list[dict[str, Any]]) -> dict[str, float]:
    y = np.array([row["churned"] for row in rows])
    p = np.array(predict(rows))
    return {"roc_auc": float(roc_auc_score(y, p)), "accuracy": float(np.mean((p >= 0.5) == y))}
