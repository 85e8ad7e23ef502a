"""Similarity across candidates, when a run finishes: its fingerprints against the latest
graded or flagged run of every other repository of the same challenge version.

A similar pair becomes a ``similar-submission`` finding for human review on both reports, each
naming the other run and its own matching regions first. Signals inform a human; the score and
the outcome never change.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from grader.analyse import compare, may_be_similar, similarity_finding
from grader.models import Fingerprint, GradeReport, Outcome
from grader.store import Overlap

logger = logging.getLogger(__name__)

_FINGERPRINTS: TypeAdapter[tuple[Fingerprint, ...]] = TypeAdapter(tuple[Fingerprint, ...])
_SCORED = (Outcome.GRADED, Outcome.FLAGGED)


class CohortFingerprints(Protocol):
    """What similarity reads of the cohort (:class:`grader.store.Store`): the runs sharing
    fingerprints with this one, with counts, then the stored fingerprints of the few that may
    be similar."""

    def cohort_overlaps(
        self, challenge_id: str, version: str, digests: Collection[int], *, exclude_repo: str = ""
    ) -> list[Overlap]: ...

    def fingerprints_of(self, run_id: str) -> Any: ...


@dataclasses.dataclass(frozen=True, slots=True)
class Pair:
    """The finding another stored run gets once this run is stored."""

    other_run: str
    finding: dict[str, Any]


def with_similarity(
    report: GradeReport, store: CohortFingerprints
) -> tuple[GradeReport, tuple[Pair, ...]]:
    """``report`` with a finding per similar earlier submission, and the findings those
    submissions' stored reports get (add them only once this run is stored)."""
    if report.outcome not in _SCORED or not report.fingerprints:
        return report, ()
    digests = {mark.digest for mark in report.fingerprints}
    overlaps = store.cohort_overlaps(
        report.challenge.id, report.challenge.version, digests, exclude_repo=report.repo_url
    )
    mine, pairs = [], []
    for overlap in overlaps:
        if not may_be_similar(overlap.shared, len(digests), overlap.total):
            continue  # the counts alone rule it out: its fingerprints are never read
        run_id, repo_url = overlap.run_id, overlap.repo_url
        match = compare(report.fingerprints, _stored(run_id, store.fingerprints_of(run_id)))
        if not match.similar():
            continue
        mine.append(similarity_finding(match, other=f"run {run_id[:12]} ({repo_url})"))
        theirs = similarity_finding(
            match, other=f"run {report.run_id[:12]} ({report.repo_url})", mine_first=False
        )
        pairs.append(
            Pair(run_id, {**dataclasses.asdict(theirs), "severity": theirs.severity.value})
        )
    if mine:
        logger.info("run %s resembles %d other submission(s)", report.run_id, len(mine))
    return dataclasses.replace(report, findings=(*report.findings, *mine)), tuple(pairs)


def _stored(run_id: str, marks: Any) -> tuple[Fingerprint, ...]:
    """A stored report's fingerprints; none when it predates them (None) or they do not parse."""
    if marks is None:
        return ()
    try:
        return _FINGERPRINTS.validate_python(marks)
    except ValidationError:
        logger.warning("run %s has unreadable fingerprints; not compared", run_id)
        return ()
