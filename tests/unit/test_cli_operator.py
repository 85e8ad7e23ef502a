"""Operator commands, in-process with click's CliRunner: safe, scriptable, and whole when piped.

CliRunner's stdout is not a terminal, which is exactly the piped case (``grader runs list | cat``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from grader.cli import admin, main
from grader.record import run_record
from grader.settings import get_settings
from grader.store import RunRecord, open_store
from grader.testing import graded_report
from tests.conftest import need

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "challenges"
LONG_URL = "https://github.com/a-rather-long-organisation-name/" + "backend-bookings-api" * 3


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(main, list(args), env=env)
    finally:
        get_settings.cache_clear()


def _run(submission_id: str) -> str:
    token = uuid.uuid4().hex
    record = RunRecord(
        run_id=token,
        report={},
        outcome="graded",
        score=80.0,
        reason="",
        commit_sha=None,
        challenge_id="backend/bookings-api",
        challenge_version="1",
        started_at=None,
        finished_at=None,
        timings={},
    )
    with open_store(get_settings().effective_database_url) as store:
        claim = store.claim(submission_id, token, lease_seconds=60)
        assert claim is not None
        run_id = store.finish(claim, record)
    assert run_id is not None
    return run_id


@pytest.fixture
def submission_id() -> str:
    with open_store(get_settings().effective_database_url) as store:
        return store.enqueue(
            LONG_URL,
            None,
            "a" * 40,
            challenge_id="backend/bookings-api",
            challenge_version="1",
            queue="backend",
            deadline_seconds=60,
        )


def test_piped_listings_print_ids_and_urls_whole(submission_id: str) -> None:
    run_id = _run(submission_id)
    for command, whole_id in (("runs", run_id), ("submissions", submission_id)):
        result = _invoke(command, "list")
        assert result.exit_code == 0, result.output
        assert LONG_URL in result.stdout
        assert whole_id in result.stdout
        assert "…" not in result.stdout


def test_every_json_listing_is_one_object(submission_id: str) -> None:
    run_id = _run(submission_id)
    runs = json.loads(_invoke("runs", "list", "--json").stdout)
    subs = json.loads(_invoke("submissions", "list", "--json").stdout)
    assert [r["id"] for r in runs["runs"]] == [run_id]
    assert [s["id"] for s in subs["submissions"]] == [submission_id]


@pytest.mark.parametrize(
    "args",
    [
        ("grade", "https://example.org/a/b", "-c", "no/such-challenge", "--json"),
        ("status", "no-such-submission", "--json"),
        ("runs", "list", "--json", "-c", "x/y"),
    ],
)
def test_json_commands_print_one_object_on_error_paths_too(args: tuple[str, ...]) -> None:
    result = _invoke(*args)
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict)
    assert result.exit_code == payload.get("exit_code", 0)


def test_submit_json_refusal_is_one_object_and_exit_3() -> None:
    result = _invoke("submit", "ftp://example.org/x", "-c", "devops/task-tracker", "--json")
    payload = json.loads(result.stdout)
    assert (result.exit_code, payload["outcome"], payload["recorded"]) == (3, "rejected", False)
    assert payload["reason"]


def test_runs_list_rejects_a_zero_limit_without_a_traceback() -> None:
    result = _invoke("runs", "list", "-n", "0")
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "0 is not in the range" in result.output


def test_runs_list_takes_v_like_the_group() -> None:
    assert _invoke("runs", "list", "-v").exit_code == 0
    assert _invoke("submissions", "list", "-vv").exit_code == 0


def test_a_submission_id_given_as_a_run_id_says_which_command_takes_it(
    submission_id: str,
) -> None:
    run_id = _run(submission_id)
    wrong_run = _invoke("report", submission_id)
    assert wrong_run.exit_code == 1
    assert "is a submission id, not a run id" in wrong_run.stderr
    assert "grader status" in wrong_run.stderr
    wrong_submission = _invoke("status", run_id, "--json")
    payload = json.loads(wrong_submission.stdout)
    assert "is a run id, not a submission id" in payload["hint"]
    assert "grader report" in payload["hint"]


def test_c_means_challenge_everywhere() -> None:
    for command in (("grade",), ("submit",), ("runs", "list"), ("submissions", "list")):
        assert "-c, --challenge" in _invoke(*command, "--help").stdout
    worker_help = _invoke("worker", "--help").stdout
    assert "-j, --concurrency" in worker_help and "-c," not in worker_help


def test_challenge_show_prints_the_brief_verbatim(tmp_path: Path) -> None:
    root = tmp_path / "challenges"
    shutil.copytree(FIXTURES / "fixture", root / "fixture")
    brief = "# Brief\n\n" + " ".join(f"word{n}" for n in range(60)) + "\n\n- a [list] *item*\n"
    (root / "fixture" / "cli" / "brief.md").write_text(brief, encoding="utf-8")
    result = _invoke("challenges", "show", "fixture/cli", env={"GRADER_CHALLENGES_DIR": str(root)})
    assert result.exit_code == 0
    assert result.stdout == brief


def test_a_broken_challenge_folder_is_shown_and_the_others_still_listed(tmp_path: Path) -> None:
    root = tmp_path / "challenges"
    shutil.copytree(FIXTURES / "fixture", root / "fixture")
    broken = root / "fixture" / "zz-broken"
    broken.mkdir()
    (broken / "challenge.toml").write_text("id = [unclosed\n", encoding="utf-8")
    result = _invoke("challenges", "list", env={"GRADER_CHALLENGES_DIR": str(root)})
    assert result.exit_code == 1
    assert "fixture/cli" in result.stdout and "fixture/functions" in result.stdout
    assert "zz-broken" in result.stderr and "not valid TOML" in result.stderr
    checks = {check.name: check for check in _challenge_checks(root)}
    assert not checks["challenge folder zz-broken"].ok
    assert checks["challenge fixture/cli"].ok


def _challenge_checks(root: Path) -> list[admin.Check]:
    get_settings.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GRADER_CHALLENGES_DIR", str(root))
            return admin._challenge_checks()
    finally:
        get_settings.cache_clear()


def test_doctor_never_prints_the_database_password(monkeypatch: pytest.MonkeyPatch) -> None:
    class _Store:
        def close(self) -> None:
            return None

    monkeypatch.setattr(admin, "open_store", lambda url: _Store())
    url = "postgresql+psycopg://grader:s3cr3t-pass@db.internal:5432/grader"
    check = _with_env({"GRADER_DATABASE_URL": url}, admin._store_check)
    assert check.ok
    assert "s3cr3t-pass" not in check.detail and "db.internal" in check.detail


def _with_env(env: dict[str, str], call: Any) -> Any:
    get_settings.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            return call()
    finally:
        get_settings.cache_clear()


def test_report_pdf_writes_a_pdf_with_the_candidates_score(
    submission_id: str, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        need("poppler-utils", "pdftotext is not on PATH (apt-get install poppler-utils)")
    with open_store(get_settings().effective_database_url) as store:
        claim = store.claim(submission_id, uuid.uuid4().hex, lease_seconds=60)
        assert claim is not None
        graded = graded_report(run_id=claim.token, score=73.5)
        run_id = store.finish(claim, run_record(graded))
    assert run_id is not None
    result = _invoke("report", run_id, "--pdf", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "report.pdf"
    assert f"pdf: {pdf}" in result.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "73.5" in text
    assert (tmp_path / "out" / "report.html").is_file()  # the other formats as before
