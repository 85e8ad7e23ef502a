"""``grader demo``: grade a challenge's bundled samples through the production URL path.

Each sample folder becomes a git repository served over loopback smart HTTP, and is graded
exactly as a candidate's https URL would be: URL policy, pinned shallow fetch, sandbox, report.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from grader.challenge import find_challenge
from grader.cli._common import EXIT_CODES, challenge_roots, err, guarded, out
from grader.gitserve import GitServer, make_bare_repo
from grader.models import Outcome
from grader.pipeline import GradeRequest
from grader.record import grade_here
from grader.settings import get_settings


@click.command()
@click.option("-c", "--challenge", "challenge_id", default="devops/task-tracker", show_default=True)
@click.option("--sample", "samples", multiple=True, help="Only these samples (default: all).")
@guarded
def demo(challenge_id: str, samples: tuple[str, ...]) -> None:
    """Grade every sample submission of a challenge end to end and print where the reports are."""
    settings = get_settings()
    challenge = find_challenge(challenge_id, challenge_roots(settings))
    folders = sorted(p for p in (challenge.root / "samples").iterdir() if p.is_dir())
    folders = [p for p in folders if not samples or p.name in samples]
    if not folders:
        err.print(f"no samples under {challenge.root / 'samples'}")
        sys.exit(1)
    table = Table(header_style="bold", title=f"{challenge.id} v{challenge.spec.version}")
    for column in ("sample", "outcome", "score", "tests passed", "run"):
        table.add_column(column)
    worst = Outcome.GRADED
    reports: list[tuple[str, Path]] = []
    with tempfile.TemporaryDirectory(prefix="grader-demo-") as tmp, GitServer(Path(tmp)) as server:
        served = settings.model_copy(
            update={"repo_allowlist": (*settings.repo_allowlist, server.base_url + "/")}
        )
        for folder in folders:
            make_bare_repo(folder, Path(tmp), folder.name, message=f"{folder.name} sample")
            url = server.url_for(folder.name)
            err.print(f"grading sample [bold]{folder.name}[/] from {escape(url)}")
            report, finished = grade_here(GradeRequest(url=url, challenge=challenge), served)
            paths = finished.paths
            passed = sum(1 for t in report.tests if t.status == "passed")
            score = "-" if report.score is None else f"{report.score:.1f}"
            table.add_row(
                folder.name,
                report.outcome.value,
                score,
                f"{passed}/{len(report.tests)}",
                report.run_id[:12],
            )
            reports.append((folder.name, paths["html"]))
            if report.outcome is Outcome.NOT_GRADABLE:
                worst = Outcome.NOT_GRADABLE
    out.print(table)
    for name, path in reports:
        out.print(f"{name:>10}: {path}", soft_wrap=True)  # paths must stay copyable
    out.print("List runs with `grader runs list`; re-render one with `grader report <run>`.")
    sys.exit(EXIT_CODES[worst])
