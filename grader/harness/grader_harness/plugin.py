"""The judge's pytest plugin: categories, statuses, the results stream, fixtures, a backstop.

Loaded with ``-p grader_harness.plugin``. Every test is reported once, after its teardown:
a ``CandidateTimeout`` / ``CandidateResourceLimit`` in any phase gives ``timeout`` /
``resource_limit``; any other failure is ``failed`` in the call phase and ``error`` in setup or
teardown. A SIGALRM backstop (twice the per-test seconds) stops a test the helpers' own
timeouts did not. The must-fail canary (``canary``) runs last and is reported as a ``canary``
event; its expected failure does not count towards pytest's exit status. Each ``test`` event
carries ``candidate_seconds``: the test's wall time with a candidate process alive (``_proc``).
"""

from __future__ import annotations

import signal
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from . import _config, _proc, _uid, canary, cutshort, results
from .errors import CandidateError, CandidateResourceLimit, CandidateTimeout, CandidateVerdict
from .workspace import current_workspace, reset_workspace, reset_writable

_states: dict[str, dict[str, Any]] = {}
_hidden_failures = 0  # failed reports of hidden tests (the canary's own failure is expected)


def pytest_configure(config: pytest.Config) -> None:
    canary.take_nonce()
    config.addinivalue_line("markers", "category(name): the rubric category of a hidden test")
    results.open_stream(_config.results_file())
    _uid.become_subreaper()
    config.pluginmanager.register(cutshort, "grader-cutshort")


def pytest_unconfigure(config: pytest.Config) -> None:
    results.close_stream()


def category_of(item: pytest.Item) -> str:
    marker = item.get_closest_marker("category")
    if marker is None:
        return ""
    return str(marker.args[0] if marker.args else marker.kwargs.get("name", ""))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    canary.add_canary(session, items)


def pytest_collection_finish(session: pytest.Session) -> None:
    tests = [
        {"id": item.nodeid, "category": category_of(item)}
        for item in session.items
        if not canary.is_canary(item)
    ]
    results.write({"event": "collected", "tests": tests})


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _uid.kill_all()  # nothing of the candidate's outlives the judge
    if exitstatus == pytest.ExitCode.TESTS_FAILED and not _hidden_failures:
        exitstatus = session.exitstatus = pytest.ExitCode.OK  # only the canary failed
    results.write({"event": "finished", "exitstatus": int(exitstatus)})


def _status(exc: BaseException, when: str) -> str:
    if isinstance(exc, CandidateTimeout):
        return "timeout"
    if isinstance(exc, CandidateResourceLimit):
        return "resource_limit"
    return "failed" if when == "call" else "error"


def _message(exc: BaseException) -> str:
    plain = (AssertionError, CandidateError, CandidateVerdict, pytest.fail.Exception)
    if isinstance(exc, (*plain, pytest.skip.Exception)):
        text = str(exc) or ("assertion failed" if isinstance(exc, AssertionError) else "")
    else:
        text = f"{type(exc).__name__}: {exc}"
    return results.shorten(text)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    global _hidden_failures  # noqa: PLW0603 - one judge process, one count
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.failed and not canary.is_canary(item):
        _hidden_failures += 1
    state = _states.setdefault(
        item.nodeid, {"status": "passed", "message": "", "duration": 0.0, "cause": ""}
    )
    state["duration"] += report.duration
    if state["status"] == "passed" and not report.passed:
        exc = call.excinfo.value if call.excinfo is not None else None
        state["cause"] = cutshort.cause_of(exc)
        if report.skipped:
            state["status"] = "skipped"
        elif exc is not None:
            state["status"] = _status(exc, report.when or "call")
        else:
            state["status"] = "failed" if report.when == "call" else "error"
        state["message"] = (
            _message(exc) if exc is not None else results.shorten(report.longreprtext)
        )
    if report.when == "teardown":
        del _states[item.nodeid]
        if canary.is_canary(item):
            results.write({"event": "canary", "status": state["status"], "nonce": canary.nonce()})
            return
        cutshort.observe(state["cause"], state["message"])
        event = {"event": "test", "id": item.nodeid, "status": state["status"]}
        event.update(duration=round(state["duration"], 3), message=state["message"])
        event["candidate_seconds"] = round(_proc.take_candidate_seconds(), 3)
        results.write(event)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    seconds = 2 * _config.test_seconds()
    raise CandidateTimeout(f"the test did not finish within the judge's limit of {seconds:g} s")


@contextmanager
def _backstop() -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 2 * _config.test_seconds())
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    _proc.take_candidate_seconds()  # the time between tests is no test's
    with _backstop():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    with _backstop():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    with _backstop():
        yield
        if _proc.sessions_active():  # a module's app may still run: its state is its own
            reset_workspace()
        else:
            reset_workspace(remove=False)  # reset_writable deletes it with everything else
            _uid.kill_all()
            reset_writable()


@pytest.fixture(scope="session")
def submission() -> Path:
    """The submission as delivered (read-only, owned by root)."""
    return _config.submission_dir()


@pytest.fixture
def workspace() -> Path:
    """This test's candidate-owned copy of the submission: the helpers' default ``cwd``."""
    return current_workspace()
