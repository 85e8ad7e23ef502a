"""Class D: git and clone-side attacks on the worker. Refused before any clone, or inert."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from grader.gitserve import GitServer
from grader.models import GradeReport, Outcome, TestStatus
from grader.settings import Settings
from tests.redteam.conftest import Grader
from tests.redteam.crafted import MARKUP_BRANCH, two_commits
from tests.redteam.support import HOST_MARKER_GLOB, REPOS, Stub, pkt_line, seen, status

pytestmark = pytest.mark.docker

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TMP = Path("/tmp")  # where attacks try to leave their marker on the host


def _markers() -> list[Path]:
    return sorted(TMP.glob(HOST_MARKER_GLOB))


def _refused_before_any_request(
    grade_repo: Grader, server: GitServer, urls: list[str], ref: str | None = None
) -> None:
    before = len(server.requests)
    for url in urls:
        report = grade_repo("D", url=url, ref=ref)
        assert report.outcome is Outcome.REJECTED, url
        assert report.reason and report.tests == () and report.score is None
    assert len(server.requests) == before
    assert _markers() == []


def test_option_injection_in_the_url_or_ref_is_refused(
    grade_repo: Grader, server: GitServer
) -> None:
    marker = "/tmp/grader-redteam-pwned-D1"
    urls = [
        f"--upload-pack=touch {marker}",
        f"-u touch {marker}",
        f"--config=core.hooksPath={marker}",
        f"{server.url_for('A1')} --upload-pack=touch",
        f"-c core.sshCommand=touch {server.url_for('A1')}",
    ]
    _refused_before_any_request(grade_repo, server, urls)
    for ref in (f"--output={marker}", "-u", "-", "refs/heads/../../x", "main\nx"):
        _refused_before_any_request(grade_repo, server, [server.url_for("A1")], ref=ref)


def test_remote_helper_transports_are_refused(grade_repo: Grader, server: GitServer) -> None:
    urls = ["ext::sh -c touch% /tmp/grader-redteam-pwned-D2", "fd::0", "ext::git-upload-pack"]
    _refused_before_any_request(grade_repo, server, urls)


def test_local_paths_and_file_urls_are_refused(
    grade_repo: Grader, server: GitServer, repo_root: Path
) -> None:
    local = repo_root / "A1.git"
    urls = [str(local), f"file://{local}", "file:///etc", "/srv/grader/hidden-tests", "./x"]
    _refused_before_any_request(grade_repo, server, urls)


def test_internal_addresses_in_any_spelling_are_refused(
    grade_repo: Grader, server: GitServer
) -> None:
    urls = [
        "http://127.0.0.1:6379/",
        "http://10.0.0.5/owner/repo.git",
        "http://169.254.169.254/latest/meta-data/",
        "http://172.17.0.1:2375/x/y.git",
        "http://[::1]/x/y.git",
        "http://[::ffff:127.0.0.1]/x/y.git",
        "http://2130706433/x/y.git",
        "http://0177.0.0.1/x/y.git",
        "http://0x7f.0.0.1/x/y.git",
        "https://github.com@evil.example/x/y.git",
        f"http://127.0.0.1:{server.port + 1}/A1.git",
    ]
    _refused_before_any_request(grade_repo, server, urls)


def test_host_names_that_could_rebind_are_refused_without_a_lookup(
    grade_repo: Grader, server: GitServer
) -> None:
    urls = [
        f"http://localhost:{server.port}/A1.git",
        f"http://rebind.attacker.example:{server.port}/A1.git",
        f"http://127.0.0.1.nip.io:{server.port}/A1.git",
    ]
    _refused_before_any_request(grade_repo, server, urls)


def test_a_redirect_from_an_allowed_host_is_not_followed(
    grade_repo: Grader, server: GitServer, settings: Settings
) -> None:
    def moved(path: str) -> tuple[int, dict[str, str], bytes]:
        return 302, {"Location": server.base_url + "/A1.git" + path.split(".git", 1)[-1]}, b""

    before = len(server.requests)
    with Stub(moved) as stub:
        allowed = settings.model_copy(update={"repo_allowlist": (stub.base_url + "/",)})
        report = grade_repo("D6", url=stub.base_url + "/A1.git", settings_=allowed)
    assert report.outcome is Outcome.REJECTED, report.reason
    assert "redirect" in report.reason
    assert stub.seen and len(server.requests) == before


def _skipped(report: GradeReport) -> str:
    assert report.run_facts is not None
    return report.run_facts.skipped_entries


def test_submodules_are_never_fetched(grade_repo: Grader, server: GitServer) -> None:
    report = grade_repo("D7-submodule")
    assert report.outcome is Outcome.GRADED, report.reason
    skipped = _skipped(report)
    assert "sub: submodule, not fetched" in skipped and "hooks: symlink, not followed" in skipped
    assert all("evil" not in request for request in server.requests)
    hostile = grade_repo("D7-gitmodules")  # a dash-led URL and a ../ name: git's fsck says no
    assert hostile.outcome is Outcome.REJECTED and "malformed" in hostile.reason
    assert _markers() == []


def test_advertised_bundle_uris_are_never_fetched(
    grade_repo: Grader, server: GitServer, repo_root: Path
) -> None:
    with Stub() as bundles:
        config = repo_root / "A20.git" / "config"
        original = config.read_text(encoding="utf-8")
        config.write_text(
            original + "[uploadpack]\n\tadvertiseBundleURIs = true\n"
            "[bundle]\n\tversion = 1\n\tmode = all\n"
            f'[bundle "evil"]\n\turi = {bundles.base_url}/x\n',
            encoding="utf-8",
        )
        try:
            report = grade_repo("A20")
        finally:
            config.write_text(original, encoding="utf-8")
    assert report.outcome is Outcome.GRADED
    assert bundles.seen == []


def test_lfs_pointers_stay_small_text_files(grade_repo: Grader) -> None:
    report = grade_repo("D9")
    assert report.outcome is Outcome.GRADED, report.reason
    size = (REPOS / "D9" / "model.bin").stat().st_size
    assert seen(report) == {"size": size, "pointer": True}


def test_hooks_shipped_in_the_repository_never_run(grade_repo: Grader) -> None:
    report = grade_repo("D10")
    assert report.outcome is Outcome.GRADED, report.reason
    assert _markers() == []


def test_git_config_planted_during_the_run_is_never_used(grade_repo: Grader) -> None:
    report = grade_repo("D11")
    probe = seen(report)
    assert probe["."] == "planted" and probe["/submission"] == "PermissionError", probe
    assert report.outcome is Outcome.GRADED and report.commit and len(report.commit) == 40
    assert _markers() == []


def test_symlinks_to_host_files_are_left_out(grade_repo: Grader) -> None:
    report = grade_repo("D12-links")
    assert report.outcome is Outcome.GRADED, report.reason
    skipped = _skipped(report)
    for name in ("README.md", "data.txt", "home"):
        assert f"{name}: symlink, not followed" in skipped
    assert "root:x:0:0" not in str(report)


def test_hostile_file_names_are_left_out_or_shown_escaped(grade_repo: Grader) -> None:
    report = grade_repo("D13-names")
    assert report.outcome is Outcome.GRADED, report.reason
    skipped = _skipped(report)
    assert "\x1b" not in skipped and "\u202e" not in skipped and "\n" not in skipped
    assert "\\x1b[31mred" in skipped and "\\u202eyp.evil" in skipped
    assert status(report, "add") is TestStatus.PASSED
    dotdot = grade_repo("D13-dotdot")
    assert dotdot.outcome is Outcome.REJECTED, dotdot.reason


def test_huge_repositories_are_rejected_before_checkout(
    grade_repo: Grader, settings: Settings
) -> None:
    bomb = grade_repo("D14-bomb")
    assert bomb.outcome is Outcome.REJECTED and "more than 5,000 files" in bomb.reason
    capped = settings.model_copy(update={"max_repo_mb": 1})
    blob = grade_repo("D14-blob", settings_=capped)
    assert blob.outcome is Outcome.REJECTED and "1 MB (the limit)" in blob.reason


def test_a_stalled_or_private_host_never_hangs_the_worker(
    grade_repo: Grader, settings: Settings
) -> None:
    with Stub(hang=True) as stalled:
        quick = settings.model_copy(
            update={"repo_allowlist": (stalled.base_url + "/",), "clone_timeout_seconds": 5}
        )
        report = grade_repo("D15", url=stalled.base_url + "/A1.git", settings_=quick)
    assert report.outcome is Outcome.NOT_GRADABLE, report.reason
    assert report.timings["fetch"] < 15

    def login(path: str) -> tuple[int, dict[str, str], bytes]:
        return 401, {"WWW-Authenticate": 'Basic realm="git"'}, b"who are you?\n"

    with Stub(login) as private:
        allowed = settings.model_copy(update={"repo_allowlist": (private.base_url + "/",)})
        report = grade_repo("D15", url=private.base_url + "/A1.git", settings_=allowed)
    assert report.outcome is Outcome.REJECTED, report.reason


def test_the_commit_pinned_at_submission_is_graded(
    grade_repo: Grader, repo_root: Path, tmp_path: Path
) -> None:
    submitted = two_commits(tmp_path, "unused")  # same objects, same SHA as D16-moved
    report = grade_repo("D16-moved", commit=submitted)
    assert report.commit == submitted
    assert report.outcome is Outcome.GRADED and report.score == 100.0
    later = grade_repo("D16-moved")  # main has moved on: the rewrite scores low
    assert later.commit != submitted and later.score is not None and later.score < 100


def test_terminal_escapes_from_the_remote_are_neutralised(
    grade_repo: Grader, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    def hostile(path: str) -> tuple[int, dict[str, str], bytes]:
        body = pkt_line(b"# service=git-upload-pack\n") + b"0000"
        body += pkt_line(b"ERR \x1b[2J\x1b[31mclone OK\r\x1b]0;pwned\x07\n")
        return 200, {"Content-Type": "application/x-git-upload-pack-advertisement"}, body

    caplog.set_level(logging.DEBUG)
    with Stub(hostile) as stub:
        allowed = settings.model_copy(update={"repo_allowlist": (stub.base_url + "/",)})
        report = grade_repo("D17", url=stub.base_url + "/A1.git", settings_=allowed)
    assert report.outcome in {Outcome.REJECTED, Outcome.NOT_GRADABLE}
    assert "clone OK" in report.reason  # shown, but inert: git and then the grader escape it
    assert not CONTROL.search(report.reason)
    assert not [r for r in caplog.records if CONTROL.search(r.getMessage())]


def test_branch_names_are_graded_as_data(grade_repo: Grader) -> None:
    report = grade_repo("E2-markup", ref=MARKUP_BRANCH)
    assert report.outcome is Outcome.GRADED, report.reason
    assert report.ref == MARKUP_BRANCH
