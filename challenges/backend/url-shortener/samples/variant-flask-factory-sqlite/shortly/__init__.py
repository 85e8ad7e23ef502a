"""Shortly: a URL shortener on Flask and SQLite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from shortly import db
from shortly.routes import bp


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config["DATABASE"] = str(Path.cwd() / "shortly.sqlite3")
    app.config.update(config or {})
    db.init_app(app)
    app.register_blueprint(bp)
    return app
