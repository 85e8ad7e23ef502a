"""The wheel cache keyed by what requirements resolve to, evicted by size; preparation bounded
in time; allowlists that bound transitive packages and extras too."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

import grader.prepare as prepare_module
from grader.challenge import CandidateSpec, CategorySpec, Challenge, ChallengeSpec
from grader.prepare import Download, prepare
from grader.prepare.cache import EVICT_GRACE_SECONDS, OUT_OF_TIME, WheelCache
from grader.settings import Settings

MB = 2**20


class Resolver:
    """Resolves every ``name<anything>`` to the one wheel ``name-1.0``, plus what it pulls in."""

    def __init__(
        self,
        *,
        pulls: dict[str, list[str]] | None = None,
        broken: Sequence[str] = (),
        size: int = 10,
        clock: list[float] | None = None,
        seconds: float = 0,
    ) -> None:
        self.calls: list[tuple[list[str], float]] = []
        self.pulls = pulls or {}
        self.broken = set(broken)
        self.size = size
        self.clock = clock
        self.seconds = seconds

    def __call__(self, requirements: Sequence[str], dest: Path, *, timeout: float) -> Download:
        self.calls.append((list(requirements), timeout))
        if self.clock is not None:
            self.clock[0] += self.seconds
        names = [
            req.split("[")[0].split("=")[0].split(">")[0].split("<")[0] for req in requirements
        ]
        if self.broken & set(names):
            return Download(error=f"No matching distribution found for {sorted(self.broken)[0]}")
        for name in names + [p for n in names for p in self.pulls.get(n, [])]:
            (dest / f"{name}-1.0-py3-none-any.whl").write_bytes(b"w" * self.size)
        return Download()


def _challenge(policy: str = "declared", allowed: tuple[str, ...] = ()) -> Challenge:
    spec = ChallengeSpec(
        id="backend/todo-api",
        version="1",
        title="Todo API",
        specialty="backend",
        candidate=CandidateSpec(kind="cli", dependencies=policy, allowed=allowed),  # type: ignore[arg-type]
        categories=(CategorySpec(name="core", weight=1.0),),
    )
    return Challenge(spec=spec, root=Path("/nonexistent"))


def _prepare(tmp_path: Path, text: str, resolver: Resolver, **settings: object):  # type: ignore[no-untyped-def]
    return prepare(
        {"requirements.txt": text.encode()},
        _challenge(*settings.pop("policy", ())),  # type: ignore[arg-type]
        Settings(home=tmp_path, **settings),  # type: ignore[arg-type]
        downloader=resolver,
    )


def test_requirement_texts_that_resolve_alike_share_one_stored_wheel(tmp_path: Path) -> None:
    resolver = Resolver()
    for spec in ("numpy>=1.0.0", "numpy>=1.0.1", "numpy>=1.0.2"):
        prepared = _prepare(tmp_path, spec + "\n", resolver)
        assert [Path(w).name for w in prepared.wheels] == ["numpy-1.0-py3-none-any.whl"]
    store = tmp_path / "wheels" / "store"
    assert [p.name for p in store.iterdir()] == ["numpy-1.0-py3-none-any.whl"]
    assert len(list((tmp_path / "wheels" / "sets").iterdir())) == 3


def test_least_recently_used_wheels_are_evicted_to_fit_the_budget(tmp_path: Path) -> None:
    cache = WheelCache(tmp_path, Resolver(size=MB), allow_download=True, budget_bytes=2 * MB)
    for name in ("a", "b", "c"):
        assert cache.fetch([name], timeout=60).ok
    old = os.stat(cache.store / "b-1.0-py3-none-any.whl").st_mtime - 2 * EVICT_GRACE_SECONDS
    for name in ("a", "b"):
        os.utime(cache.store / f"{name}-1.0-py3-none-any.whl", (old, old))
    os.utime(cache.store / "a-1.0-py3-none-any.whl", (old + 1, old + 1))  # a used after b
    assert cache.evict() == MB
    assert sorted(p.name[0] for p in cache.store.iterdir()) == ["a", "c"]
    assert cache.fetch(["b"], timeout=60).ok  # a set that lost its wheel downloads it again


def test_wheels_used_within_the_grace_period_are_never_evicted(tmp_path: Path) -> None:
    cache = WheelCache(tmp_path, Resolver(size=MB), allow_download=True, budget_bytes=MB)
    for name in ("a", "b", "c"):
        assert cache.fetch([name], timeout=60).ok
    assert cache.evict() == 0
    assert len(list(cache.store.iterdir())) == 3


def test_preparation_stops_when_its_time_budget_is_spent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(prepare_module.time, "monotonic", lambda: clock[0])
    resolver = Resolver(broken=["bad"], clock=clock, seconds=400)
    names = ["a", "b", "bad", "c", "d", "e"]
    prepared = _prepare(tmp_path, "\n".join(names) + "\n", resolver, prepare_seconds=900)
    timeouts = [timeout for _, timeout in resolver.calls]
    assert len(resolver.calls) == 3  # the whole set, then "a" and "b" alone: 1,200 s in all
    assert timeouts == [900, 500, 100]
    details = {d.requirement: d.detail for d in prepared.dependencies}
    assert details["e"] == OUT_OF_TIME and details["bad"] == OUT_OF_TIME
    assert prepared.wheels == ()


def test_an_allowlist_bounds_transitive_packages_and_extras(tmp_path: Path) -> None:
    resolver = Resolver(pulls={"requests": ["urllib3", "idna"], "httpx": ["socksio"]})
    prepared = _prepare(
        tmp_path,
        "requests\nhttpx[socks]\n",
        resolver,
        policy=("allowlist", ("requests", "httpx", "idna")),
    )
    assert sorted(Path(w).name.split("-")[0] for w in prepared.wheels) == [
        "httpx",
        "idna",
        "requests",
    ]
    refused = {d.requirement: d.detail for d in prepared.dependencies if d.status == "refused"}
    assert set(refused) == {"urllib3-1.0-py3-none-any.whl", "socksio-1.0-py3-none-any.whl"}
    assert all("not on the allowlist" in detail for detail in refused.values())
