"""Hidden tests: candidate functions called across the JSON pipe."""

# grader-canary: 7f7ec8c7-8605-47ab-901c-e19574f5384c

import random

import pytest
from grader_harness import functions

pytestmark = pytest.mark.category("core")


def test_add_returns_the_sum() -> None:
    with functions("solution") as solution:
        assert solution.call("add", 2, 3) == 5


def test_add_takes_inputs_chosen_at_grade_time() -> None:
    a, b = (random.SystemRandom().randint(10**6, 10**9) for _ in range(2))
    with functions("solution") as solution:
        assert solution.call("add", a, b) == a + b


def test_double_finishes_in_time() -> None:
    with functions("solution") as solution:
        assert solution.call("double", 21) == 42
