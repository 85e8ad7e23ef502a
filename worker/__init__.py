"""The Celery side of the grader: the app (``worker.app``) and its one task (``worker.tasks``).

Start a worker with ``grader worker`` (the project's settings) or
``celery -A worker.app worker``. Everything it does is in ``grader.queue``.
"""
