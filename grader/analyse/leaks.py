"""Hidden tests that have leaked: their canary string, or a copy of a hidden file, in a repo.

Challenge authors put a line such as ``# grader-canary: 6f1c0e9a-...`` into every hidden test
file. The string means nothing to anyone who has not seen the hidden tests, so a submission
holding it (or a byte-for-byte copy of a hidden file) carries leaked hidden tests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from grader.analyse.rules import Hit

CANARY = re.compile(r"grader-canary:\s*([0-9A-Za-z][0-9A-Za-z-]{15,99})", re.IGNORECASE)
MIN_COPY_BYTES = 100  # smaller hidden files (an empty __init__.py) prove nothing


@dataclass(frozen=True, slots=True)
class HiddenMarks:
    """What identifies the hidden tests: canary strings and digests of their files."""

    canaries: frozenset[str] = frozenset()
    digests: Mapping[str, str] = field(default_factory=dict)  # sha256 -> hidden file name

    def __bool__(self) -> bool:
        return bool(self.canaries or self.digests)


def hidden_marks(hidden: Mapping[str, bytes]) -> HiddenMarks:
    """The marks of the hidden test files ``hidden`` (path -> content)."""
    canaries: set[str] = set()
    digests: dict[str, str] = {}
    for name, data in hidden.items():
        canaries.update(CANARY.findall(data.decode("utf-8", "replace")))
        if len(data) >= MIN_COPY_BYTES:
            digests[hashlib.sha256(data).hexdigest()] = name
    return HiddenMarks(frozenset(canaries), digests)


def leaked(path: str, data: bytes, text: str | None, marks: HiddenMarks) -> Iterator[Hit]:
    """A hit when the candidate file ``path`` copies a hidden file or holds a canary string."""
    copied = marks.digests.get(hashlib.sha256(data).hexdigest()) if marks.digests else None
    if copied is not None:
        yield Hit("leaked-tests", f"is a copy of the hidden test file {copied}", path)
        return
    if text is None or not any(canary in text for canary in marks.canaries):
        return
    for number, line in enumerate(text.split("\n"), 1):
        if any(canary in line for canary in marks.canaries):
            yield Hit(
                "leaked-tests",
                "holds the hidden tests' canary string: the hidden tests have leaked",
                path,
                number,
            )
            return
