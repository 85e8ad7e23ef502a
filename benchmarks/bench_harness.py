"""The judge's fixed cost per hidden test and per helper call, with an empty candidate program.

Run with ``scripts/benchmark --harness`` (or ``python -m benchmarks.bench_harness``). A made-up
challenge whose hidden tests do nothing, or call ``run_cli(["true"])`` / ``read_file`` many
times, is graded through the real pipeline in the real sandbox; the per-test durations the
judge reports (setup, call and teardown, so the workspace reset is included) give the costs.
Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.challenge import load_challenge
from grader.models import GradeReport, Outcome
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.validate.loopback import loopback_grader

TEMPLATE = PROJECT_ROOT / "tests" / "fixtures" / "challenges" / "fixture" / "cli"
TESTS = 10  # tests of each kind
CALLS = 20  # helper calls in one test
SUITE = """
import pytest
from grader_harness import read_file, run_cli

pytestmark = pytest.mark.category("core")

@pytest.mark.parametrize("n", range({tests}))
def test_nothing(n):
    pass

@pytest.mark.parametrize("n", range({tests}))
def test_one_call(n):
    assert run_cli(["true"]).returncode == 0

def test_many_calls():
    for _ in range({calls}):
        run_cli(["true"])

def test_many_reads():
    for _ in range({calls}):
        read_file("main.py")
"""


@dataclass(frozen=True, slots=True)
class HarnessCosts:
    """Seconds per test and per call, from one grading's per-test durations."""

    empty_test: float
    test_with_one_call: float
    cli_call: float
    read_file_call: float
    sandbox_phase: float

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("judge: an empty hidden test (reset between tests)", f"{self.empty_test:.3f}"),
            ("judge: a test making one `run_cli(['true'])`", f"{self.test_with_one_call:.3f}"),
            ("judge: one more `run_cli(['true'])` in a test", f"{self.cli_call:.3f}"),
            ("judge: one `read_file` (a `cat` as the candidate)", f"{self.read_file_call:.3f}"),
        ]


def _challenge(folder: Path) -> Path:
    root = folder / "bench-harness"
    (root / "tests").mkdir(parents=True)
    shutil.copy(TEMPLATE / "challenge.toml", root / "challenge.toml")
    source = SUITE.format(tests=TESTS, calls=CALLS)
    (root / "tests" / "test_bench.py").write_text(source, encoding="utf-8")
    ids = [
        f"test_bench.py::test_{kind}[{n}]" for kind in ("nothing", "one_call") for n in range(TESTS)
    ]
    ids += ["test_bench.py::test_many_calls", "test_bench.py::test_many_reads"]
    (root / "tests" / "manifest.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")
    submission = folder / "empty"
    submission.mkdir()
    (submission / "main.py").write_text("", encoding="utf-8")
    return root


def _costs(report: GradeReport) -> HarnessCosts:
    if report.outcome is not Outcome.GRADED:
        raise SystemExit(f"the benchmark grading was {report.outcome}: {report.reason}")
    by_kind: dict[str, list[float]] = {}
    for test in report.tests:
        kind = test.id.split("::")[-1].split("[")[0]
        by_kind.setdefault(kind, []).append(test.duration)
    one = statistics.mean(by_kind["test_one_call"])
    many = by_kind["test_many_calls"][0]
    reads = by_kind["test_many_reads"][0]
    return HarnessCosts(
        empty_test=statistics.mean(by_kind["test_nothing"]),
        test_with_one_call=one,
        cli_call=(many - one) / (CALLS - 1),
        read_file_call=(reads - one) / (CALLS - 1),
        sandbox_phase=report.timings.get("sandbox", 0.0),
    )


def measure(settings: Settings, runs: int = 2) -> HarnessCosts:
    """Grade the made-up challenge ``runs`` times (the first builds its image); keep the last."""
    with tempfile.TemporaryDirectory(prefix="bench-harness-") as tmp:
        root = _challenge(Path(tmp))
        with loopback_grader(load_challenge(root), settings) as grader:
            reports = [grader(Path(tmp) / "empty") for _ in range(runs)]
    return _costs(reports[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="gradings (the last one counts)")
    args = parser.parse_args()
    costs = measure(get_settings(), args.runs)
    rows = costs.rows()
    width = max(len(name) for name, _ in rows)
    print(f"judge fixed costs, seconds ({TESTS} tests of each kind, {CALLS} calls)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
