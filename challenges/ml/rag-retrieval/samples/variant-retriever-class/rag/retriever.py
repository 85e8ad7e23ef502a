"""One searchable index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rag.embedder import embed

_MISSING = object()


def split_windows(text: str, size: int, overlap: int) -> list[str]:
    if size < 1:
        raise ValueError("size must be >= 1")
    if overlap < 0 or overlap >= size:
        raise ValueError("overlap must be in [0, size)")
    words, step = text.split(), size - overlap
    starts = range(0, max(len(words) - overlap, 1), step) if words else range(0)
    return [" ".join(words[s : s + size]) for s in starts if s == 0 or s + overlap < len(words)]


def unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    safe = np.where(norms == 0, 1.0, norms)
    return matrix / safe


@dataclass
class Retriever:
    doc_ids: list[str] = field(default_factory=list)
    chunk_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    metadata: list[dict[str, Any]] = field(default_factory=list)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 512)))
    columns: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def from_documents(cls, documents: list[dict[str, Any]], size: int, overlap: int) -> Retriever:
        built = cls()
        seen: set[str] = set()
        for doc in documents:
            if doc["id"] in seen:
                raise ValueError(f"document id {doc['id']!r} appears twice")
            seen.add(doc["id"])
            for n, text in enumerate(split_windows(doc["text"], size, overlap)):
                built.doc_ids.append(doc["id"])
                built.chunk_ids.append(f"{doc['id']}#{n}")
                built.texts.append(text)
                built.metadata.append(doc.get("metadata") or {})
        built.matrix = unit(embed(built.texts)) if built.texts else built.matrix
        return built

    def __len__(self) -> int:
        return len(self.texts)

    def _column(self, name: str) -> list[Any]:
        if name not in self.columns:
            self.columns[name] = [meta.get(name, _MISSING) for meta in self.metadata]
        return self.columns[name]

    def allowed(self, filters: dict[str, Any] | None) -> np.ndarray:
        keep = np.ones(len(self), dtype=bool)
        for name, wanted in (filters or {}).items():
            options = wanted if isinstance(wanted, list) else [wanted]
            column = self._column(name)
            keep &= np.fromiter(
                (v is not _MISSING and v in options for v in column), dtype=bool, count=len(self)
            )
        return keep

    def ranked(self, query: str, filters: dict[str, Any] | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows passing the filters, best first (ties by row), and their scores."""
        if len(self) == 0:
            return np.zeros(0, dtype=int), np.zeros(0)
        scores = self.matrix @ unit(embed([query])[0])
        rows = np.flatnonzero(self.allowed(filters))
        order = np.lexsort((rows, -scores[rows]))
        return rows[order], scores[rows][order]

    def hit(self, row: int, score: float) -> dict[str, Any]:
        return {
            "doc_id": self.doc_ids[row],
            "chunk_id": self.chunk_ids[row],
            "text": self.texts[row],
            "score": score,
            "metadata": self.metadata[row],
        }
