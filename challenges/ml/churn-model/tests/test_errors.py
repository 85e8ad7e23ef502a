"""Input without an answer raises ValueError, as the brief says."""

import pytest
from grader_harness import CandidateError, FunctionsClient

pytestmark = pytest.mark.category("errors")


def test_median_of_an_empty_list_raises_value_error(series: FunctionsClient) -> None:
    with pytest.raises(CandidateError) as raised:
        series.call("median", [])
    assert raised.value.exc_type == "ValueError", f"raised {raised.value.exc_type or 'nothing'}"


@pytest.mark.parametrize("window", [0, -2])
def test_a_window_below_one_raises_value_error(series: FunctionsClient, window: int) -> None:
    with pytest.raises(CandidateError) as raised:
        series.call("moving_average", [1, 2, 3], window)
    assert raised.value.exc_type == "ValueError", f"raised {raised.value.exc_type or 'nothing'}"
