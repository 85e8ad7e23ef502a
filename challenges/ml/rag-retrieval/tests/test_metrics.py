"""recall@k and MRR, on their own and through ``evaluate`` over an index."""

from __future__ import annotations

from typing import Any

import pytest
from grader_harness import CandidateError, FunctionsClient

pytestmark = pytest.mark.category("metrics")

DOCS: list[dict[str, Any]] = [
    {"id": "a", "text": "red apples and red cherries and red plums", "metadata": {"shop": "x"}},
    {"id": "b", "text": "red apples", "metadata": {"shop": "y"}},
    {"id": "c", "text": "green pears and green apples", "metadata": {"shop": "y"}},
    {"id": "d", "text": "blue berries", "metadata": {"shop": "x"}},
]


def test_recall_at_k_is_the_share_of_relevant_items_in_the_top_k(rag: FunctionsClient) -> None:
    assert rag.call("recall_at_k", ["a", "b", "c", "d"], ["b", "d"], 2) == pytest.approx(0.5)
    assert rag.call("recall_at_k", ["a", "b", "c", "d"], ["b", "d"], 4) == pytest.approx(1.0)
    assert rag.call("recall_at_k", ["a", "b"], ["z"], 2) == 0.0


def test_recall_counts_each_relevant_item_once(rag: FunctionsClient) -> None:
    assert rag.call("recall_at_k", ["b", "b", "b"], ["b", "c"], 3) == pytest.approx(0.5)
    assert rag.call("recall_at_k", ["a"], ["a", "a"], 5) == pytest.approx(1.0)


def test_recall_without_relevant_items_is_a_value_error(rag: FunctionsClient) -> None:
    with pytest.raises(CandidateError) as raised:
        rag.call("recall_at_k", ["a"], [], 1)
    assert raised.value.exc_type == "ValueError", str(raised.value)


def test_mrr_averages_the_reciprocal_rank_of_the_first_relevant_item(
    rag: FunctionsClient,
) -> None:
    rankings = [["a", "b", "c"], ["x", "y"], ["q", "r", "s", "t"]]
    relevant = [["b", "c"], ["z"], ["t"]]
    assert rag.call("mean_reciprocal_rank", rankings, relevant) == pytest.approx(
        (1 / 2 + 0 + 1 / 4) / 3
    )


def test_mrr_of_mismatched_lists_is_a_value_error(rag: FunctionsClient) -> None:
    with pytest.raises(CandidateError) as raised:
        rag.call("mean_reciprocal_rank", [["a"]], [["a"], ["b"]])
    assert raised.value.exc_type == "ValueError", str(raised.value)


def test_evaluate_ranks_documents_not_chunks(rag: FunctionsClient) -> None:
    rag.call("build_index", "fruit", DOCS, 3, 1)
    # The three best chunks all belong to document a; b is the second *document*.
    query = [{"query": "red cherries plums", "relevant": ["b"]}]
    got = rag.call("evaluate", "fruit", query, 2)
    assert got["recall_at_k"] == pytest.approx(1.0)
    assert got["mrr"] == pytest.approx(0.5)


def test_evaluate_averages_over_queries_and_applies_filters(rag: FunctionsClient) -> None:
    rag.call("build_index", "fruit", DOCS, 3, 1)
    queries = [
        {"query": "blue berries", "relevant": ["d"]},  # found first
        {"query": "red apples", "relevant": ["c"], "filters": {"shop": "y"}},  # b comes first
        {"query": "plums", "relevant": ["a"], "filters": {"shop": "x"}},  # found first
    ]
    got = rag.call("evaluate", "fruit", queries, 1)
    assert got["recall_at_k"] == pytest.approx(2 / 3)
    assert got["mrr"] == pytest.approx(2 / 3)
