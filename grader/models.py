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
DEFAULT_QUEUE = "default"  # for every other challenge
# The Python versions a challenge may offer candidates (the sandbox builds a runner for each).
PYTHON_VERSIONS = ("3.11", "3.13")
DEFAULT_PYTHON = "3.11"


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


class Severity(enum.StrEnum):
    """How much a finding matters to the hiring decision."""

    INFO = "info"  # worth a look
    WARNING = "warning"  # a senior reviewer would ask for a change
    INTEGRITY = "integrity"  # evidence of probing or tampering: a human must review


class DependencyStatus(enum.StrEnum):
    """What became of one requirement the candidate declared."""

    INSTALLED = "installed"
    REFUSED = "refused"
    FAILED = "failed"


class Feedback(enum.StrEnum):
    """How much a candidate may see of their own run (recruiters always see everything)."""

    NONE = "none"
    SUMMARY = "summary"
    TEST_NAMES = "test names"
    MESSAGES = "messages"


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
class PythonChoice:
    """The Python a run's candidate code runs on, and why (the challenge's, the candidate's)."""

    version: str  # "3.13"
    reason: str  # plain words, e.g. "requires-python in pyproject.toml asks for '>=3.12'"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One regular file of the candidate's tree, as git stored it (never read from disk)."""

    path: str
    size: int
    executable: bool = False


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """One commit of the candidate's history, as git recorded it (never checked out)."""

    sha: str
    author: str  # "name <email>", cleaned
    committed_at: datetime
    changed_lines: int = 0  # insertions plus deletions
    subject: str = ""


@dataclass(frozen=True, slots=True)
class History:
    """What the commit history shows, in plain words, and the commits behind it."""

    statements: tuple[str, ...]
    commits: tuple[CommitInfo, ...] = ()  # newest first, bounded


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
    deadline: str = ""  # with a deadline: which commit it picked and what came later
    rewritten: str = ""  # where commit dates go backwards (history rewritten), in words
    history: tuple[CommitInfo, ...] = ()  # first-parent history of the graded commit, newest first


@dataclass(frozen=True, slots=True)
class Dependency:
    """One requirement the candidate declared, and what became of it."""

    requirement: str
    status: DependencyStatus
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
    log_tail: str  # bounded judge output when the judge did not end normally, for operators
    image: str
    image_digest: str
    limits: Limits
    services: str = ""  # which sidecar services the candidate used, e.g. "redis (used)"


@dataclass(frozen=True, slots=True)
class IntegrityCheck:
    """One integrity check of a run (tamper scan, manifest, nonce, canary) and what it found."""

    name: str
    found: str


@dataclass(frozen=True, slots=True)
class OwnTests:
    """The candidate's own tests, run in the sandbox after the hidden suite (never scored)."""

    collected: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    coverage: float | None = None  # line coverage of their code, percent; None: not measured
    note: str = ""

    @property
    def text(self) -> str:
        """ "2 of 3 of the candidate's own tests pass; coverage 81%", or why there are none."""
        if not self.collected:
            return f"No tests of the candidate's own ran ({self.note})."
        text = f"{self.passed} of {self.collected} of the candidate's own tests pass"
        cover = f"coverage {self.coverage:.0f}%" if self.coverage is not None else self.note
        return f"{text}; {cover}."


@dataclass(frozen=True, slots=True)
class Collected:
    tests: tuple[TestResult, ...]
    expected: tuple[str, ...]  # the challenge's test-ID manifest
    problems: tuple[str, ...] = ()  # integrity or completeness problems, in plain words
    checks: tuple[IntegrityCheck, ...] = ()  # what the checks on the judge's results found
    recorded: dict[str, str] = field(default_factory=dict)  # hidden tests' record_fact()
    dependency_install: str = ""  # why the judge's install of the candidate's wheels failed
    own_tests: OwnTests | None = None  # None: the judge did not report them
    candidate_seconds: float = 0.0  # hidden tests' wall time with a candidate process alive


@dataclass(frozen=True, slots=True)
class Finding:
    """A red flag a senior reviewer would raise, with the evidence behind it."""

    rule: str
    severity: Severity
    message: str
    path: str = ""
    line: int = 0
    snippet: str = ""  # the line it points at, cleaned and shortened


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One winnowed fingerprint of a submission (grader.analyse.similarity): its hash and the
    lines its tokens span."""

    digest: int
    path: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class CodeStats:
    """Measures of the candidate's own (non-test) code."""

    functions: int  # functions and methods defined
    annotated: int  # of them, with every parameter and the return annotated, no `Any`
    with_any: int = 0  # of them, with `Any` in a hint

    @property
    def coverage(self) -> int | None:
        """Type-hint coverage in percent; None when there are no functions."""
        return round(100 * self.annotated / self.functions) if self.functions else None


@dataclass(frozen=True, slots=True)
class CategoryScore:
    name: str
    weight: float
    passed: int
    total: int
    description: str = ""  # from challenge.toml, for the recruiter

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
    strong: float = 80.0  # a score at or above this reads "strong"
    mixed: float = 50.0  # at or above this "mixed", below it "weak"

    @property
    def specialty(self) -> str:
        return self.id.partition("/")[0]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Where a graded score stands among earlier graded runs of the same challenge."""

    earlier: int  # how many other submissions are in the cohort
    below: int  # how many of them scored lower
    percentile: int
    median: float
    histogram: tuple[int, ...] = ()  # the cohort's scores in ten bands: 0-9, 10-19 ... 90-100

    @property
    def text(self) -> str:
        return (
            f"scored above {self.below} of {self.earlier} earlier graded runs of this "
            f"challenge (percentile {self.percentile}); median {self.median:.1f}"
        )


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What was seen about a run that reached the sandbox, besides the tests themselves."""

    judge_exit_code: int | None = None  # None: the judge was killed (or never reported)
    timed_out: bool = False  # the run hit its wall-clock limit
    oom_killed: bool = False  # a candidate process hit the memory limit
    services: str = ""  # which sidecar services the candidate used
    skipped_entries: str = ""  # tree entries the fetch left out (symlinks ...), with why
    dependency_install: str = ""  # why installing the candidate's wheels failed
    deadline: str = ""  # which commit the submission's deadline picked, and later commits
    rewritten: str = ""  # commit dates going backwards: history rewritten after the fact
    recorded: dict[str, str] = field(default_factory=dict)  # hidden tests' record_fact()
    own_tests: OwnTests | None = None  # the candidate's own tests; None: not run
    # Of the hidden tests' time, seconds with a candidate process alive (the rest is the judge's)
    candidate_seconds: float = 0.0


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
    feedback: Feedback = Feedback.SUMMARY  # the challenge's candidate feedback policy
    integrity: tuple[IntegrityCheck, ...] = ()  # every integrity check, in run order
    comparison: Comparison | None = None  # graded runs with earlier graded runs only
    run_facts: RunFacts | None = None  # None: the run never got results from the sandbox
    python: PythonChoice | None = None  # None: the run stopped before choosing one
    code: CodeStats | None = None  # None: the tree was never analysed
    history: History | None = None  # None: no history was fetched
    fingerprints: tuple[Fingerprint, ...] = ()  # for similarity with later submissions
