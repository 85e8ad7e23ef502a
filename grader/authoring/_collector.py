"""Collect a hidden suite on the host, without Docker: ``python _collector.py TESTS HARNESS OUT``.

Run in a subprocess by :mod:`grader.authoring.collect` (collection imports the challenge's own
test modules, trusted author code, and must not touch the grader's process). Options mirror the
judge's (``grader_harness/judge.py``) so the test IDs match what the judge collects. Packages
that exist only in the challenge's image (``numpy``, ``httpx``...) get stand-in modules, named
in the output, so a suite can be linted on a machine without them.

Writes ``{"tests": [{"id", "category", "file", "line"}], "stand_ins": [...], "errors": [...]}``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import os
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class _Anything:
    """A stand-in value: every attribute, call, item and operation gives another one."""

    def __getattr__(self, _name: str) -> _Anything:
        return self

    def __call__(self, *_args: object, **_kwargs: object) -> _Anything:
        return self

    def __getitem__(self, _key: object) -> _Anything:
        return self

    def __iter__(self) -> Any:
        return iter(())

    def __mro_entries__(self, _bases: tuple[type, ...]) -> tuple[type, ...]:
        return (object,)


class _StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on ``sys.meta_path``: a module the suite imports and nothing else could find
    becomes a stand-in. Imports from anywhere else (pytest's optional ones) still fail."""

    def __init__(self, tests: str) -> None:
        self.tests = str(Path(tests).resolve())
        self.names: set[str] = set()

    def _from_suite(self) -> bool:
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not name.startswith("<") and name != __file__:
                return name.startswith(self.tests + os.sep)
            frame = frame.f_back  # type: ignore[assignment]
        return False

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        top = fullname.partition(".")[0]
        if top in sys.stdlib_module_names or not self._from_suite():
            return None
        self.names.add(top)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda _name: _Anything()  # type: ignore[method-assign]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _Recorder:
    def __init__(self) -> None:
        self.tests: list[dict[str, object]] = []
        self.errors: list[str] = []

    def pytest_collection_finish(self, session: Any) -> None:
        for item in session.items:
            marker = item.get_closest_marker("category")
            category = ""
            if marker is not None:
                category = str(marker.args[0] if marker.args else marker.kwargs.get("name", ""))
            path, line, _name = item.location
            self.tests.append(
                {"id": item.nodeid, "category": category, "file": path, "line": (line or 0) + 1}
            )

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid or '(suite)'}: {report.longreprtext.strip()}")


def main(tests: str, harness: str, out: str) -> int:
    sys.path.insert(0, harness)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    stand_ins = _StandIns(tests)
    sys.meta_path.append(stand_ins)
    import pytest  # noqa: PLC0415 - only after autoload is disabled

    recorder = _Recorder()
    args = ["-c", str(Path(harness) / "grader_harness" / "pytest.ini"), "--rootdir", tests]
    args += ["--confcutdir", tests, "-p", "no:cacheprovider", "--collect-only", "-qq", tests]
    pytest.main(args, plugins=[recorder])
    result = {"tests": recorder.tests, "stand_ins": sorted(stand_ins.names)}
    result["errors"] = recorder.errors
    Path(out).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
