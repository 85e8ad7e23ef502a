"""Stage analyse: static red flags and tamper indicators in the candidate's tree, never executed."""

from grader.analyse.core import analyse, scan_checks
from grader.analyse.rules import RULES, Rule

__all__ = ["RULES", "Rule", "analyse", "scan_checks"]
