"""Probe tests: record what the candidate's ``probe()`` and ``after()`` saw, as facts.

They pass whatever the candidate returns; the red-team suite reads the ``probe.*`` and
``after.*`` facts from the recruiter's report. ``after`` runs in a fresh candidate process,
after the probe's test ended and every candidate process was killed.
"""

# grader-canary: 7f7ec8c7-8605-47ab-901c-e19574f5384c

import json

import pytest
from grader_harness import CandidateError, functions, record_fact

pytestmark = pytest.mark.category("probe")


def _record(prefix: str, name: str) -> None:
    try:
        with functions("solution") as solution:
            seen = solution.call(name)
    except CandidateError as exc:
        seen = {"error": str(exc)[:200]}
    items = seen.items() if isinstance(seen, dict) else [("value", seen)]
    for key, value in items:
        record_fact(f"{prefix}.{key}", json.dumps(value)[:480])


def test_probe_records_what_candidate_code_sees() -> None:
    _record("probe", "probe")


def test_after_records_what_is_left_of_the_probe() -> None:
    _record("after", "after")
