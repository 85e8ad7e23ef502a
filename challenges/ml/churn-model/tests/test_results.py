"""The numbers the brief defines."""

import pytest
from grader_harness import FunctionsClient

pytestmark = pytest.mark.category("results")


@pytest.mark.parametrize(
    ("values", "expected"),
    [([3, 1, 2], 2), ([7], 7), ([5, 1, 4, 2, 3], 3)],
    ids=["three", "one", "five-unsorted"],
)
def test_median_of_an_odd_count_is_the_middle_value(
    series: FunctionsClient, values: list[float], expected: float
) -> None:
    assert series.call("median", values) == pytest.approx(expected, abs=1e-9)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(series: FunctionsClient) -> None:
    assert series.call("median", [10, 4, 1, 7]) == pytest.approx(5.5, abs=1e-9)


def test_moving_average_of_the_brief_example(series: FunctionsClient) -> None:
    assert series.call("moving_average", [1, 2, 3, 4], 2) == pytest.approx([1.5, 2.5, 3.5])


def test_moving_average_over_three_values(series: FunctionsClient) -> None:
    result = series.call("moving_average", [2, 4, 9, 1, 5], 3)
    assert result == pytest.approx([5.0, 14 / 3, 5.0], abs=1e-9)


def test_a_window_of_one_gives_the_values_back(series: FunctionsClient) -> None:
    assert series.call("moving_average", [3, 1, 4], 1) == pytest.approx([3, 1, 4])


def test_a_window_longer_than_the_values_gives_an_empty_list(series: FunctionsClient) -> None:
    assert series.call("moving_average", [1, 2], 3) == []
