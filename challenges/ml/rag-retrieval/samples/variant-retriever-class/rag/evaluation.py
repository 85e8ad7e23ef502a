"""recall@k and MRR."""

from __future__ import annotations


def recall_at_k(ranked: list[str], relevant: list[str], k: int) -> float:
    if k < 1:
        raise ValueError("k must be >= 1")
    if not relevant:
        raise ValueError("relevant must not be empty")
    targets = set(relevant)
    return sum(1 for item in targets if item in ranked[:k]) / len(targets)


def reciprocal_rank(ranked: list[str], relevant: list[str]) -> float:
    for rank, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def mean_reciprocal_rank(rankings: list[list[str]], relevant: list[list[str]]) -> float:
    if not rankings or len(rankings) != len(relevant):
        raise ValueError("rankings and relevant must be non-empty and of equal length")
    return sum(reciprocal_rank(r, rel) for r, rel in zip(rankings, relevant)) / len(rankings)
