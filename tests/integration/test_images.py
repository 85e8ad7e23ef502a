"""Challenge images: built FROM the runner base, offline, from pinned wheels; rebuilt on change."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from grader.challenge import load_challenge
from grader.prepare import pip_download
from grader.sandbox.docker.images import challenge_tag, ensure_challenge_image, image_exists
from grader.settings import get_settings

pytestmark = pytest.mark.docker

DOCKERFILE = """\
ARG RUNNER_BASE
FROM ${RUNNER_BASE}
COPY wheels/ /tmp/wheels/
COPY requirements.txt /tmp/requirements.txt
RUN python3 -m pip install --break-system-packages --no-index --no-cache-dir \\
    --find-links /tmp/wheels -r /tmp/requirements.txt && rm -rf /tmp/wheels
"""

TOML = """\
id = "fixture/imaged"
version = "1"
title = "Image fixture"
specialty = "devops"
[runtime]
dockerfile = "image/Dockerfile"
[candidate]
kind = "functions"
[[categories]]
name = "core"
weight = 1
"""


def test_challenge_image_installs_pinned_wheels_offline_and_is_reused(
    tmp_path: Path, docker_client: docker.DockerClient, base_image: str
) -> None:
    root = tmp_path / "fixture" / "imaged"
    (root / "tests").mkdir(parents=True)
    (root / "image").mkdir()
    (root / "challenge.toml").write_text(TOML)
    (root / "image" / "Dockerfile").write_text(DOCKERFILE)
    (root / "image" / "requirements.txt").write_text("six==1.16.0\n")
    challenge = load_challenge(root)
    settings = get_settings()
    tag = ensure_challenge_image(docker_client, challenge, settings, downloader=pip_download)
    try:
        assert tag != base_image and image_exists(docker_client, tag)
        output = docker_client.containers.run(
            tag,
            ["python3", "-c", "import six; print(six.__version__)"],
            remove=True,
            network_mode="none",
        )
        assert output.decode().strip() == "1.16.0"
        image_id = docker_client.images.get(tag).id
        assert ensure_challenge_image(docker_client, challenge, settings) == tag
        assert docker_client.images.get(tag).id == image_id  # unchanged inputs: no rebuild
        (root / "image" / "requirements.txt").write_text("six==1.15.0\n")
        assert challenge_tag(challenge, settings) != tag  # changed inputs: a new image
    finally:
        docker_client.images.remove(tag, force=True)
