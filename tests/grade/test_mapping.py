r"""Submissions in other letters (verify/grade/mapping.py): a name the assignment does not
declare is read as the assignment's when exactly one unused name of the same kind and shape
fits, and the feedback says so; otherwise its lines are flagged for review with the reason.
A mapping changes what is read, never what is proved: a wrong step in other letters is
refuted.  A name is read as an assignment *definition* only where the submission defines it so
(checked by the engine): a step true of the assignment's p may be false of the student's own
s_{ik}.  A grade that turns on a mapping (a refuted line, the result) is flagged for review.
Real submissions: the example class's Ivy and Lea (\theta for \mathbf{w}) and the cases of
tests/data/letters/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.paths import DATA, ROOT
from verify.grade.assignment import Assignment, load_assignment
from verify.grade.claims import ClaimJudge
from verify.grade.grader import grade_safely
from verify.grade.mapping import Mapped, NameMapping, Unmapped, find_mapping, with_spellings
from verify.grade.outputs import gradebook_row, gradescope_results
from verify.grade.reading import Submission, read_submission
from verify.grade.results import Credit, Grade, Outcome
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
    # onto a definition: proposed here, kept in grading only where a line bears it out
    (LETTERS / "phat.md", {"\\hat{p}": "p"}, {}),
    (LETTERS / "logits.md", {"s": "p"}, {}),
    # names that start a chain of their own are definitions: candidates for p only
    (LETTERS / "phat_defined.md", {"\\hat{p}": "p"}, {}),
    (LETTERS / "logits_defined.md", {"s": "p"}, {}),
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
    assert all(m.definition == (m.name in assignment.notation.definitions)
               for m in found.mapped)
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


UNMAPPED = "is not in the assignment's notation"
RESULT = "the result is compared with the expected result as read through the mapping"

# (submission, outcome, score, the mapping note, a review reason's words, or None: no review)
GRADES = [
    # her last line is in \theta: the result is right only as read, so a human confirms
    pytest.param(EXAMPLES / "ivy.md", Outcome.GRADED, 10.0,
                 "mapped: read $\\theta$ as $\\mathbf{w}$ (lines 5, 7, 9, 11)", RESULT,
                 id="ivy"),
    # \hat{p} never defined: not read as the definition p (a step true of p might be false
    # of what the student means), its lines unread and flagged: the start only
    pytest.param(LETTERS / "phat.md", Outcome.GRADED, 1.0, None,
                 "which needs a line of the submission defining it so, and it has none",
                 id="phat"),
    # defined on line 5 as the assignment defines p: read as p, every line follows
    pytest.param(LETTERS / "phat_defined.md", Outcome.GRADED, 10.0,
                 "mapped: read $\\hat{p}$ as $p$ (lines 5, 9, 11, 13, 15, 17)", RESULT,
                 id="phat_defined", marks=pytest.mark.slow),
    # the loss written \ell and defined on line 3 as L is: read as L; nothing refuted, and
    # the result does not use \ell
    pytest.param(LETTERS / "ell_defined.md", Outcome.GRADED, 10.0,
                 "mapped: read $\\ell$ as $L$ (lines 3, 5)", None, id="ell_defined"),
    # defined without the 1/N: not L, its lines unread (the first line too: no start points;
    # line 7 equals the problem and anchors the rest), flagged with the reason
    pytest.param(LETTERS / "ell_otherwise.md", Outcome.GRADED, 7.0, None,
                 "and line 3 defines it otherwise", id="ell_otherwise",
                 marks=pytest.mark.slow),
    # the result is in p and x: nothing turns on \theta but steps that hold for any weights
    pytest.param(EXAMPLES / "lea.md", Outcome.GRADED, 10.0,
                 "mapped: read $\\theta$ as $\\mathbf{w}$ (lines 3, 7, 9)", None, id="lea",
                 marks=pytest.mark.slow),
    # the wrong one: line 7 loses the 1/N of line 5; read in the assignment's letters it is
    # refuted and carried (1 + 3 shares of 2 + 2 carried halves of 2 - 0.5: no final); the
    # refutation is as read, so flagged
    pytest.param(LETTERS / "theta_wrong.md", Outcome.GRADED, 3.5,
                 "mapped: read $\\theta$ as $\\mathbf{w}$ (lines 3, 5, 7, 9)",
                 "line 7: refuted as read through the mapping", id="theta_wrong"),
    pytest.param(LETTERS / "theta_beta.md", Outcome.UNREADABLE, 0.0, None, UNMAPPED,
                 id="theta_beta", marks=pytest.mark.slow),
    pytest.param(LETTERS / "theta_and_w.md", Outcome.GRADED, 1.0, None, UNMAPPED,
                 id="theta_and_w", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("path", "outcome", "score", "note", "review"), GRADES)
def test_grading_in_other_letters(assignment: Assignment, judge: ClaimJudge, path: Path,
                                  outcome: Outcome, score: float, note: str | None,
                                  review: str | None) -> None:
    grade = grade_safely(path, assignment, judge)
    assert grade.outcome is outcome and grade.score == pytest.approx(score, abs=0.005)
    assert grade.needs_review is (review is not None), grade.review_reasons
    mapped = [n for n in grade.notes if n.startswith("mapped: ")]
    assert mapped == ([note] if note else [])
    if note:   # the student and the instructor are told what was read as what
        assert note in str(gradebook_row(grade)["reason"])
        assert "We read" in gradescope_results(grade)["output"]
    if review:   # a line, with the reason
        assert any(r.startswith("line ") and review in r for r in grade.review_reasons), \
            grade.review_reasons


def test_a_wrong_start_read_through_a_mapping_is_flagged(
        tmp_path: Path, assignment: Assignment, judge: ClaimJudge) -> None:
    # the gradient's sign lost at the start, in \theta; the rest follows and ends in p and x
    path = tmp_path / "start.md"
    path.write_text("$$ -\\nabla_{\\theta_j} L $$\n\n$$ = \\frac{1}{N} \\sum_{i=1}^{N} "
                    "\\left( y_{ij} - p_{ij} \\right) \\mathbf{x}_i $$\n", encoding="utf-8")
    grade = grade_safely(path, assignment, judge)
    assert grade.start_ok is False and grade.final_ok is False
    assert [n for n in grade.notes if n.startswith("mapped: ")] == \
        ["mapped: read $\\theta$ as $\\mathbf{w}$ (line 1)"]
    assert grade.review_reasons == ("line 1: the first line differs from the problem statement "
                                    "as read through the mapping (read $\\theta$ as "
                                    "$\\mathbf{w}$): check that the student meant it so",)


# A name of the student's own, undefined or defined otherwise, of the shape of the
# assignment's p: s_{ik}, the logits.  Line 2 writes (delta_kj - s_ij): wrong for logits, right
# for p.  Read as p (the rule before), the line was proved and the submission got 8 of 10,
# unflagged: a wrong step passed.  Now s is not read, its lines earn nothing and are flagged.
OWN_NAMES = [
    pytest.param(LETTERS / "logits.md", "and it has none", id="undefined"),
    pytest.param(LETTERS / "logits_defined.md", "and line 5 defines it otherwise", id="defined"),
]


@pytest.mark.parametrize(("path", "why"), OWN_NAMES)
def test_a_name_of_the_students_own_is_not_read_as_a_definition(
        assignment: Assignment, judge: ClaimJudge, path: Path, why: str) -> None:
    grade = grade_safely(path, assignment, judge)
    assert [s.credit for s in grade.steps] == [Credit.START, Credit.UNREADABLE,
                                               Credit.UNREADABLE]
    assert grade.score == 1.0 and grade.final_ok is False
    assert not any(n.startswith("mapped: ") for n in grade.notes)
    for step in grade.steps[1:]:
        assert any(r.startswith(f"line {step.line}: $s$ {UNMAPPED}") and
                   f"definition $p$, which needs a line of the submission defining it so, {why}"
                   in r for r in grade.review_reasons), grade.review_reasons


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


# Where the probabilities are written \hat{p}, the submission says what they are (as one must
# for a definition to be read), in its own letters, at its end (its lines keep their numbers).
DEFINED = ("\n\n$$ \\hat{p}_{ik} = \\frac{\\exp(\\theta_k^T \\mathbf{x}_i)}"
           "{\\sum_{m=1}^{K} \\exp(\\theta_m^T \\mathbf{x}_i)} $$\n")


PHAT = (LETTERS / "phat.md").read_text(encoding="utf-8")
SOFTMAX = (r"\frac{\exp(\mathbf{w}_k^T \mathbf{x}_i)}{\sum_{m=1}^{K} "
           r"\exp(\mathbf{w}_m^T \mathbf{x}_i)}")

# A line of phat.md's own defining \hat{p}, and whether it bears out reading \hat{p} as p.
DEFINING_LINES = [
    (rf"\hat{{p}}_{{ik}} = {SOFTMAX}", True),
    (rf"\hat{{p}}_{{ij}} = {SOFTMAX.replace('_k', '_j')}", True),    # another index letter
    (rf"{SOFTMAX} = \hat{{p}}_{{ik}}", True),                          # the sides swapped
    # one entry only (sizes, not index letters): not a definition of every entry
    (rf"\hat{{p}}_{{NK}} = {SOFTMAX.replace('_k', '_K').replace('_i', '_N')}", False),
    (r"\hat{p}_{ik} = \mathbf{w}_k^T \mathbf{x}_i", False),            # the logits
    (r"\hat{p}_{ik} = \hat{p}_{ik}", False),                            # says nothing
    # defined, then a wrong step about the softmax: the definition stands
    (rf"\hat{{p}}_{{ik}} = {SOFTMAX} = \frac{{1}}{{K}}", True),
    # defined twice, once otherwise: which does the student mean?
    (rf"\hat{{p}}_{{ik}} = {SOFTMAX} $$\n\n$$ \hat{{p}}_{{ik}} = \frac{{1}}{{K}}", False),
]


@pytest.mark.parametrize(("line", "kept"), DEFINING_LINES)
def test_a_definition_is_read_only_as_the_submission_defines_it(
        tmp_path: Path, assignment: Assignment, judge: ClaimJudge, line: str,
        kept: bool) -> None:
    path = tmp_path / "phat.md"
    path.write_text(f"$$ {line} $$\n{PHAT}", encoding="utf-8")
    read = read_submission(path, assignment, judge)
    assert isinstance(read, Submission)
    assert [(m.spelling, m.name) for m in read.mapped] == ([("\\hat{p}", "p")] if kept else [])
    assert any(n.startswith("mapped: ") for n in read.notes) is kept
    if not kept:   # the lines using it, flagged with the reason
        assert any(n.startswith(f"review: line {6 + line.count(chr(10))}: $\\hat{{p}}$ is not "
                                "in the assignment's") for n in read.notes), read.notes


def _in_other_letters(text: str) -> str:
    r"""The submission with \theta for the weights and \hat{p} for the probabilities, which
    it defines."""
    text = re.sub(r"\\(?:mathbf|boldsymbol)\{w\}", r"\\theta", text)
    renamed = re.sub(r"(?<![A-Za-z\\])p_\{", r"\\hat{p}_{", text)
    return renamed if renamed == text else renamed + DEFINED


CLASS_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".md", ".tex"))


@pytest.mark.slow
def test_the_example_class_in_other_letters_gets_the_same_grades(
        tmp_path: Path, assignment: Assignment, judge: ClaimJudge) -> None:
    r"""Every submission of the example class, its weights written \theta and its
    probabilities \hat{p} (defined on a line of their own, at the end): the same score, first
    wrong step and final verdict as in the assignment's letters (so no slip passes in other
    letters), and told what was mapped; flagged for review as before, or besides only where a
    refuted line or the result is read through the mapping.  Ben writes the weights only
    under \nabla (never as a value): \nabla_{\theta_j} makes \theta a family of vectors over
    j's size."""
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
        def reasons(grade: Grade) -> set[str]:   # renaming moves columns, not lines
            return {re.sub(r"column \d+", "column", r) for r in grade.review_reasons}
        extra = reasons(after) - reasons(before)
        assert all("as read through the mapping" in r for r in extra), (path.name, extra)
        assert after.needs_review or not before.needs_review, path.name
        if path.read_text(encoding="utf-8") != renamed.read_text(encoding="utf-8") and \
                before.outcome is Outcome.GRADED:
            assert any(n.startswith("mapped: ") for n in after.notes), path.name


def test_a_review_reason_names_the_refused_name_not_a_letter_of_the_path() -> None:
    """A name is flagged on an unread line only where the reader's refusal names it: the
    file's path in that message (a clone in /tmp/tmp.CHWViPcM0C/) holds capitals too."""
    unmapped = NameMapping(unmapped=(Unmapped("X", (23,), "no name fits"),
                                     Unmapped("P", (23,), "its kind cannot be told"),
                                     Unmapped(r"\ell", (24,), "no name fits")))
    unread = {23: "/tmp/tmp.CHWViPcM0C/jon.md:23: undeclared symbol X at 'X^{T}(P - Y)'",
              24: r"/tmp/Q/jon.md:24: unsupported command \ell at '\ell'"}
    assert unmapped.review_notes(unread) == (
        "review: line 23: $X$ is not in the assignment's notation; no name fits",
        r"review: line 24: $\ell$ is not in the assignment's notation; no name fits")
