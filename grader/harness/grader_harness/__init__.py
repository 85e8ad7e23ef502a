"""The judge's side of the sandbox: helpers hidden tests use to exercise candidate code.

Candidate code never runs in the judge's process: every helper starts it as the candidate uid
in a child process, and values come back as text or JSON. See ``docs/sandbox.md``. This package
imports only the standard library (and pytest, in ``plugin``): it is copied into the container.
"""

from .cli import CliResult, run_cli
from .errors import CandidateError, CandidateResourceLimit, CandidateTimeout, CandidateVerdict
from .parse import parse_in_child
from .results import record_fact
from .rpc import FunctionsClient, functions
from .service import serve_app
from .workspace import read_file

__all__ = [
    "CandidateError",
    "CandidateResourceLimit",
    "CandidateTimeout",
    "CandidateVerdict",
    "CliResult",
    "FunctionsClient",
    "functions",
    "parse_in_child",
    "read_file",
    "record_fact",
    "run_cli",
    "serve_app",
]
