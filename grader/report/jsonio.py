"""The report as one JSON object: for `--json`, for the store, and to re-render from."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import TypeAdapter, ValidationError

from grader.errors import GraderError
from grader.models import GradeReport, Outcome

JsonDict = dict[str, Any]

KEYS = (
    "run_id",
    "outcome",
    "score",
    "reason",
    "repo_url",
    "ref",
    "commit",
    "challenge",
    "tests",
    "categories",
    "findings",
    "dependencies",
    "timings",
    "started_at",
    "finished_at",
    "image",
    "image_digest",
    "limits",
    "facts",
)
SCORED = (Outcome.GRADED, Outcome.FLAGGED)
_REPORT: TypeAdapter[GradeReport] = TypeAdapter(GradeReport)


def to_json_dict(report: GradeReport) -> JsonDict:
    """Plain JSON types only; ``score`` is null unless the outcome is graded or flagged."""
    return {
        "run_id": report.run_id,
        "outcome": report.outcome.value,
        "score": report.score if report.outcome in SCORED else None,
        "reason": report.reason,
        "repo_url": report.repo_url,
        "ref": report.ref,
        "commit": report.commit,
        "challenge": asdict(report.challenge),
        "tests": [{**asdict(t), "status": t.status.value} for t in report.tests],
        "categories": [{**asdict(c), "score": c.score} for c in report.categories],
        "findings": [asdict(f) for f in report.findings],
        "dependencies": [asdict(d) for d in report.dependencies],
        "timings": dict(report.timings),
        "started_at": report.started_at.isoformat() if report.started_at else None,
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        "image": report.image,
        "image_digest": report.image_digest,
        "limits": asdict(report.limits) if report.limits else None,
        "facts": dict(report.facts),
    }


def from_json_dict(data: JsonDict) -> GradeReport:
    """The report back from :func:`to_json_dict`'s output (``categories[].score`` is derived)."""
    missing = [k for k in KEYS if k not in data]
    unknown = sorted(set(data) - set(KEYS))
    if missing or unknown:
        raise GraderError(
            f"stored report has missing keys {missing} or unknown keys {unknown}",
            hint="it was not written by grader.report.to_json_dict; re-grade the submission",
        )
    try:
        return _REPORT.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise GraderError(
            f"stored report is invalid at {where}: {first['msg']}",
            hint="it was not written by grader.report.to_json_dict; re-grade the submission",
        ) from exc
