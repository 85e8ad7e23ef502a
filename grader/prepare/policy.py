"""What a challenge lets a candidate install: nothing, an allowlist, or what they declare."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

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


def outside_allowlist(
    wheels: Sequence[Path], candidate: CandidateSpec
) -> tuple[tuple[Path, ...], tuple[Dependency, ...]]:
    """The wheels an allowlist challenge may install, and a refusal for each one it may not.

    An allowlist bounds what is installed, not only what is named: a transitive dependency or
    an extra's packages outside it are left out (pip installs with ``--no-deps``).
    """
    if candidate.dependencies != "allowlist":
        return tuple(wheels), ()
    allowed = {str(canonicalize_name(name)) for name in candidate.allowed}
    kept: list[Path] = []
    refused: list[Dependency] = []
    for wheel in wheels:
        project = project_of(wheel)
        if project in allowed:
            kept.append(wheel)
        else:
            detail = f"pulled in by a requirement, but {project} is not on the allowlist"
            refused.append(
                Dependency(requirement=wheel.name, status=DependencyStatus.REFUSED, detail=detail)
            )
    return tuple(kept), tuple(refused)


def project_of(wheel: Path) -> str:
    """The canonical project name of a wheel file (its file name if it is not a wheel name)."""
    try:
        return str(canonicalize_name(parse_wheel_filename(wheel.name)[0]))
    except ValueError:  # not a wheel name pip would write: never on any allowlist
        return wheel.name
