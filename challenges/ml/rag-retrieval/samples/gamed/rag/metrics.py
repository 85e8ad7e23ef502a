"""Ranking metrics: recall@k and mean reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence


def recall_at_k(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """The share of the relevant items found in the first ``k`` of ``ranked``."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    wanted = set(relevant)
    if not wanted:
        raise ValueError("recall needs at least one relevant item")
    return len(wanted.intersection(ranked[:k])) / len(wanted)


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str]) -> float:
    """1 / the (1-based) rank of the first relevant item; 0 when none is ranked."""
    wanted = set(relevant)
    return next((1 / rank for rank, item in enumerate(ranked, 1) if item in wanted), 0.0)


def mean_reciprocal_rank(
    rankings: Sequence[Sequence[str]], relevant: Sequence[Sequence[str]]
) -> float:
    """The mean of :func:`reciprocal_rank` over queries."""
    if len(rankings) != len(relevant):
        raise ValueError(f"{len(rankings)} rankings but {len(relevant)} relevance lists")
    if not rankings:
        raise ValueError("MRR needs at least one query")
    return sum(map(reciprocal_rank, rankings, relevant)) / len(rankings)
