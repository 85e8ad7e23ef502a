"""Class G: faults a candidate could trigger to avoid being scored (issue 10), graded for real.

Each one used to end a run ``not_gradable`` (or crash ``grader grade``), on every regrade:
an infrastructure verdict a candidate could choose. Now each is the candidate's, graded.
"""

from __future__ import annotations

import pytest

from grader.models import Outcome, TestStatus
from tests.redteam.conftest import Grader
from tests.redteam.support import message, status

pytestmark = pytest.mark.docker


def test_files_that_break_the_hosts_parsers_are_findings_and_the_run_is_graded(
    grade_repo: Grader,
) -> None:
    """G2: ``"-" * 10000 + "1"`` (MemoryError in ``ast.parse``) and a ``pyproject.toml``
    nested 20,000 arrays deep (RecursionError in ``tomllib``)."""
    report = grade_repo("G2")
    assert report.outcome is Outcome.GRADED, report.reason
    assert status(report, "add") is TestStatus.PASSED
    bomb = [f for f in report.findings if f.path == "bomb.py"]
    assert [f.rule for f in bomb] == ["syntax-error"]
    assert "could not be parsed" in bomb[0].message
    (declared,) = report.dependencies
    assert (declared.requirement, declared.status) == ("pyproject.toml", "refused")
    assert "RecursionError" in declared.detail


def test_candidate_text_that_inflates_the_results_is_cut_and_the_run_graded(
    grade_repo: Grader,
) -> None:
    """G3: emoji take 12 bytes each in the judge's ASCII-escaped JSON. An exception message
    of 5,000 of them, and 3,000 probe facts of 40 each (1.6 MB of results), used to exceed
    the 1 MiB results cap: ``not_gradable`` on every regrade."""
    report = grade_repo("G3")
    assert report.outcome is Outcome.GRADED, report.reason
    assert status(report, "add") is TestStatus.FAILED
    assert status(report, "double") is TestStatus.PASSED
    assert "\U0001f600" * 100 in message(report, "add")
    kept = [key for key in report.facts if key.startswith("probe.")]
    assert 100 < len(kept) < 3000
