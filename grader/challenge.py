"""Challenges: versioned folders ``challenges/<specialty>/<slug>/`` with a ``challenge.toml``.

The contract is documented in ``challenges/README.md``; this module parses and checks it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from grader.errors import ChallengeError
from grader.models import (
    DEFAULT_PYTHON,
    DEFAULT_QUEUE,
    PYTHON_VERSIONS,
    SPECIALTIES,
    ChallengeRef,
    Feedback,
    Limits,
)
from grader.settings import Settings

MANIFEST_FILE = "manifest.txt"
TOML = "challenge.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuntimeSpec(_Strict):
    dockerfile: str | None = None  # relative to the challenge folder; None: the runner base
    memory_mb: int = Field(default=2048, ge=64)
    cpus: float = Field(default=1.0, gt=0)
    pids: int = Field(default=1024, ge=16)
    disk_mb: int = Field(default=1024, ge=16)
    wall_seconds: int = Field(default=600, ge=5)
    test_seconds: int = Field(default=30, ge=1)
    # The Python versions candidates may use (grader.models.PYTHON_VERSIONS), and the one a
    # submission that names none runs on (default: the first).
    python: tuple[str, ...] = Field(default=(DEFAULT_PYTHON,), min_length=1)
    default_python: str = ""

    @model_validator(mode="after")
    def _known_pythons(self) -> RuntimeSpec:
        unknown = [v for v in self.python if v not in PYTHON_VERSIONS]
        if unknown:
            raise ValueError(f"python {unknown} unknown; the grader offers {list(PYTHON_VERSIONS)}")
        if self.default_python and self.default_python not in self.python:
            raise ValueError(f"default_python {self.default_python!r} is not in python")
        return self

    @property
    def pythons(self) -> tuple[str, ...]:
        """The offered versions, the default first."""
        default = self.default_python or self.python[0]
        return (default, *(v for v in dict.fromkeys(self.python) if v != default))


class CandidateSpec(_Strict):
    kind: Literal["cli", "service", "functions"]
    dependencies: Literal["stdlib", "declared", "allowlist"] = "declared"
    allowed: tuple[str, ...] = ()  # project names allowed when dependencies = "allowlist"


class CategorySpec(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    weight: float = Field(gt=0)
    description: str = ""


class ReviewSpec(_Strict):
    """How the recruiter's report reads a score, and what the repository should ship."""

    strong: float = Field(default=80.0, ge=0, le=100)  # at or above: "strong"
    mixed: float = Field(default=50.0, ge=0, le=100)  # at or above: "mixed"; below: "weak"
    expects: tuple[Literal["dockerfile", "compose"], ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> ReviewSpec:
        if self.mixed > self.strong:
            raise ValueError(f"review.mixed ({self.mixed}) is above review.strong ({self.strong})")
        return self


class ChallengeSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")
    version: str
    title: str
    specialty: str  # one of grader.models.SPECIALTIES gets its own queue; others "default"
    level: str = ""
    time_budget: str = ""
    feedback: Feedback = Feedback.SUMMARY
    runtime: RuntimeSpec = RuntimeSpec()
    candidate: CandidateSpec
    categories: tuple[CategorySpec, ...] = Field(min_length=1)
    # Sidecar services started beside the candidate on an internal network (see docs/sandbox.md).
    services: tuple[Literal["postgres", "redis"], ...] = ()
    review: ReviewSpec = ReviewSpec()

    @model_validator(mode="after")
    def _unique_categories(self) -> ChallengeSpec:
        names = [c.name for c in self.categories]
        if len(names) != len(set(names)):
            raise ValueError(f"category names must be unique, got {names}")
        return self


@dataclass(frozen=True, slots=True)
class Challenge:
    """A loaded challenge: its parsed spec and where its files are."""

    spec: ChallengeSpec
    root: Path

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def ref(self) -> ChallengeRef:
        return ChallengeRef(
            id=self.spec.id,
            version=self.spec.version,
            title=self.spec.title,
            strong=self.spec.review.strong,
            mixed=self.spec.review.mixed,
        )

    @property
    def queue(self) -> str:
        """The worker queue its submissions go to: its specialty's, or ``default``."""
        specialty = self.spec.specialty
        return specialty if specialty in SPECIALTIES else DEFAULT_QUEUE

    @property
    def tests_dir(self) -> Path:
        return self.root / "tests"

    @property
    def dockerfile(self) -> Path | None:
        rel = self.spec.runtime.dockerfile
        return self.root / rel if rel else None

    def manifest(self) -> tuple[str, ...]:
        """The expected hidden test IDs, one per line in ``tests/manifest.txt``."""
        path = self.tests_dir / MANIFEST_FILE
        if not path.is_file():
            raise ChallengeError(
                f"challenge {self.id} has no tests/{MANIFEST_FILE}",
                hint=f"run `grader challenges manifest {self.id}` to write it",
            )
        lines = path.read_text(encoding="utf-8").splitlines()
        return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))

    def limits(self, settings: Settings) -> Limits:
        """The challenge's limits, clamped to the operator's global bounds."""
        rt = self.spec.runtime
        return Limits(
            memory_mb=min(rt.memory_mb, settings.max_memory_mb),
            cpus=min(rt.cpus, settings.max_cpus),
            pids=min(rt.pids, settings.max_pids),
            disk_mb=rt.disk_mb,
            wall_seconds=min(rt.wall_seconds, settings.max_wall_seconds),
            test_seconds=min(rt.test_seconds, rt.wall_seconds),
        )


def load_challenge(root: Path) -> Challenge:
    """Parse ``root/challenge.toml``; every problem is a :class:`ChallengeError` naming the file."""
    path = root / TOML
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ChallengeError(f"{path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ChallengeError(f"{path} is not valid TOML: {exc}") from exc
    try:
        spec = ChallengeSpec.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ChallengeError(f"{path} is invalid: {problems}") from exc
    if not (root / "tests").is_dir():
        raise ChallengeError(f"challenge {spec.id} has no tests/ folder at {root / 'tests'}")
    return Challenge(spec=spec, root=root)


def find_challenge(challenge_id: str, search: tuple[Path, ...]) -> Challenge:
    """Load ``challenge_id`` (``<specialty>/<slug>``) from the search root holding it.

    An id held by two roots is an error: a private checkout must not shadow a shared challenge.
    """
    if challenge_id.count("/") != 1 or ".." in challenge_id:
        raise ChallengeError(
            f"{challenge_id!r} is not a challenge id", hint="ids look like devops/task-tracker"
        )
    roots = _distinct(search)
    holders = [base / challenge_id for base in roots if (base / challenge_id / TOML).is_file()]
    if len(holders) > 1:
        raise _duplicate(challenge_id, holders)
    if holders:
        return load_challenge(holders[0])
    known = ", ".join(c.id for c in survey(search).challenges) or "none"
    raise ChallengeError(f"no challenge called {challenge_id!r}", hint=f"known: {known}")


def challenge_folders(search: tuple[Path, ...]) -> list[Path]:
    """Every folder ``<root>/<specialty>/<slug>`` holding a challenge.toml, in search order."""
    roots = _distinct(search)
    return [toml.parent for base in roots for toml in sorted(base.glob(f"*/*/{TOML}"))]


def _distinct(search: tuple[Path, ...]) -> tuple[Path, ...]:
    """The search roots, each once (a folder given twice is not a duplicate challenge)."""
    seen: dict[Path, Path] = {}
    for base in search:
        seen.setdefault(base.resolve(), base)
    return tuple(seen.values())


def discover(search: tuple[Path, ...]) -> list[Challenge]:
    """Every challenge under the search roots, sorted by id; an id found twice is an error."""
    found: dict[str, Challenge] = {}
    for folder in challenge_folders(search):
        challenge = load_challenge(folder)
        if challenge.id in found:
            raise _duplicate(challenge.id, [found[challenge.id].root, folder])
        found[challenge.id] = challenge
    return sorted(found.values(), key=lambda c: c.id)


def _duplicate(challenge_id: str, folders: list[Path]) -> ChallengeError:
    return ChallengeError(
        f"challenge id {challenge_id!r} is in more than one folder: "
        + ", ".join(str(f) for f in folders),
        hint="ids must be unique across GRADER_CHALLENGES_DIR and GRADER_CHALLENGE_PATHS: "
        "rename one folder and its id",
    )


@dataclass(frozen=True, slots=True)
class BrokenChallenge:
    """A challenge folder that does not load, and why."""

    path: Path
    problem: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Survey:
    challenges: tuple[Challenge, ...]
    broken: tuple[BrokenChallenge, ...]


def survey(search: tuple[Path, ...]) -> Survey:
    """Like :func:`discover`, but a folder that does not load is listed, not raised.

    For listings (``grader challenges list``, ``grader doctor``): one broken challenge must
    not hide the others. The second folder holding an id already seen is broken too.
    """
    found: dict[str, Challenge] = {}
    broken: list[BrokenChallenge] = []
    for folder in challenge_folders(search):
        try:
            challenge = load_challenge(folder)
        except ChallengeError as exc:
            broken.append(BrokenChallenge(folder, exc.message, exc.hint))
            continue
        except (OSError, ValueError) as exc:  # unreadable, not UTF-8
            broken.append(BrokenChallenge(folder, f"cannot read challenge.toml: {exc}"))
            continue
        if challenge.id in found:
            error = _duplicate(challenge.id, [found[challenge.id].root, folder])
            broken.append(BrokenChallenge(folder, error.message, error.hint))
            continue
        found[challenge.id] = challenge
    return Survey(tuple(sorted(found.values(), key=lambda c: c.id)), tuple(broken))
