"""Thin JSON layer over Retriever and the metrics."""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.evaluation import mean_reciprocal_rank, recall_at_k
from rag.retriever import Retriever, split_windows, unit

__all__ = ["build_index", "chunk_text", "cosine_similarity", "evaluate",
           "mean_reciprocal_rank", "recall_at_k", "search"]

CHUNK_SIZE = 25
CHUNK_OVERLAP = 8
_retrievers: dict[str, Retriever] = {}


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    return split_windows(text, size, overlap)


def cosine_similarity(a: list[float], b: list[float]) -> float:
    return float(unit(np.asarray(a, dtype=float)) @ unit(np.asarray(b, dtype=float)))


def build_index(
    name: str, documents: list[dict[str, Any]], size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP
) -> int:
    _retrievers[name] = Retriever.from_documents(documents, size, overlap)
    return len(_retrievers[name])


def search(name: str, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    if k < 1:
        raise ValueError("k must be >= 1")
    retriever = _retrievers[name]
    rows, scores = retriever.ranked(query, filters)
    return [retriever.hit(int(r), float(s)) for r, s in zip(rows[:k], scores[:k])]


def evaluate(name: str, queries: list[dict[str, Any]], k: int = 5) -> dict[str, float]:
    retriever = _retrievers[name]
    rankings = []
    for query in queries:
        rows, _ = retriever.ranked(query["query"], query.get("filters"))
        rankings.append(list(dict.fromkeys(retriever.doc_ids[int(r)] for r in rows))[:k])
    relevant = [query["relevant"] for query in queries]
    recall = float(np.mean([recall_at_k(r, rel, k) for r, rel in zip(rankings, relevant)]))
    return {"recall_at_k": recall, "mrr": mean_reciprocal_rank(rankings, relevant)}
