"""How the judge finds the commands that start a candidate's program (it reads, never runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "grader" / "harness"))

from grader_harness.entry import (
    cli_entries,
    readme_commands,
    resolve_argv,
    service_entries,
)

SCRIPTS = ("task_cli.py", "main.py")
BARE = "FastAPI app `app` in main.py (no routes in that file)"
FASTAPI = "from fastapi import FastAPI\napp = FastAPI()\n"


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def hows(root: Path) -> list[str]:
    return [entry.how for entry in service_entries(root)]


def test_a_procfile_web_line_wins(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "Procfile": "release: python migrate.py\nweb: gunicorn app:app\n",
            "main.py": "app = FastAPI()\n",
        },
    )
    first = service_entries(root)[0]
    assert (first.command, first.how) == (
        "gunicorn app:app",
        "Procfile `web:` line: gunicorn app:app",
    )


def test_the_readme_command_beats_a_bare_flask_object_in_the_package(tmp_path: Path) -> None:
    """The case of issue 12: the app object in app/__init__.py has no routes; main.py has them."""
    root = repo(
        tmp_path,
        {
            "app/__init__.py": "import flask\napp = flask.Flask(__name__)\n",
            "app/main.py": "from app import app\n\n@app.route('/shorten')\ndef f(): ...\n",
            "README.md": "## Run\n\n```\nflask --app ./app/main.py run\n```\n",
        },
    )
    entries = service_entries(root)
    assert entries[0].how == "README: flask --app ./app/main.py run"
    assert "--app app.main run" in entries[0].command
    assert entries[1].how == "Flask app `app` in app/main.py (1 route)"
    assert entries[-1].how == "Flask app `app` in app/__init__.py (no routes in that file)"


def test_an_app_with_routes_beats_one_without_when_the_readme_says_nothing(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "app/__init__.py": "from flask import Flask\napp = Flask(__name__)\n",
            "app/views.py": "from app import app\n\n@app.get('/x')\ndef x(): ...\n",
        },
    )
    assert hows(root)[0] == "Flask app `app` in app/views.py (1 route)"


def test_a_fastapi_app_in_a_package_is_served_by_uvicorn(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {"app/__init__.py": "", "app/main.py": "api = fastapi.FastAPI()\napi.include_router(r)\n"},
    )
    (first,) = service_entries(root)
    assert "python3 -m uvicorn app.main:api --host 127.0.0.1 --port $PORT" in first.command
    assert first.how == "FastAPI app `api` in app/main.py (1 route)"


def test_a_fastapi_factory_is_served_with_the_factory_flag(tmp_path: Path) -> None:
    text = "import fastapi\n\ndef create_app(config=None):\n    app.include_router(r)\n"
    (first,) = service_entries(repo(tmp_path, {"shortly/web.py": text}))
    assert "uvicorn shortly.web:create_app --factory" in first.command


def test_a_src_layout_puts_src_on_the_path(tmp_path: Path) -> None:
    root = repo(
        tmp_path, {"src/shortly/web.py": "from flask import Flask\napp = Flask(__name__)\n"}
    )
    (first,) = service_entries(root)
    assert first.command.startswith('PYTHONPATH="$PWD/src:$PWD:$PYTHONPATH" exec python3 -m flask')
    assert "--app shortly.web:app run" in first.command


def test_a_flask_factory_is_called(tmp_path: Path) -> None:
    root = repo(tmp_path, {"server.py": "import flask\n\ndef create_app():\n    ...\n"})
    assert "--app 'server:create_app()'" in service_entries(root)[0].command


def test_django_is_migrated_then_run(tmp_path: Path) -> None:
    (first,) = service_entries(repo(tmp_path, {"manage.py": "import django\n"}))
    assert first.command.startswith("python3 manage.py migrate --noinput && ")
    assert "runserver 127.0.0.1:$PORT --noreload" in first.command


@pytest.mark.parametrize(
    ("readme", "how", "command"),
    [
        ("uvicorn main:app --reload", "README: uvicorn main:app", "uvicorn main:app --host"),
        (
            "fastapi run main.py",
            f"README: fastapi run main.py (serving {BARE})",
            "uvicorn main:app",
        ),
        (
            "python3 main.py",
            f"README: python main.py (serving {BARE})",
            "uvicorn main:app",
        ),
        (
            "gunicorn -w 2 main:app",
            f"README: gunicorn main:app (serving {BARE})",
            "uvicorn main:app",
        ),
    ],
)
def test_readme_run_commands_are_recognised(
    tmp_path: Path, readme: str, how: str, command: str
) -> None:
    root = repo(
        tmp_path,
        {
            "README.md": f"Run:\n\n    {readme}\n",
            "main.py": FASTAPI,
        },
    )
    first = service_entries(root)[0]
    assert (first.how, command in first.command) == (how, True)


def test_readme_text_never_becomes_a_command(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {"README.md": "uvicorn main:app; rm -rf /\nflask --app 'x;curl e' run\npython -m pip i\n"},
    )
    assert service_entries(root) == []
    assert readme_commands(root) == [("uvicorn", "main:app"), ("flask", "x")]


def test_tests_and_virtualenvs_are_not_mistaken_for_the_app(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "tests/test_api.py": "app = FastAPI()\n",
            ".venv/lib/site.py": "app = FastAPI()\n",
            "README.md": "run it",
        },
    )
    assert service_entries(root) == []


def test_cli_entries_run_the_program_from_its_copy(tmp_path: Path) -> None:
    root = repo(tmp_path, {"task_cli.py": "", "tracker/__main__.py": ""})
    entries = cli_entries(root, "task-cli", SCRIPTS)
    assert [e.how for e in entries] == ["`python -m tracker` (tracker/__main__.py)", "task_cli.py"]
    assert resolve_argv(entries[1], Path("/work/ws-1")) == ["python3", "/work/ws-1/task_cli.py"]
    module = resolve_argv(entries[0], Path("/work/ws-1"))
    assert "sys.path[:0] = ['/work/ws-1' + '/src', '/work/ws-1']" in module[2]
    assert "runpy.run_module('tracker'" in module[2]


def test_a_console_script_named_after_the_tool_comes_first(tmp_path: Path) -> None:
    scripts = '[project]\nname = "t"\n[project.scripts]\ntask-cli = "tracker.cli:main"\n'
    root = repo(tmp_path, {"pyproject.toml": scripts, "main.py": "", "src/tracker/cli.py": ""})
    first = cli_entries(root, "task-cli", SCRIPTS)[0]
    assert first.how == "pyproject.toml [project.scripts] task-cli = tracker.cli:main"
    assert "from tracker.cli import main" in resolve_argv(first, Path("/c"))[2]
