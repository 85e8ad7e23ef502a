"""The values that flow between pipeline stages.

Every stage takes and returns these frozen dataclasses; only ``pipeline.py`` wires stages
together. Nothing here talks to Docker, git, a database or the network.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

# The Python roles hiring teams hire for; each gets its own worker queue (challenge.toml).
SPECIALTIES = ("backend", "ml", "data", "devops")


class Outcome(enum.StrEnum):
    """How a run ended, from the recruiter's point of view."""

    GRADED = "graded"
    FLAGGED = "flagged"  # integrity evidence: a human must review before the score counts
    NOT_GRADABLE = "not_gradable"  # infrastructure fault: never the candidate's
    REJECTED = "rejected"  # bad intake (URL, size, unreachable): no attempt consumed


class TestStatus(enum.StrEnum):
    """What happened to one hidden test."""

    __test__ = False  # not a pytest test class

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    RESOURCE_LIMIT = "resource_limit"
    SKIPPED = "skipped"

    @property
    def plain_words(self) -> str:
        return _PLAIN_WORDS[self]


_PLAIN_WORDS = {
    TestStatus.PASSED: "passed",
    TestStatus.FAILED: "failed: the candidate's code gave a wrong result",
    TestStatus.ERROR: "error: the candidate's code crashed or could not be started",
    TestStatus.TIMEOUT: "timed out: the candidate's code ran past the time limit",
    TestStatus.RESOURCE_LIMIT: "stopped: the candidate's code hit a memory or process limit",
    TestStatus.SKIPPED: "not run",
}


class Phase(enum.StrEnum):
    FETCH = "fetch"
    PREPARE = "prepare"
    SANDBOX = "sandbox"
    COLLECT = "collect"
    ANALYSE = "analyse"
    SCORE = "score"
    REPORT = "report"


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one sandbox run (already clamped to the global bounds)."""

    memory_mb: int = 2048
    cpus: float = 1.0
    pids: int = 1024
    disk_mb: int = 1024
    wall_seconds: int = 600
    test_seconds: int = 30


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One regular file of the candidate's tree, as git stored it (never read from disk)."""

    path: str
    size: int
    executable: bool = False


@dataclass(frozen=True, slots=True)
class FetchedRepo:
    """A candidate repository at one pinned commit, held as a tar stream of its tree."""

    url: str  # redacted: never holds credentials
    ref: str | None
    commit: str
    tree_tar: bytes = field(repr=False)
    files: tuple[SourceFile, ...]
    skipped: tuple[str, ...] = ()  # symlinks and other non-regular entries left out, with why
    commit_message: str = ""
    committed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Dependency:
    """One requirement the candidate declared, and what became of it."""

    requirement: str
    status: str  # "installed" | "refused" | "failed"
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the sandbox needs besides the candidate's tree: wheels to install, and the record."""

    wheels: tuple[str, ...] = ()  # absolute host paths of wheel files, already downloaded
    dependencies: tuple[Dependency, ...] = ()
    source: str = ""  # which file declared them, e.g. "requirements.txt"


@dataclass(frozen=True, slots=True)
class TestResult:
    __test__ = False

    id: str
    status: TestStatus
    category: str
    duration: float = 0.0
    message: str = ""  # short, truncated, control characters neutralised


@dataclass(frozen=True, slots=True)
class SandboxRun:
    """What came back from one container: raw judge output, and the facts seen from outside."""

    results_json: bytes = field(repr=False)
    exit_code: int | None
    timed_out: bool  # the wall clock killed the container from outside
    oom_killed: bool
    log_tail: str  # bounded judge output, for operators
    image: str
    image_digest: str
    limits: Limits
    facts: dict[str, str] = field(default_factory=dict)  # e.g. which sidecar services were used


@dataclass(frozen=True, slots=True)
class Collected:
    tests: tuple[TestResult, ...]
    expected: tuple[str, ...]  # the challenge's test-ID manifest
    problems: tuple[str, ...] = ()  # integrity or completeness problems, in plain words
    facts: dict[str, str] = field(default_factory=dict)  # what the judge recorded, e.g. entry point


@dataclass(frozen=True, slots=True)
class Finding:
    """A red flag a senior reviewer would raise, with the evidence behind it."""

    rule: str
    severity: str  # "info" | "warning" | "integrity"
    message: str
    path: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class CategoryScore:
    name: str
    weight: float
    passed: int
    total: int

    @property
    def fraction(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def score(self) -> float:
        """Points out of 100 for this category alone."""
        return round(100 * self.fraction, 1)


@dataclass(frozen=True, slots=True)
class Score:
    total: float  # 0-100
    categories: tuple[CategoryScore, ...]


@dataclass(frozen=True, slots=True)
class ChallengeRef:
    id: str
    version: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class GradeReport:
    """The whole story of one run: what the CLI prints, the store keeps and reports render."""

    run_id: str
    outcome: Outcome
    score: float | None
    reason: str  # plain words; empty only when graded
    repo_url: str
    ref: str | None
    commit: str | None
    challenge: ChallengeRef
    tests: tuple[TestResult, ...] = ()
    categories: tuple[CategoryScore, ...] = ()
    findings: tuple[Finding, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    image: str = ""
    image_digest: str = ""
    limits: Limits | None = None
    facts: dict[str, str] = field(default_factory=dict)  # e.g. how the candidate was started
