"""A vector store: chunk texts, their metadata and a normalised embedding matrix."""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.embedder import embed


def split_words(text: str, size: int, overlap: int) -> list[str]:
    if size <= 0 or overlap < 0 or overlap >= size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    words = text.split()
    step = size - overlap
    pieces = []
    start = 0
    while start < len(words):
        pieces.append(" ".join(words[start : start + size]))
        if start + size >= len(words):
            break
        start += step
    return pieces


def normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class VectorStore:
    def __init__(self) -> None:
        self.ids: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self.meta: list[dict[str, Any]] = []
        self.matrix = np.zeros((0, 512))

    def add(self, documents: list[dict[str, Any]], size: int, overlap: int) -> int:
        if len({d["id"] for d in documents}) != len(documents):
            raise ValueError("document ids must be unique")
        for doc in documents:
            for i, piece in enumerate(split_words(doc["text"], size, overlap)):
                self.ids.append((doc["id"], f"{doc['id']}#{i}"))
                self.texts.append(piece)
                self.meta.append(doc.get("metadata") or {})
        self.matrix = normalise(embed(self.texts))
        return len(self.texts)

    def allowed(self, filters: dict[str, Any] | None) -> np.ndarray:
        keep = np.ones(len(self.texts), dtype=bool)
        for field, value in (filters or {}).items():
            options = value if isinstance(value, list) else [value]
            keep &= np.array([field in m and m[field] in options for m in self.meta], dtype=bool)
        return keep

    def query(self, text: str, k: int, filters: dict[str, Any] | None) -> list[dict[str, Any]]:
        if k < 1:
            raise ValueError("k must be positive")
        q = normalise(embed([text]))[0]
        scores = self.matrix @ q
        rows = np.flatnonzero(self.allowed(filters))
        order = rows[np.argsort(-scores[rows], kind="stable")][:k]
        return [
            {
                "doc_id": self.ids[r][0],
                "chunk_id": self.ids[r][1],
                "text": self.texts[r],
                "score": float(scores[r]),
                "metadata": self.meta[r],
            }
            for r in order
        ]
