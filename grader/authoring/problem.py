"""What lint reports (:class:`Problem`) and reads from ``challenge.toml`` (:class:`Facts`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix: where, and what."""

    path: Path
    line: int
    message: str

    def where(self, base: Path | None = None) -> str:
        path = self.path
        if base is not None and path.is_relative_to(base):
            path = path.relative_to(base)
        return f"{path}:{self.line}" if self.line else str(path)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the other checks need from ``challenge.toml``, read even when it is invalid."""

    id: str = ""
    specialty: str = ""
    time_budget: str = ""
    categories: tuple[str, ...] = ()
    dockerfile: str | None = None

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Facts:
        def text(value: object) -> str:
            return value if isinstance(value, str) else ""

        runtime = raw.get("runtime")
        dockerfile = runtime.get("dockerfile") if isinstance(runtime, dict) else None
        listed = raw.get("categories")
        names = (
            [c.get("name") for c in listed if isinstance(c, dict)]
            if isinstance(listed, list)
            else []
        )
        return cls(
            id=text(raw.get("id")),
            specialty=text(raw.get("specialty")),
            time_budget=text(raw.get("time_budget")),
            categories=tuple(n for n in names if isinstance(n, str)),
            dockerfile=dockerfile if isinstance(dockerfile, str) else None,
        )
