"""Split text into overlapping windows of words."""

from __future__ import annotations


def chunk_words(text: str, size: int, overlap: int) -> list[str]:
    """Windows of ``size`` words, each starting ``size - overlap`` words after the last.

    The last window is the first one that reaches the end of the text, so no window is
    ever contained in the one before it.
    """
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    if not 0 <= overlap < size:
        raise ValueError(f"overlap must be between 0 and size - 1, got {overlap}")
    words = text.split()
    step = size - overlap
    chunks = []
    for start in range(0, len(words), step):
        chunks.append(" ".join(words[start : start + size]))
        if start + size >= len(words):
            break
    return chunks
