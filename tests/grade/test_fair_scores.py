"""Fair scores: no line earns credit for another, and every grade resting on something the
checker did not establish (a line not read, a whole not read, a failed grading) is flagged for
review with its reasons, per line, in every output.  Real submissions: the shipped example
class (examples/class/), the synthetic class (tests/data/class/), a refused line written here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.grade.assignment import Assignment, load_assignment
from verify.grade.claims import ClaimJudge
from verify.grade.grader import grade_safely
from verify.grade.markdown import inline
from verify.grade.outputs import (
    gradebook_row,
    gradescope_results,
    report_result,
    write_student_reports,
)
from verify.grade.results import Grade, Outcome
from verify.grade.summary import summary_markdown

EXAMPLES = ROOT / "examples" / "class"
CLASS = ROOT / "tests" / "data" / "class"
LETTERS = ROOT / "tests" / "data" / "letters"
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
FINAL = "Final result equals the expected result"
START = "Start: the first line is the problem statement"


@dataclass(frozen=True)
class Case:
    path: Path
    outcome: Outcome
    score: float
    reasons: tuple[str, ...]          # the review reasons, each a prefix of one, in order
    final: tuple[float, str] | None = None   # the final-result test: points, words it holds
    start: tuple[float, str] | None = None


CASES = [
    # The case: the last line (a wrong sign, p - y turned into y - p) cannot be read.
    # The line before equals the expected result, but it is not what the student ended with:
    # 1 + 5 shares of 1, no final points (it used to get the line before's 3: 9, unflagged).
    Case(EXAMPLES / "hal.md", Outcome.GRADED, 6.0,
         ("step 7 (line 21) could not be read: unbalanced LaTeX",),
         final=(0.0, "the last line (line 21) could not be read")),
    # A right derivation ending in matrix form that the notation does not declare (X, P, Y):
    # 7 of 8 lines read, 6 shares of 6/7, no final points (it used to get 9.14); a human decides.
    # Why the name the line was refused for was not read as one of the assignment's comes
    # first (verify/grade/mapping.py).
    Case(EXAMPLES / "jon.md", Outcome.GRADED, 6.14,
         ("line 23: $X$ is not in the assignment's notation; no name of the assignment of its "
          "kind and shape", "step 8 (line 23) could not be read: undeclared symbol X"),
         final=(0.0, "no earlier line stands in for it")),
    # A right answer in other letters (\theta for \mathbf{w}, the one unused name of its kind
    # and shape): read as the assignment's names (verify/grade/mapping.py), full marks; her
    # last line is in \theta, so the result equals the expected one only as read: flagged.
    Case(EXAMPLES / "ivy.md", Outcome.GRADED, 10.0,
         ("line 11: the result is compared with the expected result as read through the "
          "mapping (read $\\theta$ as $\\mathbf{w}$)",), final=(3.0, "equals the expected")),
    # \theta only until the weights disappear (lines 1-3), mapped the same way.
    Case(EXAMPLES / "lea.md", Outcome.GRADED, 10.0, (), final=(3.0, "equals the expected"),
         start=(1.0, "equals the problem")),
    # Two letters for the weights (\theta and \beta): no mapping is unique, nothing reads:
    # 0, flagged, the reason of every line kept, and why the name it was refused for was not
    # mapped (line 5 is refused for its \theta: its \beta is not named).
    Case(LETTERS / "theta_beta.md", Outcome.UNREADABLE, 0.0,
         ("no readable line", r"line 3: undeclared symbol \theta",
          r"line 5: undeclared symbol \theta", r"line 7: undeclared symbol \beta",
          r"line 3: $\theta$ is not in the assignment's notation; it and $\beta$ could each",
          r"line 5: $\theta$ is not", r"line 7: $\beta$ is not")),
    # Unreadable lines in the middle: their shares are lost, the rest stands, flagged.
    Case(CLASS / "garbage_two.md", Outcome.GRADED, 8.5,
         ("step 3 (line 9) could not be read: unbalanced LaTeX",
          r"step 6 (line 19) could not be read: relation \approx is not an equality"),
         final=(3.0, "equals the expected result"), start=(1.0, "equals the problem")),
    Case(CLASS / "all_garbage.md", Outcome.UNREADABLE, 0.0,
         ("no readable line", "line 3: unbalanced LaTeX", r"line 7: prose inside the formula",
          r"line 9: relation \approx")),
    Case(CLASS / "prose_only.md", Outcome.UNREADABLE, 0.0, (f"{CLASS}/prose_only.md: no display",)),
    # Nothing to read and nothing doubtful: not flagged.
    Case(CLASS / "empty.md", Outcome.EMPTY, 0.0, ()),
    Case(CLASS / "ok_ada.md", Outcome.GRADED, 10.0, (), final=(3.0, "equals the expected")),
    Case(CLASS / "sign_final.md", Outcome.GRADED, 5.5, (), final=(0.0, "differs from")),
]


@pytest.fixture(scope="module")
def assignment() -> Assignment:
    return load_assignment(ASSIGNMENT)


@pytest.fixture(scope="module")
def judge(assignment: Assignment) -> ClaimJudge:
    return ClaimJudge(assignment.seed, assignment.points)


@pytest.fixture(scope="module")
def grades(assignment: Assignment, judge: ClaimJudge) -> dict[Path, Grade]:
    return {case.path: grade_safely(case.path, assignment, judge) for case in CASES}


def _test(grade: Grade, name: str) -> tuple[float, str]:
    part = next(p for p in grade.parts if p.name == name)
    return part.points, part.output


@pytest.mark.parametrize("case", CASES, ids=[c.path.name for c in CASES])
def test_scores_flags_and_reasons(grades: dict[Path, Grade], case: Case) -> None:
    grade = grades[case.path]
    assert grade.outcome is case.outcome
    assert grade.score == pytest.approx(case.score, abs=0.005)
    assert grade.needs_review == bool(case.reasons)
    assert len(grade.review_reasons) == len(case.reasons), grade.review_reasons
    for found, wanted in zip(grade.review_reasons, case.reasons, strict=True):
        assert found.startswith(wanted), (found, wanted)
    for name, wanted_part in ((FINAL, case.final), (START, case.start)):
        if wanted_part is not None:
            points, output = _test(grade, name)
            assert points == pytest.approx(wanted_part[0]) and wanted_part[1] in output


@pytest.mark.parametrize("case", CASES, ids=[c.path.name for c in CASES])
def test_every_output_carries_the_reasons(grades: dict[Path, Grade], case: Case) -> None:
    grade = grades[case.path]
    row = gradebook_row(grade)
    data = gradescope_results(grade)
    assert (row["needs_review"] == "yes") == bool(case.reasons)
    assert data["extra_data"]["needs_review"] == bool(case.reasons)
    assert data["extra_data"]["review"] == list(grade.review_reasons)
    problems = report_result(grade).problems
    for reason in grade.review_reasons:
        assert reason in str(row["reason"])
        assert inline(reason) in data["output"]   # Markdown (verify.grade.markdown)
        assert f"To be reviewed by hand: {reason}" in problems
    assert ("To be reviewed by hand" in data["output"]) == bool(case.reasons)
    assert "-0.0" not in json.dumps(data)   # a penalty of nothing is 0.0


def test_the_summary_counts_and_lists_who_to_review(grades: dict[Path, Grade]) -> None:
    text = summary_markdown(list(grades.values()), [], "t")
    flagged = [c for c in CASES if c.reasons]
    assert f"To review by hand: {len(flagged)}." in text
    assert "- **theta\\_beta** (0/10): no readable line; line 3: undeclared symbol " \
        "\\\\theta" in text
    assert "**ok\\_ada**" not in text and "**empty**" not in text


def test_an_error_row_is_flagged_with_its_reason(tmp_path: Path, assignment: Assignment,
                                                 judge: ClaimJudge) -> None:
    tower = tmp_path / "tower.md"
    tower.write_text("$$ \\nabla_{\\mathbf{w}_j} L = 10^{10^{10}} $$\n", encoding="utf-8")
    grade = grade_safely(tower, assignment, judge)
    assert grade.outcome is Outcome.ERROR and grade.score == 0
    assert grade.review_reasons == (grade.reason,) and grade.reason.startswith(
        "not graded: line 1:")
    assert f"To be reviewed by hand: {grade.reason}" in report_result(grade).problems


def test_a_wholly_unreadable_submission_gets_a_report_saying_why_line_by_line(
        tmp_path: Path, grades: dict[Path, Grade]) -> None:
    chosen = [grades[LETTERS / "theta_beta.md"], grades[CLASS / "empty.md"]]
    write_student_reports(tmp_path, chosen, {})
    report = (tmp_path / "theta_beta.tex").read_text(encoding="utf-8")
    assert "To be reviewed by hand: line 5: undeclared symbol" in report
    assert report.count("undeclared symbol") >= 6   # each line's verdict and its review reason
    empty = (tmp_path / "empty.tex").read_text(encoding="utf-8")
    assert "Not graded normally (empty): empty file" in empty
