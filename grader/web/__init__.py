"""The web app (FastAPI). For now only the REST intake; ``grader serve`` runs it."""

from grader.web.api import create_app

__all__ = ["create_app"]
