"""Stage analyse: what the candidate's tree shows without running it.

Code red flags (ruff), repository hygiene, type-hint coverage and tamper indicators.
"""

from grader.analyse.core import analyse, code_stats_of, scan_checks
from grader.analyse.history import history_of
from grader.analyse.rules import RULES, Rule
from grader.analyse.similarity import compare, fingerprints, may_be_similar, similarity_finding

__all__ = [
    "RULES",
    "Rule",
    "analyse",
    "code_stats_of",
    "compare",
    "fingerprints",
    "history_of",
    "may_be_similar",
    "scan_checks",
    "similarity_finding",
]
