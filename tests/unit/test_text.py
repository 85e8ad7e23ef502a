"""grader.text.clean_text: untrusted text made safe to show and bounded in size."""

from __future__ import annotations

import pytest

from grader.text import TRUNCATED, clean_text, neutralise


def test_plain_text_with_newlines_and_tabs_is_unchanged() -> None:
    assert clean_text("line one\n\tline two", 100) == "line one\n\tline two"


def test_terminal_escapes_and_nul_become_visible_escapes() -> None:
    assert clean_text("\x1b[31mred\x00", 100) == "\\x1b[31mred\\x00"


def test_windows_line_endings_become_newlines_and_lone_carriage_returns_are_escaped() -> None:
    assert clean_text("a\r\nb\rc", 100) == "a\nb\\x0dc"


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\ufeff", "\x85", "\ud800"])
def test_bidi_zero_width_c1_and_surrogate_characters_are_escaped(char: str) -> None:
    cleaned = clean_text(f"x{char}y", 100)
    assert char not in cleaned
    assert cleaned.startswith("x\\") and cleaned.endswith("y")
    cleaned.encode("utf-8")  # lone surrogates would make this raise


def test_long_text_is_cut_to_the_limit_and_marked() -> None:
    cleaned = clean_text("a" * 5000, 2000)
    assert cleaned == "a" * 2000 + TRUNCATED


def test_text_exactly_at_the_limit_is_not_marked() -> None:
    assert clean_text("a" * 2000, 2000) == "a" * 2000


def test_escapes_count_towards_the_limit() -> None:
    assert clean_text("\x00" * 10, 8) == "\\x00\\x00" + TRUNCATED


def test_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        clean_text("x", -1)


def test_neutralise_makes_characters_visible_without_cutting() -> None:
    assert neutralise("a\r\n\u202e" + "b" * 5000) == "a\n\\u202e" + "b" * 5000
