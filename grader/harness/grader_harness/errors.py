"""What the helpers raise when candidate code misbehaves.

``CandidateError`` is an ordinary failure of the candidate's code (it raised, crashed, or could
not be started) and hidden tests may expect it with ``pytest.raises``. The two verdicts are
deliberately *not* subclasses of it, so a test expecting an error never passes on a timeout;
the plugin maps them to the ``timeout`` and ``resource_limit`` statuses.
"""

from __future__ import annotations


class CandidateError(Exception):
    """The candidate's code raised, crashed, or could not be started.

    ``exc_type`` names the candidate's exception class when there was one (``"ValueError"``).
    """

    def __init__(self, message: str, *, exc_type: str = "") -> None:
        super().__init__(message)
        self.exc_type = exc_type


class CandidateVerdict(Exception):
    """Base of the verdicts the harness reaches about a candidate process."""


class CandidateTimeout(CandidateVerdict):
    """The candidate's code ran past its time limit and was killed."""


class CandidateResourceLimit(CandidateVerdict):
    """The candidate's code was killed by the out-of-memory killer or hit the process limit."""


class CandidateStartupTimeout(CandidateTimeout):
    """The candidate's service never accepted connections within its start-up time limit."""
