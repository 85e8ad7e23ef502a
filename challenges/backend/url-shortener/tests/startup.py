"""How to start the candidate's web app: the harness's ranked start commands (judge side).

``grader_harness.entry`` reads the submission (Procfile, README run commands, console
scripts, ``python -m`` packages, FastAPI/Flask apps and factories, Django) and ranks what a
reviewer would try; ``grader_harness.launch.Launcher`` starts the first that serves the spec.
"""

from __future__ import annotations

from pathlib import Path

from grader_harness.entry import service_entries
from grader_harness.launch import Launcher

READY_SECONDS = 60  # Django migrates first; a busy machine makes any start slow
PROBES = (("POST", "/shorten"),)  # a 404 here: the app has none of the spec's routes
NOT_FOUND = (
    "could not find how to start the app: no `web:` line in a Procfile, no run command in "
    "the README, no FastAPI or Flask app (`app = FastAPI()`, `app = Flask(__name__)`, "
    "`def create_app()`) in the repository's Python files, and no Django manage.py"
)

Startup = Launcher


def find_startup(root: Path) -> Launcher | None:
    """The app's launcher, or ``None`` when nothing in the repository says how to start it."""
    entries = service_entries(root)
    if not entries:
        return None
    return Launcher(entries, root=root, probes=PROBES, ready_timeout=READY_SECONDS)
