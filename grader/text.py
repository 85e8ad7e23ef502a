"""Make untrusted text safe to store, log and show: no control characters, bounded length.

Test messages, commit messages and file excerpts come from candidate code. Before they reach a
report, a log or a terminal, :func:`clean_text` turns every character that could move the
cursor, recolour a terminal, reorder text (Trojan Source) or break UTF-8 encoding into a
visible escape such as ``\\x1b`` or ``\\u202e``, and cuts the result to a known size.
"""

from __future__ import annotations

import re

TRUNCATED = "… [truncated]"

# C0 controls except \t and \n, DEL and C1 controls, bidi embeddings/overrides/isolates
# (U+202A-U+202E, U+2066-U+2069), directional marks, zero-width characters, line and
# paragraph separators, the BOM, and lone surrogates (which cannot be encoded as UTF-8).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralise(s: str) -> str:
    """``s`` with unsafe characters made visible and ``\\r\\n`` as ``\\n``; never cut."""
    return _UNSAFE.sub(_visible, s.replace("\r\n", "\n"))


def clean_text(s: str, limit: int) -> str:
    """``s`` with unsafe characters made visible, cut to ``limit`` characters plus a marker.

    ``\\r\\n`` becomes ``\\n``; ``\\n`` and ``\\t`` are kept. The result holds at most
    ``limit`` characters of cleaned text, followed by :data:`TRUNCATED` when anything was cut.
    """
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    # Cutting first bounds the work on huge inputs. Folding \r\n at most halves the text and
    # escaping only lengthens it, so a cut input always ends up longer than ``limit`` below.
    cleaned = neutralise(s[: 2 * limit + 2])
    if len(cleaned) > limit:
        return cleaned[:limit] + TRUNCATED
    return cleaned
