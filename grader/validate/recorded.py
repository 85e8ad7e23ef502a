"""What ``grader challenges validate`` last found, kept under ``GRADER_HOME`` for the web.

One JSON file per challenge, ``<home>/validations/<specialty>/<slug>.json``: never inside the
challenge folder, so validating leaves the source tree (and CI's checkout) clean.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from grader import __version__
from grader.validate.checks import Check

log = logging.getLogger(__name__)


class CheckVerdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    ok: bool
    detail: str = ""


class ValidationRecord(BaseModel):
    """One challenge's last validation, as written to its JSON file."""

    model_config = ConfigDict(frozen=True)

    challenge: str
    ok: bool
    validated_at: datetime
    grader_version: str
    challenge_version: str
    seconds: float
    checks: tuple[CheckVerdict, ...]


def record_path(validations_dir: Path, challenge_id: str) -> Path:
    return validations_dir / f"{challenge_id}.json"


def save(
    validations_dir: Path,
    challenge_id: str,
    challenge_version: str,
    checks: tuple[Check, ...],
    seconds: float,
) -> Path:
    """Write the record for one validated challenge (atomically: a reader never sees half)."""
    record = ValidationRecord(
        challenge=challenge_id,
        ok=all(c.ok for c in checks),
        validated_at=datetime.now(UTC),
        grader_version=__version__,
        challenge_version=challenge_version,
        seconds=seconds,
        checks=tuple(CheckVerdict(name=c.name, ok=c.ok, detail=c.detail) for c in checks),
    )
    path = record_path(validations_dir, challenge_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".validation-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(record.model_dump_json(indent=2))
    Path(tmp).replace(path)
    log.info("recorded %s validation of %s in %s", record.ok, challenge_id, path)
    return path


def load(validations_dir: Path, challenge_id: str) -> ValidationRecord | None:
    """The last record for ``challenge_id``; None when it was never validated here.

    Raises ``ValueError`` (with the path) when the file exists but cannot be read.
    """
    path = record_path(validations_dir, challenge_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return ValidationRecord.model_validate_json(text)
    except ValidationError as exc:
        raise ValueError(f"{path} is not a validation record ({exc.error_count()} errors)") from exc


def status(record: ValidationRecord | None, current_version: str) -> str:
    """The record in a few words, as the admin catalogue shows it."""
    if record is None:
        return "not validated here: run `grader challenges validate`"
    verdict = "passed" if record.ok else "failed"
    failed = sum(not c.ok for c in record.checks)
    text = f"{verdict} {record.validated_at:%Y-%m-%d %H:%M} UTC"
    if failed:
        text += f" ({failed} of {len(record.checks)} checks failed)"
    text += f", version {record.challenge_version}, grader {record.grader_version}"
    if record.challenge_version != current_version:
        text += f"; now version {current_version}: validate again"
    return text
