"""The judge run end to end on the host: judge.py, the plugin and the helpers, as root.

Candidate code really runs as another uid here (``harness_support.CANDIDATE_UID``); the
fork bomb is contained by RLIMIT_NPROC alone. The OOM kill needs the container's memory
limit and is left to the Docker integration tests (its code path is covered by a SIGKILL).
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.collect.schema import parse_stream
from tests.conftest import need
from tests.unit.harness_support import (
    FIXTURES,
    HARNESS,
    JudgeRun,
    candidate_processes,
    manifest,
    run_fixture,
    run_judge,
    sandbox_base,
)

DEBIAN_PYTHON = "/usr/bin/python3"


@pytest.fixture(autouse=True)
def _as_root() -> None:
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")


@pytest.fixture
def base() -> Iterator[Path]:
    with sandbox_base() as folder:
        yield folder


def _debian_pytest() -> bool:
    if not Path(DEBIAN_PYTHON).exists():
        return False
    probe = subprocess.run(
        [DEBIAN_PYTHON, "-I", "-c", "import pytest"], capture_output=True, check=False
    )
    return probe.returncode == 0


@pytest.fixture(params=["venv", "debian"])
def judge_python(request: pytest.FixtureRequest) -> str:
    """The host's pytest, and Debian's pytest 7.2 (what the runner image ships)."""
    if request.param == "debian" and not _debian_pytest():
        need("Debian python3-pytest", f"{DEBIAN_PYTHON} cannot import pytest (apt-get install it)")
    return DEBIAN_PYTHON if request.param == "debian" else sys.executable


@pytest.mark.parametrize("challenge", ["functions", "cli", "service"])
def test_good_submission_passes_every_hidden_test(
    base: Path, challenge: str, judge_python: str
) -> None:
    root = FIXTURES / challenge
    run = run_judge(base, root / "tests", root / "submissions" / "good", python=judge_python)
    assert set(run.statuses.values()) == {"passed"}, run.log
    assert run.collected == manifest(root / "tests")
    assert run.of("finished") == [{"event": "finished", "exitstatus": 0}]
    assert run.exit_code == 0


def test_looping_function_times_out_while_the_other_tests_pass(base: Path) -> None:
    run = run_fixture(base, "functions", "loop")
    statuses = run.statuses
    assert statuses.pop("test_slugify_joins_lowercase_words") == "timeout"
    assert set(statuses.values()) == {"passed"}
    assert "did not finish within 2 s" in run.messages["test_slugify_joins_lowercase_words"]
    assert candidate_processes() == []


def test_wrong_answers_fail_with_the_assertion_message(base: Path) -> None:
    run = run_fixture(base, "functions", "wrong")
    assert run.statuses["test_add_returns_the_sum"] == "failed"
    assert run.messages["test_add_returns_the_sum"].startswith("assert -1 == 5")
    assert run.statuses["test_stats_takes_keyword_arguments"] == "passed"


def test_int_that_equals_everything_fails_because_values_cross_as_json(base: Path) -> None:
    run = run_fixture(base, "functions", "alwaysequal")
    assert run.statuses["test_add_returns_the_sum"] == "failed"
    assert run.messages["test_add_returns_the_sum"].startswith("assert 0 == 5")


def test_candidate_cannot_read_the_hidden_tests(base: Path) -> None:
    run = run_fixture(base, "functions", "peek")
    assert run.statuses["test_hidden_tests_are_out_of_the_candidates_reach"] == "passed"
    assert run.statuses["test_add_returns_the_sum"] == "failed"  # its cheat found nothing


def test_fork_bomb_hits_the_process_limit_and_later_tests_are_unaffected(base: Path) -> None:
    run = run_fixture(base, "functions", "forkbomb")
    statuses = run.statuses
    assert statuses.pop("test_slugify_joins_lowercase_words") == "resource_limit"
    assert set(statuses.values()) == {"passed"}
    assert candidate_processes() == []


def test_cli_failures_are_reported_with_what_the_candidate_did(base: Path) -> None:
    run = run_fixture(base, "cli", "bad")
    assert set(run.statuses.values()) == {"failed"}
    assert "Hi Ada" in run.messages["test_greets_by_name"]
    assert "history.txt" in run.messages["test_keeps_a_history_in_the_working_folder"]


def test_service_that_crashes_on_start_fails_with_its_stderr(base: Path) -> None:
    run = run_fixture(base, "service", "bad")
    assert set(run.statuses.values()) == {"failed"}
    assert "KeyError: 'PORTT'" in run.messages["test_health_answers_ok"]


PLUGIN_SUITE = """
import time

import pytest
from grader_harness import record_fact, run_cli


@pytest.fixture
def broken_setup():
    raise RuntimeError("fixture broke")


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown broke")


@pytest.mark.category("core")
def test_passes():
    record_fact("entry_point", "main.py")


def test_has_no_category():
    pass


@pytest.mark.category("core")
def test_setup_error(broken_setup):
    pass


@pytest.mark.category("core")
def test_teardown_error(broken_teardown):
    pass


@pytest.mark.category("core")
def test_skipped():
    pytest.skip("not today")


@pytest.mark.category("core")
def test_plain_exception():
    raise KeyError("nope")


@pytest.mark.category("core")
def test_runs_past_the_backstop():
    time.sleep(30)


@pytest.mark.category("core")
def test_candidate_killed_by_sigkill():
    run_cli(["sh", "-c", "kill -9 $$"])


@pytest.mark.category("core")
def test_cli_fork_bomb():
    run_cli(["python3", "-c", "import os\\nwhile True: os.fork()"])


@pytest.mark.category("core")
def test_after_the_fork_bomb():
    assert run_cli(["sh", "-c", "echo a | cat | cat"]).stdout == "a\\n"
"""


def _suite(folder: Path, source: str) -> tuple[Path, Path]:
    tests, submission = folder / "tests", folder / "submission"
    tests.mkdir()
    submission.mkdir()
    (tests / "test_suite.py").write_text(source, encoding="utf-8")
    return tests, submission


@pytest.fixture(scope="module")
def plugin_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JudgeRun, bytes]]:
    """One judge run of PLUGIN_SUITE, shared: its parsed events and its raw stream."""
    if os.geteuid() != 0:
        need("root", "the judge switches candidate code to another uid")
    tests, submission = _suite(tmp_path_factory.mktemp("plugin"), PLUGIN_SUITE)
    with sandbox_base() as folder:
        limits = {"GRADER_TEST_SECONDS": "1", "GRADER_MEMORY_MB": "256"}
        run = run_judge(folder, tests, submission, env=limits)
        yield run, (folder / "judge" / "out" / "results.jsonl").read_bytes()


def test_plugin_maps_each_outcome_to_its_status(plugin_run: tuple[JudgeRun, bytes]) -> None:
    run, _raw = plugin_run
    assert run.statuses == {
        "test_passes": "passed",
        "test_has_no_category": "passed",
        "test_setup_error": "error",
        "test_teardown_error": "error",
        "test_skipped": "skipped",
        "test_plain_exception": "failed",
        "test_runs_past_the_backstop": "timeout",
        "test_candidate_killed_by_sigkill": "resource_limit",
        "test_cli_fork_bomb": "resource_limit",
        "test_after_the_fork_bomb": "passed",
    }


def test_plugin_messages_are_short_and_free_of_tracebacks(
    plugin_run: tuple[JudgeRun, bytes],
) -> None:
    messages = plugin_run[0].messages
    assert messages["test_setup_error"] == "RuntimeError: fixture broke"
    assert messages["test_teardown_error"] == "RuntimeError: teardown broke"
    assert messages["test_skipped"] == "not today"
    assert messages["test_plain_exception"] == "KeyError: 'nope'"
    assert "judge's limit of 2 s" in messages["test_runs_past_the_backstop"]
    assert (
        "out-of-memory killer (memory limit 256 MB)" in messages["test_candidate_killed_by_sigkill"]
    )
    assert not any("Traceback" in text for text in messages.values())


def test_stream_holds_categories_facts_and_the_exit_status(
    plugin_run: tuple[JudgeRun, bytes],
) -> None:
    run, _raw = plugin_run
    categories = {t["id"]: t["category"] for t in run.of("collected")[0]["tests"]}
    assert categories["test_suite.py::test_has_no_category"] == ""
    assert categories["test_suite.py::test_passes"] == "core"
    assert run.of("fact") == [{"event": "fact", "key": "entry_point", "value": "main.py"}]
    assert run.events[-2] == {"event": "finished", "exitstatus": 1}
    assert run.events[-1]["event"] == "own_tests"  # the candidate's own, after the finish
    assert run.exit_code == 1
    assert all(isinstance(e["duration"], float) for e in run.of("test"))
    spent = {e["id"].split("::")[-1]: e["candidate_seconds"] for e in run.of("test")}
    assert spent["test_passes"] == 0.0  # no candidate process: the reset is the judge's
    assert spent["test_after_the_fork_bomb"] > 0
    assert all(e["candidate_seconds"] <= e["duration"] + 0.01 for e in run.of("test"))


def _wheel(folder: Path, name: str, module_source: str) -> Path:
    """A minimal pure-Python wheel holding one module."""
    dist = f"{name}-1.0.dist-info"
    files = {
        f"{name}.py": module_source,
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    files[f"{dist}/RECORD"] = "\n".join([*record, f"{dist}/RECORD,,"]) + "\n"
    wheel = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


WHEEL_SUITE = """
import pytest
from grader_harness import functions, run_cli

pytestmark = pytest.mark.category("deps")


def test_cli_imports_the_dependency():
    result = run_cli(["python3", "-c", "import greeting_dep; print(greeting_dep.WORDS)"])
    assert result.stdout.strip() == "hello from a wheel"


def test_functions_import_the_dependency():
    with functions("uses_dep") as solution:
        assert solution.call("words") == "hello from a wheel"
"""


def test_wheels_are_installed_into_deps_before_any_test(base: Path, tmp_path: Path) -> None:
    tests, submission = _suite(tmp_path, WHEEL_SUITE)
    (submission / "uses_dep.py").write_text(
        "import greeting_dep\n\n\ndef words():\n    return greeting_dep.WORDS\n", encoding="utf-8"
    )
    wheel = _wheel(tmp_path, "greeting_dep", "WORDS = 'hello from a wheel'\n")
    run = run_judge(base, tests, submission, wheels=(wheel,))
    assert set(run.statuses.values()) == {"passed"}, run.log
    assert run.of("prepare") == []


def test_broken_wheel_is_reported_and_the_tests_still_run(base: Path, tmp_path: Path) -> None:
    tests, submission = _suite(tmp_path, WHEEL_SUITE)
    broken = tmp_path / "broken-1.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip file")
    run = run_judge(base, tests, submission, wheels=(broken,))
    (prepare,) = run.of("prepare")
    assert prepare["ok"] is False
    assert "pip install failed" in prepare["message"]
    assert set(run.statuses.values()) == {"failed"}


def test_harness_package_imports_nothing_from_grader() -> None:
    for source in HARNESS.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "from grader" not in text.replace("from grader_harness", ""), source.name
        assert "import grader\n" not in text, source.name


def test_stream_passes_the_hosts_schema(plugin_run: tuple[JudgeRun, bytes]) -> None:
    run, raw = plugin_run
    stream = parse_stream(raw, killed=False)
    assert stream.finished is not None and stream.finished.exitstatus == run.exit_code
    assert len(stream.results) == len(run.collected) == 10
    assert stream.facts == {"entry_point": "main.py"}


def test_prepare_event_passes_the_hosts_schema(base: Path, tmp_path: Path) -> None:
    tests, submission = _suite(tmp_path, WHEEL_SUITE)
    broken = tmp_path / "broken-1.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip file")
    run_judge(base, tests, submission, wheels=(broken,))
    raw = (base / "judge" / "out" / "results.jsonl").read_bytes()
    assert parse_stream(raw, killed=False).dependency_install.startswith("failed: pip")


def test_the_must_fail_canary_fails_echoes_the_nonce_and_leaves_the_manifest_alone(
    base: Path,
) -> None:
    root = FIXTURES / "functions"
    nonce = "f00d" * 8
    run = run_judge(
        base, root / "tests", root / "submissions" / "good", env={"GRADER_RUN_NONCE": nonce}
    )
    assert run.of("canary") == [{"event": "canary", "status": "failed", "nonce": nonce}]
    assert run.collected == manifest(root / "tests")  # the canary is not a hidden test
    assert all("canary" not in event["id"] for event in run.of("test"))
    # Its expected failure does not make the judge's exit status say a hidden test failed.
    assert run.of("finished") == [{"event": "finished", "exitstatus": 0}]
    assert run.exit_code == 0
    assert nonce not in run.log
