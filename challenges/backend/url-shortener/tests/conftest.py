"""Judge-side setup of the URL shortener suite: find how the app starts, and start it.

Each test module gets one running app in a workspace of its own (a fresh copy of the
submission), so a crash costs that module's tests, not the whole run. The way the app was
started, or why it could not be, is recorded as facts for the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from grader_harness import CandidateError, record_fact
from shortener_api import Api, start_app
from startup import Startup, find_startup


@pytest.fixture(scope="session")
def startup(submission: Path) -> Startup | None:
    found = find_startup(submission)
    if found is None:
        record_fact("entry_point", "none found")
    return found


@pytest.fixture(scope="module")
def api(startup: Startup | None) -> Iterator[Api]:
    try:
        with start_app(startup) as base:
            yield Api(base)
    except CandidateError as exc:
        last = str(exc).strip().splitlines()[-1][-300:]  # the error line of a traceback
        record_fact("app_start", f"the app could not be started: {last}")
        raise
