"""Hostile runs cost little: task-tracker through the real pipeline, real git and real Docker.

A fork bomb on every command is cut short after a few tests, each recorded as a resource
limit with a message that says why; an honest program that is slow on one test keeps every
other test. Assertions count tests run and cut short; timings belong in ``benchmarks/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from grader.challenge import load_challenge
from grader.models import GradeReport, Outcome, TestStatus
from grader.settings import PROJECT_ROOT, get_settings
from grader.validate.loopback import LoopbackGrader, loopback_grader
from tests.integration.hostile import BOMB, SLOW, variant

pytestmark = pytest.mark.docker

CHALLENGE = PROJECT_ROOT / "challenges" / "devops" / "task-tracker"
SAMPLE = CHALLENGE / "samples" / "strong"
CUT_SHORT = "not run: the run was cut short"


@pytest.fixture(scope="module")
def grader(docker_client: docker.DockerClient, base_image: str) -> Iterator[LoopbackGrader]:
    with loopback_grader(load_challenge(CHALLENGE), get_settings()) as loopback:
        yield loopback


def _cut_short(report: GradeReport) -> list[str]:
    return [t.id for t in report.tests if t.message.startswith(CUT_SHORT)]


def test_a_fork_bomb_is_cut_short_as_a_resource_limit(
    grader: LoopbackGrader, tmp_path: Path
) -> None:
    report = grader(variant(SAMPLE, tmp_path / "forkbomb", BOMB))
    assert report.outcome is Outcome.GRADED, report.reason
    assert {t.status for t in report.tests} == {TestStatus.RESOURCE_LIMIT}
    ran = [t for t in report.tests if not t.message.startswith(CUT_SHORT)]
    assert len(ran) == 3, [(t.id, t.message[:200]) for t in report.tests]
    assert all("process limit" in t.message for t in ran)
    assert len(_cut_short(report)) == len(report.tests) - 3 > 10
    assert report.score == 0


def test_an_honest_program_slow_on_one_test_keeps_every_other_test(
    grader: LoopbackGrader, tmp_path: Path
) -> None:
    report = grader(variant(SAMPLE, tmp_path / "slow", SLOW))
    assert report.outcome is Outcome.GRADED, report.reason
    slow = [t for t in report.tests if t.status is not TestStatus.PASSED]
    assert [t.status for t in slow] == [TestStatus.TIMEOUT], [(t.id, t.message) for t in slow]
    assert _cut_short(report) == []
