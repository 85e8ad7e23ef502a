"""docs/security.md: one row per catalogue attack, and every test it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
CLASSES = {"A": 22, "B": 17, "C": 10, "D": 24, "E": 12, "F": 12}  # 89 + A21-A22, D19-D24
ROW = re.compile(r"^\| ([A-G]\d+) \|")  # G: found in hardening (issue 10), beyond the catalogue
NODE = re.compile(r"(tests/(?:redteam|unit)/\w+\.py)::(\w+)(?:\[([\w-]+)\])?")
WHY_NOT = ("not applicable", "covered by the queue issue's tests")


def _rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows.setdefault(match.group(1), []).append(line)
    return rows


def test_every_catalogue_attack_has_exactly_one_row() -> None:
    expected = {f"{letter}{n}" for letter, count in CLASSES.items() for n in range(1, count + 1)}
    rows = {attack: lines for attack, lines in _rows().items() if attack[0] in CLASSES}
    assert set(rows) == expected
    assert [attack for attack, lines in rows.items() if len(lines) > 1] == []
    assert len(expected) == 97


def test_every_row_names_a_test_or_says_why_none_applies() -> None:
    for attack, (line,) in _rows().items():
        assert NODE.search(line) or any(why in line for why in WHY_NOT), attack


def test_every_test_the_table_names_exists() -> None:
    for attack, (line,) in _rows().items():
        for path, function, param in NODE.findall(line):
            source = (ROOT / path).read_text(encoding="utf-8")
            assert f"def {function}(" in source, (attack, path, function)
            if param:
                assert f'"{param}"' in source, (attack, function, param)
