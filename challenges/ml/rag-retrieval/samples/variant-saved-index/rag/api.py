"""The functions the grader calls; JSON values in and out."""

from __future__ import annotations

from typing import Any

import numpy as np

from rag import storage
from rag.chunks import windows
from rag.embedder import embed

_cache: dict[str, tuple[np.ndarray, list[dict[str, Any]]]] = {}


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    return windows(text, size, overlap)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms != 0)


def cosine_similarity(a: list[float], b: list[float]) -> float:
    va, vb = _normalise(np.array(a, dtype=float)), _normalise(np.array(b, dtype=float))
    return float(va @ vb)


def build_index(name: str, documents: list[dict[str, Any]], size: int = 40, overlap: int = 10) -> int:
    ids = [doc["id"] for doc in documents]
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    records = [
        {"doc_id": doc["id"], "chunk_id": f"{doc['id']}#{n}", "text": text,
         "metadata": doc.get("metadata") or {}}
        for doc in documents
        for n, text in enumerate(windows(doc["text"], size, overlap))
    ]
    vectors = _normalise(embed([r["text"] for r in records]))
    storage.save(name, vectors, records)
    _cache[name] = (vectors, records)
    return len(records)


def _get(name: str) -> tuple[np.ndarray, list[dict[str, Any]]]:
    if name not in _cache:
        _cache[name] = storage.load(name)
    return _cache[name]


def _passes(metadata: dict[str, Any], filters: dict[str, Any]) -> bool:
    for field, wanted in filters.items():
        options = wanted if isinstance(wanted, list) else [wanted]
        if field not in metadata or metadata[field] not in options:
            return False
    return True


def _ranked(name: str, query: str, filters: dict[str, Any] | None) -> list[tuple[int, float]]:
    vectors, records = _get(name)
    rows = np.array(
        [i for i, r in enumerate(records) if not filters or _passes(r["metadata"], filters)],
        dtype=int,
    )
    if rows.size == 0:
        return []
    scores = (vectors @ _normalise(embed([query])[0]))[rows]
    order = np.argsort(-scores, kind="stable")
    return [(int(rows[i]), float(scores[i])) for i in order]


def search(name: str, query: str, k: int = 5, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    if k < 1:
        raise ValueError("k must be at least 1")
    records = _get(name)[1]
    return [{**records[row], "score": score} for row, score in _ranked(name, query, filters)[:k]]


def recall_at_k(ranked: list[str], relevant: list[str], k: int) -> float:
    if k < 1 or not relevant:
        raise ValueError("recall needs k >= 1 and at least one relevant item")
    wanted = set(relevant)
    return len(wanted & set(ranked[:k])) / len(wanted)


def mean_reciprocal_rank(rankings: list[list[str]], relevant: list[list[str]]) -> float:
    if not rankings or len(rankings) != len(relevant):
        raise ValueError("one ranking per relevant list, at least one")
    total = 0.0
    for ranking, wanted in zip(rankings, relevant):
        total += next((1 / i for i, item in enumerate(ranking, 1) if item in set(wanted)), 0.0)
    return total / len(rankings)


def evaluate(name: str, queries: list[dict[str, Any]], k: int = 5) -> dict[str, float]:
    records = _get(name)[1]
    rankings = []
    for q in queries:
        docs = dict.fromkeys(records[row]["doc_id"] for row, _ in _ranked(name, q["query"], q.get("filters")))
        rankings.append(list(docs)[:k])
    relevant = [q["relevant"] for q in queries]
    recall = sum(recall_at_k(r, rel, k) for r, rel in zip(rankings, relevant)) / len(queries)
    return {"recall_at_k": recall, "mrr": mean_reciprocal_rank(rankings, relevant)}
