"""Judge-side fixtures of the RAG retrieval suite: a client for the candidate's ``rag.api``.

Candidate code runs only in the ``functions`` process; values cross as JSON.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from grader_harness import FunctionsClient, functions
from grader_harness.workspace import new_workspace

MODULE = "rag.api"


@pytest.fixture
def rag() -> Iterator[FunctionsClient]:
    """A fresh candidate process for this test (module state starts empty)."""
    with functions(MODULE) as client:
        yield client


@pytest.fixture(scope="module")
def shared_rag() -> Iterator[FunctionsClient]:
    """One candidate process for a whole module (the large indexes are built once).

    It runs in a writable copy of its own, which lives as long as the process: the harness
    empties the writable folders only once no long-lived candidate process runs.
    """
    with functions(MODULE, cwd=new_workspace(), timeout=120) as client:
        yield client
