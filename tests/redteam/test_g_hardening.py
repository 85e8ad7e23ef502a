"""Class G: faults a candidate could trigger to avoid being scored (issue 10), graded for real.

Each one used to end a run ``not_gradable`` (or crash ``grader grade``), on every regrade:
an infrastructure verdict a candidate could choose. Now each is the candidate's, graded.
"""

from __future__ import annotations

import pytest

from grader.challenge import Challenge
from grader.gitserve import GitServer
from grader.models import Outcome, TestStatus
from grader.pipeline import GradeRequest, grade
from grader.sandbox.uids import CANDIDATE_UID_BASE, CANDIDATE_UID_SPAN, leased_uid
from grader.settings import Settings
from tests.redteam.conftest import Grader, Ledger
from tests.redteam.support import message, seen, status

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
    assert 100 < len(seen(report)) < 3000  # the first facts kept, the rest left out


def test_a_candidate_uid_held_by_a_live_run_is_never_handed_to_another(
    server: GitServer, settings: Settings, challenge: Challenge, ledger: Ledger
) -> None:
    """G8: uids came from a hash of the run id (4,000 of them, inside systemd's dynamic-user
    range), so two live runs could share one and kill or starve each other's processes."""
    run_id = ledger.new_run("G8")
    request = GradeRequest(url=server.url_for("G8"), challenge=challenge, run_id=run_id)
    with leased_uid(run_id) as held:  # another live run holds this run's preferred uid
        report = grade(request, settings)
    assert report.outcome is Outcome.GRADED, report.reason
    probe = seen(report)
    assert probe["uid"] == probe["euid"] != held
    assert CANDIDATE_UID_BASE <= probe["uid"] < CANDIDATE_UID_BASE + CANDIDATE_UID_SPAN
    assert not 61184 <= probe["uid"] <= 65519  # systemd's dynamic users
