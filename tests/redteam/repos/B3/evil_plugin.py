"""B3: a pytest plugin that reports every test as passed (if it were ever auto-loaded)."""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
