"""Prepare with the real ``pip download`` against the package index, into a temporary cache."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

from grader.challenge import CandidateSpec, CategorySpec, Challenge, ChallengeSpec
from grader.models import Dependency, Prepared
from grader.prepare import Download, pip_download, prepare
from grader.settings import Settings
from tests.conftest import need


class CountingDownloader:
    """The real downloader, counting how often it is asked."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, requirements: Sequence[str], dest: Path, *, timeout: float) -> Download:
        self.calls += 1
        return pip_download(requirements, dest, timeout=timeout)


def _challenge() -> Challenge:
    spec = ChallengeSpec(
        id="backend/todo-api",
        version="1",
        title="Todo API",
        specialty="backend",
        candidate=CandidateSpec(kind="cli"),
        categories=(CategorySpec(name="core", weight=1.0),),
    )
    return Challenge(spec=spec, root=Path("/nonexistent"))


def _prepare(settings: Settings, requirements: bytes, downloader: CountingDownloader) -> Prepared:
    prepared = prepare(
        {"requirements.txt": requirements}, _challenge(), settings, downloader=downloader
    )
    if any(d.detail == "package index unreachable" for d in prepared.dependencies):
        need("the package index", "pip could not reach it")
    return prepared


def test_a_real_wheel_is_downloaded_once_and_then_served_from_the_cache(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    counting = CountingDownloader()

    first = _prepare(settings, b"six==1.16.0\n", counting)

    assert first.dependencies == (
        Dependency("six==1.16.0", "installed", "six-1.16.0-py2.py3-none-any.whl"),
    )
    (wheel,) = first.wheels
    assert Path(wheel).is_relative_to(settings.wheel_cache)
    with zipfile.ZipFile(wheel) as archive:
        assert "six.py" in archive.namelist()
    assert counting.calls == 1

    second = _prepare(
        settings, b"six == 1.16.0  # same requirement, written differently\n", counting
    )

    assert second.wheels == first.wheels
    assert counting.calls == 1


def test_a_version_that_does_not_exist_fails_with_pips_reason(tmp_path: Path) -> None:
    counting = CountingDownloader()
    prepared = _prepare(Settings(home=tmp_path), b"six==0.0.0.1\n", counting)
    (dep,) = prepared.dependencies
    assert dep.status == "failed"
    assert "six==0.0.0.1" in dep.detail
    assert prepared.wheels == ()
    assert not list(Path(tmp_path / "wheels").glob("sets/*.json"))
