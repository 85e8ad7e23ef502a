"""Capacity: gradings per hour per core for each shipped challenge, and hosts for a round.

Run with ``scripts/benchmark-scale --capacity [--challenge ID ...] [--candidates 500]
[--hours 24] [--per-candidate 1] [--cores N] [--efficiency 1.0]``. Grades each shipped
challenge's reference (``challenges/<id>/reference``, the folder ``grader challenges
validate`` must score 100) once through the real pipeline over loopback git, in this
process, one at a time: no warm-up, the images and wheels are those ``scripts/setup`` built.
Gradings per hour per core = 3600 / (wall seconds x the CPUs the challenge's limits give its
sandbox, at least 1). Prints a markdown table and the worker hosts a hiring round needs.
Figures only.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import datetime

from grader.challenge import Challenge, discover
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.validate.loopback import loopback_grader

SHIPPED = PROJECT_ROOT / "challenges"


def per_hour_per_core(wall_seconds: float, cpus: float) -> float:
    """Gradings one core finishes in an hour, when one grading holds ``max(cpus, 1)`` cores
    for ``wall_seconds``."""
    if wall_seconds <= 0:
        raise ValueError(f"wall_seconds must be positive, got {wall_seconds}")
    return 3600 / (wall_seconds * max(cpus, 1.0))


def hosts_needed(
    candidates: int, per_candidate: float, per_hour_per_host: float, hours: float
) -> int:
    """Worker hosts so that ``candidates`` x ``per_candidate`` gradings finish in ``hours``:
    ceil(N x gradings per candidate / (gradings per hour per host x hours)), at least 1."""
    if per_hour_per_host <= 0 or hours <= 0:
        raise ValueError("gradings per hour per host and hours must be positive")
    if candidates <= 0:
        return 0
    return max(1, math.ceil(candidates * per_candidate / (per_hour_per_host * hours)))


@dataclass(frozen=True, slots=True)
class Measured:
    challenge: str
    outcome: str
    score: float | None
    cpus: float
    wall: float
    timings: dict[str, float]

    @property
    def per_hour_per_core(self) -> float:
        return per_hour_per_core(self.wall, self.cpus)


def measure(challenge: Challenge, settings: Settings) -> Measured:
    """Grade the challenge's reference once; wall clock around the whole ``grade()``."""
    with loopback_grader(challenge, settings) as grader:
        reference = challenge.root / "reference"
        grader.url_for(reference)  # commit it before the clock starts
        start = time.perf_counter()
        report = grader(reference)
        wall = time.perf_counter() - start
    return Measured(
        challenge=challenge.id,
        outcome=report.outcome.value,
        score=report.score,
        cpus=challenge.limits(settings).cpus,
        wall=wall,
        timings=dict(report.timings),
    )


def table(rows: list[Measured]) -> str:
    lines = [
        "| challenge | reference | sandbox s | other phases s | wall s | CPUs "
        "| gradings/hour/core |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        sandbox = r.timings.get("sandbox", 0.0)
        other = sum(v for k, v in r.timings.items() if k != "sandbox")
        score = f"{r.outcome} {r.score:g}" if r.score is not None else r.outcome
        lines.append(
            f"| `{r.challenge}` | {score} | {sandbox:.1f} | {other:.1f} | {r.wall:.1f} "
            f"| {r.cpus:g} | {r.per_hour_per_core:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--challenge", action="append", help="only this id (repeatable)")
    parser.add_argument("--candidates", type=int, default=500, help="candidates in the round")
    parser.add_argument("--hours", type=float, default=24.0, help="hours to grade them in")
    parser.add_argument("--per-candidate", type=float, default=1.0, help="gradings each")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="cores per host")
    parser.add_argument(
        "--efficiency",
        type=float,
        default=1.0,
        help="share of linear scaling a host reaches at full concurrency (1.0: linear)",
    )
    args = parser.parse_args()
    settings = get_settings()
    challenges = [
        c for c in discover((SHIPPED,)) if not args.challenge or c.id in set(args.challenge)
    ]
    if not challenges:
        sys.exit(f"no shipped challenge matches {args.challenge}")
    rows = []
    for challenge in challenges:
        print(f"grading {challenge.id} reference ...", file=sys.stderr, flush=True)
        rows.append(measure(challenge, settings))
        print(f"  {rows[-1].wall:.1f}s, {rows[-1].outcome}", file=sys.stderr, flush=True)
    print(
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {os.cpu_count()} CPUs, "
        f"{platform.platform()}, Python {platform.python_version()}; one grading of each "
        "reference, no warm-up.\n"
    )
    print(table(rows))
    print(
        f"\nHosts for {args.candidates} candidates x {args.per_candidate:g} gradings in "
        f"{args.hours:g} h, {args.cores} cores per host at {args.efficiency:g} of linear "
        "scaling:\n"
    )
    print("| challenge | gradings/hour/host | hosts |")
    print("|---|---|---|")
    for r in rows:
        host = r.per_hour_per_core * args.cores * args.efficiency
        hosts = hosts_needed(args.candidates, args.per_candidate, host, args.hours)
        print(f"| `{r.challenge}` | {host:.0f} | {hosts} |")


if __name__ == "__main__":
    main()
