"""JSON in, JSON out: the functions the grader calls."""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.store import VectorStore, split_words

STORES: dict[str, VectorStore] = {}


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    return split_words(text, size, overlap)


def cosine_similarity(a: list[float], b: list[float]) -> float:
    x, y = np.array(a, dtype=float), np.array(b, dtype=float)
    denom = np.linalg.norm(x) * np.linalg.norm(y)
    return 0.0 if denom == 0 else float(x @ y / denom)


def build_index(name: str, documents: list[dict[str, Any]], size: int = 60, overlap: int = 15) -> int:
    store = VectorStore()
    count = store.add(documents, size, overlap)
    STORES[name] = store
    return count


def search(name: str, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return STORES[name].query(query, k, filters)


def recall_at_k(ranked: list[str], relevant: list[str], k: int) -> float:
    if not relevant or k < 1:
        raise ValueError("need relevant items and k >= 1")
    return sum(1 for item in set(ranked[:k]) if item in relevant) / len(relevant)


def mean_reciprocal_rank(rankings: list[list[str]], relevant: list[list[str]]) -> float:
    if not rankings or len(rankings) != len(relevant):
        raise ValueError("one relevance list per ranking, at least one")
    total = 0.0
    for ranking, wanted in zip(rankings, relevant):
        for position, item in enumerate(ranking, start=1):
            if item in wanted:
                total += 1 / position
                break
    return total / len(rankings)


def evaluate(name: str, queries: list[dict[str, Any]], k: int = 5) -> dict[str, float]:
    store = STORES[name]
    rankings = []
    for q in queries:
        hits = store.query(q["query"], len(store.texts), q.get("filters"))
        rankings.append(list(dict.fromkeys(h["doc_id"] for h in hits))[:k])
    relevant = [q["relevant"] for q in queries]
    recall = sum(recall_at_k(r, rel, k) for r, rel in zip(rankings, relevant)) / len(queries)
    return {"recall_at_k": recall, "mrr": mean_reciprocal_rank(rankings, relevant)}
