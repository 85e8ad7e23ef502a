"""What the grader calls: plain JSON values in and out."""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.index import ChunkIndex
from rag.text import chunk

DEFAULT_SIZE, DEFAULT_OVERLAP = 32, 12
INDEXES: dict[str, ChunkIndex] = {}


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    return chunk(text, size, overlap)


def cosine_similarity(a: list[float], b: list[float]) -> float:
    x, y = np.asarray(a, float), np.asarray(b, float)
    denominator = np.linalg.norm(x) * np.linalg.norm(y)
    return float(x @ y / denominator) if denominator else 0.0


def build_index(name: str, documents: list[dict[str, Any]], size: int = DEFAULT_SIZE,
                overlap: int = DEFAULT_OVERLAP) -> int:
    INDEXES[name] = ChunkIndex(documents, size, overlap)
    return len(INDEXES[name])


def search(name: str, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    if k < 1:
        raise ValueError("k must be at least 1")
    index = INDEXES[name]
    return [index.hit(row, score) for row, score in index.top(query, k, filters)]


def recall_at_k(ranked: list[str], relevant: list[str], k: int) -> float:
    if k < 1 or not relevant:
        raise ValueError("k >= 1 and a non-empty relevant list are required")
    return len(set(relevant) & set(ranked[:k])) / len(set(relevant))


def mean_reciprocal_rank(rankings: list[list[str]], relevant: list[list[str]]) -> float:
    if not rankings or len(rankings) != len(relevant):
        raise ValueError("rankings and relevant must be equally long and non-empty")
    reciprocal = []
    for ranking, wanted in zip(rankings, relevant):
        ranks = [i for i, item in enumerate(ranking, 1) if item in wanted]
        reciprocal.append(1 / ranks[0] if ranks else 0.0)
    return sum(reciprocal) / len(reciprocal)


def evaluate(name: str, queries: list[dict[str, Any]], k: int = 5) -> dict[str, float]:
    index = INDEXES[name]
    rankings = []
    for q in queries:
        hits = index.top(q["query"], len(index) or 1, q.get("filters"))
        rankings.append(list(dict.fromkeys(index.records[row][0] for row, _ in hits))[:k])
    relevant = [q["relevant"] for q in queries]
    recalls = [recall_at_k(r, rel, k) for r, rel in zip(rankings, relevant)]
    return {"recall_at_k": sum(recalls) / len(recalls), "mrr": mean_reciprocal_rank(rankings, relevant)}
