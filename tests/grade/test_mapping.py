r"""Submissions in other letters (verify/grade/mapping.py): a name the assignment does not
declare is read as the assignment's when exactly one unused name of the same kind and shape
fits, and the feedback says so; otherwise its lines are flagged for review with the reason.
A mapping changes what is read, never what is proved: a wrong step in other letters is
refuted.  Real submissions: the example class's Ivy and Lea (\theta for \mathbf{w}) and the
cases of tests/data/letters/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.paths import DATA, ROOT
from verify.grade.assignment import Assignment, load_assignment
from verify.grade.claims import ClaimJudge
from verify.grade.grader import grade_safely
from verify.grade.mapping import Mapped, find_mapping, with_spellings
from verify.grade.outputs import gradebook_row, gradescope_results
from verify.grade.results import Credit, Outcome
from verify.model.verdict import Status

EXAMPLES = ROOT / "examples" / "class"
LETTERS = DATA / "letters"
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
THETA = "\\theta"


@pytest.fixture(scope="module")
def assignment() -> Assignment:
    return load_assignment(ASSIGNMENT)


# (submission, mapped {spelling: name}, unmapped {spelling: the reason's start})
MAPPINGS = [
    (EXAMPLES / "ivy.md", {THETA: "w"}, {}),
    (EXAMPLES / "lea.md", {THETA: "w"}, {}),
    (LETTERS / "phat.md", {"\\hat{p}": "p"}, {}),
    (LETTERS / "theta_wrong.md", {THETA: "w"}, {}),
    # two letters for the one unused name: neither is mapped
    (LETTERS / "theta_beta.md", {}, {THETA: "it and $\\beta$ could each be $\\mathbf{w}$",
                                     "\\beta": "it and $\\theta$ could each be $\\mathbf{w}$"}),
    # \mathbf{w} is written: \theta is something else, and nothing is left to read it as
    (LETTERS / "theta_and_w.md", {}, {THETA: "no name of the assignment of its kind"}),
    # in the assignment's letters: nothing to map
    (EXAMPLES / "ada.md", {}, {}),
    # matrices the assignment does not declare: X fits nothing, P and Y cannot be typed
    (EXAMPLES / "jon.md", {}, {"X": "no name of the assignment of its kind",
                               "P": "its kind cannot be told", "Y": "its kind cannot be told"}),
]


@pytest.mark.parametrize(("path", "mapped", "unmapped"), MAPPINGS,
                         ids=[case[0].name for case in MAPPINGS])
def test_find_mapping(assignment: Assignment, path: Path, mapped: dict[str, str],
                      unmapped: dict[str, str]) -> None:
    found = find_mapping(path.read_text(encoding="utf-8"), path.suffix, assignment.notation)
    assert {m.spelling: m.name for m in found.mapped} == mapped
    assert set(unmapped) == {u.spelling for u in found.unmapped}
    for item in found.unmapped:
        assert item.why.startswith(unmapped[item.spelling]), item
        assert item.lines


# Lines written here: (text, mapped {spelling: name}).  Kind and shape decide, not the letter.
TEXTS = [
    # \theta_k a scalar per class (no vector of the assignment is one): nothing fits
    (r"$$ \sum_{k=1}^{K} \theta_k y_{ik} = \sum_{k=1}^{K} y_{ik} \theta_k $$", {}),
    # \theta_k a vector per class, as the weights: mapped
    (r"$$ \theta_k^T \mathbf{x}_i = \mathbf{x}_i^T \theta_k $$", {THETA: "w"}),
    # a vector per sample besides: the features or the labels (both unused here, both a
    # vector per sample)? Not unique, so not mapped; \theta still is
    (r"$$ \theta_k^T \mathbf{u}_i = \mathbf{u}_i^T \theta_k $$", {THETA: "w"}),
    # one-hot labels in another letter, written with two subscripts: the labels
    (r"$$ \sum_{k=1}^{K} t_{ik} \log p_{ik} = \sum_{k=1}^{K} \log p_{ik} t_{ik} $$",
     {"t": "y"}),
    # the loss in another letter: \ell a scalar and L the one unused constant; a capital J
    # could be a matrix (its kind cannot be told): not mapped
    (r"$$ \nabla_{\mathbf{w}_j} \ell = \nabla_{\mathbf{w}_j} \ell $$", {"\\ell": "L"}),
    (r"$$ \nabla_{\mathbf{w}_j} J = \nabla_{\mathbf{w}_j} J $$", {}),
]


@pytest.mark.parametrize(("text", "mapped"), TEXTS)
def test_kind_and_shape_decide(assignment: Assignment, text: str,
                               mapped: dict[str, str]) -> None:
    found = find_mapping(text, ".md", assignment.notation)
    assert {m.spelling: m.name for m in found.mapped} == mapped, found


def test_a_mapped_spelling_comes_after_the_assignments_own(assignment: Assignment) -> None:
    notation = with_spellings(assignment.notation, [Mapped(THETA, "w", "\\mathbf{w}", (3,))])
    assert notation.symbols["w"].latex == (*assignment.notation.symbols["w"].latex, THETA)
    assert notation.symbols["x"] == assignment.notation.symbols["x"]
    assert notation.definitions == assignment.notation.definitions


@pytest.fixture(scope="module")
def judge(assignment: Assignment) -> ClaimJudge:
    return ClaimJudge(assignment.seed, assignment.points)


# (submission, outcome, score, the mapping note, review)
GRADES = [
    pytest.param(EXAMPLES / "ivy.md", Outcome.GRADED, 10.0,
                 "mapped: read $\\theta$ as $\\mathbf{w}$ (lines 5, 7, 9, 11)", False, id="ivy"),
    pytest.param(LETTERS / "phat.md", Outcome.GRADED, 10.0,
                 "mapped: read $\\hat{p}$ as $p$ (lines 5, 7, 9, 11, 13)", False, id="phat",
                 marks=pytest.mark.slow),
    pytest.param(EXAMPLES / "lea.md", Outcome.GRADED, 10.0,
                 "mapped: read $\\theta$ as $\\mathbf{w}$ (lines 3, 7, 9)", False, id="lea",
                 marks=pytest.mark.slow),
    # the wrong one: line 7 loses the 1/N of line 5; read in the assignment's letters it is
    # refuted and carried (1 + 3 shares of 2 + 2 carried halves of 2 - 0.5: no final)
    pytest.param(LETTERS / "theta_wrong.md", Outcome.GRADED, 3.5,
                 "mapped: read $\\theta$ as $\\mathbf{w}$ (lines 3, 5, 7, 9)", False,
                 id="theta_wrong"),
    pytest.param(LETTERS / "theta_beta.md", Outcome.UNREADABLE, 0.0, None, True,
                 id="theta_beta", marks=pytest.mark.slow),
    pytest.param(LETTERS / "theta_and_w.md", Outcome.GRADED, 1.0, None, True,
                 id="theta_and_w", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("path", "outcome", "score", "note", "review"), GRADES)
def test_grading_in_other_letters(assignment: Assignment, judge: ClaimJudge, path: Path,
                                  outcome: Outcome, score: float, note: str | None,
                                  review: bool) -> None:
    grade = grade_safely(path, assignment, judge)
    assert grade.outcome is outcome and grade.score == pytest.approx(score, abs=0.005)
    assert grade.needs_review is review, grade.review_reasons
    mapped = [n for n in grade.notes if n.startswith("mapped: ")]
    assert mapped == ([note] if note else [])
    if note:   # the student and the instructor are told what was read as what
        assert note in str(gradebook_row(grade)["reason"])
        assert "We read" in gradescope_results(grade)["output"]
    if review:   # each line using a name left unmapped, with the reason
        assert any(r.startswith("line ") and "is not in the assignment's notation" in r
                   for r in grade.review_reasons), grade.review_reasons


def test_a_wrong_step_in_other_letters_is_refuted(assignment: Assignment,
                                                  judge: ClaimJudge) -> None:
    grade = grade_safely(LETTERS / "theta_wrong.md", assignment, judge)
    refuted = [s for s in grade.steps if s.credit is Credit.REFUTED]
    assert [s.line for s in refuted] == [7] and refuted[0].status is Status.REFUTED
    assert grade.first_wrong is not None and grade.first_wrong.number == 3
    assert grade.final_ok is False
    assert "\\mathbf{w}_{m}" in (refuted[0].reading or "")   # read in the assignment's letters
    assert any("a factor $\\frac{1}{N}$ was lost" in d.text for d in refuted[0].diagnoses)


def test_lines_that_read_are_not_flagged_for_names_they_spell_out(
        assignment: Assignment, judge: ClaimJudge) -> None:
    # Ben writes L(W): a spelling of L; W alone is untyped, but no line is unread
    grade = grade_safely(EXAMPLES / "ben.md", assignment, judge)
    assert grade.score == 10.0 and not grade.needs_review and not grade.notes


def _in_other_letters(text: str) -> str:
    r"""The submission with \theta for the weights and \hat{p} for the probabilities."""
    text = re.sub(r"\\(?:mathbf|boldsymbol)\{w\}", r"\\theta", text)
    return re.sub(r"(?<![A-Za-z\\])p_\{", r"\\hat{p}_{", text)


CLASS_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".md", ".tex"))


@pytest.mark.slow
def test_the_example_class_in_other_letters_gets_the_same_grades(
        tmp_path: Path, assignment: Assignment, judge: ClaimJudge) -> None:
    r"""Every submission of the example class, its weights written \theta and its
    probabilities \hat{p}: the same score, first wrong step and final verdict as in the
    assignment's letters (so no slip passes in other letters), and told what was mapped.
    Ben writes the weights only under \nabla (never as a value): \nabla_{\theta_j} makes
    \theta a family of vectors over j's size."""
    for path in CLASS_FILES:
        renamed = tmp_path / path.name
        renamed.write_text(_in_other_letters(path.read_text(encoding="utf-8")),
                           encoding="utf-8")
        before, after = grade_safely(path, assignment, judge), \
            grade_safely(renamed, assignment, judge)
        assert (after.outcome, after.score, after.final_ok) == \
            (before.outcome, before.score, before.final_ok), path.name
        assert (after.first_wrong.number if after.first_wrong else None) == \
            (before.first_wrong.number if before.first_wrong else None), path.name
        assert after.needs_review == before.needs_review, (path.name, after.review_reasons)
        if path.read_text(encoding="utf-8") != renamed.read_text(encoding="utf-8") and \
                before.outcome is Outcome.GRADED:
            assert any(n.startswith("mapped: ") for n in after.notes), path.name
