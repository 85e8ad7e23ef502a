"""backend/url-shortener: how the judge finds the command that starts a candidate's web app."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2] / "challenges" / "backend" / "url-shortener"


@pytest.fixture(scope="module")
def startup() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "shortener_startup", ROOT / "tests" / "startup.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_procfile_web_line_wins(startup: ModuleType, tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "Procfile": "release: python migrate.py\nweb: gunicorn app:app\n",
            "main.py": "app = FastAPI()\n",
        },
    )
    found = startup.find_startup(root)
    assert found.command == "gunicorn app:app"
    assert found.how == "Procfile `web:` line: gunicorn app:app"


def test_a_fastapi_app_in_a_package_is_served_by_uvicorn(
    startup: ModuleType, tmp_path: Path
) -> None:
    root = repo(tmp_path, {"app/__init__.py": "", "app/main.py": "api = fastapi.FastAPI()\n"})
    found = startup.find_startup(root)
    assert "python3 -m uvicorn app.main:api --host 127.0.0.1 --port $PORT" in found.command
    assert found.how == "FastAPI app `api` in app/main.py: uvicorn app.main:api"


def test_a_src_layout_puts_src_on_the_path(startup: ModuleType, tmp_path: Path) -> None:
    root = repo(
        tmp_path, {"src/shortly/web.py": "from flask import Flask\napp = Flask(__name__)\n"}
    )
    found = startup.find_startup(root)
    assert found.command.startswith('PYTHONPATH="src:$PYTHONPATH" exec python3 -m flask')
    assert "--app shortly.web:app run" in found.command


def test_a_flask_factory_is_called(startup: ModuleType, tmp_path: Path) -> None:
    root = repo(tmp_path, {"server.py": "import flask\n\ndef create_app():\n    ...\n"})
    assert "--app 'server:create_app()'" in startup.find_startup(root).command


def test_django_is_migrated_then_run(startup: ModuleType, tmp_path: Path) -> None:
    found = startup.find_startup(repo(tmp_path, {"manage.py": "import django\n"}))
    assert found.command.startswith("python3 manage.py migrate --noinput && ")
    assert "runserver 127.0.0.1:$PORT --noreload" in found.command


def test_tests_and_virtualenvs_are_not_mistaken_for_the_app(
    startup: ModuleType, tmp_path: Path
) -> None:
    root = repo(
        tmp_path,
        {
            "tests/test_api.py": "app = FastAPI()\n",
            ".venv/lib/site.py": "app = FastAPI()\n",
            "README.md": "run it",
        },
    )
    assert startup.find_startup(root) is None


def test_a_flask_factory_with_defaulted_arguments_is_called(
    startup: ModuleType, tmp_path: Path
) -> None:
    text = "from flask import Flask\n\ndef create_app(config: dict[str, int] | None = None):\n"
    root = repo(tmp_path, {"shortly/__init__.py": text})
    assert "--app 'shortly:create_app()'" in startup.find_startup(root).command


def test_a_factory_that_needs_arguments_is_not_guessed(startup: ModuleType, tmp_path: Path) -> None:
    root = repo(tmp_path, {"server.py": "import flask\n\ndef create_app(config):\n    ...\n"})
    assert startup.find_startup(root) is None


def test_a_fastapi_factory_runs_under_uvicorn_factory(startup: ModuleType, tmp_path: Path) -> None:
    text = "from fastapi import FastAPI\n\ndef create_app(settings=None) -> FastAPI:\n    ...\n"
    found = startup.find_startup(repo(tmp_path, {"app/factory.py": text}))
    assert "python3 -m uvicorn --factory app.factory:create_app --host" in found.command
    assert found.how.endswith("in app/factory.py: uvicorn --factory app.factory:create_app")
