"""Stage score: weighted categories, only passed tests count, deterministic rounding."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from grader.challenge import Challenge
from grader.errors import JudgeError
from grader.models import CategoryScore, Collected, TestResult, TestStatus
from grader.score import score
from grader.testing import write_challenge


def _challenge(tmp_path: Path, categories: Mapping[str, float]) -> Challenge:
    return write_challenge(tmp_path, categories=categories, manifest=["t"])


def _collected(*results: tuple[str, TestStatus]) -> Collected:
    tests = tuple(TestResult(f"t{n}", status, cat) for n, (cat, status) in enumerate(results))
    return Collected(tests=tests, expected=tuple(t.id for t in tests))


P, F = TestStatus.PASSED, TestStatus.FAILED


def test_categories_weigh_what_challenge_toml_says(tmp_path: Path) -> None:
    challenge = _challenge(tmp_path, {"core": 3, "extra": 1})
    result = score(_collected(("core", P), ("core", F), ("extra", P), ("extra", P)), challenge)
    assert result.total == 62.5  # (3 * 1/2 + 1 * 2/2) / 4
    assert result.categories == (
        CategoryScore("core", 3.0, 1, 2),
        CategoryScore("extra", 1.0, 2, 2),
    )


def test_partial_credit_within_a_category(tmp_path: Path) -> None:
    challenge = _challenge(tmp_path, {"core": 1})
    result = score(_collected(("core", P), ("core", F), ("core", F)), challenge)
    assert result.total == 33.3
    assert result.categories[0].score == 33.3


def test_all_passed_scores_100_and_none_passed_scores_0(tmp_path: Path) -> None:
    challenge = _challenge(tmp_path, {"core": 2, "extra": 5})
    assert score(_collected(("core", P), ("extra", P)), challenge).total == 100.0
    assert score(_collected(("core", F), ("extra", F)), challenge).total == 0.0


def test_a_category_without_tests_is_listed_but_not_counted(tmp_path: Path) -> None:
    challenge = _challenge(tmp_path, {"core": 1, "docs": 10})
    result = score(_collected(("core", P)), challenge)
    assert result.total == 100.0
    assert result.categories[1] == CategoryScore("docs", 10.0, 0, 0)
    assert result.categories[1].score == 0.0


def test_no_tests_at_all_scores_zero(tmp_path: Path) -> None:
    assert score(_collected(), _challenge(tmp_path, {"core": 1})).total == 0.0


@pytest.mark.parametrize(
    "status",
    [
        TestStatus.FAILED,
        TestStatus.ERROR,
        TestStatus.TIMEOUT,
        TestStatus.RESOURCE_LIMIT,
        TestStatus.SKIPPED,
    ],
)
def test_only_passed_counts(tmp_path: Path, status: TestStatus) -> None:
    result = score(_collected(("core", P), ("core", status)), _challenge(tmp_path, {"core": 1}))
    assert result.total == 50.0
    assert result.categories[0].passed == 1


def test_half_way_totals_round_up_exactly(tmp_path: Path) -> None:
    challenge = _challenge(tmp_path, {"core": 1})
    one_in_sixteen = [("core", P)] + [("core", F)] * 15
    assert score(_collected(*one_in_sixteen), challenge).total == 6.3  # 6.25, not 6.2


def test_categories_follow_challenge_order_and_results_are_deterministic(tmp_path: Path) -> None:
    challenge = _challenge(tmp_path, {"zeta": 0.3, "alpha": 0.7})
    collected = _collected(("alpha", P), ("zeta", F), ("alpha", F), ("zeta", P))
    first = score(collected, challenge)
    assert [c.name for c in first.categories] == ["zeta", "alpha"]
    assert all(score(collected, challenge) == first for _ in range(5))
    assert first.total == 50.0


def test_a_result_in_an_undeclared_category_is_refused(tmp_path: Path) -> None:
    with pytest.raises(JudgeError, match="ghost"):
        score(_collected(("ghost", P)), _challenge(tmp_path, {"core": 1}))
