"""Runner bases and challenge images per Python: tags by recipe, wheels stamped per version."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.challenge import load_challenge
from grader.prepare import Download
from grader.sandbox.docker.images import (
    STAMP_PYTHON,
    WHEELS_DIR,
    _fetch_image_wheels,
    base_tag,
    challenge_tag,
)
from grader.settings import get_settings
from grader.testing import write_challenge


def test_each_python_has_its_own_base_and_the_default_keeps_its_tag() -> None:
    settings = get_settings().model_copy(update={"runner_base_image": ""})
    assert base_tag(settings).startswith("grader-runner-base:bookworm-")
    assert base_tag(settings, "3.11") == base_tag(settings)
    assert base_tag(settings, "3.13").startswith("grader-runner-base:trixie-")
    configured = settings.model_copy(update={"runner_base_image": "python:3.11-slim"})
    assert base_tag(configured, "3.11") == "python:3.11-slim"
    assert base_tag(configured, "3.13") == base_tag(settings, "3.13")  # only replaces 3.11


def test_a_challenge_image_is_tagged_per_python(tmp_path: Path) -> None:
    challenge = write_challenge(tmp_path / "c", categories={"core": 1}, manifest=["t::a"])
    settings = get_settings()
    assert challenge_tag(challenge, settings, "3.13") == base_tag(settings, "3.13")  # no Dockerfile
    (challenge.root / "image").mkdir()
    (challenge.root / "image" / "Dockerfile").write_text("ARG RUNNER_BASE\nFROM $RUNNER_BASE\n")
    toml = challenge.root / "challenge.toml"
    toml.write_text(toml.read_text() + '\n[runtime]\ndockerfile = "image/Dockerfile"\n')
    imaged = load_challenge(challenge.root)
    tags = {challenge_tag(imaged, settings, python) for python in ("3.11", "3.13")}
    assert len(tags) == 2 and all(t.startswith("grader-challenge-backend-sample:") for t in tags)


def _quiet(_message: str) -> None:
    return None


class Recording:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, requirements: Sequence[str], dest: Path, *, python: str) -> Download:
        self.calls.append(python)
        dest.mkdir(parents=True, exist_ok=True)
        (dest / f"six-cp{python.replace('.', '')}.whl").write_bytes(b"")
        return Download()


def test_image_wheels_are_fetched_once_per_python_and_again_when_pins_change(
    tmp_path: Path,
) -> None:
    context = tmp_path / "image"
    context.mkdir()
    (context / "requirements.txt").write_text("six==1.16.0\n")
    downloader = Recording()
    for python in ("3.11", "3.13", "3.11", "3.13"):
        _fetch_image_wheels(context, _quiet, downloader, python)
    assert downloader.calls == ["3.11", "3.13"]
    stamp = (context / WHEELS_DIR / ".requirements").read_text()
    assert stamp == f"six==1.16.0\n{STAMP_PYTHON}3.11 3.13\n"
    assert sorted(p.name for p in (context / WHEELS_DIR).glob("*.whl")) == [
        "six-cp311.whl",
        "six-cp313.whl",
    ]
    (context / "requirements.txt").write_text("six==1.17.0\n")
    _fetch_image_wheels(context, _quiet, downloader, "3.13")
    assert downloader.calls[-1] == "3.13"
    assert [p.name for p in (context / WHEELS_DIR).glob("*.whl")] == ["six-cp313.whl"]


def test_a_stamp_from_before_several_pythons_counts_as_the_default(tmp_path: Path) -> None:
    context = tmp_path / "image"
    (context / WHEELS_DIR).mkdir(parents=True)
    (context / "requirements.txt").write_text("six==1.16.0\n")
    (context / WHEELS_DIR / ".requirements").write_text("six==1.16.0\n")
    downloader = Recording()
    _fetch_image_wheels(context, _quiet, downloader, "3.11")
    assert downloader.calls == []
