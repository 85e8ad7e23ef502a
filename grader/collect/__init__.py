"""Stage collect: the judge's size-capped, schema-checked results -> ``Collected``."""

from grader.collect.results import collect

__all__ = ["collect"]
