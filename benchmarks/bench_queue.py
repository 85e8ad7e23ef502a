"""Throughput and queue latency of grading behind the queue, against the core run sequentially.

Run with ``scripts/benchmark-queue [-n N] [--concurrency 1,2] [--challenge DIR] [--sample S]``.
Starts a real Redis and PostgreSQL (Debian binaries, free ports) and one ``grader worker`` per
round with the given concurrency, submits N copies of a sample, and reports submissions per
minute and the queue latency (submit to claim, and submit to sandbox start). For each
concurrency above 1 it also times grade() in that many separate processes with no queue: the
machine's own ceiling for that row (a CPU-bound grading on shared vCPUs scales below N x).
Figures only.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.synchronize import Barrier
from pathlib import Path

from grader.challenge import Challenge, load_challenge
from grader.gitserve import GitServer, make_bare_repo
from grader.pipeline import GradeRequest, grade, grading_sandbox
from grader.queue import CeleryPublisher, submit
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.store import Store, SubmissionStatus, open_store
from tests.integration.services import PostgresServer, RedisServer

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "challenges" / "fixture" / "functions"
WORKER = [sys.executable, "-c", "from grader.cli import main; main()", "worker"]


@dataclass(frozen=True, slots=True)
class Round:
    label: str
    per_minute: float
    vs_sequential: float  # this row's rate over the sequential rate of the same repeat
    claim_latency: list[float]  # submit -> claim during the burst (includes the backlog)
    start_latency: list[float]  # submit -> sandbox start during the burst
    idle_latency: list[float]  # submit -> claim of a lone submission on an idle worker


def _seconds(a: datetime | None, b: datetime | None) -> float:
    return (b - a).total_seconds() if a and b else float("nan")


def sequential(challenge: Challenge, url: str, commit: str, settings: Settings, n: int) -> Round:
    """The core's own figure: grade() n times in a row in this process, of the pinned commit
    (as a worker grades what intake pinned: no ref is resolved on either side)."""
    sandbox = grading_sandbox(settings)
    try:
        request = GradeRequest(url=url, challenge=challenge, ref=commit)
        grade(request, settings, sandbox=sandbox)  # warm up
        start = time.perf_counter()
        for _ in range(n):
            grade(dataclasses.replace(request, run_id=uuid.uuid4().hex), settings, sandbox=sandbox)
        elapsed = time.perf_counter() - start
    finally:
        sandbox.close()
    return Round("sequential grade()", 60 * n / elapsed, 1.0, [], [], [])


def side_by_side(challenge: Challenge, url: str, commit: str, n: int, processes: int) -> Round:
    """The machine's own ceiling for a queue row: ``processes`` separate processes each run
    grade() in a loop (n in all), started together once each has warmed up. No queue, no
    database: what the cores give gradings that share nothing but the host."""
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Barrier(processes + 1)
    share = n // processes
    loops = [
        spawn.Process(target=_grade_loop, args=(challenge.root, url, commit, share, ready))
        for _ in range(processes)
    ]
    for loop in loops:
        loop.start()
    ready.wait(timeout=300)
    start = time.perf_counter()
    for loop in loops:
        loop.join()
    elapsed = time.perf_counter() - start
    if any(loop.exitcode for loop in loops):
        sys.exit(f"a grade() loop failed: exit codes {[loop.exitcode for loop in loops]}")
    label = f"grade() in {processes} processes, no queue"
    return Round(label, 60 * share * processes / elapsed, 1.0, [], [], [])


def _grade_loop(root: Path, url: str, commit: str, n: int, ready: Barrier) -> None:
    challenge = load_challenge(root)
    settings = get_settings()
    sandbox = grading_sandbox(settings)
    try:
        request = GradeRequest(url=url, challenge=challenge, ref=commit)
        grade(request, settings, sandbox=sandbox)  # warm up, as every other row does
        ready.wait(timeout=300)
        for _ in range(n):
            grade(dataclasses.replace(request, run_id=uuid.uuid4().hex), settings, sandbox=sandbox)
    finally:
        sandbox.close()


@contextmanager
def worker(env: dict[str, str], concurrency: int, log: Path) -> Iterator[None]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*WORKER, f"--concurrency={concurrency}", "--hostname=bench@%h"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        while " ready." not in log.read_text():
            if proc.poll() is not None:
                sys.exit(f"worker exited: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=120)


def queued(
    url: str, commit: str, challenge: Challenge, env: dict[str, str], n: int, concurrency: int
) -> Round:
    """Submit n copies to a worker with the given concurrency; time queued -> last finished."""
    os.environ.update(env)
    get_settings.cache_clear()
    settings = get_settings()
    with (
        worker(env, concurrency, Path(env["GRADER_HOME"]) / f"worker-{concurrency}.log"),
        open_store(settings.effective_database_url) as store,
        CeleryPublisher(settings) as publisher,
    ):

        def one() -> str:  # a full SHA is pinned as is: no ls-remote while the burst runs
            return submit(url, challenge.id, settings, store, publisher, ref=commit).id

        # The warm-up every long-lived worker has had (imports, the sandbox's daemon
        # connection, templates), as the sequential row has had its own: one grading per pool
        # process, at once, so none of them starts the burst cold. Then two lone submissions
        # on the idle worker, for their submit->claim latency.
        _until_done(store, [one() for _ in range(concurrency)])
        idle = [_until_done(store, [one()])[0], _until_done(store, [one()])[0]]
        ids = [one() for _ in range(n)]
        done = _until_done(store, ids)
    first = min(at for s in done if (at := s.phases["queued"]) is not None)
    last = max(at for s in done if (at := s.phases["reported"] or s.phases["finished"]))
    return Round(
        f"queue, {concurrency} at once",
        60 * n / _seconds(first, last),
        1.0,  # set against its repeat's sequential row by _run
        [_seconds(s.phases["queued"], s.phases["claimed"]) for s in done],
        [_seconds(s.phases["queued"], s.phases["started"]) for s in done],
        [_seconds(s.phases["queued"], s.phases["claimed"]) for s in idle],
    )


def _until_done(store: Store, ids: list[str]) -> list[SubmissionStatus]:
    """Wait for every submission, asking about one pending at a time, twice a second: the
    figures come from the phase stamps, and polling harder would take CPU from the worker
    being measured."""
    pending = list(ids)
    while pending:
        if store.status(pending[0]).state == "done":
            pending.pop(0)
        else:
            time.sleep(0.5)
    return [store.status(i) for i in ids]


def _latency(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.3f} (max {max(values):.3f})"


def _print(rounds: list[Round], n: int, sample: str, challenge: Challenge, repeats: int) -> None:
    print(f"\n{n} submissions of {challenge.id}/{sample} per row, medians of {repeats} repeats; ")
    print(f"{os.cpu_count()} CPUs; ", end="")
    print(f"{platform.platform()}; Python {platform.python_version()}\n")
    header = (
        "variant",
        "per minute",
        "vs sequential",
        "burst submit->claim s",
        "burst submit->start s",
        "idle submit->claim s",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rounds:
        cells = (
            r.label,
            f"{r.per_minute:.1f}",
            f"{r.vs_sequential:.2f}x",
            _latency(r.claim_latency),
            _latency(r.start_latency),
            _latency(r.idle_latency),
        )
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="submissions per row (default 20)")
    parser.add_argument("--concurrency", default="1,2", help="worker concurrencies to time")
    parser.add_argument("--challenge", type=Path, default=FIXTURE, help="a challenge folder")
    parser.add_argument("--sample", default="good", help="submission under submissions/")
    parser.add_argument(
        "--repeats", type=int, default=3, help="rounds of every row; medians are printed"
    )
    args = parser.parse_args()
    challenge = load_challenge(args.challenge.resolve())
    concurrencies = tuple(int(c) for c in args.concurrency.split(","))
    rounds = measure(challenge, args.sample, args.n, concurrencies, args.repeats)
    _print(rounds, args.n, args.sample, challenge, args.repeats)


def measure(
    challenge: Challenge, sample: str, n: int, concurrencies: tuple[int, ...], repeats: int = 1
) -> list[Round]:
    """The sequential row, then one queue row per concurrency, ``repeats`` times over (medians);
    the environment is restored."""
    samples = challenge.root / "submissions"
    if not (samples / sample).is_dir():
        samples = challenge.root / "samples"
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        commit = make_bare_repo(samples / sample, Path(tmp), "sample")
        redis, postgres = RedisServer().start(), PostgresServer().start()
        try:
            with GitServer(Path(tmp)) as server:
                return _run(
                    n, concurrencies, repeats, challenge, server, commit, redis, postgres, Path(tmp)
                )
        finally:
            redis.stop()
            postgres.stop()
            os.environ.clear()
            os.environ.update(saved)
            get_settings.cache_clear()


def _run(
    n: int,
    concurrencies: tuple[int, ...],
    repeats: int,
    challenge: Challenge,
    server: GitServer,
    commit: str,
    redis: RedisServer,
    postgres: PostgresServer,
    tmp: Path,
) -> list[Round]:
    url = server.url_for("sample")
    base_env = {
        "GRADER_HOME": str(tmp / "home"),
        "GRADER_REPO_ALLOWLIST": server.base_url + "/",
        "GRADER_CHALLENGES_DIR": str(challenge.root.parent.parent),
        "GRADER_BROKER_URL": redis.url,
    }
    laps: dict[str, list[Round]] = {}
    for repeat in range(1, repeats + 1):
        os.environ.update(base_env)
        get_settings.cache_clear()
        base = sequential(challenge, url, commit, get_settings(), n)
        rows = [base]
        for concurrency in concurrencies:
            env = {**base_env, "GRADER_DATABASE_URL": postgres.create_database()}
            row = queued(url, commit, challenge, env, n, concurrency)
            rows.append(dataclasses.replace(row, vs_sequential=row.per_minute / base.per_minute))
        for concurrency in (c for c in concurrencies if c > 1):
            row = side_by_side(challenge, url, commit, n, concurrency)
            rows.append(dataclasses.replace(row, vs_sequential=row.per_minute / base.per_minute))
        for row in rows:
            laps.setdefault(row.label, []).append(row)
            print(f"repeat {repeat}: {row.label}: {row.per_minute:.1f}/min", file=sys.stderr)
    return [_median_of(rows) for rows in laps.values()]


def _median_of(rows: list[Round]) -> Round:
    """One row for its repeats: median rate and median ratio to the sequential row of the same
    repeat (the rows of a repeat run back to back, so a slow spell of a shared machine hits them
    together), latencies pooled."""
    return Round(
        rows[0].label,
        statistics.median(r.per_minute for r in rows),
        statistics.median(r.vs_sequential for r in rows),
        [x for r in rows for x in r.claim_latency],
        [x for r in rows for x in r.start_latency],
        [x for r in rows for x in r.idle_latency],
    )


if __name__ == "__main__":
    main()
