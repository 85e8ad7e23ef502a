"""The web app (FastAPI): pages for candidates and hiring teams, the REST API, webhooks.

``grader serve`` runs it; docs/web.md describes it."""

from grader.web.api import create_app

__all__ = ["create_app"]
