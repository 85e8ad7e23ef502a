"""`grader demo` (README command 1) grades samples over loopback git and says where reports are."""

from __future__ import annotations

import re
from pathlib import Path

import docker
import pytest
from click.testing import CliRunner

from grader.cli import main

pytestmark = pytest.mark.docker


def test_demo_grades_a_sample_and_prints_a_report_path_that_exists(
    docker_client: docker.DockerClient, base_image: str
) -> None:
    result = CliRunner().invoke(main, ["demo", "--sample", "strong"])
    assert result.exit_code == 0, result.output
    assert re.search(r"strong\s+│\s+graded\s+│\s+100\.0", result.stdout)
    printed = re.search(r"strong: (\S+report\.html)", result.stdout)
    assert printed is not None, result.stdout
    report = Path(printed.group(1))
    assert report.is_file()
    assert "Task Tracker CLI" in report.read_text(encoding="utf-8")
