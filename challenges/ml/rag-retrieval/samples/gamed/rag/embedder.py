"""The provided embedder: a deterministic hashed bag of words. Do not change this file.

``embed(texts)`` turns each text into a vector of ``DIM`` numbers: every lower-cased word
(a run of letters and digits) adds +1 or -1 to one position chosen by a keyed hash. The
vectors are raw counts, not normalised. It runs offline and gives the same numbers on
every machine and in every process (it does not use Python's randomised ``hash``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence

import numpy as np

DIM = 512
SEED = b"rag-retrieval-13"
_WORD = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    """The words of ``text``: lower-cased runs of ASCII letters and digits."""
    return _WORD.findall(text.lower())


@functools.lru_cache(maxsize=1 << 17)
def _slot(word: str) -> tuple[int, float]:
    value = int.from_bytes(
        hashlib.blake2b(word.encode(), digest_size=8, key=SEED).digest(), "little"
    )
    return value % DIM, 1.0 if (value >> 40) & 1 else -1.0


def embed(texts: Sequence[str]) -> np.ndarray:
    """A ``(len(texts), DIM)`` float64 array of hashed word counts, one row per text."""
    rows: list[int] = []
    cols: list[int] = []
    signs: list[float] = []
    for row, text in enumerate(texts):
        for word in tokenize(text):
            col, sign = _slot(word)
            rows.append(row)
            cols.append(col)
            signs.append(sign)
    out = np.zeros((len(texts), DIM), dtype=np.float64)
    np.add.at(out, (np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)), signs)
    return out
