"""The analyser's entry point: run every rule family over a tree held in memory, then cap."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping

from grader.analyse.hygiene import HYGIENE_RULES, key_formats
from grader.analyse.integrity import INTEGRITY_RULES, tamper_files, text_probes
from grader.analyse.leaks import HiddenMarks, hidden_marks, leaked
from grader.analyse.rules import INTEGRITY, RULES, SEVERITY_ORDER, Hit
from grader.analyse.source import MAX_SCAN_BYTES, PyFile, as_text, is_test_module, parse_python
from grader.models import Finding, IntegrityCheck
from grader.text import clean_text

logger = logging.getLogger(__name__)

MAX_PER_RULE = 20
_RULE_ORDER = {rule_id: n for n, rule_id in enumerate(RULES)}


def analyse(
    files: Mapping[str, bytes], *, hidden: Mapping[str, bytes] | None = None
) -> tuple[Finding, ...]:
    """Static red flags in a candidate's tree (path -> content); nothing is read or executed.

    ``hidden`` holds the challenge's hidden test files: a candidate file carrying their canary
    string, or a copy of one, is evidence that they leaked (rule ``leaked-tests``).
    Findings come sorted: integrity first, then warnings, then info; by rule, path and line.
    Each rule reports at most :data:`MAX_PER_RULE` findings plus one saying how many more.
    """
    marks = hidden_marks(hidden or {})
    hits: list[Hit] = []
    for path in sorted(files):
        _collect(hits, path, files[path], marks)
    if not any(is_test_module(p) for p in files):
        hits.append(Hit("no-tests", "no tests found: a senior candidate would add some"))
    findings = _capped(_ordered(hits))
    logger.debug("analysed %s files: %s findings", len(files), len(findings))
    return findings


def scan_checks(
    files: Mapping[str, bytes], findings: tuple[Finding, ...], *, hidden: bool
) -> tuple[IntegrityCheck, ...]:
    """What the scans covered and found, for the report's Integrity section."""
    rules = sum(1 for rule in RULES.values() if rule.severity is INTEGRITY)
    found = [f for f in findings if f.severity is INTEGRITY and f.rule != "leaked-tests"]
    tamper = IntegrityCheck(
        "tamper scan",
        f"{len(files)} files checked against {rules} tamper rules: "
        + (_count(len(found), "finding") + ", flagged" if found else "nothing found"),
    )
    if not hidden:
        return (tamper,)
    leaks = sum(1 for f in findings if f.rule == "leaked-tests")
    leak = IntegrityCheck(
        "hidden-test leak scan",
        _count(leaks, "file") + " with hidden-test content, flagged"
        if leaks
        else "no hidden-test canary string or copy found",
    )
    return tamper, leak


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _collect(hits: list[Hit], path: str, data: bytes, marks: HiddenMarks) -> None:
    """Add ``path``'s hits; a file that breaks a parser or a rule becomes a finding itself.

    Candidate bytes can make any parser give up (MemoryError, RecursionError, ...): the
    hits found so far are kept, the rest of the file is reported as not analysed, and the
    analysis carries on with the next file, so no submission can crash a grading.
    """
    try:
        hits.extend(_file_hits(path, data, marks))
    except Exception as exc:
        logger.exception("could not analyse %s", path)
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        hits.append(Hit("not-analysed", f"not fully analysed: {reason}", path))


def _file_hits(path: str, data: bytes, marks: HiddenMarks) -> Iterator[Hit]:
    if len(data) > MAX_SCAN_BYTES:
        yield Hit("too-large", f"not analysed: larger than {MAX_SCAN_BYTES // 1024**2} MiB", path)
        return
    text = as_text(data)
    if marks:
        yield from leaked(path, data, text, marks)
    yield from tamper_files(path, text)
    if text is not None:
        yield from text_probes(path, text)
        yield from key_formats(path, text)
    if path.endswith(".py"):
        parsed = parse_python(path, data)
        if isinstance(parsed, Hit):
            yield parsed
        else:
            yield from _python_hits(parsed)


def _python_hits(f: PyFile) -> Iterator[Hit]:
    for family in (*INTEGRITY_RULES, *HYGIENE_RULES):
        yield from family(f)


def _ordered(hits: Iterable[Hit]) -> list[Hit]:
    unique = {(h.rule, h.path, h.line): h for h in hits}  # one finding per rule and line
    return sorted(
        unique.values(),
        key=lambda h: (
            SEVERITY_ORDER.index(RULES[h.rule].severity),
            _RULE_ORDER[h.rule],
            h.path,
            h.line,
        ),
    )


def _capped(hits: list[Hit]) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.rule] = counts.get(hit.rule, 0) + 1
        if counts[hit.rule] <= MAX_PER_RULE:
            findings.append(_finding(hit))
    for rule_id, count in counts.items():
        if count > MAX_PER_RULE:
            more = Hit(rule_id, f"{count - MAX_PER_RULE} more findings of this kind not listed")
            index = max(i for i, f in enumerate(findings) if f.rule == rule_id) + 1
            findings.insert(index, _finding(more))
    return tuple(findings)


def _finding(hit: Hit) -> Finding:
    return Finding(
        rule=hit.rule,
        severity=RULES[hit.rule].severity,
        message=clean_text(hit.message, 500),
        path=clean_text(hit.path, 300),
        line=hit.line,
    )
