"""Similarity between submissions: winnowing fingerprints over normalised Python tokens.

Schleimer, Wilkerson and Aiken's winnowing (the algorithm behind MOSS): hash every run of
:data:`K` tokens, keep the smallest hash of each window of :data:`WINDOW` hashes. Tokens are
normalised first (every identifier reads ``V``, every string ``S``, every number ``N``; comments
dropped), so renaming variables or rewording comments does not hide a copy. Fingerprints that
also occur in the challenge's starter code or bundled samples are left out.

No maintained PyPI package fits: ``copydetect`` pulls matplotlib and numpy into the worker for
plotting. This module is small and tested instead (tests/unit/test_similarity.py).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import keyword
import token
import tokenize
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from grader.models import Finding, Fingerprint, Severity
from grader.text import clean_text

K = 12  # tokens per hashed run: long enough that common idioms do not match by themselves
WINDOW = 6  # guarantees any shared run of K + WINDOW - 1 tokens is found
THRESHOLD = 0.5  # share of the smaller submission's fingerprints found in the other
MAX_FINGERPRINTS = 5000  # bounds what a report stores (a large solution keeps its first 5000)
MIN_MARKS = 30  # fewer fingerprints than this (a near-empty submission) is never "similar"
MAX_FILE_BYTES = 512 * 1024
MAX_REGIONS = 5

_SKIPPED = frozenset({token.COMMENT, token.NL, token.ENCODING, token.ENDMARKER, token.TYPE_COMMENT})


@dataclass(frozen=True, slots=True)
class Match:
    """How much of two submissions is the same, and where (``path:first-last`` regions)."""

    score: float  # 0..1: shared fingerprints over the smaller submission's count
    regions_a: tuple[str, ...]
    regions_b: tuple[str, ...]
    smaller: int  # how many distinct fingerprints the smaller submission has

    def similar(self, threshold: float = THRESHOLD) -> bool:
        return self.smaller >= MIN_MARKS and self.score >= threshold


def fingerprints(
    files: Mapping[str, bytes], exclude: Iterable[Mapping[str, bytes]] = ()
) -> tuple[Fingerprint, ...]:
    """The winnowed fingerprints of the Python files of ``files``, less those of ``exclude``
    (the challenge's starter and samples)."""
    boilerplate = {m.digest for tree in exclude for m in _marks(tree)}
    kept = (m for m in _marks(files) if m.digest not in boilerplate)
    return tuple(itertools.islice(kept, MAX_FINGERPRINTS))


def compare(a: tuple[Fingerprint, ...], b: tuple[Fingerprint, ...]) -> Match:
    """How similar two submissions' fingerprints are, with the matching regions on each side."""
    shared = {m.digest for m in a} & {m.digest for m in b}
    smaller = min(len({m.digest for m in a}), len({m.digest for m in b}))
    return Match(_score(len(shared), smaller), _regions(a, shared), _regions(b, shared), smaller)


def may_be_similar(shared: int, count_a: int, count_b: int) -> bool:
    """Whether two submissions with ``count_a`` and ``count_b`` distinct fingerprints, ``shared``
    of them in common, pass :meth:`Match.similar`: the cheap test before :func:`compare`."""
    smaller = min(count_a, count_b)
    return Match(_score(shared, smaller), (), (), smaller).similar()


def _score(shared: int, smaller: int) -> float:
    return round(shared / smaller, 3) if smaller else 0.0


def similarity_finding(match: Match, *, other: str, mine_first: bool = True) -> Finding:
    """The review finding one side of a similar pair gets; ``other`` names the other run."""
    mine, theirs = (
        (match.regions_a, match.regions_b) if mine_first else (match.regions_b, match.regions_a)
    )
    message = (
        f"{round(100 * match.score)}% of this code's fingerprints also occur in {other} "
        f"(here: {', '.join(mine) or '—'}; there: {', '.join(theirs) or '—'}). Shared "
        "tutorials and templates match too: a human should compare the two before concluding "
        "anything"
    )
    first = mine[0].rsplit(":", 1) if mine else ["", "0-0"]
    return Finding(
        "similar-submission",
        Severity.WARNING,
        clean_text(message, 900),
        path=first[0],
        line=int(first[1].split("-", 1)[0]),
    )


def _marks(files: Mapping[str, bytes]) -> Iterator[Fingerprint]:
    for path in sorted(files):
        data = files[path]
        if path.endswith(".py") and len(data) <= MAX_FILE_BYTES:
            yield from _winnow(path, _tokens(data))


def _tokens(data: bytes) -> list[tuple[str, int]]:
    """(normalised token, line) pairs; a file that does not tokenize gives what came before."""
    found: list[tuple[str, int]] = []
    try:
        for tok in tokenize.tokenize(io.BytesIO(data).readline):
            if tok.type not in _SKIPPED:
                found.append((_normalised(tok), tok.start[0]))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        return found  # a partial file still has fingerprints up to the error
    return found


def _normalised(tok: tokenize.TokenInfo) -> str:
    if tok.type == token.NAME:
        return tok.string if keyword.iskeyword(tok.string) else "V"
    if tok.type == token.STRING or tok.type in _FSTRING:
        return "S"
    if tok.type == token.NUMBER:
        return "N"
    return tok.string if tok.type == token.OP else token.tok_name[tok.type]


_FSTRING = frozenset(
    getattr(token, name) for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
    if hasattr(token, name)
)  # fmt: skip


def _winnow(path: str, tokens: list[tuple[str, int]]) -> Iterator[Fingerprint]:
    grams = [
        (_hash(" ".join(t for t, _ in tokens[i : i + K])), tokens[i][1], tokens[i + K - 1][1])
        for i in range(len(tokens) - K + 1)
    ]
    kept = -1
    for start in range(max(len(grams) - WINDOW + 1, 1 if grams else 0)):
        window = grams[start : start + WINDOW]
        low = min(h for h, _, _ in window)
        index = start + max(i for i, (h, _, _) in enumerate(window) if h == low)
        if index != kept:
            kept = index
            digest, first, last = grams[index]
            yield Fingerprint(digest, path, first, last)


def _hash(text: str) -> int:
    # 48 bits: exact as a JSON number in any reader, ample for a few thousand fingerprints
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")


def _regions(marks: tuple[Fingerprint, ...], shared: set[int]) -> tuple[str, ...]:
    """Shared line ranges per file, overlapping ones merged, largest first."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for m in sorted((m for m in marks if m.digest in shared), key=lambda m: (m.path, m.first)):
        ranges = spans.setdefault(m.path, [])
        if ranges and m.first <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], m.last))
        else:
            ranges.append((m.first, m.last))
    flat = [(path, a, b) for path, ranges in spans.items() for a, b in ranges]
    flat.sort(key=lambda r: (-(r[2] - r[1]), r[0], r[1]))
    return tuple(f"{path}:{a}-{b}" for path, a, b in flat[:MAX_REGIONS])
