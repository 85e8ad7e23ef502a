"""Chunking: overlapping windows of words, exactly as the brief specifies."""

from __future__ import annotations

import random

import pytest
from corpus import vocabulary
from grader_harness import CandidateError, FunctionsClient

pytestmark = pytest.mark.category("chunking")


def words(count: int) -> str:
    return " ".join(f"w{n}" for n in range(1, count + 1))


def expected_chunks(text: str, size: int, overlap: int) -> list[str]:
    items, step, chunks = text.split(), size - overlap, []
    for start in range(0, len(items), step):
        chunks.append(" ".join(items[start : start + size]))
        if start + size >= len(items):
            break
    return chunks


def test_windows_overlap_by_the_given_number_of_words(rag: FunctionsClient) -> None:
    assert rag.call("chunk_text", words(10), 4, 2) == [
        "w1 w2 w3 w4",
        "w3 w4 w5 w6",
        "w5 w6 w7 w8",
        "w7 w8 w9 w10",
    ]


def test_the_last_window_is_the_first_that_reaches_the_end(rag: FunctionsClient) -> None:
    assert rag.call("chunk_text", words(5), 3, 1) == ["w1 w2 w3", "w3 w4 w5"]
    assert rag.call("chunk_text", words(11), 4, 2)[-1] == "w9 w10 w11"


def test_zero_overlap_gives_windows_side_by_side(rag: FunctionsClient) -> None:
    assert rag.call("chunk_text", words(7), 3, 0) == ["w1 w2 w3", "w4 w5 w6", "w7"]


def test_text_shorter_than_one_window_is_one_chunk(rag: FunctionsClient) -> None:
    assert rag.call("chunk_text", "just three words", 50, 10) == ["just three words"]


def test_runs_of_whitespace_and_newlines_separate_words(rag: FunctionsClient) -> None:
    text = "  alpha\tbeta\n\ngamma   delta \r\n epsilon "
    assert rag.call("chunk_text", text, 2, 1) == [
        "alpha beta",
        "beta gamma",
        "gamma delta",
        "delta epsilon",
    ]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_or_blank_text_gives_no_chunks(rag: FunctionsClient, text: str) -> None:
    assert rag.call("chunk_text", text, 5, 1) == []


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (4, 4), (4, 6), (4, -1)])
def test_impossible_window_settings_are_a_value_error(
    rag: FunctionsClient, size: int, overlap: int
) -> None:
    with pytest.raises(CandidateError) as raised:
        rag.call("chunk_text", words(10), size, overlap)
    assert raised.value.exc_type == "ValueError", str(raised.value)


def test_random_texts_are_chunked_exactly(rag: FunctionsClient) -> None:
    rng = random.Random(7)
    vocab = vocabulary(200, 7)
    for _ in range(25):
        text = " ".join(rng.choices(vocab, k=rng.randint(1, 120)))
        size = rng.randint(1, 30)
        overlap = rng.randint(0, size - 1)
        got = rag.call("chunk_text", text, size, overlap)
        assert got == expected_chunks(text, size, overlap), f"size={size} overlap={overlap}"
