"""Weighted rubric scoring: only passed tests count, categories weigh what challenge.toml says."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from grader.challenge import Challenge
from grader.errors import JudgeError
from grader.models import CategoryScore, Collected, Score, TestStatus


def score(collected: Collected, challenge: Challenge) -> Score:
    """Score per category (passed / total) and a total out of 100, rounded to one decimal.

    total = sum(weight * passed/total) / sum(weight of categories that have tests) * 100.
    A category without tests is listed with 0 of 0 and left out of the denominator, so it
    neither helps nor hurts. Skipped, failed, error, timeout and resource_limit all count as
    not passed. The same input always gives the same output.
    """
    declared = {c.name for c in challenge.spec.categories}
    unknown = sorted({t.category for t in collected.tests} - declared)
    if unknown:
        raise JudgeError(
            f"results use categories challenge.toml does not declare: {', '.join(unknown)}",
            hint="collect() rejects these; score only what it returned",
        )
    categories = tuple(
        CategoryScore(
            name=spec.name,
            weight=spec.weight,
            passed=sum(
                1
                for t in collected.tests
                if t.category == spec.name and t.status is TestStatus.PASSED
            ),
            total=sum(1 for t in collected.tests if t.category == spec.name),
            description=spec.description,
        )
        for spec in challenge.spec.categories
    )
    return Score(total=_total(categories), categories=categories)


def _total(categories: tuple[CategoryScore, ...]) -> float:
    counted = [c for c in categories if c.total]
    weights = sum((Fraction(c.weight) for c in counted), Fraction(0))
    if not weights:
        return 0.0
    earned = sum((Fraction(c.weight) * Fraction(c.passed, c.total) for c in counted), Fraction(0))
    return _round1(earned / weights * 100)


def _round1(value: Fraction) -> float:
    """Round half up to one decimal, exactly (no binary floating-point surprises at .x5)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
