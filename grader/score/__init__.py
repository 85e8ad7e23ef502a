"""Stage score: rubric categories and weights -> a total out of 100."""

from grader.score.rubric import score

__all__ = ["score"]
