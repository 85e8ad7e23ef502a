"""Judge-side fixtures: the candidate's ``churn`` module, trained once per module.

Hidden tests never import candidate code: ``functions("churn")`` imports it in a process of
another user and every call crosses as JSON. The hold-out rows never leave the judge except
as ``predict`` input without their labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dataset import holdout_rows, training_rows, unlabelled
from grader_harness import FunctionsClient, functions
from grader_harness.workspace import new_workspace

FOLDS = 5
SEED = 0


@pytest.fixture(scope="module")
def trained() -> Iterator[tuple[FunctionsClient, dict[str, Any]]]:
    """One candidate process trained on the training rows, and what ``train`` returned."""
    with functions("churn", cwd=new_workspace(), timeout=60) as client:
        yield client, client.call("train", training_rows(), FOLDS, SEED)


@pytest.fixture(scope="module")
def holdout_probabilities(trained: tuple[FunctionsClient, dict[str, Any]]) -> list[float]:
    client, _ = trained
    return list(client.call("predict", unlabelled(holdout_rows())))


def roc_auc(labels: list[int], scores: list[float]) -> float:
    """Area under the ROC curve by ranks (ties share their mean rank), computed by the judge."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum = sum(rank for rank, label in zip(ranks, labels, strict=True) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def assert_discriminates(probabilities: list[float]) -> None:
    """A model that gives every customer the same probability has learnt nothing to test."""
    distinct = {round(p, 9) for p in probabilities}
    assert len(distinct) > 1, (
        f"every one of {len(probabilities)} different customers got probability "
        f"{probabilities[0]}: the model tells no customer from another"
    )
