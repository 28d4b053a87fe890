"""Grading's pieces without the checker: the assignment format, the rubric's arithmetic,
candidate explanations as expressions, the outputs' escaping, the progress bar."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sympy as sp
import yaml

from tests.helpers import NOTATION
from tests.paths import ROOT
from verify.core.errors import AssignmentError, Location
from verify.grade.assignment import (
    Rubric,
    assignment_from_mapping,
    load_assignment,
)
from verify.grade.mistakes import WRONG_START, mistakes
from verify.grade.outputs import _cell, gradebook_row, gradescope_results, safe_names
from verify.grade.progress import Progress
from verify.grade.reading import main_chain, redefinitions
from verify.grade.results import Credit, Diagnosis, Grade, Kind, Outcome, Part
from verify.grade.rubric import FinalFacts, LineFacts, score
from verify.model import expr as E
from verify.model.document import Chain, Document, Step
from verify.model.verdict import Status
from verify.read.dsl import Scope, parse_expression
from verify.read.notation import parse_notation
from verify.verdict.candidates import _swap_letters, candidates

EXAMPLE = ROOT / "assignments" / "softmax_gradient.yaml"
SCHEMA = json.loads((ROOT / "tests" / "data" / "gradescope_results.schema.json").read_text())
HERE = Location("test")


def raw_example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


# ---- the assignment file ------------------------------------------------------------------
def test_the_example_assignment_loads() -> None:
    assignment = load_assignment(EXAMPLE)
    assert assignment.rubric.maximum == 10
    assert assignment.problem.has(E.Deriv)
    assert not assignment.expected.has(E.Deriv)
    assert set(assignment.notation.definitions) == {"p", "L"}


@pytest.mark.parametrize(("change", "message"), [
    ({"extra": 1}, "unknown keys"),
    ({"problem": ""}, "'problem'"),
    ({"expected": "D(L, w[j])"}, "still contains a derivative"),
    ({"expected": "q[j]"}, "undeclared"),
    ({"rubric": {"start": -1}}, "start must be a number >= 0"),
    ({"rubric": {"carry_forward": 2}}, "fraction"),
    ({"rubric": {"bonus": 1}}, "unknown keys"),
    ({"rubric": {"min_steps": 2.5}}, "min_steps"),
    ({"rubric": {"unreadable": 11}}, "exceeds the maximum"),
    ({"labels": ["L"]}, "declared vector symbol"),
    ({"check": {"points": 0}}, "points"),
])
def test_assignment_errors_say_what_is_wrong(change: dict[str, Any], message: str) -> None:
    raw = raw_example()
    raw.update(change)
    with pytest.raises(AssignmentError, match=message):
        assignment_from_mapping(raw, "a.yaml")


def test_an_unreadable_assignment_is_an_assignment_error(tmp_path: Path) -> None:
    broken = tmp_path / "a.yaml"
    broken.write_text("rubric: [unclosed", encoding="utf-8")
    with pytest.raises(AssignmentError, match="cannot read"):
        load_assignment(broken)
    with pytest.raises(AssignmentError, match="cannot read"):
        load_assignment(tmp_path / "missing.yaml")


def test_yes_no_fractions_are_one_and_zero() -> None:
    raw = raw_example()
    raw["rubric"] = {"final_when_reasoning_wrong": True}
    assert assignment_from_mapping(raw, "a.yaml").rubric.final_when_reasoning_wrong == 1.0


# ---- the rubric ---------------------------------------------------------------------------
def line(number: int, status: Status, on: bool | None, previous: bool | None) -> LineFacts:
    return LineFacts(number, number, "x", status, "", on, previous)


def chain_of(*statuses: Status) -> list[LineFacts]:
    """Lines with the on-track flags the grader would derive when nothing comes back."""
    facts, track = [line(1, Status.START, True, None)], True
    for number, status in enumerate(statuses, 2):
        now = track and status in (Status.PROVED, Status.SUPPORTED)
        facts.append(line(number, status, now, track))
        track = now
    return facts


RIGHT = FinalFacts(True, "equal")
WRONG = FinalFacts(False, "differs")


def test_all_right_earns_the_maximum() -> None:
    scored = score(chain_of(*[Status.PROVED] * 4), True, "", RIGHT, Rubric())
    assert scored.score == 10
    assert sum(p.maximum for p in scored.parts) == pytest.approx(10)


def test_carry_forward_and_penalty() -> None:
    scored = score(chain_of(Status.PROVED, Status.REFUTED, Status.PROVED, Status.SUPPORTED),
                   True, "", WRONG, Rubric())
    credits = [s.credit for s in scored.steps]
    assert credits == [Credit.START, Credit.CORRECT, Credit.REFUTED, Credit.CARRIED,
                       Credit.CARRIED]
    assert scored.score == pytest.approx(1 + 1.5 + 0.75 + 0.75 - 0.5)


def test_final_right_reasoning_wrong_earns_the_rubrics_fraction() -> None:
    lines = chain_of(Status.REFUTED, Status.PROVED)
    half = Rubric(final_when_reasoning_wrong=0.5, penalty=0)
    assert score(lines, True, "", RIGHT, half).score == pytest.approx(1 + 1 + 1.5)
    assert score(lines, True, "", RIGHT, Rubric(penalty=0)).score == pytest.approx(1 + 1)


def test_the_score_never_goes_below_zero() -> None:
    lines = chain_of(*[Status.REFUTED] * 5)
    assert score(lines, False, "", WRONG, Rubric(penalty=3)).score == 0


def test_few_steps_earn_at_most_their_shares_and_unreadable_lines_earn_nothing() -> None:
    assert score(chain_of(Status.PROVED), True, "", RIGHT, Rubric()).score == 1 + 2 + 3
    # an unreadable line is skipped (the next is checked against line 2); after the
    # undecided line 4, the problem-statement check put the chain back on track
    lines = [line(1, Status.START, True, None), line(2, Status.PROVED, True, True),
             line(3, Status.UNPARSED, None, None), line(4, Status.UNKNOWN, True, True),
             line(5, Status.PROVED, True, True)]
    scored = score(lines, True, "", RIGHT, Rubric())
    assert [s.credit for s in scored.steps][2:4] == [Credit.UNREADABLE, Credit.UNDECIDED]
    assert scored.score == pytest.approx(1 + 1.5 + 1.5 + 3)


# ---- candidates as expressions ------------------------------------------------------------
NOTE = parse_notation(NOTATION, HERE)


def read(text: str) -> sp.Expr:
    return parse_expression(text, Scope.for_document(NOTE), HERE)


def test_a_swap_keeps_the_summation_limits() -> None:
    before = read("Sum(y1[j] * sigma(z, k), (k, 1, K))")
    j, k = E.index_symbol("j"), E.index_symbol("k")
    swapped = _swap_letters(before, j, k)
    assert isinstance(swapped, sp.Sum)
    assert swapped.limits == before.limits
    assert swapped == read("Sum(y1[k] * sigma(z, j), (k, 1, K))")


def test_candidates_cover_every_kind_of_explanation() -> None:
    before = read("Sum(y1[k] * (delta(k, j) - sigma(z, j)), (k, 1, K)) + t")
    after = read("dot(x1, mat(C, x1)) * y1[j]")
    kinds = {c.kind for c in candidates(before, after, NOTE, ("y1",))}
    assert {Kind.SIGN, Kind.FACTOR, Kind.DROPPED_TERM, Kind.TERM_SIGN, Kind.DOUBLED_TERM,
            Kind.MISSING_TRANSPOSE, Kind.LABEL_ZERO} <= kinds


def test_a_size_checked_at_one_value_gives_no_factor() -> None:
    one_n = parse_notation({**NOTATION, "sizes": {"K": [2, 3], "N": [2], "n": [2, 3]}}, HERE)
    before, after = read("Sum(dot(w[k], x[i]), (i, 1, N))"), read("dot(w[k], x[1])")
    texts = [c.text for c in candidates(before, after, one_n)]
    assert not any("$N$ times" in t for t in texts)
    assert any("$n$ times" in t for t in texts)


# ---- choosing the chain, guarding the notation --------------------------------------------
def test_the_main_chain_is_the_one_that_differentiates() -> None:
    loss = Chain("loss", tuple(Step(HERE, "", read(t)) for t in ("L", "L", "L", "L")))
    gradient = Chain("gradient", tuple(Step(HERE, "", read(t)) for t in ("D(L, w[k])", "t")))
    unread = Chain("junk", (Step(HERE, "", None, "bad"),))
    document = Document("d", "d", NOTE, (unread, loss, gradient))
    assert main_chain(document) is gradient
    assert main_chain(Document("d", "d", NOTE, (unread,))) is None


def test_redefinitions_are_found() -> None:
    changed = parse_notation({"sizes": {"N": [1]}, "definitions": {"L": {"body": "t"}}},
                             HERE, base=NOTE)
    assert redefinitions(NOTE, changed) == ["size N", "definition L"]
    assert redefinitions(NOTE, parse_notation({"symbols": {"q": {}}}, HERE, base=NOTE)) == []


# ---- outputs ------------------------------------------------------------------------------
def empty_grade(student: str, path: str) -> Grade:
    return Grade(student, path, Outcome.EMPTY, 0.0, 10.0, "empty file",
                 parts=(Part("Readable submission", 0.0, 10.0, False, "empty file"),))


def test_spreadsheet_formulas_are_kept_as_text() -> None:
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("-p[i, j]") == "'-p[i, j]"
    assert _cell("ann") == "ann"
    assert _cell(3.5) == 3.5
    assert gradebook_row(empty_grade("=cmd", "=cmd.md"))["student"] == "=cmd"  # escaped later


def test_folder_names_are_safe_and_unique() -> None:
    grades = [empty_grade("ann", "a/ann.md"), empty_grade("ann", "a/ann.tex"),
              empty_grade("..", "a/...md"), empty_grade("a b", "a/a b.md")]
    assert list(safe_names(grades).values()) == ["ann", "ann-2", "student", "a_b"]


def test_results_json_of_an_unreadable_submission_validates() -> None:
    data = gradescope_results(empty_grade("ann", "ann.md"), "visible")
    jsonschema.validate(data, SCHEMA)
    assert data["score"] == 0 and data["tests"][0]["status"] == "failed"


def test_a_wrong_start_counts_in_the_summary() -> None:
    steps = score(chain_of(Status.PROVED), False, "", WRONG, Rubric()).steps
    unexplained = Grade("ann", "ann.md", Outcome.GRADED, 0.0, 10.0, start_ok=False, steps=steps)
    assert mistakes(unexplained) == [(WRONG_START, 1)]
    explained = Grade("ann", "ann.md", Outcome.GRADED, 0.0, 10.0, start_ok=False, steps=steps,
                      start_diagnoses=(Diagnosis(Kind.FACTOR, "a factor"),))
    assert mistakes(explained) == [(Kind.FACTOR.value, 1)]


# ---- progress -----------------------------------------------------------------------------
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_on_a_terminal() -> None:
    quiet = io.StringIO()
    Progress(quiet)(1, 4, "ann.md")
    assert quiet.getvalue() == ""
    terminal = _Terminal()
    bar = Progress(terminal)
    bar(1, 4, "ann.md")
    assert "1/4" in terminal.getvalue() and "ann.md" in terminal.getvalue()
    bar(4, 4, "")
    assert terminal.getvalue().endswith("\r\x1b[K")
