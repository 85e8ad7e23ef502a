"""Turn the judge's raw results into ``Collected``, checked against the challenge."""

from __future__ import annotations

import logging
from collections import Counter

from grader.challenge import Challenge
from grader.collect.integrity import judge_checks
from grader.collect.schema import (
    JUDGE_HINT,
    CollectedEvent,
    OwnTestsEvent,
    Stream,
    TestEvent,
    parse_stream,
)
from grader.errors import JudgeError
from grader.models import Collected, OwnTests, SandboxRun, TestResult, TestStatus
from grader.text import clean_text

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
NOT_RUN_WALL_CLOCK = "not run: the whole run hit the wall-clock limit"
NOT_RUN_MEMORY = "not run: the whole run was stopped by the memory limit"
PYTEST_OK_EXIT = (0, 1)  # all passed / some failed; anything else is the judge's own trouble


def collect(run: SandboxRun, challenge: Challenge, *, nonce: str | None = None) -> Collected:
    """Parse and check the judge's results for ``run``; every result is one of the manifest's tests.

    Raises :class:`~grader.errors.JudgeError` when the results are missing, oversized,
    malformed or disagree with the challenge (manifest, categories): none of that is the
    candidate's doing. Tampering evidence (a skipped hidden test, and with ``nonce`` the run
    this nonce was given to: a wrong nonce, a passing or missing canary) becomes ``problems``.
    """
    killed = run.timed_out or run.oom_killed
    expected = challenge.manifest()
    try:
        stream = parse_stream(run.results_json, killed=killed)
        _check_manifest(stream.collected, expected)
        _check_categories(stream.collected, {c.name for c in challenge.spec.categories})
        _check_finished(stream, run, killed=killed)
    except JudgeError:
        # The judge's own output says why (a broken hidden test, a refused input). It is for
        # operators only: it may quote hidden tests, so it goes to the log, never a report.
        if run.log_tail:
            logger.warning("the judge's log (tail) for image %s:\n%s", run.image, run.log_tail)
        raise
    tests = tuple(
        _result(t.id, t.category, stream.results.get(t.id), run) for t in stream.collected.tests
    )
    problems, checks = judge_checks(tests, stream.canary, nonce=nonce, killed=killed)
    logger.debug("collected %s results, %s problems", len(tests), len(problems))
    return Collected(
        tests=tests,
        expected=expected,
        problems=problems,
        checks=checks,
        recorded=stream.facts,
        dependency_install=stream.dependency_install,
        own_tests=_own_tests(stream.own_tests),
        candidate_seconds=round(sum(e.candidate_seconds for e in stream.results.values()), 3),
    )


def _own_tests(event: OwnTestsEvent | None) -> OwnTests | None:
    """The candidate's own tests as the report shows them (their note is candidate-free)."""
    if event is None:
        return None
    counts = (event.collected, event.passed, event.failed, event.errors)
    return OwnTests(*counts, coverage=event.coverage, note=clean_text(event.note, 300))


def _check_manifest(collected: CollectedEvent, expected: tuple[str, ...]) -> None:
    ids = [t.id for t in collected.tests]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise JudgeError(
            f"hidden suite collected {_few(duplicates)} more than once", hint=JUDGE_HINT
        )
    missing = sorted(set(expected) - set(ids))
    extra = sorted(set(ids) - set(expected))
    if missing or extra:
        details = "; ".join(
            part
            for part in (
                f"missing {_few(missing)}" if missing else "",
                f"not in the manifest {_few(extra)}" if extra else "",
            )
            if part
        )
        raise JudgeError(
            f"hidden suite collected {len(ids)} tests but the manifest lists "
            f"{len(expected)} ({details})",
            hint="the challenge's tests/manifest.txt and its image disagree: rebuild the image "
            "or rewrite the manifest with `grader challenges manifest`",
        )


def _check_categories(collected: CollectedEvent, declared: set[str]) -> None:
    for test in collected.tests:
        if not test.category:
            raise JudgeError(
                f"hidden test {test.id} has no category",
                hint='mark it with @pytest.mark.category("name") (or a module pytestmark)',
            )
        if test.category not in declared:
            raise JudgeError(
                f"hidden test {test.id} has category {clean_text(test.category, 100)!r}, "
                f"which challenge.toml does not declare (declared: {', '.join(sorted(declared))})",
                hint="declare the category in challenge.toml or fix the test's "
                "@pytest.mark.category",
            )


def _check_finished(stream: Stream, run: SandboxRun, *, killed: bool) -> None:
    finished = stream.finished
    if finished is None and not killed:
        unreported = len(stream.collected.tests) - len(stream.results)
        raise JudgeError(
            f"the judge exited (exit code {run.exit_code}) without finishing: "
            f"{unreported} collected tests have no result",
            hint=JUDGE_HINT,
        )
    if finished is not None and finished.exitstatus not in PYTEST_OK_EXIT:
        raise JudgeError(
            f"the judge's pytest ended with exit status {finished.exitstatus}", hint=JUDGE_HINT
        )
    expected = {t.id for t in stream.collected.tests}
    strangers = sorted(set(stream.results) - expected)
    if strangers:
        raise JudgeError(
            f"the judge reported results for tests it never collected: {_few(strangers)}",
            hint=JUDGE_HINT,
        )
    if finished is not None and len(stream.results) < len(expected):
        missing = sorted(expected - set(stream.results))
        raise JudgeError(f"the judge finished without results for {_few(missing)}", hint=JUDGE_HINT)


def _result(test_id: str, category: str, event: TestEvent | None, run: SandboxRun) -> TestResult:
    if event is not None:
        return TestResult(
            id=test_id,
            status=event.status,
            category=category,
            duration=event.duration,
            message=clean_text(event.message, MESSAGE_LIMIT),
        )
    # Only reachable when the container was killed from outside (see _check_finished).
    if run.timed_out:
        return TestResult(test_id, TestStatus.TIMEOUT, category, message=NOT_RUN_WALL_CLOCK)
    return TestResult(test_id, TestStatus.RESOURCE_LIMIT, category, message=NOT_RUN_MEMORY)


def _few(items: list[str], shown: int = 5) -> str:
    """``a, b, c`` or ``a, b, c and 4 more``, each ID cleaned for display."""
    head = ", ".join(clean_text(i, 200) for i in items[:shown])
    rest = len(items) - shown
    return f"{head} and {rest} more" if rest > 0 else head
