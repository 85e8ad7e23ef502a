"""Time N gradings per phase, against bare pytest on the host and the naive docker script.

Run with ``scripts/benchmark [-n N] [--challenge ID] [--sample NAME]``. Prints a table and
writes docs/benchmarks.md. Beside the phases it grades a fork-bomb variant of the sample (a
task-tracker CLI) against the honest one, and measures the judge's fixed cost per test and
per helper call with an empty candidate program (:mod:`benchmarks.bench_harness`) against the
hidden suite's time in tests, and that time against the time candidate processes ran (the
rest is the harness's overhead). Last, it runs the queue benchmark (:mod:`benchmarks.bench_queue`,
``--queue-n 0`` skips it) and prints issue 13's goals side by side: each ratio, its bound, and
whether it holds. Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import bench_harness, bench_queue
from grader.analyse import code_stats_of
from grader.analyse.lint import lint
from grader.analyse.similarity import fingerprints
from grader.challenge import Challenge, find_challenge, load_challenge
from grader.gitserve import GitServer, make_bare_repo
from grader.harness import HARNESS_PACKAGE
from grader.models import Outcome
from grader.pipeline import GradeRequest, grade, grading_sandbox
from grader.sandbox.docker.images import challenge_tag
from grader.settings import PROJECT_ROOT, Settings, get_settings
from tests.integration.hostile import BOMB, TASK_TRACKER_CLI, variant

ROOT = PROJECT_ROOT
PROFILE = "## Where the time goes"  # docs/benchmarks.md from here on is kept as written
QUEUE_REPEATS = 3  # rounds of the queue rows (scripts/benchmark-queue --repeats)
PHASES = ("fetch", "analyse", "prepare", "sandbox", "collect", "score")


def _stats(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.mean(values):.3f} (min {min(values):.3f}, max {max(values):.3f})"


def _time(func: Callable[[], object], n: int) -> list[float]:
    seconds = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        seconds.append(time.perf_counter() - start)
    return seconds


def bench_grader(
    challenge: Challenge, url: str, settings: Settings, n: int
) -> dict[str, list[float]]:
    """Seconds per phase and in total; also each grading's time in hidden tests (``in_tests``)
    and, of it, with a candidate process alive (``candidate``), as the judge measured them."""
    phases: dict[str, list[float]] = {p: [] for p in (*PHASES, "total", "in_tests", "candidate")}
    sandbox = grading_sandbox(settings)
    try:
        for _ in range(n):
            start = time.perf_counter()
            report = grade(GradeRequest(url=url, challenge=challenge), settings, sandbox=sandbox)
            phases["total"].append(time.perf_counter() - start)
            if report.outcome not in {Outcome.GRADED, Outcome.FLAGGED}:
                sys.exit(f"benchmark run was {report.outcome}: {report.reason}")
            for phase in PHASES:
                phases[phase].append(report.timings.get(phase, 0.0))
            phases["in_tests"].append(sum(t.duration for t in report.tests))
            facts = report.run_facts
            phases["candidate"].append(facts.candidate_seconds if facts else 0.0)
    finally:
        sandbox.close()
    return phases


def bench_bare_pytest(challenge: Challenge, sample: Path, n: int) -> list[float]:
    """The floor: the same judge and hidden tests on the host, no clone, no container."""

    def once() -> None:
        with tempfile.TemporaryDirectory(prefix="bench-bare-") as tmp:
            base = Path(tmp)
            base.chmod(0o755)
            submission, work, out = base / "submission", base / "work", base / "out"
            shutil.copytree(sample, submission)
            work.mkdir(mode=0o1777)
            work.chmod(0o1777)
            out.mkdir()
            env = {
                **os.environ,
                "GRADER_JUDGE_DIR": str(base),
                "GRADER_TESTS_DIR": str(challenge.tests_dir),
                "GRADER_SUBMISSION_DIR": str(submission),
                "GRADER_WORK_DIR": str(work),
                "GRADER_OUT_DIR": str(out),
                "GRADER_DEPS_DIR": str(base / "deps"),
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            }
            judge = HARNESS_PACKAGE / "judge.py"
            subprocess.run(
                [sys.executable, "-B", str(judge)], env=env, capture_output=True, check=False
            )

    return _time(once, n)


def bench_naive(challenge: Challenge, url: str, image: str, n: int) -> list[float]:
    """What a team would script first: git clone, then docker run pytest with bind mounts."""

    def once() -> None:
        with tempfile.TemporaryDirectory(prefix="bench-naive-") as tmp:
            repo = Path(tmp) / "repo"
            subprocess.run(["git", "clone", "-q", url, str(repo)], check=True)
            shutil.rmtree(repo / ".git")
            subprocess.run(
                [
                    "docker", "run", "--rm", "--network", "none",
                    "-v", f"{repo}:/submission:ro",
                    "-v", f"{challenge.tests_dir}:/judge/tests:ro",
                    "-v", f"{HARNESS_PACKAGE.parent}:/judge/harness:ro",
                    "--tmpfs", "/judge/out", "--tmpfs", "/work:mode=1777",
                    image, "python3", "-B", "/judge/harness/grader_harness/judge.py",
                ],
                check=False,
                capture_output=True,
            )  # fmt: skip

    return _time(once, n)


def bench_fork_bomb(
    challenge: Challenge, sample: Path, server: GitServer, settings: Settings
) -> float | None:
    """Seconds to grade ``sample`` with a fork bomb at the start of its CLI (task-tracker)."""
    if not (sample / TASK_TRACKER_CLI).is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="bench-bomb-") as tmp:
        make_bare_repo(variant(sample, Path(tmp) / "bomb", BOMB), server.root, "forkbomb")
    url = server.url_for("forkbomb")
    start = time.perf_counter()
    grade(GradeRequest(url=url, challenge=challenge), settings)
    return time.perf_counter() - start


def measure_memory(challenge: Challenge, url: str, settings: Settings) -> float:
    """Peak Python heap of one grading in this process, in MiB (the worker's own footprint)."""
    tracemalloc.start()
    grade(GradeRequest(url=url, challenge=challenge), settings)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def bench_signals(challenge: Challenge, sample: Path, n: int) -> list[float]:
    """The review's own cost (ruff on a temp copy, type-hint coverage, similarity
    fingerprints), which runs in a thread beside the sandbox; the history's git log is inside
    the fetch phase."""

    def tree(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    files, starter = tree(sample), tree(challenge.root / "starter")

    def once() -> None:
        list(lint(files))
        code_stats_of(files)
        fingerprints(files, [starter])

    return _time(once, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="gradings per variant (default 5)")
    parser.add_argument("--challenge", default="devops/task-tracker")
    parser.add_argument("--sample", default="strong", help="which sample submission to grade")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    parser.add_argument(
        "--queue-n",
        type=int,
        default=20,
        help="submissions per queue row (scripts/benchmark-queue); 0 skips the queue rows",
    )
    args = parser.parse_args()

    base = get_settings()
    challenge = find_challenge(args.challenge, (base.challenges_dir,))
    sample = challenge.root / "samples" / args.sample
    with tempfile.TemporaryDirectory(prefix="bench-git-") as tmp, GitServer(Path(tmp)) as server:
        make_bare_repo(sample, Path(tmp), args.sample)
        url = server.url_for(args.sample)
        settings = base.model_copy(
            update={"repo_allowlist": (*base.repo_allowlist, server.base_url + "/")}
        )
        honest = grade(GradeRequest(url=url, challenge=challenge), settings)  # warm-up too
        grader = bench_grader(challenge, url, settings, args.n)
        bare = bench_bare_pytest(challenge, sample, args.n)
        naive = bench_naive(challenge, url, challenge_tag(challenge, settings), args.n)
        peak = measure_memory(challenge, url, settings)
        bomb = bench_fork_bomb(challenge, sample, server, settings)
        costs = bench_harness.measure(settings)
        signals = bench_signals(challenge, sample, args.n)

    total = statistics.mean(grader["total"])
    rows = [(f"grader: {p}", _stats(grader[p])) for p in (*PHASES, "total")]
    rows += [
        ("bare pytest on the host (floor)", _stats(bare)),
        ("naive clone + docker run", _stats(naive)),
        ("grade() vs naive clone + docker run", f"{total / statistics.mean(naive):.2f} x"),
    ]
    overhead = total - statistics.mean(bare)
    rows.append(("grader overhead over the floor", f"{overhead:.3f}"))
    rows.append(("peak Python heap per grading (MiB)", f"{peak:.1f}"))
    if bomb is not None:
        rows.append(("fork-bomb grading (every command bombs)", f"{bomb:.3f}"))
        rows.append(("fork-bomb grading vs honest", f"{bomb / total:.2f} x"))
    in_tests = statistics.mean(grader["in_tests"])
    rows.append((f"hidden suite: time in {len(honest.tests)} tests", _stats(grader["in_tests"])))
    rows += _candidate_rows(grader["in_tests"], grader["candidate"])
    rows += costs.rows()
    fixed = len(honest.tests) * costs.empty_test
    rows.append(("judge fixed cost per test x tests", f"{fixed:.3f} ({fixed / in_tests:.0%})"))
    rows.append(("review beside the sandbox (ruff, hints, fingerprints)", _stats(signals)))
    width = max(len(name) for name, _ in rows)
    print(f"{args.challenge} / {args.sample}, n={args.n}, seconds (mean, min, max)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    vs_bomb = None if bomb is None else bomb / total
    candidate = statistics.mean(grader["candidate"])
    harness = (in_tests - candidate) / candidate if candidate > 0 else None
    goals = _goals(args.queue_n, total / statistics.mean(naive), vs_bomb, harness)
    table = goal_table(goals)
    print("\n" + "\n".join(table))
    if not args.no_write:
        _write_doc(args, rows, table)


@dataclass(frozen=True, slots=True)
class Goal:
    """One row of issue 13's table: a ratio and its bound (at most, or at least)."""

    measure: str
    ratio: float
    bound: float
    unit: str = "x"  # "x": a ratio; "%": a share
    at_least: bool = False

    def show(self, value: float) -> str:
        return f"{value:.0%}" if self.unit == "%" else f"{value:.2f} x"

    def met(self) -> bool:
        return self.ratio >= self.bound if self.at_least else self.ratio <= self.bound


def _goals(queue_n: int, vs_naive: float, bomb: float | None, harness: float | None) -> list[Goal]:
    goals = [Goal("grade() vs the naive clone + docker run", vs_naive, 1.05)]
    if queue_n:
        goals += queue_goals(queue_n)
    if bomb is not None:
        goals.append(Goal("a fork-bomb grading vs an honest one", bomb, 2.0))
    if harness is not None:
        goals.append(Goal("harness overhead vs candidate time (hidden suite)", harness, 0.25, "%"))
    return goals


def queue_goals(n: int) -> list[Goal]:
    """Throughput behind the queue against grade() in a loop (:mod:`benchmarks.bench_queue`)."""
    challenge = load_challenge(bench_queue.FIXTURE)
    _sequential, one, two, apart = bench_queue.measure(challenge, "good", n, (1, 2), QUEUE_REPEATS)
    return [
        Goal(
            f"queue, 1 worker, vs sequential grade() ({n} x fixture, median of {QUEUE_REPEATS})",
            one.vs_sequential,
            0.97,
            at_least=True,
        ),
        Goal(
            f"queue, 2 gradings at once, vs sequential ({os.cpu_count()} cores; 2 grade() "
            f"processes with no queue: {apart.vs_sequential:.2f} x)",
            two.vs_sequential,
            1.7,
            at_least=True,
        ),
    ]


def goal_table(goals: list[Goal]) -> list[str]:
    lines = ["| measure | now | goal | met |", "| --- | --- | --- | --- |"]
    for goal in goals:
        bound = f"{'>=' if goal.at_least else '<='} {goal.show(goal.bound)}"
        met = "yes" if goal.met() else "NO"
        lines.append(f"| {goal.measure} | {goal.show(goal.ratio)} | {bound} | {met} |")
    return lines


def _candidate_rows(in_tests: list[float], candidate: list[float]) -> list[tuple[str, str]]:
    """Time in candidate processes (judge-measured) and the harness's share beside it: the
    rest of the time in tests, over the candidate's time (means over the gradings)."""
    rows = [("hidden suite: time in candidate processes", _stats(candidate))]
    spent = statistics.mean(candidate)
    if spent > 0:
        overhead = (statistics.mean(in_tests) - spent) / spent
        rows.append(("harness overhead vs candidate time (goal <= 25 %)", f"{overhead:.0%}"))
    return rows


def _write_doc(args: argparse.Namespace, rows: list[tuple[str, str]], goals: list[str]) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `scripts/benchmark`; rerun it to refresh. Seconds: mean (min, max).",
        "",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        f"- what: `{args.challenge}` sample `{args.sample}`, "
        f"{args.n} gradings per variant after one warm-up",
        "- bare pytest: the same judge and hidden tests on the host, no clone, no container",
        "- naive: `git clone`, then `docker run --network none -v ...` the same judge",
        "",
        "Issue 13's goals, measured side by side in this run:",
        "",
        *goals,
        "",
        "| measure | seconds |",
        "| --- | --- |",
        *[f"| {name} | {value} |" for name, value in rows],
        "",
    ]
    doc = ROOT / "docs" / "benchmarks.md"
    kept = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    profile = kept[kept.index(PROFILE) :] if PROFILE in kept else ""  # written by hand
    doc.write_text("\n".join(lines) + ("\n" + profile if profile else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
