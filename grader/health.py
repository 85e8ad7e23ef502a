"""One line of ``grader doctor``: whether something the grader needs is there, and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HealthCheck:
    name: str
    ok: bool
    detail: str
    fix: str = ""
