"""Chunks, their unit embeddings and an inverted index of document metadata."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from rag.embedder import DIM, embed
from rag.text import chunk


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, (list, dict)) else value


class ChunkIndex:
    def __init__(self, documents: list[dict[str, Any]], size: int, overlap: int) -> None:
        ids = [d["id"] for d in documents]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate document id")
        self.records: list[tuple[str, str, str, dict[str, Any]]] = []
        postings: dict[str, dict[Any, list[int]]] = defaultdict(lambda: defaultdict(list))
        for doc in documents:
            meta = doc.get("metadata") or {}
            for n, text in enumerate(chunk(doc["text"], size, overlap)):
                row = len(self.records)
                self.records.append((doc["id"], f"{doc['id']}#{n}", text, meta))
                for key, value in meta.items():
                    postings[key][_hashable(value)].append(row)
        self.postings = {k: {v: np.array(r) for v, r in m.items()} for k, m in postings.items()}
        self.vectors = np.zeros((len(self.records), DIM), dtype=np.float32)
        for start in range(0, len(self.records), 4096):  # embed in batches: bounded memory
            batch = embed([r[2] for r in self.records[start : start + 4096]])
            norms = np.linalg.norm(batch, axis=1, keepdims=True)
            self.vectors[start : start + len(batch)] = batch / np.where(norms == 0, 1, norms)

    def __len__(self) -> int:
        return len(self.records)

    def rows(self, filters: dict[str, Any] | None) -> np.ndarray | None:
        """Rows passing ``filters`` (sorted), or None for every row."""
        if not filters:
            return None
        result: np.ndarray | None = None
        for key, wanted in filters.items():
            values = wanted if isinstance(wanted, list) else [wanted]
            found = [self.postings.get(key, {}).get(_hashable(v)) for v in values]
            parts = [f for f in found if f is not None]
            matched = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=int)
            result = matched if result is None else np.intersect1d(result, matched)
        return result

    def top(self, query: str, k: int, filters: dict[str, Any] | None) -> list[tuple[int, float]]:
        q = embed([query])[0]
        norm = np.linalg.norm(q)
        scores = self.vectors @ (q / norm if norm else q).astype(np.float32)
        rows = self.rows(filters)
        if rows is not None:
            scores = scores[rows]
        count = len(scores)
        if count == 0:
            return []
        k = min(k, count)
        if k < count:
            cut = np.partition(scores, count - k)[count - k]  # the k-th best score
            candidates = np.flatnonzero(scores >= cut)
        else:
            candidates = np.arange(count)
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
        real = order if rows is None else rows[order]
        return [(int(r), float(s)) for r, s in zip(real, scores[order])]

    def hit(self, row: int, score: float) -> dict[str, Any]:
        doc_id, chunk_id, text, meta = self.records[row]
        return {"doc_id": doc_id, "chunk_id": chunk_id, "text": text, "score": score,
                "metadata": meta}
