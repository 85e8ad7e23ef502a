"""Judge-side fixtures of the RAG retrieval suite: a client for the candidate's ``rag.api``.

Candidate code runs only in the ``functions`` process; values cross as JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from grader_harness import FunctionsClient, functions

MODULE = "rag.api"


@pytest.fixture
def rag() -> Iterator[FunctionsClient]:
    """A fresh candidate process for this test (module state starts empty)."""
    with functions(MODULE) as client:
        yield client


@pytest.fixture(scope="module")
def shared_rag(submission: Path) -> Iterator[FunctionsClient]:
    """One candidate process for a whole module (the large indexes are built once).

    It runs in the read-only submission folder, so no per-test workspace clean-up stops it.
    """
    with functions(MODULE, cwd=submission, timeout=120) as client:
        yield client
