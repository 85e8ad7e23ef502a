"""The host-side wheel cache: each wheel stored once, requirement sets mapped to what they
resolved to, evicted by size.

Layout under ``root`` (``GRADER_HOME/wheels``):

- ``store/<wheel file name>``: one copy of every wheel any run needed. A wheel's file name
  names one artifact (a package index never serves two files under one name), so
  ``numpy>=1.0.0`` and ``numpy>=1.0.1`` share the one numpy wheel they resolve to.
- ``sets/<key>.json``: the wheel names a requirement set (``cache_key``) resolved to. A set
  whose wheels are all in the store is a hit, served without any network.

A wheel's modification time is touched on every use; after a download the least recently
used wheels are deleted until the store fits ``GRADER_WHEEL_CACHE_MB``, never one used in the
last hour (a run may be about to copy it into its sandbox). A set that lost a wheel is a miss.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from grader.errors import InfrastructureError
from grader.models import DEFAULT_PYTHON
from grader.prepare.wheels import Download, Downloader, cache_key

log = logging.getLogger(__name__)

EVICT_GRACE_SECONDS = 3600
OUT_OF_TIME = "not fetched: the time for preparing dependencies ran out"


class WheelCache:
    """Wheels per requirement set under ``root``; downloads only on a miss, when allowed."""

    def __init__(
        self,
        root: Path,
        downloader: Downloader,
        *,
        allow_download: bool,
        budget_bytes: int,
        python: str = DEFAULT_PYTHON,
    ) -> None:
        self.root = root
        self.store = root / "store"
        self.sets = root / "sets"
        self._downloader = downloader
        self._allow_download = allow_download
        self._budget = budget_bytes
        self._python = python  # the downloader already downloads for it

    def fetch(self, requirements: Sequence[str], *, timeout: float) -> Download:
        """The wheels for ``requirements``; a download may take at most ``timeout`` seconds."""
        key = cache_key(requirements, self._python)
        wheels = self._lookup(key)
        if wheels is not None:
            log.debug("wheel cache hit %s", key[:12])
            return Download(wheels=wheels)
        if not self._allow_download:
            return Download(
                error="downloads disabled (GRADER_ALLOW_DEPENDENCY_DOWNLOAD) and not in the cache"
            )
        if timeout <= 0:
            return Download(error=OUT_OF_TIME)
        log.info("downloading wheels for %d requirement(s) (set %s)", len(requirements), key[:12])
        try:
            return self._download(sorted(set(requirements)), key, timeout)
        except OSError as error:
            raise InfrastructureError(
                f"wheel cache {self.root} is not usable: {error}",
                hint="make GRADER_HOME writable and check free disk space",
            ) from error

    def _lookup(self, key: str) -> tuple[Path, ...] | None:
        try:
            names = json.loads((self.sets / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        wheels = tuple(sorted(self.store / str(name) for name in names))
        try:
            for wheel in wheels:
                os.utime(wheel)  # recently used: the last to be evicted
        except FileNotFoundError:
            return None  # evicted since: download again
        return wheels

    def _download(self, requirements: list[str], key: str, timeout: float) -> Download:
        self.store.mkdir(parents=True, exist_ok=True)
        self.sets.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=self.root))
        try:
            result = self._downloader(requirements, scratch, timeout=timeout)
            if not result.ok:
                return result
            names = [self._keep(wheel) for wheel in sorted(scratch.glob("*.whl"))]
            _write_atomically(self.sets / f"{key}.json", json.dumps(names), scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        self.evict(keep=names)
        return Download(wheels=tuple(sorted(self.store / name for name in names)))

    def _keep(self, wheel: Path) -> str:
        target = self.store / wheel.name
        if target.is_file():
            os.utime(target)
        else:
            wheel.replace(target)  # atomic: a concurrent worker sees all of it or nothing
        return wheel.name

    def evict(self, *, keep: Iterable[str] = (), now: float | None = None) -> int:
        """Delete least recently used wheels until the store fits the budget; bytes freed."""
        now = time.time() if now is None else now
        kept = set(keep)
        wheels = [(path, path.stat()) for path in self.store.glob("*.whl")]
        total = sum(stat.st_size for _, stat in wheels)
        freed = 0
        for path, stat in sorted(wheels, key=lambda item: item[1].st_mtime):
            if total - freed <= self._budget:
                break
            if path.name in kept or now - stat.st_mtime < EVICT_GRACE_SECONDS:
                continue
            path.unlink(missing_ok=True)
            freed += stat.st_size
        if freed:
            log.info("wheel cache: evicted %d MB to stay under its budget", freed // 2**20)
        return freed


def _write_atomically(path: Path, text: str, scratch: Path) -> None:
    temporary = scratch / f".{path.name}"
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
