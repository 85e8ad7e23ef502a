"""The candidate's own view of a run, cut down to what the challenge's feedback policy allows.

Every byte a candidate sees can leak the hidden tests (their names, inputs, expected values),
so the view holds only what the policy names, and never timings, limits, findings or facts:

    none        the run's state in neutral words
    summary     plus the score and passed counts, overall and per category (the default)
    test names  plus each hidden test's name with passed / not passed
    messages    plus each hidden test's status in words and its failure message

A flagged run is "under review" for the candidate whatever the policy: the evidence is for
the hiring team. Recruiters always see everything, in the recruiter report.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.models import Feedback, GradeReport, Outcome, TestResult, TestStatus
from grader.text import clean_text

CANDIDATE_MESSAGE_CHARS = 500

_WORDS = {
    TestStatus.PASSED: "passed",
    TestStatus.FAILED: "failed",
    TestStatus.ERROR: "crashed",
    TestStatus.TIMEOUT: "timed out",
    TestStatus.RESOURCE_LIMIT: "hit a resource limit",
    TestStatus.SKIPPED: "not run",
}
_STATES = {
    Outcome.GRADED: "Your submission has been graded.",
    Outcome.FLAGGED: "Your submission is being reviewed by the hiring team.",
    Outcome.NOT_GRADABLE: (
        "Grading could not be completed because of a problem on our side, not yours. "
        "It will be retried; you do not need to do anything."
    ),
    Outcome.REJECTED: "Your submission could not be accepted, so it was not graded.",
}


@dataclass(frozen=True, slots=True)
class CandidateTest:
    name: str
    passed: bool
    status: str = ""  # plain words, "messages" policy only
    message: str = ""  # "messages" policy only


@dataclass(frozen=True, slots=True)
class CandidateCategory:
    name: str
    passed: int
    total: int


@dataclass(frozen=True, slots=True)
class CandidateView:
    title: str
    feedback: Feedback
    state: str
    reason: str = ""  # why a submission was rejected (it is about their repository)
    score: str = ""
    passed: int = 0
    total: int = 0
    categories: tuple[CandidateCategory, ...] = ()
    tests: tuple[CandidateTest, ...] = ()


def candidate_view(report: GradeReport, feedback: Feedback | None = None) -> CandidateView:
    """What the candidate may see of ``report`` under ``feedback`` (default: the run's own)."""
    policy = feedback if feedback is not None else report.feedback
    view = CandidateView(
        title=report.challenge.title or report.challenge.id,
        feedback=policy,
        state=_STATES[report.outcome],
        reason=report.reason if report.outcome is Outcome.REJECTED else "",
    )
    if report.outcome is not Outcome.GRADED or policy is Feedback.NONE:
        return view
    passed = sum(1 for t in report.tests if t.status is TestStatus.PASSED)
    categories = tuple(
        CandidateCategory(c.name, c.passed, c.total) for c in report.categories if c.total
    )
    tests = () if policy is Feedback.SUMMARY else tuple(_test(t, policy) for t in report.tests)
    return CandidateView(
        title=view.title,
        feedback=policy,
        state=view.state,
        score=f"{report.score:.1f}" if report.score is not None else "",
        passed=passed,
        total=len(report.tests),
        categories=categories,
        tests=tests,
    )


def _test(test: TestResult, policy: Feedback) -> CandidateTest:
    passed = test.status is TestStatus.PASSED
    if policy is not Feedback.MESSAGES:
        return CandidateTest(test.id, passed)
    message = clean_text(test.message, CANDIDATE_MESSAGE_CHARS)
    return CandidateTest(test.id, passed, _WORDS[test.status], message)
