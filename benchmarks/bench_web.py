"""Seed 10,000 submissions and time the submissions page and the report page, server side.

Run with ``.venv/bin/python -m benchmarks.bench_web [-n 10000] [--repeat 30]``. Requests go
through the app in-process (``httpx.ASGITransport``), so the times are the server's own work:
routing, session, queries, rendering. Figures, not assertions: the target is < 100 ms each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import tempfile
import time
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from grader.models import Outcome
from grader.report import to_json_dict
from grader.settings import get_settings
from grader.store import open_store
from grader.store.tables import RunTable, SubmissionTable, new_id, utcnow
from grader.store.web_tables import OrgSubmissionTable
from grader.testing import flagged_report, graded_report
from grader.web import accounts, create_app

PASSWORD = "benchmark password 1"
OUTCOMES = (("graded", 0.8), ("flagged", 0.1), ("not_gradable", 0.05), (None, 0.05))
CHALLENGES = ("devops/task-tracker", "backend/url-shortener", "data/orders-etl", "ml/rag-retrieval")


def seed(db_url: str, count: int) -> tuple[str, list[str]]:
    """An organisation with an admin, and ``count`` submissions; returns (email, graded ids)."""
    store = open_store(db_url)
    db = sessionmaker(store.engine)
    org = accounts.create_org(db, "Bench")
    email = "admin@bench.test"
    accounts.create_user(db, org_id=org, email=email, name="Bench", role="admin", password=PASSWORD)
    rng = random.Random(7)
    graded, flagged = to_json_dict(graded_report()), to_json_dict(flagged_report())
    subs, runs, links, ids = [], [], [], []
    start = utcnow() - timedelta(days=90)
    for n in range(count):
        sid, at = new_id(), start + timedelta(minutes=13 * n)
        outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        challenge = CHALLENGES[n % len(CHALLENGES)]
        subs.append(_submission(sid, challenge, at, "done" if outcome else "queued"))
        links.append(_link(sid, org, n, at))
        if outcome:
            report = flagged if outcome == Outcome.FLAGGED else graded
            runs.append(_run(sid, challenge, outcome, rng.uniform(0, 100), report, at))
            ids.append(sid)
    with store.engine.begin() as conn:
        conn.execute(sa.insert(SubmissionTable), subs)
        conn.execute(sa.insert(RunTable), runs)
        conn.execute(sa.insert(OrgSubmissionTable), links)
    store.close()
    return email, ids


def _submission(sid: str, challenge: str, at: Any, state: str) -> dict[str, Any]:
    return {
        "id": sid,
        "repo_url": f"https://github.com/c/{sid[:8]}",
        "ref": None,
        "commit_sha": "e" * 40,
        "challenge_id": challenge,
        "challenge_version": "1.0.0",
        "state": state,
        "created_at": at,
        "updated_at": at,
        "attempt": 1,
        "queue": "default",
    }


def _run(sid: str, challenge: str, outcome: str, score: float, report: Any, at: Any) -> Any:
    return {
        "id": new_id(),
        "submission_id": sid,
        "attempt": 1,
        "outcome": outcome,
        "score": round(score, 1),
        "reason": "",
        "commit_sha": "e" * 40,
        "challenge_id": challenge,
        "challenge_version": "1.0.0",
        "timings": {},
        "image": "",
        "image_digest": "",
        "report": report,
        "created_at": at,
        "phases": {},
    }


def _link(sid: str, org: str, n: int, at: Any) -> dict[str, Any]:
    return {
        "submission_id": sid,
        "org_id": org,
        "invitation_id": None,
        "candidate_name": f"Candidate {n:05d}",
        "candidate_email": f"c{n}@example.com",
        "decision": "",
        "score_override": None,
        "created_at": at,
    }


async def measure(email: str, ids: list[str], repeat: int) -> dict[str, list[float]]:
    app = create_app(get_settings())
    paths = {
        "submissions, newest": "/team/submissions",
        "submissions, by score, one challenge": "/team/submissions?challenge=data/orders-etl"
        "&sort=score",
        "submissions, flagged, page 3": "/team/submissions?flagged=1&page=3",
        "submissions, last page": "/team/submissions?page=200",
        "report page": f"/team/submissions/{ids[len(ids) // 2]}",
    }
    times: dict[str, list[float]] = {name: [] for name in paths}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            page = (await http.get("/login")).text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert csrf is not None
            data = {"email": email, "password": PASSWORD, "csrf_token": csrf.group(1)}
            await http.post("/login", data=data)
            for name, path in paths.items():
                for _ in range(repeat + 2):
                    began = time.perf_counter()
                    answer = await http.get(path)
                    times[name].append(time.perf_counter() - began)
                    assert answer.status_code == 200, (path, answer.status_code)
                del times[name][:2]  # warm-up
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="submissions to seed")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["GRADER_HOME"] = home
        get_settings.cache_clear()
        began = time.perf_counter()
        email, ids = seed(get_settings().effective_database_url, args.n)
        print(f"seeded {args.n} submissions in {time.perf_counter() - began:.1f} s")
        times = asyncio.run(measure(email, ids, args.repeat))
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for name, values in times.items():
        ms = sorted(v * 1000 for v in values)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        print(f"{name:<40} {statistics.median(ms):>10.1f} {p95:>8.1f} {ms[-1]:>8.1f}")


if __name__ == "__main__":
    main()
