"""The top of the recruiter's report: band, plain sentences, interview follow-ups."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from grader.analyse import RULES
from grader.challenge import discover
from grader.models import CategoryScore, ChallengeRef, Finding, Outcome, Severity
from grader.report.questions import MAX_QUESTIONS, bank, questions
from grader.report.review import Band, band, plain_test_name, summary
from grader.settings import PROJECT_ROOT
from grader.testing import graded_report

STRICT = ChallengeRef("backend/todo-api", "1.2.0", "Todo API", strong=90.0, mixed=70.0)


@pytest.mark.parametrize(
    ("score", "challenge", "expected"),
    [
        (80.0, ChallengeRef("backend/x", "1"), Band.STRONG),
        (79.9, ChallengeRef("backend/x", "1"), Band.MIXED),
        (49.9, ChallengeRef("backend/x", "1"), Band.WEAK),
        (85.0, STRICT, Band.MIXED),
        (65.0, STRICT, Band.WEAK),
    ],
)
def test_the_band_reads_the_score_against_the_challenges_thresholds(
    score: float, challenge: ChallengeRef, expected: Band
) -> None:
    assert band(graded_report(score=score, challenge=challenge)) is expected


def test_runs_without_a_score_have_no_band_and_no_summary() -> None:
    report = graded_report(outcome=Outcome.NOT_GRADABLE, score=None)
    assert band(report) is None
    assert summary(report, ()) == ()


def test_the_summary_says_the_verdict_what_was_lost_the_code_and_what_to_ask() -> None:
    report = graded_report()
    sentences = summary(report, questions(report))
    assert 3 <= len(sentences) <= 5
    assert sentences[0] == (
        "Scored 54.2 of 100, which this challenge reads as mixed (strong from 80, mixed from 50)."
    )
    assert sentences[1].startswith("Most points were lost in validation (1 of 2 tests)")
    assert "a bare except (todo/store.py:42)" in sentences[2]
    assert "9 of 14 functions are fully type-hinted" in sentences[2]
    assert sentences[3] == "The interview questions below start with the validation category."


def test_a_full_marks_run_says_what_went_well_and_asks_a_general_question() -> None:
    categories = tuple(replace(c, passed=c.total) for c in graded_report().categories)
    report = graded_report(score=100.0, categories=categories, findings=())
    asked = questions(report)
    assert [q.topic for q in asked] == ["general questions"]
    assert "GIL" in asked[0].text  # the backend question
    sentences = summary(report, asked)
    assert sentences[1] == "Every hidden test passed, in every category."
    assert "no warnings" in sentences[2]


def test_a_flagged_run_has_no_band_and_says_the_score_must_wait_for_review() -> None:
    report = graded_report(outcome=Outcome.FLAGGED)
    assert band(report) is None
    assert summary(report, ())[0] == (
        "Scored 54.2 of 100 provisionally: integrity evidence was found, so do not use the "
        "score until a reviewer has looked at it."
    )


def test_questions_follow_lost_categories_first_then_red_flags_with_their_evidence() -> None:
    asked = questions(graded_report())
    assert [q.topic for q in asked] == [
        "the validation category",
        "a bare except at todo/store.py:42",
        "print call at todo/api.py:17",
    ]  # robustness and core have no backend question in the bank
    assert asked[1].text.startswith("todo/store.py:42 catches every exception")
    assert asked[1].evidence.startswith("todo/store.py:42 `except:`: ")


def test_a_specialty_question_wins_over_the_general_one_and_the_list_is_capped() -> None:
    ml = ChallengeRef("ml/rag", "1")
    categories = tuple(
        CategoryScore(name, 2.0 if name == "performance" else 1.0, 0, 1)
        for name in ("chunking", "search", "metrics", "quality", "unknown", "performance")
    )
    flags = (Finding("mutable-default", Severity.WARNING, "m", "a.py", 3),)
    asked = questions(graded_report(challenge=ml, categories=categories, findings=flags))
    assert len(asked) == MAX_QUESTIONS
    assert asked[0].text == bank().categories["ml"]["performance"]


def test_integrity_findings_never_become_interview_questions() -> None:
    flag = Finding("pytest-hooks", Severity.INTEGRITY, "hook", "conftest.py", 1)
    report = graded_report(findings=(flag,))
    assert all("conftest" not in q.text for q in questions(report))


@pytest.mark.parametrize(
    ("test_id", "words"),
    [
        ("test_api.py::test_delete_missing_task", "delete missing task"),
        ("tests/test_cli.py::TestAdd::test_rejects_empty[blank]", "rejects empty (blank)"),
        ("test_x.py::check", "check"),
    ],
)
def test_test_ids_read_as_words(test_id: str, words: str) -> None:
    assert plain_test_name(test_id) == words


def test_the_question_bank_names_only_real_rules_and_categories() -> None:
    assert set(bank().flags) <= set(RULES)
    challenges = discover((PROJECT_ROOT / "challenges",))
    for specialty, named in bank().categories.items():
        known = {
            c.name
            for ch in challenges
            if specialty == "any" or ch.spec.specialty == specialty
            for c in ch.spec.categories
        }
        assert set(named) <= known, specialty
    assert set(bank().general) == {"any", "backend", "ml", "data", "devops"}


def test_band_thresholds_come_from_challenge_toml(tmp_path: Path) -> None:
    from grader.challenge import ChallengeError, load_challenge  # noqa: PLC0415

    root = tmp_path / "backend" / "x"
    (root / "tests").mkdir(parents=True)
    toml = (
        'id = "backend/x"\nversion = "1"\ntitle = "X"\nspecialty = "backend"\n'
        '[candidate]\nkind = "cli"\n[[categories]]\nname = "a"\nweight = 1\n'
    )
    (root / "challenge.toml").write_text(toml + "[review]\nstrong = 90\nmixed = 60\n")
    assert (load_challenge(root).ref.strong, load_challenge(root).ref.mixed) == (90.0, 60.0)
    (root / "challenge.toml").write_text(toml + "[review]\nstrong = 40\nmixed = 60\n")
    with pytest.raises(ChallengeError, match=r"review\.mixed"):
        load_challenge(root)


def test_a_comparison_refuses_runs_of_different_challenge_versions() -> None:
    from grader.errors import GraderError  # noqa: PLC0415
    from grader.report.compare import comparison_rows  # noqa: PLC0415

    other = graded_report(challenge=ChallengeRef("backend/todo-api", "2.0.0", "Todo API"))
    with pytest.raises(GraderError, match="different challenges or versions"):
        comparison_rows([graded_report(), other])
    with pytest.raises(GraderError, match="nothing to compare"):
        comparison_rows([])


def test_a_comparison_ranks_by_score_and_lists_categories_in_order() -> None:
    from grader.report.compare import comparison_rows  # noqa: PLC0415

    rejected = graded_report(outcome=Outcome.REJECTED, score=None)
    top = graded_report(score=90.0, repo_url="https://x/top")
    names, rows = comparison_rows([graded_report(score=40.0), rejected, top])
    assert names == ("core", "validation", "robustness", "docs")
    assert [r.score for r in rows] == ["90.0", "40.0", "—"]
    assert [r.band for r in rows] == ["strong", "weak", "rejected"]
    assert rows[0].categories == ("3/4", "1/2", "0/1", "0/0")
