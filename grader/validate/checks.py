"""The checks ``grader challenges validate`` makes, as pure functions of finished reports."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.errors import ChallengeError
from grader.models import GradeReport, Outcome, TestStatus
from grader.validate.mutants import Mutant

STARTER_CEILING = 20.0  # the starter must fail the suite: at most this many points
BANDS_FILE = "bands.toml"
CHEATING_PREFIX = "cheating"
REQUIRED_SAMPLES = ("strong", "partial", "broken")
# A variant is an independent correct design (another framework, UUID ids, a src/ layout ...):
# a candidate who follows the brief that way must score at least VARIANT_FLOOR.
VARIANT_PREFIX = "variant"
VARIANT_FLOOR = 95.0
REQUIRED_VARIANTS = 3

Band = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the validation table."""

    name: str
    ok: bool
    detail: str


def load_bands(samples_dir: Path) -> dict[str, Band]:
    """``samples/bands.toml``: ``name = [low, high]`` per sample, scores out of 100."""
    path = samples_dir / BANDS_FILE
    hint = "write one line per sample, e.g. `strong = [90, 100]`"
    if not path.is_file():
        raise ChallengeError(f"{path} does not exist", hint=hint)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ChallengeError(f"{path} is not valid TOML: {exc}", hint=hint) from exc
    bands: dict[str, Band] = {}
    for name, value in raw.items():
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int | float) and 0 <= v <= 100 for v in value)
            and value[0] <= value[1]
        ):
            raise ChallengeError(f"{path}: {name} = {value!r} is not a band", hint=hint)
        bands[name] = (float(value[0]), float(value[1]))
    return bands


def check_reference(report: GradeReport) -> Check:
    ok = report.outcome is Outcome.GRADED and report.score == 100.0
    return Check("reference scores 100", ok, "100" if ok else _shortfall(report))


def check_starter(report: GradeReport, ceiling: float = STARTER_CEILING) -> Check:
    ok = report.outcome is Outcome.GRADED and report.score is not None and report.score <= ceiling
    detail = _score(report) if report.outcome is Outcome.GRADED else _shortfall(report)
    return Check(f"starter scores at most {ceiling:g}", ok, detail)


def is_variant(name: str) -> bool:
    return name.startswith(VARIANT_PREFIX)


def check_samples_present(names: Sequence[str], bands: Mapping[str, Band]) -> Check:
    """Strong, partial, broken, a cheating sample and three variants; bands for all but variants.

    A variant needs no band (it is held to ``VARIANT_FLOOR``-100); a band that lets a variant
    score less is refused.
    """
    missing = [n for n in REQUIRED_SAMPLES if n not in names]
    if not any(n.startswith(CHEATING_PREFIX) for n in names):
        missing.append(f"{CHEATING_PREFIX}*")
    variants = [n for n in names if is_variant(n)]
    unbanded = [n for n in names if n not in bands and not is_variant(n)]
    orphans = [n for n in bands if n not in names]
    lax = [n for n in variants if n in bands and bands[n][0] < VARIANT_FLOOR]
    problems = [
        f"missing samples/{', samples/'.join(missing)}" if missing else "",
        f"only {len(variants)} {VARIANT_PREFIX}-* samples, at least {REQUIRED_VARIANTS} needed"
        if len(variants) < REQUIRED_VARIANTS
        else "",
        f"no band in {BANDS_FILE} for {', '.join(unbanded)}" if unbanded else "",
        f"{BANDS_FILE} names {', '.join(orphans)}, not in samples/" if orphans else "",
        f"{BANDS_FILE} lets {', '.join(lax)} score below {VARIANT_FLOOR:g}" if lax else "",
    ]
    detail = "; ".join(p for p in problems if p) or ", ".join(names)
    return Check("samples and bands", not any(problems), detail)


def check_variant(name: str, report: GradeReport, design: str) -> Check:
    """A variant, an independent correct design, is graded at ``VARIANT_FLOOR`` or more."""
    ok = report.outcome is Outcome.GRADED and (report.score or 0.0) >= VARIANT_FLOOR
    lost = [t.id for t in report.tests if t.status is not TestStatus.PASSED]
    shown = f"scored {_score(report)}" if ok else _shortfall(report)
    if ok and lost:  # within the floor, yet every lost point is a question for the suite
        shown += f" (lost {', '.join(lost[:3])}{' ...' if len(lost) > 3 else ''})"
    detail = f"{design}: {shown}" if design else shown
    return Check(f"variant {name} scores at least {VARIANT_FLOOR:g}", ok, detail)


def variant_design(folder: Path) -> str:
    """The variant's design in a few words: the first heading of its README, if any."""
    readme = folder / "README.md"
    if not readme.is_file():
        return ""
    for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()[:120]
    return ""


def check_sample(name: str, report: GradeReport, band: Band | None) -> Check:
    """An honest sample is graded within its band; a cheating one is flagged or within it."""
    if band is None:
        return Check(f"sample {name}", False, f"no band in {BANDS_FILE}")
    low, high = band
    within = report.score is not None and low <= report.score <= high
    graded = report.outcome is Outcome.GRADED
    if name.startswith(CHEATING_PREFIX):
        flagged = report.outcome is Outcome.FLAGGED
        ok = flagged or (graded and within)
        detail = f"flagged ({report.reason})" if flagged else _banded(report, band)
        return Check(f"sample {name} is caught", ok, detail)
    detail = _banded(report, band) if graded else _shortfall(report)
    return Check(f"sample {name} in band {low:g}-{high:g}", graded and within, detail)


def with_sample_data(reference: Path, dest: Path) -> Path:
    """A copy of the reference that also commits runtime data, as many real repositories do.

    A sample ``tasks.json``, SQLite files holding rows, and a ``.env``: a grader that runs the
    program where a user would (a fresh folder, clean state) scores this copy like the
    reference; one that starts from the committed files does not.
    """
    shutil.copytree(reference, dest, ignore=shutil.ignore_patterns("__pycache__"))
    stamp = "2024-01-01T00:00:00"
    task = {"id": 1, "description": "Sample", "status": "todo", "createdAt": stamp}
    files = {
        "tasks.json": json.dumps([{**task, "updatedAt": stamp}]),
        ".env": "DEBUG=1\nPORT=9999\nDATABASE_URL=sqlite:///./app.db\n",
    }
    for name, text in files.items():
        if not (dest / name).exists():
            (dest / name).write_text(text, encoding="utf-8")
    for name in ("app.db", "db.sqlite3"):
        with sqlite3.connect(dest / name) as db:
            db.execute("CREATE TABLE IF NOT EXISTS urls (id INTEGER PRIMARY KEY, code TEXT)")
            db.execute("INSERT INTO urls (code) VALUES ('sample1')")
        db.close()
    return dest


def check_sample_data(report: GradeReport) -> Check:
    """The reference with committed data files (``with_sample_data``) still scores 100."""
    ok = report.outcome is Outcome.GRADED and report.score == 100.0
    detail = "100" if ok else _shortfall(report)
    return Check("reference with committed data files scores 100", ok, detail)


def check_repeats(reports: Sequence[GradeReport]) -> Check:
    """The same submission, graded again, gives the same status for every test."""
    name = f"{len(reports)} runs of the reference agree"
    trouble = [r for r in reports if r.outcome is Outcome.NOT_GRADABLE]
    if trouble:
        return Check(name, False, _shortfall(trouble[0]))
    statuses: dict[str, list[str]] = {}
    for report in reports:
        for test in report.tests:
            statuses.setdefault(test.id, []).append(test.status.value)
    flaky = {tid: seen for tid, seen in statuses.items() if len(set(seen)) > 1}
    flaky |= {tid: seen for tid, seen in statuses.items() if len(seen) != len(reports)}
    if not flaky:
        return Check(name, True, f"identical results for {len(statuses)} tests")
    shown = "; ".join(f"{tid} ({', '.join(seen)})" for tid, seen in sorted(flaky.items())[:5])
    more = f" and {len(flaky) - 5} more" if len(flaky) > 5 else ""
    return Check(name, False, f"flaky: {shown}{more}")


def check_mutant(mutant: Mutant, report: GradeReport) -> Check:
    """A mutant of the reference must lose points."""
    name = f"mutant {mutant.name}"
    if report.outcome is Outcome.NOT_GRADABLE or report.score is None:
        return Check(name, False, f"{mutant.describe()}: {_shortfall(report)}")
    if report.score >= 100.0:
        return Check(name, False, f"the suite does not notice {mutant.describe()}")
    lost = [t.id for t in report.tests if t.status is not TestStatus.PASSED]
    tests = f"{len(lost)} test{'s' if len(lost) != 1 else ''}"
    first = f", e.g. {lost[0]}" if lost else ""
    return Check(name, True, f"{mutant.change()}: caught by {tests}{first}")


def _score(report: GradeReport) -> str:
    return "no score" if report.score is None else f"{report.score:g}"


def _banded(report: GradeReport, band: Band) -> str:
    where = (
        "within" if report.score is not None and band[0] <= report.score <= band[1] else "not in"
    )
    return f"scored {_score(report)}, {where} {band[0]:g}-{band[1]:g}"


def _shortfall(report: GradeReport) -> str:
    """Why a run that should have scored 100 did not, in one line."""
    if report.outcome is not Outcome.GRADED:
        return f"{report.outcome.value}: {report.reason}"
    lost = [t for t in report.tests if t.status is not TestStatus.PASSED]
    shown = "; ".join(f"{t.id} {t.status.value}: {t.message[:120]}" for t in lost[:3])
    more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
    return f"scored {_score(report)}: {shown}{more}"
