"""The harness helpers called in-process, as root, with candidate code as another uid."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.harness.grader_harness import (
    CandidateError,
    CandidateResourceLimit,
    CandidateTimeout,
    _proc,
    _uid,
    functions,
    read_file,
    run_cli,
    serve_app,
    workspace,
)
from tests.conftest import need
from tests.unit.harness_support import (
    CANDIDATE_UID,
    candidate_env,
    candidate_processes,
    sandbox_base,
)


@pytest.fixture
def base(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    if os.geteuid() != 0:
        need("root", "the helpers switch candidate code to another uid")
    with sandbox_base() as folder:
        for name in ("submission", "deps"):
            (folder / name).mkdir(mode=0o755)
        (folder / "work").mkdir()
        (folder / "work").chmod(0o1777)
        for key, value in candidate_env(folder, GRADER_CANDIDATE_NPROC="64").items():
            monkeypatch.setenv(key, value)
        yield folder
        workspace.reset_workspace()
        _uid.kill_all()


def put(base: Path, name: str, text: str) -> None:
    path = base / "submission" / name
    path.write_text(text, encoding="utf-8")
    path.chmod(0o644)


def test_candidate_runs_as_its_own_uid_with_no_extra_groups(base: Path) -> None:
    result = run_cli(["sh", "-c", "id -u; id -G; cat /proc/self/oom_score_adj"])
    assert result.stdout.split() == [str(CANDIDATE_UID), str(CANDIDATE_UID), "1000"]


def test_candidate_runs_below_the_judge_on_cpu_and_cannot_climb_back(base: Path) -> None:
    climb = "import os\ntry:\n    os.nice(-19)\nexcept OSError:\n    print('refused')"
    result = run_cli(["sh", "-c", f"cut -d' ' -f19 /proc/self/stat; python3 -c \"{climb}\""])
    assert result.stdout.split() == [str(_uid.CANDIDATE_NICENESS), "refused"]
    assert os.getpriority(os.PRIO_PROCESS, 0) == 0  # the judge's own priority is untouched


def test_candidate_gets_no_core_dumps_and_a_process_limit(base: Path) -> None:
    result = run_cli(["sh", "-c", "ulimit -c; grep 'Max processes' /proc/self/limits"])
    core, limits = result.stdout.splitlines()
    assert core == "0"
    assert limits.split()[2:4] == ["64", "64"]


def test_candidate_environment_comes_from_the_allowlist(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUDGE_SECRET", "do-not-leak")
    result = run_cli(["env"], env={"EXTRA": "given"})
    env = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert "JUDGE_SECRET" not in env
    assert env["HOME"] == str(base / "work" / "home")
    assert env["PYTHONPATH"] == str(base / "deps")
    assert (env["LANG"], env["EXTRA"]) == ("C.UTF-8", "given")


def test_output_flood_is_capped_at_one_megabyte(base: Path) -> None:
    result = run_cli(["python3", "-c", "print('x' * 50_000_000)"])
    assert len(result.stdout) < 1_100_000
    assert "more bytes discarded" in result.stdout


def test_endless_output_times_out_without_hanging_the_judge(base: Path) -> None:
    started = time.monotonic()
    with pytest.raises(CandidateTimeout, match="did not finish within 1 s"):
        run_cli(["yes"], timeout=1)
    assert time.monotonic() - started < 5


def test_large_stdin_the_candidate_never_reads_does_not_block(base: Path) -> None:
    assert run_cli(["true"], stdin="x" * 5_000_000).returncode == 0


def test_timeout_kills_the_whole_process_tree(base: Path) -> None:
    with pytest.raises(CandidateTimeout):
        run_cli(["sh", "-c", "sleep 60 & sleep 60"], timeout=1)
    assert candidate_processes() == []


def test_no_candidate_process_outlives_a_successful_call(base: Path) -> None:
    result = run_cli(["sh", "-c", "setsid sleep 60 & echo started"])
    assert result.stdout == "started\n"
    assert result.duration < 5
    assert candidate_processes() == []


def test_argv_must_be_a_list(base: Path) -> None:
    with pytest.raises(TypeError, match="argv list"):
        run_cli("python3 main.py")


def test_missing_program_is_a_candidate_error(base: Path) -> None:
    with pytest.raises(CandidateError, match="could not start"):
        run_cli(["no-such-program"])


def test_sigkill_the_harness_did_not_send_counts_as_out_of_memory(base: Path) -> None:
    with pytest.raises(CandidateResourceLimit, match="out-of-memory killer"):
        run_cli(["sh", "-c", "kill -9 $$"])


def test_workspace_is_a_copy_the_candidate_owns(base: Path) -> None:
    put(base, "main.py", "print('hi')\n")
    folder = workspace.current_workspace()
    assert folder.parent == base / "work"
    assert folder.stat().st_uid == CANDIDATE_UID
    assert (folder / "main.py").stat().st_uid == CANDIDATE_UID
    assert run_cli(["python3", "main.py"]).stdout == "hi\n"


def test_candidate_cannot_write_the_submission(base: Path) -> None:
    result = run_cli(["sh", "-c", f"echo x > {base / 'submission' / 'new.txt'}"])
    assert result.returncode != 0
    assert not (base / "submission" / "new.txt").exists()


def test_read_file_reads_what_the_candidate_wrote(base: Path) -> None:
    run_cli(["sh", "-c", "echo saved > notes.txt"])
    assert read_file("notes.txt") == "saved\n"


def test_candidate_time_counts_calls_and_reads_but_not_workspace_chores(base: Path) -> None:
    put(base, "main.py", "print('hi')\n")
    workspace.current_workspace()  # the judge's copy, run as the candidate: not counted
    workspace.reset_workspace()
    _proc.take_candidate_seconds()
    assert _proc.take_candidate_seconds() == 0.0
    started = time.monotonic()
    run_cli(["sleep", "0.3"])
    assert 0.3 <= _proc.take_candidate_seconds() <= time.monotonic() - started
    read_file("main.py")
    assert 0 < _proc.take_candidate_seconds() < 0.3
    workspace.reset_workspace()
    assert _proc.take_candidate_seconds() == 0.0


def test_a_short_call_is_reaped_without_polling_delays(base: Path) -> None:
    # Popen.wait(timeout) alone would notice a 0.12 s command's exit ~40 ms late, every time
    fastest = min(run_cli(["sleep", "0.12"]).duration for _ in range(5))
    assert fastest < 0.12 + 0.03


def test_read_file_will_not_follow_a_symlink_into_judge_only_files(base: Path) -> None:
    secret = base / "judge-only"
    secret.mkdir(mode=0o700)
    (secret / "answers.txt").write_text("the hidden answer", encoding="utf-8")
    run_cli(["ln", "-s", str(secret / "answers.txt"), "tasks.json"])
    with pytest.raises(FileNotFoundError, match="Permission denied") as error:
        read_file("tasks.json")
    assert "hidden answer" not in str(error.value)


SOLUTION = """
import os

print("imported")


def add(a, b):
    print("noise on stdout")
    return a + b


def ask():
    return input()


def fail():
    raise ValueError("bad input")


def odd():
    return {1, 2}


def huge():
    return "x" * 20_000_000


def crash():
    os._exit(3)


def echo(name):
    return name
"""


def test_prints_do_not_corrupt_returned_values(base: Path) -> None:
    put(base, "solution.py", SOLUTION)
    with functions("solution") as solution:
        assert solution.call("add", 2, 3) == 5
        assert solution.call("add", "a", b="b") == "ab"


def test_candidate_stdin_is_empty_not_the_protocol(base: Path) -> None:
    put(base, "solution.py", SOLUTION)
    with functions("solution") as solution, pytest.raises(CandidateError) as error:
        solution.call("ask")
    assert error.value.exc_type == "EOFError"


def test_candidate_exception_comes_back_as_type_and_message(base: Path) -> None:
    put(base, "solution.py", SOLUTION)
    with functions("solution") as solution, pytest.raises(CandidateError) as error:
        solution.call("fail")
    assert str(error.value) == "ValueError: bad input"
    assert error.value.exc_type == "ValueError"


def test_value_json_cannot_carry_is_an_error(base: Path) -> None:
    put(base, "solution.py", SOLUTION)
    with functions("solution") as solution, pytest.raises(CandidateError, match="not JSON: set"):
        solution.call("odd")


def test_oversized_reply_is_refused(base: Path) -> None:
    put(base, "solution.py", SOLUTION)
    with functions("solution") as solution, pytest.raises(CandidateError, match="larger than"):
        solution.call("huge")


def test_keyword_argument_called_name_reaches_the_candidate(base: Path) -> None:
    put(base, "solution.py", SOLUTION)
    with functions("solution") as solution:
        assert solution.call("echo", name="Ada") == "Ada"


def test_a_crash_is_reported_and_the_next_call_starts_afresh(base: Path) -> None:
    put(base, "solution.py", SOLUTION)
    with functions("solution") as solution:
        with pytest.raises(CandidateError, match=r"exited with code 3 during solution\.crash\(\)"):
            solution.call("crash")
        assert solution.call("add", 1, 1) == 2


def test_missing_module_is_a_candidate_error(base: Path) -> None:
    with functions("absent") as solution, pytest.raises(CandidateError, match="could not import"):
        solution.call("anything")


def test_function_that_never_returns_times_out(base: Path) -> None:
    put(base, "solution.py", "def spin():\n    while True:\n        pass\n")
    with functions("solution", timeout=1) as solution, pytest.raises(CandidateTimeout):
        solution.call("spin")
    assert candidate_processes() == []


APP = """
import os
import socket

server = socket.create_server(("127.0.0.1", int(os.environ["PORT"])))
while True:
    connection, _ = server.accept()
    connection.sendall(b"hello")
    connection.close()
"""


def test_serve_app_yields_a_url_once_the_port_accepts(base: Path) -> None:
    put(base, "app.py", APP)
    with serve_app(["python3", "app.py"]) as url:
        assert url.startswith("http://127.0.0.1:")
        assert candidate_processes() != []
    assert candidate_processes() == []


def test_server_that_never_listens_times_out(base: Path) -> None:
    with (
        pytest.raises(CandidateTimeout, match="did not accept connections"),
        serve_app("sleep 60", ready_timeout=1),
    ):
        pass
    assert candidate_processes() == []


def test_a_server_and_a_call_beside_it_count_once_and_split_at_a_take(base: Path) -> None:
    put(base, "app.py", APP)
    _proc.take_candidate_seconds()
    started = time.monotonic()
    with serve_app("exec python3 app.py"):
        run_cli(["sleep", "0.2"])
        first = _proc.take_candidate_seconds()  # a test boundary while the server runs
        assert 0.2 <= first <= time.monotonic() - started
        time.sleep(0.2)
    assert 0.2 <= _proc.take_candidate_seconds() <= time.monotonic() - started - first


def test_server_running_during_a_cli_call_survives_it(base: Path) -> None:
    put(base, "app.py", APP)
    with serve_app("exec python3 app.py") as url:
        port = url.rsplit(":", 1)[1]
        command = f"import socket; print(socket.create_connection(('127.0.0.1', {port})).recv(5))"
        assert run_cli(["python3", "-c", command]).stdout == "b'hello'\n"
        assert run_cli(["python3", "-c", command]).stdout == "b'hello'\n"


def test_non_root_judge_runs_candidates_as_itself_and_says_so(
    base: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_uid, "_warned", False)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert run_cli(["id", "-u"]).stdout == "0\n"  # really root here: nothing was dropped
    assert "the judge is not root" in caplog.text
