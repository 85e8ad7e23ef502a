"""The rule table: every check the analyser can raise, its severity and what it means.

Severities: ``info`` (worth a look), ``warning`` (a senior reviewer would ask for a change),
``integrity`` (evidence of probing or tampering with the grader: a human must review).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.models import Severity

INFO = Severity.INFO
WARNING = Severity.WARNING
INTEGRITY = Severity.INTEGRITY
SEVERITY_ORDER = (INTEGRITY, WARNING, INFO)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    title: str


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of a rule, before severity, cleaning and capping are applied."""

    rule: str
    message: str
    path: str = ""
    line: int = 0


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        # integrity: tamper indicators
        Rule("pytest-hooks", INTEGRITY, "defines pytest hooks that can rewrite test outcomes"),
        Rule("startup-hook", INTEGRITY, "ships a file Python runs at start-up (.pth, *customize)"),
        Rule("pytest-internals", INTEGRITY, "imports pytest or its internals outside tests"),
        Rule("frame-walking", INTEGRITY, "walks the call stack or the garbage collector"),
        Rule("judge-probe", INTEGRITY, "mentions the grader's judge, harness or test variables"),
        Rule("bidi-control", INTEGRITY, "hides bidirectional control characters (Trojan Source)"),
        Rule("pytest-plugin", INTEGRITY, "registers a pytest plugin (pytest11 entry point)"),
        Rule("test-hunting", INTEGRITY, "searches for test files or other processes' secrets"),
        Rule("early-exit", INTEGRITY, "ends the process with os._exit() when imported"),
        Rule("leaked-tests", INTEGRITY, "holds the hidden tests' canary string or a copy"),
        # warnings: what a reviewer would ask to change
        Rule("syntax-error", WARNING, "a Python file does not parse"),
        Rule("bare-except", WARNING, "a bare `except:` catches everything, even Ctrl-C"),
        Rule("swallowed-exception", WARNING, "a broad exception is caught and ignored"),
        Rule("mutable-default", WARNING, "a mutable default argument is shared between calls"),
        Rule("blocking-async", WARNING, "a blocking call inside an async function"),
        Rule("dangerous-call", WARNING, "eval/exec/os.system or a shell=True subprocess"),
        Rule("sql-injection", WARNING, "SQL built by string formatting: an injection risk"),
        Rule("hardcoded-secret", WARNING, "a secret-looking value is written in the code"),
        Rule("undefined-name", WARNING, "a name is used but never defined"),
        Rule("committed-env", WARNING, "an environment file (.env) is committed"),
        Rule("similar-submission", WARNING, "much of the code matches another submission"),
        # info: worth a look
        Rule("pytest-config", INFO, "ships its own pytest configuration (the judge ignores it)"),
        Rule("print-call", INFO, "print() in library code (debugging left in?)"),
        Rule("complex-function", INFO, "a function with many branches (complexity over 10)"),
        Rule("any-annotation", INFO, "`Any` in a type hint switches type checking off there"),
        Rule("security-smell", INFO, "a security smell (ruff's bandit rules)"),
        Rule("unused-code", INFO, "an unused import or variable"),
        Rule("unpinned-dependencies", INFO, "requirements without exact versions or a lock file"),
        Rule("no-lock-file", INFO, "dependencies declared without a lock file"),
        Rule("no-readme", INFO, "no README, or one that does not say how to run it"),
        Rule("missing-file", INFO, "a file the challenge asks for is missing"),
        Rule("committed-build", INFO, "a virtualenv or bytecode is committed"),
        Rule("no-tests", INFO, "the repository has no tests"),
        Rule("too-large", INFO, "a file too large to analyse"),
        Rule("lint-unavailable", INFO, "the code signals could not be computed"),
        Rule("not-analysed", INFO, "a file the analyser's parsers gave up on"),
    )
}
