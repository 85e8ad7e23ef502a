"""Indexes on disk: indexes/<name>.npz holds the vectors, indexes/<name>.json the rest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

FOLDER = Path("indexes")


def _stem(name: str) -> Path:
    return FOLDER / hashlib.sha1(name.encode()).hexdigest()[:16]


def save(name: str, vectors: np.ndarray, records: list[dict[str, Any]]) -> None:
    FOLDER.mkdir(exist_ok=True)
    np.savez_compressed(_stem(name).with_suffix(".npz"), vectors=vectors.astype(np.float32))
    _stem(name).with_suffix(".json").write_text(json.dumps(records), encoding="utf-8")


def load(name: str) -> tuple[np.ndarray, list[dict[str, Any]]]:
    stem = _stem(name)
    if not stem.with_suffix(".json").exists():
        raise KeyError(f"no index named {name!r}")
    with np.load(stem.with_suffix(".npz")) as data:
        vectors = data["vectors"].astype(np.float64)
    return vectors, json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
