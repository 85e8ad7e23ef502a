"""The analyser's entry point: run every rule family over a tree held in memory, then cap."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator, Mapping

from grader.analyse.annotations import code_stats
from grader.analyse.hygiene import HYGIENE_RULES, key_formats
from grader.analyse.integrity import INTEGRITY_RULES, tamper_files, text_probes
from grader.analyse.leaks import HiddenMarks, hidden_marks, leaked
from grader.analyse.lint import LintError, lint
from grader.analyse.repo import repo_hygiene
from grader.analyse.rules import INTEGRITY, RULES, SEVERITY_ORDER, Hit
from grader.analyse.source import MAX_SCAN_BYTES, PyFile, as_text, is_test_module, parse_python
from grader.models import CodeStats, Finding, IntegrityCheck
from grader.text import clean_text

logger = logging.getLogger(__name__)

MAX_PER_RULE = 20
MAX_SNIPPET_CHARS = 120
_RULE_ORDER = {rule_id: n for n, rule_id in enumerate(RULES)}


def analyse(
    files: Mapping[str, bytes],
    *,
    hidden: Mapping[str, bytes] | None = None,
    expects: Collection[str] = (),
) -> tuple[Finding, ...]:
    """Static red flags in a candidate's tree (path -> content); nothing is imported or run.

    ``hidden`` holds the challenge's hidden test files: a candidate file carrying their canary
    string, or a copy of one, is evidence that they leaked (rule ``leaked-tests``).
    ``expects`` names files the challenge asks for (``dockerfile``, ``compose``).
    Code red flags come from ruff (:mod:`grader.analyse.lint`), run on a copy of the tree.
    Findings come sorted: integrity first, then warnings, then info; by rule, path and line.
    Each rule reports at most :data:`MAX_PER_RULE` findings plus one saying how many more.
    """
    marks = hidden_marks(hidden or {})
    hits: list[Hit] = []
    for path in sorted(files):
        _collect(hits, path, files[path], marks)
    if not any(is_test_module(p) for p in files):
        hits.append(Hit("no-tests", "no tests found: a senior candidate would add some"))
    hits.extend(repo_hygiene(files, expects))
    hits.extend(_lint_hits(files))
    findings = _capped(_ordered(hits), files)
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


def code_stats_of(files: Mapping[str, bytes]) -> CodeStats:
    """Type-hint coverage of the candidate's Python files that parse (tests left out)."""
    parsed = (
        parse_python(path, data)
        for path, data in sorted(files.items())
        if path.endswith(".py") and len(data) <= MAX_SCAN_BYTES
    )
    return code_stats(f for f in parsed if isinstance(f, PyFile))


def _lint_hits(files: Mapping[str, bytes]) -> list[Hit]:
    small = {p: d for p, d in files.items() if len(d) <= MAX_SCAN_BYTES}
    try:
        hits = list(lint(small))
    except LintError as exc:
        logger.warning("ruff failed on the candidate's tree: %s", exc)
        return [Hit("lint-unavailable", f"code signals could not be computed: {exc}")]
    return [h for h in hits if h.rule != "print-call" or not _may_print(h.path, small[h.path])]


def _may_print(path: str, data: bytes) -> bool:
    """Tests, entry points and scripts talk through print(); library code should not."""
    parsed = parse_python(path, data)
    return isinstance(parsed, Hit) or parsed.is_test or parsed.is_entry_point


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


def _capped(hits: list[Hit], files: Mapping[str, bytes]) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.rule] = counts.get(hit.rule, 0) + 1
        if counts[hit.rule] <= MAX_PER_RULE:
            findings.append(_finding(hit, _snippet(files, hit)))
    for rule_id, count in counts.items():
        if count > MAX_PER_RULE:
            more = Hit(rule_id, f"{count - MAX_PER_RULE} more findings of this kind not listed")
            index = max(i for i, f in enumerate(findings) if f.rule == rule_id) + 1
            findings.insert(index, _finding(more))
    return tuple(findings)


def _snippet(files: Mapping[str, bytes], hit: Hit) -> str:
    """The line a code finding points at, stripped and shortened; secrets are never repeated."""
    data = files.get(hit.path)
    if (
        data is None
        or hit.line < 1
        or hit.rule == "hardcoded-secret"
        or RULES[hit.rule].severity is INTEGRITY
    ):
        return ""
    lines = data[:MAX_SCAN_BYTES].decode("utf-8", "replace").split("\n")
    return (
        clean_text(lines[hit.line - 1].strip(), MAX_SNIPPET_CHARS) if hit.line <= len(lines) else ""
    )


def _finding(hit: Hit, snippet: str = "") -> Finding:
    return Finding(
        rule=hit.rule,
        severity=RULES[hit.rule].severity,
        message=clean_text(hit.message, 500),
        path=clean_text(hit.path, 300),
        line=hit.line,
        snippet=snippet,
    )
