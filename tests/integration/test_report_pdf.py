"""PDF exports through WeasyPrint, rasterised with pdftoppm; the pictures are kept as artifacts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from grader.models import CategoryScore, Outcome
from grader.report import render_comparison_pdf, render_pdf
from grader.settings import PROJECT_ROOT
from grader.testing import golden_reports, graded_report
from tests.conftest import need

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts" / "pdf"


@pytest.fixture(autouse=True)
def _poppler() -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None:
        need(
            "poppler-utils", "pdftoppm and pdfinfo are not on PATH (apt-get install poppler-utils)"
        )


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def _rasterise(pdf: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / name)], check=True)
    return path


def test_the_recruiter_report_exports_to_pdf_with_its_verdict_first() -> None:
    report = golden_reports()["graded"]
    path = _rasterise(render_pdf(report), "graded")
    assert path.read_bytes().startswith(b"%PDF-")
    assert _pages(path) >= 2
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert text.index("In short") < text.index("Hidden tests")
    assert "reads as mixed" in text
    assert list(ARTIFACTS.glob("graded-*.png"))


def test_several_candidates_compare_on_one_page() -> None:
    strong = graded_report(
        run_id="run-a",
        score=92.5,
        repo_url="https://github.com/ann/todo",
        categories=tuple(
            CategoryScore(c.name, c.weight, c.total, c.total) for c in graded_report().categories
        ),
    )
    weak = graded_report(run_id="run-b", score=31.0, repo_url="https://github.com/bob/todo")
    broken = graded_report(
        run_id="run-c",
        outcome=Outcome.NOT_GRADABLE,
        score=None,
        repo_url="https://github.com/cy/todo",
    )
    path = _rasterise(render_comparison_pdf([weak, broken, strong, graded_report()]), "compare")
    assert _pages(path) == 1
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    order = [text.index(name) for name in ("com/ann", "com/jane", "com/bob", "com/cy")]
    assert order == sorted(order)
