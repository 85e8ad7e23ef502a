"""Prepare: the candidate's declared dependencies as binary wheels from a host-side cache.

Nothing here runs inside the sandbox: the wheels are downloaded on the host (never by
candidate code, never with network in the container) and installed by the judge from
``/judge/wheels`` with ``pip install --no-index --no-deps`` before candidate code starts.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

from grader.challenge import Challenge
from grader.models import Dependency, DependencyStatus, Prepared
from grader.prepare.declared import Entry, Wanted, find_declared
from grader.prepare.policy import apply_policy
from grader.prepare.wheels import Download, Downloader, WheelCache, pip_download
from grader.settings import Settings

__all__ = ["Download", "Downloader", "pip_download", "prepare"]

log = logging.getLogger(__name__)

MAX_WHEEL_BYTES = 500 * 1024 * 1024


def prepare(
    files: Mapping[str, bytes],
    challenge: Challenge,
    settings: Settings,
    *,
    downloader: Downloader = pip_download,
) -> Prepared:
    """Find, vet and fetch the candidate's dependencies; say what became of each one."""
    declared = find_declared(files)
    entries = apply_policy(declared.entries, challenge.spec.candidate)
    wanted = [entry for entry in entries if isinstance(entry, Wanted)]
    cache = WheelCache(
        settings.wheel_cache, downloader, allow_download=settings.allow_dependency_download
    )
    wheels, failed = _fetch(cache, sorted({w.pip_spec for w in wanted}))
    records = tuple(_record(entry, wheels, failed) for entry in entries)
    return Prepared(
        wheels=tuple(sorted(str(path) for path in wheels)),
        dependencies=records,
        source=declared.source,
    )


def _fetch(cache: WheelCache, specs: list[str]) -> tuple[tuple[Path, ...], dict[str, str]]:
    """The wheels for ``specs``, and why each requirement that could not be had failed."""
    if not specs:
        return (), {}
    result = cache.fetch(specs)
    if result.unreachable:
        log.warning("package index unreachable: %d requirement(s) not installed", len(specs))
    if result.ok or result.unreachable or len(specs) == 1:
        return _capped(result, specs)
    # One bad requirement fails the whole set: find the culprits, then fetch the rest together.
    failed = {spec: single.error for spec in specs if not (single := cache.fetch([spec])).ok}
    good = [spec for spec in specs if spec not in failed]
    if not good:
        return (), failed
    wheels, more = _capped(cache.fetch(good), good)
    return wheels, failed | more


def _capped(result: Download, specs: Sequence[str]) -> tuple[tuple[Path, ...], dict[str, str]]:
    if not result.ok:
        return (), dict.fromkeys(specs, result.error)
    total = sum(path.stat().st_size for path in result.wheels)
    if total > MAX_WHEEL_BYTES:
        detail = (
            f"the wheels total {total // 2**20} MB, over the {MAX_WHEEL_BYTES // 2**20} MB limit"
        )
        return (), dict.fromkeys(specs, detail)
    return result.wheels, {}


def _record(entry: Entry, wheels: tuple[Path, ...], failed: dict[str, str]) -> Dependency:
    if not isinstance(entry, Wanted):
        return entry
    if entry.pip_spec in failed:
        return Dependency(entry.text, DependencyStatus.FAILED, failed[entry.pip_spec])
    own = [path.name for path in wheels if _project(path) == entry.name]
    return Dependency(entry.text, DependencyStatus.INSTALLED, ", ".join(own))


def _project(wheel: Path) -> str:
    try:
        return str(canonicalize_name(parse_wheel_filename(wheel.name)[0]))
    except ValueError:  # a file pip saved under an unusual name: not this requirement's
        return ""
