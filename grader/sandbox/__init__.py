"""The sandbox stage: one fresh container per run, judge and candidate in separate uids."""

from grader.sandbox.docker import SandboxJob, connect, run_sandbox
from grader.sandbox.images import ensure_base_image, ensure_challenge_image

__all__ = ["SandboxJob", "connect", "ensure_base_image", "ensure_challenge_image", "run_sandbox"]
