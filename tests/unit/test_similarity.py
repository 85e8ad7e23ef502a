"""Similarity: near-copies with renamed variables are found; independent solutions are not."""

from __future__ import annotations

import re
from pathlib import Path

from grader.analyse.similarity import (
    MIN_MARKS,
    compare,
    fingerprints,
    similarity_finding,
)
from grader.settings import PROJECT_ROOT

TRACKER = PROJECT_ROOT / "challenges" / "devops" / "task-tracker"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.py")}


def _renamed(files: dict[str, bytes]) -> dict[str, bytes]:
    """Every identifier the code defines gets a new name; comments are reworded; files move."""
    renamed: dict[str, bytes] = {}
    for path, data in files.items():
        text = data.decode()
        defined = set(re.findall(r"(?:def|class)\s+(\w+)|^\s*(\w+)\s*=", text, re.M))
        for name in {n for pair in defined for n in pair if n and not n.startswith("__")}:
            text = re.sub(rf"\b{name}\b", f"{name}_x", text)
        text = re.sub(r"#.*", "# my own comment", text)
        renamed[f"src/{path}"] = text.encode()
    return renamed


STARTER = _tree(TRACKER / "starter")
REFERENCE = _tree(TRACKER / "reference")


def test_a_near_copy_with_renamed_variables_is_similar() -> None:
    original = fingerprints(REFERENCE, [STARTER])
    copy = fingerprints(_renamed(REFERENCE), [STARTER])
    match = compare(original, copy)
    assert match.similar(), match.score
    assert match.score > 0.9
    assert match.regions_b[0].startswith("src/")


def test_two_honest_independent_solutions_are_not_similar() -> None:
    strong = fingerprints(_tree(TRACKER / "samples" / "strong"), [STARTER])
    match = compare(fingerprints(REFERENCE, [STARTER]), strong)
    assert not match.similar(), match.score
    assert match.score < 0.3


def test_the_starter_code_is_never_evidence() -> None:
    assert fingerprints(STARTER, [STARTER]) == ()
    starter_only = {**STARTER, "notes.md": b"my notes"}
    assert compare(fingerprints(starter_only, [STARTER]), fingerprints(STARTER, [])).score == 0.0


def test_tiny_submissions_are_never_called_similar() -> None:
    tiny = {"a.py": b"def f(x):\n    return x + 1\n"}
    match = compare(fingerprints(tiny), fingerprints(tiny))
    assert match.score == 1.0
    assert match.smaller < MIN_MARKS and not match.similar()


def test_files_that_do_not_tokenize_still_fingerprint_what_came_before() -> None:
    body = b"".join(b"def f%d(a, b):\n    return a * b + %d\n" % (n, n) for n in range(20))
    broken = fingerprints({"a.py": body + b"def g(:\n    '''unterminated\n"})
    assert len(broken) >= len(fingerprints({"a.py": body})) - 1


def test_both_reports_get_a_finding_with_their_own_regions_first() -> None:
    match = compare(fingerprints(REFERENCE, [STARTER]), fingerprints(_renamed(REFERENCE)))
    mine = similarity_finding(match, other="run abc123 (github.com/x/y)")
    theirs = similarity_finding(match, other="run def456", mine_first=False)
    assert mine.rule == theirs.rule == "similar-submission"
    assert mine.path and not mine.path.startswith("src/")
    assert theirs.path.startswith("src/")
    assert "a human should compare" in mine.message
    assert not any(w in mine.message.lower() for w in ("cheat", "plagiar", "copied"))
