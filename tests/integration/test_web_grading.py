"""A candidate submits through the web app and a real worker grades it in the real sandbox:
the candidate's page ends with feedback cut to the policy, the recruiter's with the report."""

from __future__ import annotations

import re
from pathlib import Path

import docker
import pytest

from grader.gitserve import GitServer, make_bare_repo
from grader.queue import run_attempt
from grader.settings import PROJECT_ROOT, get_settings
from grader.store import open_store
from tests.web_support import WebClient, build_world, csrf_of, sign_in

pytestmark = [
    pytest.mark.docker,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning"),
]
SAMPLE = PROJECT_ROOT / "challenges" / "devops" / "task-tracker" / "samples" / "strong"


def test_a_web_submission_is_graded_for_real_and_shown_to_both_sides(
    docker_client: docker.DockerClient,
    base_image: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with GitServer(tmp_path) as git:
        make_bare_repo(SAMPLE, tmp_path, "strong")
        monkeypatch.setenv("GRADER_REPO_ALLOWLIST", f"{git.base_url}/")
        get_settings.cache_clear()
        world = build_world()
        with WebClient() as candidate:
            answer = candidate.post(
                f"/i/{world.token}/submit",
                data={"repo_url": git.url_for("strong"), "csrf_token": csrf_of(candidate)},
            )
            assert answer.status_code == 303, answer.text
            submission = answer.headers["location"].rsplit("/", 1)[1]
            with open_store(world.db_url) as store:  # the worker: the only one to touch Docker
                done = run_attempt(submission, get_settings(), store)
            assert done.state == "done" and done.outcome == "graded", done
            page = candidate.get(answer.headers["location"]).text
        assert "Your feedback" in page and re.search(r"\d+\.\d<small> / 100", page)
        assert "test_" not in page  # summary policy: no hidden test names
        with WebClient() as recruiter:
            sign_in(recruiter, world.emails["recruiter"])
            report = recruiter.get(f"/team/submissions/{submission}").text
        assert "Cleo Candidate" in report and "grade report" in report
