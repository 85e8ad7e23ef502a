"""Judge-side fixtures of the Orders ETL suite.

The main dataset is processed once per session in a folder of its own (a copy of the
submission made by the candidate uid) and its outputs are read once; most tests only look
at them. Tests that need several runs use their own per-test workspace.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dataset import Expected, main_dataset
from grader_harness import CliResult, run_cli
from grader_harness.workspace import new_workspace
from runner import Outputs, read_outputs, run_etl, write_file


@dataclass(frozen=True)
class MainRun:
    folder: Path
    result: CliResult
    outputs: Outputs
    expected: Expected

    def orders_by_id(self) -> dict[str, dict[str, Any]]:
        """The clean orders by id; fails unless nearly every valid order is there."""
        self.require_success()
        rows = {str(row["order_id"]): row for row in self.outputs.orders()}
        found = len(set(rows) & set(self.expected.orders))
        if found < 0.9 * len(self.expected.orders):
            pytest.fail(
                f"only {found} of the {len(self.expected.orders)} valid orders are in "
                "out/orders/, so their values are not checked",
                pytrace=False,
            )
        return rows

    def require_success(self) -> None:
        if self.result.returncode != 0:
            pytest.fail(
                f"the ETL exited {self.result.returncode} on the main dataset: "
                f"{self.result.output[-800:]}",
                pytrace=False,
            )


@pytest.fixture(scope="session")
def main_run() -> Iterator[MainRun]:
    folder = new_workspace()
    files, expected = main_dataset()
    for name, text in files.items():
        write_file(folder, f"in/{name}", text)
    result = run_etl(folder)
    yield MainRun(folder, result, read_outputs(folder), expected)
    run_cli(["rm", "-rf", "--", str(folder)], cwd=folder.parent)


@pytest.fixture
def ok_run(main_run: MainRun) -> MainRun:
    main_run.require_success()
    return main_run
