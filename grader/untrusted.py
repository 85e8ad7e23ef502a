"""Parse candidate files with the standard library's recursive parsers, the garbage collector held.

``tomllib`` recurses in Python and ``json`` counts its C recursion against the same limit, so a
file nested thousands of levels deep ends in ``RecursionError``, which the callers catch. But
a garbage collection can start at any allocation: a finalizer it runs at the limit (a
temporary folder's cleanup, a socket's close) fails with its own ``RecursionError``, and that
cleanup is lost. Holding the collector for the parse keeps candidate input from breaking code
that is not theirs; collection resumes right after.
"""

from __future__ import annotations

import gc
import json
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def _collector_held() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``; raises ``TOMLDecodeError``, ``RecursionError`` or ``MemoryError``."""
    with _collector_held():
        return tomllib.loads(text)


def load_json(text: str) -> Any:
    """``json.loads``; raises ``JSONDecodeError``, ``RecursionError`` or ``MemoryError``."""
    with _collector_held():
        return json.loads(text)
