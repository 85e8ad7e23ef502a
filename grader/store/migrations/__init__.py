"""Alembic migrations for the grader's database (run by :func:`grader.store.open_store`)."""
