"""Class A: sandbox and resource abuse. Each hostile repository is graded end to end."""

from __future__ import annotations

import os
import shutil

import docker
import pytest

from grader.models import Outcome, TestStatus
from grader.sandbox.uids import candidate_uid
from tests.redteam.conftest import IMAGE_LABEL, Grader, Ledger
from tests.redteam.support import integrity_rules, message, seen, status, stray_processes

pytestmark = pytest.mark.docker

PASSED = TestStatus.PASSED
DENIED = ("EPERM", "EACCES", "EROFS", "ENOSYS", "EINVAL", "PermissionError")
BLOCKED_NET = ("OSError", "ConnectionRefusedError", "TimeoutError", "gaierror", "URLError")


@pytest.mark.parametrize(
    ("repo", "verdict", "words"),
    [
        pytest.param("A1", TestStatus.RESOURCE_LIMIT, "process limit", id="A1"),
        pytest.param("A2", TestStatus.RESOURCE_LIMIT, "memory", id="A2"),
        pytest.param("A4", TestStatus.TIMEOUT, "did not finish", id="A4"),
        pytest.param("A6", TestStatus.TIMEOUT, "did not finish", id="A6"),
    ],
)
def test_resource_abuse_is_contained_and_charged_to_the_candidate(
    grade_repo: Grader,
    ledger: Ledger,
    docker_client: docker.DockerClient,
    repo: str,
    verdict: TestStatus,
    words: str,
) -> None:
    report = grade_repo(repo)
    assert report.outcome is Outcome.GRADED, report.reason
    assert status(report, "double") is verdict
    assert words in message(report, "double")
    assert status(report, "add") is PASSED and status(report, "cli") is PASSED
    assert report.timings["sandbox"] < 30
    assert max(len(t.message) for t in report.tests) <= 2100  # A4: floods are cut
    assert report.run_facts is not None
    assert sum(len(v) for v in report.run_facts.recorded.values()) < 20_000
    assert stray_processes(docker_client, {candidate_uid(ledger.run_ids[-1])}) == []
    assert docker_client.ping()


def test_hangs_and_blocking_reads_end_within_the_limits(grade_repo: Grader) -> None:
    report = grade_repo("A5")
    assert report.outcome is Outcome.GRADED, report.reason
    assert status(report, "double") is TestStatus.TIMEOUT
    assert status(report, "cli") is TestStatus.TIMEOUT  # `while True: pass` at start-up
    # input() sees a closed stdin at once: an error, not a hang.
    assert status(report, "add") is TestStatus.FAILED
    assert "EOFError" in message(report, "add")
    assert report.timings["sandbox"] < 20


def test_disk_and_inode_floods_stop_inside_the_sandbox(grade_repo: Grader) -> None:
    free_before = shutil.disk_usage("/").free
    report = grade_repo("A3")
    probe = seen(report)
    assert report.outcome is Outcome.GRADED, report.reason
    assert {probe["work"], probe["tmp"], probe["home"]} <= {"ENOSPC", "EFBIG", "EDQUOT"}, probe
    assert probe["tmp_inodes"] == "ENOSPC", probe
    assert status(report, "add") is PASSED
    assert free_before - shutil.disk_usage("/").free < 200 * 1024 * 1024


@pytest.mark.parametrize("repo", [pytest.param("A7", id="A7"), pytest.param("A8", id="A8")])
def test_no_network_reaches_out_or_in(grade_repo: Grader, repo: str) -> None:
    report = grade_repo(repo)
    probe = seen(report)
    assert probe, report.run_facts
    if repo == "A7":
        assert probe.pop("interfaces") == ["lo"]
    assert all(value in BLOCKED_NET for value in probe.values()), probe
    assert report.outcome is Outcome.GRADED


def test_privileged_system_calls_are_refused(grade_repo: Grader) -> None:
    probe = seen(grade_repo("A9"))
    assert probe and all(value in DENIED for value in probe.values()), probe


def test_setuid_binaries_grant_nothing(grade_repo: Grader) -> None:
    probe = seen(grade_repo("A10"))
    assert probe["no_new_privs"] == "1"
    assert probe["setuid_binaries"] > 0  # there are some: they grant nothing
    assert probe["setuid_mount"] == "refused" and probe["setuid_umount"] == "refused"
    for mount in ("work_options", "tmp_options", "shm_options"):
        assert "nosuid" in probe[mount].split(","), probe


def test_known_escape_preconditions_are_absent(grade_repo: Grader) -> None:
    probe = seen(grade_repo("A11"))
    assert probe["euid"] >= 70000
    assert int(probe["cap_eff"], 16) == 0 and int(probe["cap_bnd"], 16) & ~0xE0 == 0
    assert probe["seccomp"] == "2"  # a filter is installed (Docker's default profile)
    assert probe["exe"] != "writable"
    assert all(
        t.startswith(("pipe:", "/dev/null", "/work/", "anon_inode")) for t in probe["fd_targets"]
    )


def test_no_docker_socket_or_host_folder_is_mounted(grade_repo: Grader) -> None:
    probe = seen(grade_repo("A12"))
    assert probe["sockets"] == [] and probe["groups"] == []
    # The image root, the two volumes and three tmpfs; /dev, /proc and /sys are left out.
    expected = {"/", "/judge", "/submission", "/work", "/tmp", "/deps", "/usr/sbin/docker-init"}
    assert set(probe["mounts"]) <= expected | {"/etc/hosts", "/etc/hostname", "/etc/resolv.conf"}


def test_no_secret_of_the_worker_reaches_the_sandbox(
    grade_repo: Grader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://:hunter2@10.0.0.5:6379/0")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "redteam-not-a-real-key")
    probe = seen(grade_repo("A13"))
    allowlist = {
        "PATH",
        "HOME",
        "LANG",
        "PYTHONPATH",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
    }
    assert set(probe["own_env"]) <= allowlist | {"LC_CTYPE"}, probe["own_env"]
    assert probe["pid1_environ"] in DENIED
    leaked = {
        name
        for names in probe["other_environs"].values()
        if isinstance(names, list)
        for name in names
    }
    assert not leaked & {"REDIS_URL", "AWS_SECRET_ACCESS_KEY", "GRADER_RUN_NONCE"}, leaked
    assert not (probe["aws"] or probe["run_secrets"] or probe["git_credentials"])
    assert "REDIS_URL" in os.environ  # it was there to be stolen


def test_results_cannot_be_swapped_for_symlinks_or_pickles(grade_repo: Grader) -> None:
    for repo in ("A14", "A15"):
        report = grade_repo(repo)
        probe = seen(report)
        judge_side = {k: v for k, v in probe.items() if k not in {"link_in_work", "workspace"}}
        assert all(value in DENIED for value in judge_side.values()), probe
        assert report.outcome in {Outcome.GRADED, Outcome.FLAGGED}, report.reason
        assert status(report, "add") is PASSED


def test_nothing_survives_from_one_run_to_the_next(grade_repo: Grader) -> None:
    first, second = seen(grade_repo("A16")), seen(grade_repo("A16"))
    assert first["found"] == [] and second["found"] == []
    assert "left" in second["left"].values()  # it could write, and still nothing carried over


def test_a_daemonised_child_dies_with_its_test(
    grade_repo: Grader, ledger: Ledger, docker_client: docker.DockerClient
) -> None:
    report = grade_repo("A17")
    assert seen(report)["started"] is True
    after = seen(report, "after")
    assert after["beating"] is False and after["others"] == [], after
    assert stray_processes(docker_client, {candidate_uid(ledger.run_ids[-1])}) == []


def test_crashes_leave_no_core_files(grade_repo: Grader) -> None:
    probe = seen(grade_repo("A18"))
    assert probe["core_limit"] == [0, 0] and probe["raise_limit"] == "ValueError"
    assert probe["crashes"] == 20 and probe["cores"] == []


def test_install_time_code_never_runs_on_the_worker(grade_repo: Grader) -> None:
    report = grade_repo("A19")
    assert report.outcome is Outcome.GRADED, report.reason
    statuses = {d.requirement: d.status for d in report.dependencies}
    assert statuses and all(s in {"refused", "failed"} for s in statuses.values()), statuses
    assert "installed" not in statuses.values()
    assert status(report, "add") is PASSED


def test_a_candidate_dockerfile_is_never_built_or_run(
    grade_repo: Grader, docker_client: docker.DockerClient, base_image: str
) -> None:
    report = grade_repo("A20")
    assert report.outcome is Outcome.GRADED, report.reason
    assert report.image == base_image
    assert docker_client.images.list(filters={"label": IMAGE_LABEL}) == []
    assert not integrity_rules(report)


def test_nothing_a_test_writes_survives_into_the_next(grade_repo: Grader) -> None:
    report = grade_repo("A21")
    probe = seen(report)
    assert set(probe["written"].values()) == {True}, probe  # every place was writable...
    assert seen(report, "after")["left"] == []  # ...and emptied before the next test


def test_writable_space_fits_the_memory_limit_and_the_judge_is_killed_last(
    grade_repo: Grader,
) -> None:
    report = grade_repo("A21")
    probe = seen(report)
    assert report.limits is not None
    assert sum(probe["writable_mb"].values()) <= report.limits.memory_mb // 2, probe
    assert probe["oom_self"] == 1000, probe
    assert isinstance(probe["oom_judge"], int) and probe["oom_judge"] <= 0, probe
