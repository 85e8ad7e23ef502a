"""Persist a finished run: its database row (with a comparison to earlier runs) and its reports."""

from __future__ import annotations

import dataclasses
import statistics
from pathlib import Path

from grader.models import GradeReport, Outcome
from grader.report import render, to_json_dict
from grader.settings import Settings
from grader.store import RunRecord, open_store


def record(report: GradeReport, settings: Settings, out_dir: Path | None = None) -> dict[str, Path]:
    """Persist a finished run: the database row and the rendered reports. Returns report paths."""
    store = open_store(settings.effective_database_url)
    try:
        report = with_comparison(report, store.scores_for_challenge(report.challenge.id))
        submission_id = store.create_submission(
            report.repo_url,
            report.ref,
            report.commit or "",
            report.challenge.id,
            report.challenge.version,
        )
        store.record_run(submission_id, run_record(report))
    finally:
        store.close()
    return render(report, out_dir or settings.reports_dir / report.run_id)


def with_comparison(report: GradeReport, others: list[float]) -> GradeReport:
    """Add how this score compares with earlier graded runs of the same challenge."""
    if report.outcome is not Outcome.GRADED or report.score is None or not others:
        return report
    below = sum(1 for other in others if other < report.score)
    ties = sum(1 for other in others if other == report.score)
    percentile = int(100 * (below + 0.5 * ties) / len(others) + 0.5)  # half up
    text = (
        f"scored above {below} of {len(others)} earlier graded runs of this challenge "
        f"(percentile {percentile}); median {statistics.median(others):.1f}"
    )
    return dataclasses.replace(report, facts={**report.facts, "compared with others": text})


def run_record(report: GradeReport) -> RunRecord:
    """What the store keeps of a finished run: its row fields and the report's JSON."""
    return RunRecord(
        run_id=report.run_id,
        report=to_json_dict(report),
        outcome=report.outcome.value,
        score=report.score,
        reason=report.reason,
        commit_sha=report.commit,
        challenge_id=report.challenge.id,
        challenge_version=report.challenge.version,
        started_at=report.started_at,
        finished_at=report.finished_at,
        timings=report.timings,
        image=report.image,
        image_digest=report.image_digest,
    )
