"""Every error the grader raises on purpose, in one tree.

Who is at fault decides what happens next: a candidate fault is scored or rejected and never
retried; an infrastructure fault is retried and never scored.

    GraderError
    ├── ConfigError                  bad settings or a broken challenge folder (operator fixes it)
    │   └── ChallengeError           challenge.toml missing, invalid, or unknown challenge id
    ├── CandidateFault               the submission's own doing: scored or rejected, never retried
    │   ├── RejectedError            intake refused before grading (outcome "rejected")
    │   │   ├── UrlPolicyError       URL not allowed: scheme, host, credentials, private address
    │   │   ├── RepoNotFoundError    repository or ref missing, private, or asks for credentials
    │   │   └── RepoTooLargeError    over the size, file-count or time caps
    │   └── IntegrityError           tampering evidence (outcome "flagged")
    └── InfrastructureError          not the candidate's fault (outcome "not_gradable"), retried
        ├── DockerUnavailableError   no daemon answers, or it failed mid-run
        ├── ImageError               a runner or challenge image is missing and cannot be built
        ├── GitHostError             an allowed git host is down, slow, or rate-limiting
        └── JudgeError               the judge did not report: missing or malformed results
"""

from __future__ import annotations


class GraderError(Exception):
    """Base of all deliberate errors. ``hint`` tells the reader what to do about it."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(GraderError):
    pass


class ChallengeError(ConfigError):
    pass


class CandidateFault(GraderError):
    pass


class RejectedError(CandidateFault):
    pass


class UrlPolicyError(RejectedError):
    pass


class RepoNotFoundError(RejectedError):
    pass


class RepoTooLargeError(RejectedError):
    pass


class IntegrityError(CandidateFault):
    pass


class InfrastructureError(GraderError):
    pass


class DockerUnavailableError(InfrastructureError):
    pass


class ImageError(InfrastructureError):
    pass


class GitHostError(InfrastructureError):
    pass


class JudgeError(InfrastructureError):
    pass
