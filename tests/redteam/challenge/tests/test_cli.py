"""Hidden test: the candidate's command-line program."""

# grader-canary: 7f7ec8c7-8605-47ab-901c-e19574f5384c

import pytest
from grader_harness import run_cli


@pytest.mark.category("cli")
def test_greets_by_name() -> None:
    result = run_cli(["python3", "greet.py", "Ada"])
    assert result.returncode == 0
    assert result.stdout.strip() == "Hello, Ada!"
