"""Does the queue stay flat as the tables fill? N gradings through one worker, per decile.

Run with ``scripts/benchmark-scale [-n 1000] [--concurrency 2] [--probes 200]``. Starts its own
Redis and PostgreSQL (Debian binaries, free ports) and a git server on loopback, records N
submissions of ``fixture/functions`` sample ``good`` through the real intake
(``grader.queue.submit``), then starts one ``grader worker`` and waits until every one is
done, with a progress line on stderr every ~10 s. Prints, per decile of submissions in queue
order: gradings per minute, claimed -> reported per submission (from the phase stamps), and
the claim's own time (a probe claiming a fresh row every ~10 s while the run goes on). Then
times the hot queries (claim, the reaper's sweeps, cohort reads, the submissions list page)
on the empty database before the run and on the full one after it, and prints ``EXPLAIN``
of each on the full tables, flagging any ``Seq Scan`` on submissions or runs.

Every probe reads and writes only the benchmark's own database. Figures only.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event

from benchmarks.bench_queue import FIXTURE, worker
from grader.challenge import Challenge, load_challenge
from grader.gitserve import GitServer, make_bare_repo
from grader.queue import CeleryPublisher, submit
from grader.settings import Settings, get_settings
from grader.store import Store, SubmissionStatus, open_store
from grader.store.tables import SubmissionTable
from tests.integration.services import PostgresServer, RedisServer

T = TypeVar("T")

PROGRESS_SECONDS = 10.0
STALL_SECONDS = 600.0  # nothing finished for this long: the worker is stuck or gone
PROBE_CLAIMS_PER_TICK = 3  # fresh rows claimed (then deleted) at every progress tick
PROBE_DIGESTS = frozenset(range(1, 1001))  # a typical submission has about 1,000 fingerprints
SEQ_SCAN = re.compile(r"Seq Scan on (submissions|runs)\b")


# -- pure helpers (unit-tested in tests/unit/test_bench_scale.py) ---------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th quantile (0..1) with linear interpolation between ranks; NaN when empty."""
    if not 0 <= q <= 1:
        raise ValueError(f"q must be within 0..1, got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def deciles(items: Sequence[T], parts: int = 10) -> list[list[T]]:
    """``items`` cut, in order, into ``parts`` contiguous slices whose sizes differ by at
    most one (empty ones dropped when there are fewer items than parts)."""
    if parts < 1:
        raise ValueError(f"parts must be at least 1, got {parts}")
    n = len(items)
    cuts = [i * n // parts for i in range(parts + 1)]
    return [list(items[a:b]) for a, b in pairwise(cuts) if b > a]


def per_minute(count: int, seconds: float) -> float:
    """``count`` events over ``seconds`` as a rate per minute; NaN for an empty window."""
    return 60 * count / seconds if seconds > 0 else math.nan


def eta_seconds(done: int, total: int, elapsed: float) -> float:
    """Seconds left at the average rate so far; NaN before the first one is done."""
    if done <= 0 or elapsed <= 0:
        return math.nan
    return (total - done) * elapsed / done


def seq_scans(plan: str) -> list[str]:
    """The tables among submissions and runs that ``plan`` (EXPLAIN text) scans whole."""
    return sorted({m.group(1) for m in SEQ_SCAN.finditer(plan)})


# -- the run ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ClaimProbe:
    """Claims of fresh rows during the run: (submissions done at the time, seconds)."""

    store: Store
    lease_seconds: float
    samples: list[tuple[int, float]] = field(default_factory=list)

    def tick(self, done: int, count: int = PROBE_CLAIMS_PER_TICK) -> None:
        self.samples += [(done, s) for s in time_claims(self.store, count, self.lease_seconds)]


def time_claims(store: Store, count: int, lease_seconds: float) -> list[float]:
    """Enqueue ``count`` rows (never published, so no worker sees them), time the claim of
    each, then delete them again so they leave no trace in the figures."""
    ids = [
        store.enqueue(
            "https://probe.invalid/claim.git",
            None,
            "0" * 40,
            challenge_id="probe/claim",
            challenge_version="0",
            queue="probe",
            deadline_seconds=3600,
        )
        for _ in range(count)
    ]
    seconds = []
    try:
        for sid in ids:
            start = time.perf_counter()
            claim = store.claim(sid, uuid.uuid4().hex, lease_seconds=lease_seconds, worker="probe")
            seconds.append(time.perf_counter() - start)
            if claim is None:
                raise RuntimeError(f"probe row {sid} could not be claimed")
    finally:
        _delete(store, ids)
    return seconds


def _delete(store: Store, ids: list[str]) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.delete(SubmissionTable).where(SubmissionTable.id.in_(ids)))


def wait_done(store: Store, ids: list[str], started: float, probe: ClaimProbe) -> None:
    """Poll until every submission is done; a progress line and a claim probe every ~10 s."""
    total, last = len(ids), 0.0
    progress, progressed = -1, started
    while True:
        done = store.state_counts().get("done", 0)
        now = time.monotonic()
        elapsed = now - started
        if done >= total:
            break
        if done != progress:
            progress, progressed = done, now
        elif now - progressed > STALL_SECONDS:
            sys.exit(f"no submission finished for {STALL_SECONDS:.0f}s at {done}/{total}: stuck")
        if elapsed - last >= PROGRESS_SECONDS:
            last = elapsed
            probe.tick(done)
            eta = eta_seconds(done, total, elapsed)
            print(
                f"  {done}/{total} done, {per_minute(done, elapsed):.1f}/min, "
                f"{elapsed:.0f}s elapsed, ETA {_duration(eta)}",
                file=sys.stderr,
                flush=True,
            )
        time.sleep(1.0)
    print(f"  {total}/{total} done in {elapsed:.0f}s", file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    if math.isnan(seconds):
        return "?"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


def _seconds(a: datetime | None, b: datetime | None) -> float:
    return (b - a).total_seconds() if a and b else math.nan


@dataclass(frozen=True, slots=True)
class Decile:
    label: str
    count: int
    per_minute: float
    latency: list[float]  # claimed -> reported, seconds
    claim: list[float]  # the probe's claim seconds while this decile was graded


def by_decile(done: list[SubmissionStatus], probe: list[tuple[int, float]]) -> list[Decile]:
    """``done`` in queue order, cut into deciles. A decile's window runs from the previous
    decile's last report (the first claim, for the first) to its own last report."""
    rows: list[Decile] = []
    before: datetime | None = min(
        (s.phases["claimed"] for s in done if s.phases["claimed"]), default=None
    )
    position = 0
    for part in deciles(done):
        reported = [at for s in part if (at := s.phases["reported"] or s.phases["finished"])]
        end = max(reported, default=None)
        lo, hi = position, position + len(part)
        rows.append(
            Decile(
                label=f"{100 * lo // len(done)}-{100 * hi // len(done)} %",
                count=len(part),
                per_minute=per_minute(len(part), _seconds(before, end)),
                latency=[_seconds(s.phases["claimed"], s.phases["reported"]) for s in part],
                claim=[sec for at, sec in probe if lo <= at < hi],
            )
        )
        before, position = end or before, hi
    return rows


def _ms(values: Sequence[float]) -> str:
    clean = [v for v in values if not math.isnan(v)]
    if not clean:
        return "- | -"
    return f"{1000 * percentile(clean, 0.5):.1f} | {1000 * percentile(clean, 0.95):.1f}"


def _s(values: Sequence[float]) -> str:
    clean = [v for v in values if not math.isnan(v)]
    if not clean:
        return "- | -"
    return f"{percentile(clean, 0.5):.2f} | {percentile(clean, 0.95):.2f}"


# -- hot queries: timings and plans ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    call: Callable[[Store], object]
    times: int  # how many timed calls, of the probe count
    note: str = ""  # said beside a Seq Scan flag: why it is expected


COHORT_NOTE = (
    "reads the latest graded run of every repository of the challenge version on each "
    "finish, by design: its cost grows with the cohort (ix_runs_cohort narrows it to them)"
)


def hot_queries(challenge: Challenge, settings: Settings, probes: int) -> list[Query]:
    cid, version = challenge.id, challenge.spec.version
    some_runs = [uuid.uuid4().hex for _ in range(4)]  # labels of containers a reaper sees
    return [
        Query(
            "reaper: reclaim_stale sweep",
            lambda s: s.reclaim_stale(deadline_seconds=settings.queued_timeout_seconds),
            probes,
        ),
        Query("reaper: live_runs (containers)", lambda s: s.live_runs(some_runs), probes),
        Query(
            "finish: cohort_scores",
            lambda s: s.cohort_scores(cid, version),
            probes,
            COHORT_NOTE,
        ),
        Query(
            "finish: cohort_overlaps (similarity)",
            lambda s: s.cohort_overlaps(cid, version, PROBE_DIGESTS),
            probes,
            "looks its digests up in ix_fingerprints_lookup; ranks repositories like cohort_scores",
        ),
        Query("submissions list page (50)", lambda s: s.list_submissions(limit=50), probes),
        Query("runs list page (50)", lambda s: s.list_runs(limit=50), probes),
    ]


def time_queries(
    store: Store, queries: list[Query], settings: Settings, probes: int
) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {
        "claim of a fresh submission": time_claims(store, probes, settings.lease_seconds)
    }
    for query in queries:
        seconds = []
        for _ in range(query.times):
            start = time.perf_counter()
            query.call(store)
            seconds.append(time.perf_counter() - start)
        found[query.name] = seconds
    return found


def statements(store: Store, call: Callable[[Store], object]) -> list[tuple[str, Any]]:
    """The SQL (with its driver parameters) that one call of ``call`` sends."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "INSERT")):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        call(store)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    return seen


def explain(store: Store, statement: str, parameters: Any, *, seqscan: bool = True) -> str:
    """``EXPLAIN`` (plan only, nothing executed) of one statement, in a rolled-back
    transaction; ``seqscan=False`` asks whether an index could serve it at all."""
    with store.engine.connect() as conn, conn.begin() as tx:
        if not seqscan:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        tx.rollback()
    return "\n".join(str(row[0]) for row in rows)


def explain_all(store: Store, queries: list[Query], settings: Settings) -> None:
    """Print the plans of the claim and of every hot query, flagging whole-table scans."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE submissions")  # what autovacuum would have done by now
        conn.exec_driver_sql("ANALYZE runs")
    probe_id = store.enqueue(
        "https://probe.invalid/explain.git",
        None,
        "0" * 40,
        challenge_id="probe/explain",
        challenge_version="0",
        queue="probe",
        deadline_seconds=3600,
    )
    claim = Query(
        "claim",
        lambda s: s.claim(probe_id, uuid.uuid4().hex, lease_seconds=settings.lease_seconds),
        1,
    )
    flagged: list[str] = []
    try:
        for query in [claim, *queries]:
            sent = statements(store, query.call)
            for i, (statement, parameters) in enumerate(sent, 1):
                name = f"{query.name} [{i}/{len(sent)}]" if len(sent) > 1 else query.name
                plan = explain(store, statement, parameters)
                print(f"\n### {name}\n\n```sql\n{_one_line(statement)}\n```\n\n```")
                print(plan)
                print("```")
                scanned = seq_scans(plan)
                if scanned:
                    forced = seq_scans(explain(store, statement, parameters, seqscan=False))
                    why = (
                        "no index can serve it (still scans with enable_seqscan=off)"
                        if forced
                        else "the planner's choice: an index exists (used with enable_seqscan=off)"
                    )
                    note = f"SEQ SCAN on {', '.join(scanned)}: {why}"
                    if query.note:
                        note += f"; {query.note}"
                    print(f"\n**{note}**")
                    flagged.append(f"{name}: {note}")
    finally:
        _delete(store, [probe_id])
    print("\n## Seq Scan flags\n")
    print("\n".join(f"- {line}" for line in flagged) if flagged else "- none")


def _one_line(sql: str) -> str:
    return " ".join(sql.split())


# -- main --------------------------------------------------------------------------------------


def _print_deciles(rows: list[Decile]) -> None:
    print("\n## Per decile, in queue order\n")
    print(
        "| submissions | n | gradings/min | claimed->reported median s | p95 s "
        "| claim median ms | p95 ms | claim probes |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.label} | {r.count} | {r.per_minute:.1f} | {_s(r.latency)} "
            f"| {_ms(r.claim)} | {len(r.claim)} |"
        )


def _print_probes(empty: dict[str, list[float]], full: dict[str, list[float]], n: int) -> None:
    print(f"\n## Hot queries: empty database vs full ({n} done + runs)\n")
    print("| query | calls | empty median ms | p95 ms | full median ms | p95 ms | full/empty |")
    print("|---|---|---|---|---|---|---|")
    for name, before in empty.items():
        after = full[name]
        ratio = percentile(after, 0.5) / percentile(before, 0.5)
        print(f"| {name} | {len(after)} | {_ms(before)} | {_ms(after)} | {ratio:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="submissions (default 1000)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker concurrency (2)")
    parser.add_argument("--probes", type=int, default=200, help="timed calls per hot query")
    parser.add_argument("--challenge", type=Path, default=FIXTURE, help="a challenge folder")
    parser.add_argument("--sample", default="good", help="submission under submissions/")
    args = parser.parse_args()
    challenge = load_challenge(args.challenge.resolve())
    samples = challenge.root / "submissions"
    if not (samples / args.sample).is_dir():
        samples = challenge.root / "samples"
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        make_bare_repo(samples / args.sample, Path(tmp), "sample")
        redis, postgres = RedisServer().start(), PostgresServer().start()
        try:
            with GitServer(Path(tmp)) as server:
                env = {
                    "GRADER_HOME": str(Path(tmp) / "home"),
                    "GRADER_REPO_ALLOWLIST": server.base_url + "/",
                    "GRADER_CHALLENGES_DIR": str(challenge.root.parent.parent),
                    "GRADER_BROKER_URL": redis.url,
                    "GRADER_DATABASE_URL": postgres.create_database(),
                }
                run(args, challenge, server.url_for("sample"), env)
        finally:
            redis.stop()
            postgres.stop()


def run(args: argparse.Namespace, challenge: Challenge, url: str, env: dict[str, str]) -> None:
    os.environ.update(env)
    get_settings.cache_clear()
    settings = get_settings()
    n = args.n
    print(
        f"# Scale: {n} submissions of {challenge.id}/{args.sample}, one worker at "
        f"--concurrency {args.concurrency}\n\n{os.cpu_count()} CPUs; {platform.platform()}; "
        f"Python {platform.python_version()}; {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    )
    with open_store(settings.effective_database_url) as store:
        queries = hot_queries(challenge, settings, args.probes)
        print("probing the empty database ...", file=sys.stderr, flush=True)
        empty = time_queries(store, queries, settings, args.probes)
        with CeleryPublisher(settings) as publisher:
            start = time.monotonic()
            ids = [submit(url, challenge.id, settings, store, publisher).id for _ in range(n)]
            intake = time.monotonic() - start
        print(f"queued {n} in {intake:.1f}s; starting the worker", file=sys.stderr, flush=True)
        log = Path(env["GRADER_HOME"]) / "worker.log"
        probe = ClaimProbe(store, settings.lease_seconds)
        with worker(env, args.concurrency, log):
            started = time.monotonic()
            wait_done(store, ids, started, probe)
            wall = time.monotonic() - started
        done = [store.status(i) for i in ids]
        print("probing the full database ...", file=sys.stderr, flush=True)
        full = time_queries(store, queries, settings, args.probes)
        outcomes: dict[str, int] = {}
        for s in done:
            outcomes[str(s.outcome)] = outcomes.get(str(s.outcome), 0) + 1
        print(
            f"\nintake: {n} submits in {intake:.1f}s ({per_minute(n, intake):.0f}/min); "
            f"grading: {wall:.0f}s from worker ready to the last done "
            f"({per_minute(n, wall):.1f}/min); outcomes: {outcomes}"
        )
        _print_deciles(by_decile(done, probe.samples))
        _print_probes(empty, full, n)
        print("\n## Plans on the full tables (after ANALYZE)")
        explain_all(store, queries, settings)


if __name__ == "__main__":
    main()
