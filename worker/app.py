"""The Celery app. Its configuration is read from the settings on first use, never at import."""

from __future__ import annotations

from celery import Celery

from grader.queue.config import celery_config
from grader.settings import get_settings
from worker.reaper import ReaperStep

app = Celery("grader", include=["worker.tasks"])
app.add_defaults(lambda: celery_config(get_settings()))
app.steps["worker"].add(ReaperStep)
