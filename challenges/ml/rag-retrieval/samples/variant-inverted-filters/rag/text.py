"""Chunking."""


def chunk(text: str, size: int, overlap: int) -> list[str]:
    if size < 1 or not 0 <= overlap < size:
        raise ValueError("size must be >= 1 and 0 <= overlap < size")
    words = text.split()
    if not words:
        return []
    step = size - overlap
    last = max(0, -(-(len(words) - size) // step)) if len(words) > size else 0
    return [" ".join(words[i * step : i * step + size]) for i in range(last + 1)]
