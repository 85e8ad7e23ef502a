"""Judge-side helpers: call the candidate's functions in their own process.

Hidden tests never import candidate code: ``functions("series")`` imports the candidate's
``series`` module in a process of another user, and every call crosses as JSON.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from grader_harness import FunctionsClient, functions


@pytest.fixture
def series() -> Iterator[FunctionsClient]:
    with functions("series") as client:
        yield client
