"""The report as one JSON object: for `--json`, for the store, and to re-render from.

Reports stored before the typed fields (one ``facts`` object of string keys) are read back
too: :func:`from_json_dict` moves each known key to its field (see ``_LEGACY``).
"""

from __future__ import annotations

import re
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
    "feedback",
    "integrity",
    "comparison",
    "run_facts",
    "python",
    "code",
    "history",
    "fingerprints",
)
# Keys added later, with the value a report stored before them reads as.
_ADDED_LATER: JsonDict = {"python": None, "code": None, "history": None, "fingerprints": []}
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
        "feedback": report.feedback.value,
        "integrity": [asdict(check) for check in report.integrity],
        "comparison": asdict(report.comparison) if report.comparison else None,
        "run_facts": asdict(report.run_facts) if report.run_facts else None,
        "python": asdict(report.python) if report.python else None,
        "code": asdict(report.code) if report.code else None,
        "history": _history(report),
        "fingerprints": [asdict(f) for f in report.fingerprints],
    }


def _history(report: GradeReport) -> JsonDict | None:
    if report.history is None:
        return None
    return {
        "statements": list(report.history.statements),
        "commits": [
            {**asdict(c), "committed_at": c.committed_at.isoformat()}
            for c in report.history.commits
        ],
    }


def from_json_dict(data: JsonDict) -> GradeReport:
    """The report back from :func:`to_json_dict`'s output (``categories[].score`` is derived)."""
    if "facts" in data:
        data = _upgraded(data)
    data = {**_ADDED_LATER, **data}
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


_CHECK_PREFIX = "integrity: "
_RUN_KEYS = ("services", "skipped_entries", "dependency_install")
_DERIVED = ("wall_clock", "memory", "compared with others")  # derived from other fields
_COMPARISON = re.compile(r"scored above (\d+) of (\d+) .*\(percentile (\d+)\); median (-?[\d.]+)")


def _upgraded(data: JsonDict) -> JsonDict:
    """A report stored with the old string-keyed ``facts``, in today's typed shape."""
    facts: dict[str, str] = dict(data["facts"])
    upgraded = {k: v for k, v in data.items() if k != "facts"}
    upgraded["feedback"] = facts.pop("candidate feedback", "summary")
    upgraded["integrity"] = [
        {"name": key.removeprefix(_CHECK_PREFIX), "found": facts.pop(key)}
        for key in list(facts)
        if key.startswith(_CHECK_PREFIX)
    ]
    compared = _COMPARISON.fullmatch(facts.get("compared with others", ""))
    upgraded["comparison"] = (
        {
            "below": int(compared[1]),
            "earlier": int(compared[2]),
            "percentile": int(compared[3]),
            "median": float(compared[4]),
        }
        if compared
        else None
    )
    if data.get("outcome") in SCORED:
        exit_code = facts.pop("judge_exit_code", "None")
        upgraded["run_facts"] = {
            "judge_exit_code": int(exit_code) if exit_code.lstrip("-").isdigit() else None,
            "timed_out": "wall_clock" in facts,
            "oom_killed": "memory" in facts,
            **{key: facts.pop(key, "") for key in _RUN_KEYS},
            "recorded": {k: v for k, v in facts.items() if k not in _DERIVED},
        }
    else:
        upgraded["run_facts"] = None
    return upgraded
