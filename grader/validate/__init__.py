"""``grader challenges validate``: prove a challenge before candidates see it.

Every folder is graded through the real pipeline (see ``loopback.py``): the reference must
score 100, the starter at most ``STARTER_CEILING``, each sample must land in its band from
``samples/bands.toml`` (a ``cheating*`` sample must be flagged, or scored within its band),
each ``variant-*`` sample (an independent correct design) must score at least 95, three
runs of the reference must agree test by test, and each mutant of the reference must lose
points. The reference's first run is reused as the first repeat; the rest run in parallel.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from grader.challenge import Challenge
from grader.errors import ChallengeError, GraderError
from grader.models import GradeReport
from grader.pipeline import grading_sandbox
from grader.settings import Settings
from grader.validate.checks import (
    STARTER_CEILING,
    Check,
    check_mutant,
    check_reference,
    check_repeats,
    check_sample,
    check_sample_data,
    check_samples_present,
    check_starter,
    check_variant,
    is_variant,
    load_bands,
    variant_design,
    with_sample_data,
)
from grader.validate.loopback import loopback_grader, write_manifest
from grader.validate.mutants import Mutant, plan_mutants

__all__ = [
    "DEFAULT_JOBS",
    "DEFAULT_MUTANTS",
    "STARTER_CEILING",
    "Check",
    "Validation",
    "run_checks",
    "validate",
    "write_manifest",
]

DEFAULT_MUTANTS = 5
DEFAULT_JOBS = 2
REPEATS = 3
MUTANT_MIN_WALL_SECONDS = 30  # a mutant that loops forever is stopped after this, or 3x the
MUTANT_WALL_FACTOR = 3  # reference's own sandbox time, whichever is longer

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


class FolderGrader(Protocol):
    """Grades one folder as a submission. Real: ``LoopbackGrader``; fakes in unit tests."""

    def __call__(
        self, folder: Path, *, wall_seconds: int | None = None, python: str | None = None
    ) -> GradeReport: ...


@dataclass(frozen=True, slots=True)
class Validation:
    challenge: str
    checks: tuple[Check, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def validate(
    challenge: Challenge,
    settings: Settings,
    *,
    mutants: int = DEFAULT_MUTANTS,
    jobs: int = DEFAULT_JOBS,
    progress: Progress = _quiet,
) -> Validation:
    """Build the challenge's images if needed, grade every folder, and check the results."""
    started = time.perf_counter()
    sandbox = grading_sandbox(settings, progress)
    try:
        for python in challenge.spec.runtime.pythons:  # before parallel runs race to build
            sandbox.image_for(challenge, python)
        with loopback_grader(challenge, settings) as grader:
            checks = run_checks(challenge, grader, mutants=mutants, jobs=jobs, progress=progress)
    except GraderError as exc:  # a broken challenge fails its own validation, not the others'
        detail = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
        checks = (Check("challenge loads, builds and runs", False, detail),)
    finally:
        sandbox.close()
    return Validation(challenge.id, checks, round(time.perf_counter() - started, 1))


def run_checks(
    challenge: Challenge,
    grader: FolderGrader,
    *,
    mutants: int = DEFAULT_MUTANTS,
    jobs: int = DEFAULT_JOBS,
    progress: Progress = _quiet,
) -> tuple[Check, ...]:
    """Grade reference, starter, samples and mutants with ``grader``; every check, in order."""
    root = challenge.root
    for folder in ("reference", "starter", "samples"):
        if not (root / folder).is_dir():
            raise ChallengeError(f"challenge {challenge.id} has no {folder}/ folder")
    bands = load_bands(root / "samples")
    samples = sorted(p.name for p in (root / "samples").iterdir() if p.is_dir())
    planned = plan_mutants(root / "reference", mutants)
    reference = grader(root / "reference")
    progress(f"reference: {_summary(reference)}")
    on_other_pythons = tuple(
        _on_python(check_reference(grader(root / "reference", python=python)), python)
        for python in challenge.spec.runtime.pythons[1:]  # the first is the default: above
    )
    wall = max(
        MUTANT_MIN_WALL_SECONDS,
        math.ceil(MUTANT_WALL_FACTOR * reference.timings.get("sandbox", 10.0)),
    )
    with tempfile.TemporaryDirectory(prefix="grader-mutants-") as tmp:
        work: dict[str, tuple[Path, int | None]] = {
            **{f"repeat {n}": (root / "reference", None) for n in range(2, REPEATS + 1)},
            "starter": (root / "starter", None),
            "sample data": (with_sample_data(root / "reference", Path(tmp) / "data"), None),
            **{f"sample {name}": (root / "samples" / name, None) for name in samples},
            **{
                f"mutant {i}: {m.name}": (
                    _materialise(m, root / "reference", Path(tmp) / f"m{i}"),
                    wall,
                )
                for i, m in enumerate(planned, 1)
            },
        }
        reports = _grade_all(grader, work, jobs, progress)
    return (
        check_reference(reference),
        *on_other_pythons,
        check_repeats([reference, *(reports[f"repeat {n}"] for n in range(2, REPEATS + 1))]),
        check_starter(reports["starter"]),
        check_samples_present(samples, bands),
        check_sample_data(reports["sample data"]),
        *(
            check_sample(name, reports[f"sample {name}"], bands.get(name))
            for name in samples
            if not is_variant(name)
        ),
        *(
            check_variant(name, reports[f"sample {name}"], variant_design(root / "samples" / name))
            for name in samples
            if is_variant(name)
        ),
        *(check_mutant(m, reports[f"mutant {i}: {m.name}"]) for i, m in enumerate(planned, 1)),
    )


def _grade_all(
    grader: FolderGrader,
    work: dict[str, tuple[Path, int | None]],
    jobs: int,
    progress: Progress,
) -> dict[str, GradeReport]:
    def one(label: str) -> tuple[str, GradeReport]:
        folder, wall = work[label]
        report = grader(folder, wall_seconds=wall)
        progress(f"{label}: {_summary(report)}")
        return label, report

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(pool.map(one, list(work)))


def _on_python(check: Check, python: str) -> Check:
    return dataclasses.replace(check, name=f"{check.name} on Python {python}")


def _materialise(mutant: Mutant, reference: Path, dest: Path) -> Path:
    """A copy of the reference with the mutant applied (only regular files are copied)."""
    for path in sorted(reference.rglob("*")):
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
            target = dest / path.relative_to(reference)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
            target.chmod(path.stat().st_mode & 0o777)
    mutated = dest / mutant.file
    mutated.write_bytes(mutant.apply(mutated.read_bytes()))
    return dest


def _summary(report: GradeReport) -> str:
    score = "-" if report.score is None else f"{report.score:g}"
    return f"{report.outcome.value} {score}"
