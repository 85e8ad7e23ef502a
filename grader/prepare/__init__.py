"""Prepare: the candidate's declared dependencies as binary wheels from a host-side cache.

Nothing here runs inside the sandbox: the wheels are downloaded on the host (never by
candidate code, never with network in the container) and installed by the judge from
``/judge/wheels`` with ``pip install --no-index --no-deps`` before candidate code starts.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from grader.challenge import Challenge
from grader.models import DEFAULT_PYTHON, Dependency, DependencyStatus, Prepared
from grader.prepare.cache import OUT_OF_TIME, WheelCache
from grader.prepare.declared import Entry, Wanted, find_declared
from grader.prepare.policy import apply_policy, outside_allowlist, project_of
from grader.prepare.python import choose_python
from grader.prepare.wheels import Download, Downloader, pip_download
from grader.settings import Settings

__all__ = ["Download", "Downloader", "choose_python", "pip_download", "prepare"]

log = logging.getLogger(__name__)

MAX_WHEEL_BYTES = 500 * 1024 * 1024


def prepare(
    files: Mapping[str, bytes],
    challenge: Challenge,
    settings: Settings,
    *,
    python: str = DEFAULT_PYTHON,
    downloader: Downloader | None = None,
) -> Prepared:
    """Find, vet and fetch the candidate's dependencies for ``python``; say what became of
    each one."""
    declared = find_declared(files, python=python)
    entries = apply_policy(declared.entries, challenge.spec.candidate)
    wanted = [entry for entry in entries if isinstance(entry, Wanted)]
    cache = WheelCache(
        settings.wheel_cache,
        downloader or functools.partial(pip_download, python=python),
        allow_download=settings.allow_dependency_download,
        budget_bytes=settings.wheel_cache_mb * 2**20,
        python=python,
    )
    deadline = time.monotonic() + settings.prepare_seconds
    wheels, failed = _fetch(cache, sorted({w.pip_spec for w in wanted}), deadline)
    wheels, pulled = outside_allowlist(wheels, challenge.spec.candidate)
    records = tuple(_record(entry, wheels, failed) for entry in entries) + pulled
    return Prepared(
        wheels=tuple(sorted(str(path) for path in wheels)),
        dependencies=records,
        source=declared.source,
    )


def _fetch(
    cache: WheelCache, specs: list[str], deadline: float
) -> tuple[tuple[Path, ...], dict[str, str]]:
    """The wheels for ``specs``, and why each requirement that could not be had failed.

    Every download shares one deadline (``GRADER_PREPARE_SECONDS``): what is left when it
    passes fails with :data:`OUT_OF_TIME`, so preparing never outlasts its budget.
    """
    if not specs:
        return (), {}
    result = cache.fetch(specs, timeout=deadline - time.monotonic())
    if result.unreachable:
        log.warning("package index unreachable: %d requirement(s) not installed", len(specs))
    if result.ok or result.unreachable or len(specs) == 1 or result.error == OUT_OF_TIME:
        return _capped(result, specs)
    # One bad requirement fails the whole set: find the culprits, then fetch the rest together.
    failed: dict[str, str] = {}
    for spec in specs:
        single = cache.fetch([spec], timeout=deadline - time.monotonic())
        if not single.ok:
            failed[spec] = single.error
    good = [spec for spec in specs if spec not in failed]
    if not good:
        return (), failed
    wheels, more = _capped(cache.fetch(good, timeout=deadline - time.monotonic()), good)
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
    own = [path.name for path in wheels if project_of(path) == entry.name]
    return Dependency(entry.text, DependencyStatus.INSTALLED, ", ".join(own))
