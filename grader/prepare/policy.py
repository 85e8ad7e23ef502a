"""What a challenge lets a candidate install: nothing, an allowlist, or what they declare."""

from __future__ import annotations

from collections.abc import Sequence

from packaging.utils import canonicalize_name

from grader.challenge import CandidateSpec
from grader.models import Dependency, DependencyStatus
from grader.prepare.declared import Entry, Wanted

MAX_REQUIREMENTS = 50
STDLIB_ONLY = "this challenge allows the standard library only"


def apply_policy(entries: Sequence[Entry], candidate: CandidateSpec) -> tuple[Entry, ...]:
    """The same entries, with each requirement the challenge does not allow made a refusal."""
    allowed = {str(canonicalize_name(name)) for name in candidate.allowed}
    shown = ", ".join(sorted(allowed)) or "none"
    checked = [_check(entry, candidate.dependencies, allowed, shown) for entry in entries]
    wanted = [entry for entry in checked if isinstance(entry, Wanted)]
    if len(wanted) <= MAX_REQUIREMENTS:
        return tuple(checked)
    detail = f"{len(wanted)} requirements declared; at most {MAX_REQUIREMENTS} are installed"
    return tuple(_refuse(e, detail) if isinstance(e, Wanted) else e for e in checked)


def _check(entry: Entry, policy: str, allowed: set[str], shown: str) -> Entry:
    if not isinstance(entry, Wanted) or policy == "declared":
        return entry
    if policy == "stdlib":
        return _refuse(entry, STDLIB_ONLY)
    if entry.name in allowed:
        return entry
    return _refuse(entry, f"{entry.name} is not on this challenge's allowlist (allowed: {shown})")


def _refuse(wanted: Wanted, detail: str) -> Dependency:
    return Dependency(requirement=wanted.text, status=DependencyStatus.REFUSED, detail=detail)
