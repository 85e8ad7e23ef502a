"""Class D, intake: tree bombs, huge commits, URL typos, private-repo tokens, handed-in files,
deadlines. Through the real pipeline: real git over loopback, real Docker."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from grader.challenge import Challenge
from grader.cli import main
from grader.fetch import store_upload
from grader.gitserve import GitServer, make_bare_repo
from grader.models import Outcome
from grader.pipeline import GradeRequest
from grader.record import grade_here
from grader.settings import PROJECT_ROOT, GitCredential, Settings, get_settings
from grader.store import open_store
from tests.redteam.conftest import Grader, Ledger
from tests.redteam.support import HONEST

pytestmark = pytest.mark.docker

TOKEN = "glpat-RedTeamTokenThatMustNeverShow-42"


def test_a_tree_bomb_is_rejected_after_reading_no_more_than_the_caps(
    grade_repo: Grader, settings: Settings
) -> None:
    quick = settings.model_copy(update={"clone_timeout_seconds": 60})
    report = grade_repo("D19-treebomb", settings_=quick)  # 10^10 files described in ~1 KB
    assert report.outcome is Outcome.REJECTED, report.reason
    assert "more than 5,000 files" in report.reason
    assert ".gitignore" in report.reason  # what the candidate can do about it


def test_a_huge_commit_message_counts_against_the_size_cap(
    grade_repo: Grader, settings: Settings
) -> None:
    capped = settings.model_copy(update={"max_repo_mb": 10})
    report = grade_repo("D20-message", settings_=capped)  # 12 MB of message, ~50 KB packed
    assert report.outcome is Outcome.REJECTED, report.reason
    assert "the commit is 12.0 MB" in report.reason and "short commit message" in report.reason


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("github.com/alice/task-tracker", "https://github.com/alice/task-tracker"),
        ("https:/github.com/alice/task-tracker", "https://github.com/alice/task-tracker"),
        ("https//github.com/alice/task-tracker", "https://github.com/alice/task-tracker"),
    ],
)
def test_a_url_typo_is_refused_before_anything_is_recorded(
    tmp_path: Path, typed: str, meant: str
) -> None:
    home = tmp_path / "home"
    env = {"GRADER_HOME": str(home)}
    graded = CliRunner().invoke(main, ["grade", typed, "-c", "devops/task-tracker"], env=env)
    assert graded.exit_code == 3, graded.output
    assert f"did you mean '{meant}'" in " ".join(graded.output.split())
    assert not home.exists() or list(home.rglob("*")) == []  # no report, no database
    queued = CliRunner().invoke(main, ["submit", typed, "-c", "devops/task-tracker"], env=env)
    assert queued.exit_code == 3, queued.output
    assert f"did you mean '{meant}'" in " ".join(queued.output.split())
    with open_store(f"sqlite:///{home / 'grader.db'}") as store:
        assert store.state_counts() == {}


def test_a_private_repository_token_reaches_git_and_nothing_else(
    repo_root: Path,
    settings: Settings,
    grade_repo: Grader,
    challenge: Challenge,
    ledger: Ledger,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with GitServer(repo_root, auth={"D16-moved": ("oauth2", TOKEN)}) as private:
        host = private.base_url.removeprefix("http://")
        credential = GitCredential(
            token=SecretStr(TOKEN), username="oauth2", account="@acme-hiring"
        )
        allowed = settings.model_copy(
            update={
                "repo_allowlist": (private.base_url + "/",),
                "git_credentials": {host: credential},
            }
        )
        request = GradeRequest(
            url=private.url_for("D16-moved"), challenge=challenge, run_id=ledger.new_run("D22")
        )
        report, finished = grade_here(request, allowed)  # stored and rendered like any run
        refused = grade_repo(
            "D16-moved",
            url=private.url_for("D16-moved"),
            settings_=allowed.model_copy(
                update={"git_credentials": {host: GitCredential(token=SecretStr("nope"))}}
            ),
        )
    assert report.outcome is Outcome.GRADED, report.reason  # the token reached git
    assert refused.outcome is Outcome.REJECTED
    assert "grant read access" in refused.reason
    stored = [path.read_bytes() for path in allowed.home.rglob("*") if path.is_file()]
    assert finished.paths and stored
    assert not any(TOKEN.encode() in data for data in stored)  # database and reports
    printed = caplog.text + "".join(capfd.readouterr()) + repr(report) + str(allowed)
    assert TOKEN not in printed


def test_the_cli_takes_the_token_from_the_environment_and_prints_it_nowhere(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    good = PROJECT_ROOT / "tests/fixtures/challenges/fixture/functions/submissions/good"
    make_bare_repo(good, tmp_path / "git", "good")
    home = tmp_path / "home"
    with GitServer(tmp_path / "git", auth={"good": ("x-access-token", TOKEN)}) as private:
        host = private.base_url.removeprefix("http://")
        env = {
            "GRADER_HOME": str(home),
            "GRADER_REPO_ALLOWLIST": private.base_url + "/",
            "GRADER_ALLOW_DEPENDENCY_DOWNLOAD": "false",
            "GRADER_GIT_CREDENTIALS": json.dumps(
                {host: {"token": TOKEN, "username": "x-access-token"}}
            ),
        }
        args = ["grade", private.url_for("good"), "-c", "fixture/functions"]
        args += ["--challenges-dir", str(PROJECT_ROOT / "tests/fixtures/challenges"), "--json"]
        result = CliRunner().invoke(main, args, env=env)
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcome"] == "graded"
    assert TOKEN not in result.output + "".join(capfd.readouterr())
    stored = [path.read_bytes() for path in home.rglob("*") if path.is_file()]
    assert len(stored) > 3 and not any(TOKEN.encode() in data for data in stored)


def _zip(members: dict[str, bytes], links: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in links.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def test_handed_in_zips_and_bundles_are_graded_and_hostile_ones_refused(
    grade_repo: Grader, settings: Settings, repo_root: Path, tmp_path: Path
) -> None:
    honest = {f"task/{p.name}": p.read_bytes() for p in HONEST.iterdir() if p.is_file()}
    zipped = store_upload(_zip(honest, {"task/notes.txt": "/etc/shadow"}), settings)
    graded = grade_repo("D23-zip", url=zipped)
    assert graded.outcome is Outcome.GRADED and graded.score == 100, graded.reason
    assert graded.run_facts is not None
    assert "notes.txt: symlink, not followed" in graded.run_facts.skipped_entries
    escaping = store_upload(
        _zip({**honest, "../../etc/cron.d/x": b"* * * * * root id\n"}, {}), settings
    )
    refused = grade_repo("D23-zip", url=escaping)
    assert refused.outcome is Outcome.REJECTED and "leaves the repository folder" in refused.reason
    bundle = tmp_path / "repo.bundle"
    subprocess.run(
        [
            "git",
            f"--git-dir={repo_root / 'D24-late.git'}",
            "bundle",
            "create",
            "-q",
            str(bundle),
            "--all",
        ],
        check=True,
        capture_output=True,
    )
    bundled = grade_repo("D23-bundle", url=store_upload(bundle.read_bytes(), settings))
    assert bundled.outcome is Outcome.GRADED and bundled.score is not None
    assert bundled.score < 100  # the tip of main is the broken rewrite


def test_a_deadline_grades_the_work_handed_in_on_time(grade_repo: Grader) -> None:
    report = grade_repo("D24-late", deadline=datetime(2024, 3, 2, tzinfo=UTC))
    assert report.outcome is Outcome.GRADED and report.score == 100, report.reason
    assert report.run_facts is not None
    assert "1 later commit exists" in report.run_facts.deadline
    late = grade_repo("D24-late")
    assert late.score is not None and late.score < 100
