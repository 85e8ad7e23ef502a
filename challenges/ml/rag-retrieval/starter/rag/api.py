"""The functions the grader calls. Arguments and results are plain JSON values.

Keep these names and signatures; put the real work in your own modules (chunking, index,
metrics, ...) and keep this file a thin layer over them. See brief.md for the exact rules.
"""

from __future__ import annotations

from typing import Any


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    """Windows of ``size`` words, consecutive windows sharing ``overlap`` words."""
    raise NotImplementedError


def cosine_similarity(a: list[float], b: list[float]) -> float:
    """Cosine similarity of two vectors (0.0 when either is all zeros)."""
    raise NotImplementedError


def build_index(
    name: str, documents: list[dict[str, Any]], size: int = 100, overlap: int = 20
) -> int:
    """Chunk and embed ``documents`` into the index ``name``; return the number of chunks.

    The defaults 100 and 20 are placeholders: choose your own (see "Quality" in the brief).
    """
    raise NotImplementedError


def search(
    name: str, query: str, k: int = 5, filters: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The ``k`` chunks most similar to ``query`` that pass ``filters``, best first."""
    raise NotImplementedError


def recall_at_k(ranked: list[str], relevant: list[str], k: int) -> float:
    """The share of ``relevant`` found in the first ``k`` of ``ranked``."""
    raise NotImplementedError


def mean_reciprocal_rank(rankings: list[list[str]], relevant: list[list[str]]) -> float:
    """The mean over queries of 1 / rank of the first relevant item (0 when none)."""
    raise NotImplementedError


def evaluate(name: str, queries: list[dict[str, Any]], k: int = 5) -> dict[str, float]:
    """Mean recall@k and MRR of the index ``name`` over ``queries`` (document rankings)."""
    raise NotImplementedError
