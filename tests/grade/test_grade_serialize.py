"""Grades as JSON between a grading worker and the parent (verify.grade.serialize): real grades
of the synthetic class come back equal through JSON text, generated grades too, their checked
documents are in the one JSON form of a result (the schema's), and anything
that is not a grade of this format (a garbled or hostile message) raises SerializeError and
nothing else.

The real grades are computed once per module (about a second per file)."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.model.test_jsonform import OLD_WIRE, VALIDATOR, assert_same_kinds
from tests.paths import ROOT
from verify.core.errors import SerializeError
from verify.grade.assignment import Assignment, load_assignment
from verify.grade.claims import ClaimJudge
from verify.grade.grader import grade_safely
from verify.grade.reading import error_grade
from verify.grade.results import Credit, Diagnosis, Grade, Kind, Outcome, Part, StepGrade
from verify.grade.serialize import grade_data, grade_from_data
from verify.model.jsonform import result_data
from verify.model.verdict import Status
from verify.store.serialize import dumps, loads

CLASS = ROOT / "tests" / "data" / "class"
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
ERROR = "error row"     # not a file: error_grade's row for a grading failure


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    outcome: Outcome
    checked: bool       # has the checked document (Grade.result)
    diagnosed: bool     # some line carries a diagnosis


CASES = [
    Case("ok_ada.md", Outcome.GRADED, True, False),
    Case("sign_term.md", Outcome.GRADED, True, True),
    Case("two_signs.md", Outcome.GRADED, True, True),
    Case("lost_n_tex.tex", Outcome.GRADED, True, True),
    Case("empty.md", Outcome.EMPTY, False, False),
    Case("all_garbage.md", Outcome.UNREADABLE, True, False),   # checked: its report shows why
    Case(ERROR, Outcome.ERROR, False, False),
]


@pytest.fixture(scope="module")
def assignment() -> Assignment:
    return load_assignment(ASSIGNMENT)


@pytest.fixture(scope="module")
def grades(assignment: Assignment) -> dict[str, Grade]:
    judge = ClaimJudge(assignment.seed, assignment.points)
    found = {c.name: grade_safely(CLASS / c.name, assignment, judge)
             for c in CASES if c.name != ERROR}
    found[ERROR] = error_grade(CLASS / "ok_ada.md", assignment,
                               "grading failed: RuntimeError: worker died")
    return found


def through_json(grade: Grade) -> Grade:
    return grade_from_data(loads(dumps(grade_data(grade))))


# ---- real grades ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_real_grade_round_trips_through_json_text(grades: dict[str, Grade], case: Case) -> None:
    grade = grades[case.name]
    # the table covers what it claims to: each outcome, with and without diagnoses
    assert grade.outcome is case.outcome
    assert (grade.result is not None) == case.checked
    assert bool(grade.diagnoses()) == case.diagnosed
    back = through_json(grade)
    assert back == grade
    assert back.seconds == grade.seconds
    assert_same_kinds(grade, back)
    assert back.needs_review == grade.needs_review
    assert back.first_wrong == grade.first_wrong


def test_a_grades_document_is_the_one_form_of_its_result(grades: dict[str, Grade]) -> None:
    """Grade.result travels as the --json form's document: the schema describes it."""
    checked = [g for g in grades.values() if g.result is not None]
    assert checked
    for grade in checked:
        assert grade.result is not None
        assert grade_data(grade)["result"] == result_data(grade.result)["documents"][0]
        VALIDATOR.validate(result_data(grade.result))


def test_real_grades_exercise_every_field(grades: dict[str, Grade]) -> None:
    """The table is worth its time only if it holds the parts that could be lost."""
    all_grades = list(grades.values())
    assert any(g.start_ok is True for g in all_grades)
    assert any(g.final_ok is False for g in all_grades)
    assert any(g.start_ok is None for g in all_grades)
    assert any(s.credit is Credit.REFUTED for g in all_grades for s in g.steps)
    assert any(g.notes for g in all_grades)
    assert all(g.parts for g in all_grades)
    assert all(g.seconds > 0 for n, g in grades.items() if n != ERROR)


def test_text_is_deterministic(grades: dict[str, Grade]) -> None:
    for grade in grades.values():
        text = dumps(grade_data(grade))
        assert dumps(grade_data(grade_from_data(loads(text)))) == text


# ---- generated grades -----------------------------------------------------------------------
NUMBERS = st.one_of(st.floats(allow_nan=False), st.integers(-10**6, 10**6))
MAYBE = st.one_of(st.none(), st.booleans())
DIAGNOSES = st.lists(st.builds(Diagnosis, st.sampled_from(Kind), st.text()),
                     max_size=3).map(tuple)
STEPS = st.builds(StepGrade, st.integers(0, 10**6), st.integers(0, 10**6), st.text(),
                  st.sampled_from(Status), MAYBE, st.sampled_from(Credit), NUMBERS, NUMBERS,
                  st.text(), DIAGNOSES)
PARTS = st.builds(Part, st.text(), NUMBERS, NUMBERS, st.booleans(), st.text())
GRADES = st.builds(Grade, st.text(), st.text(), st.sampled_from(Outcome), NUMBERS, NUMBERS,
                   st.text(), MAYBE, MAYBE, st.lists(STEPS, max_size=4).map(tuple),
                   st.lists(PARTS, max_size=3).map(tuple),
                   st.lists(st.text(), max_size=3).map(tuple), st.none(), DIAGNOSES,
                   st.floats(min_value=0, allow_infinity=False))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(GRADES)
def test_generated_grade_round_trips(grade: Grade) -> None:
    back = through_json(grade)
    assert back == grade
    assert_same_kinds(grade, back)


# ---- malformed data -------------------------------------------------------------------------
def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def _drop(data: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


# (what is wrong, the path to the value, the value put there); two_signs.md's grade has
# steps with diagnoses, parts and a checked document to break.
WRONG_VALUES: list[tuple[str, tuple[Any, ...], Any]] = [
    ("score as text", ("score",), "10"),
    ("student as number", ("student",), 5),
    ("a boolean as a number", ("maximum",), True),
    ("an integer beyond any float", ("seconds",), 10**400),
    ("start_ok as text", ("start_ok",), "yes"),
    ("step number as float", ("steps", 0, "number"), 1.0),
    ("step number as boolean", ("steps", 0, "number"), True),
    ("on_track as number", ("steps", 0, "on_track"), 1),
    ("passed as None", ("parts", 0, "passed"), None),
    ("a note as number", ("notes",), [1]),
    ("unknown outcome", ("outcome",), "passed"),
    ("unknown credit", ("steps", 0, "credit"), "partial"),
    ("unknown status", ("steps", 0, "status"), "maybe"),
    ("unknown kind", ("steps", 2, "diagnoses", 0, "kind"), "typo"),
    ("enum as number", ("outcome",), 1),
    ("enum as list", ("steps", 0, "credit"), ["correct"]),
    ("other format", ("format",), 2),
    ("a step as list", ("steps", 0), [1, 7, "x"]),
    ("a part as list", ("parts", 0), ["Start", 1.0, 1.0, True, ""]),
    ("a diagnosis as list", ("steps", 2, "diagnoses", 0), ["sign flipped", "text"]),
    ("steps as object", ("steps",), {"0": {}}),
    ("steps as None", ("steps",), None),
    ("the document as list", ("result",), []),
    ("the document as text", ("result",), "ok"),
    ("the document without its path", ("result",), {"format": 1}),
    ("a document step's status", ("result", "chains", 0, "steps", 0, "status"), "true"),
    ("a document number beyond any float", ("result", "seconds"), 10**400),
    ("a document step as list", ("result", "chains", 0, "steps", 0), []),
    ("a document in the wire's old form", ("result",), OLD_WIRE),
    ("a document's counts not its steps'", ("result", "counts", "start"), 99),
]

MISSING: list[tuple[Any, ...]] = [
    ("score",), ("outcome",), ("result",), ("seconds",), ("format",), ("start_ok",),
    ("steps", 0, "credit"), ("steps", 0, "on_track"), ("parts", 0, "passed"),
    ("steps", 2, "diagnoses", 0, "text"), ("result", "chains"),
]


@pytest.fixture(scope="module")
def sample(grades: dict[str, Grade]) -> dict[str, Any]:
    data = grade_data(grades["two_signs.md"])
    assert data["steps"][2]["diagnoses"], "two_signs.md: the third line is diagnosed"
    return data


@pytest.mark.parametrize(("why", "path", "value"), WRONG_VALUES,
                         ids=[w for w, _, _ in WRONG_VALUES])
def test_wrong_value_raises_serialize_error(sample: dict[str, Any], why: str,
                                            path: tuple[Any, ...], value: Any) -> None:
    grade_from_data(sample)     # the unbroken data is fine
    with pytest.raises(SerializeError):
        grade_from_data(_set(sample, path, value))


@pytest.mark.parametrize("path", MISSING, ids=["/".join(map(str, p)) for p in MISSING])
def test_missing_key_raises_serialize_error(sample: dict[str, Any],
                                            path: tuple[Any, ...]) -> None:
    with pytest.raises(SerializeError):
        grade_from_data(_drop(sample, path))


@pytest.mark.parametrize("path", [("extra",), ("steps", 0, "extra"), ("parts", 0, "extra"),
                                  ("steps", 2, "diagnoses", 0, "extra")])
def test_unexpected_key_raises_serialize_error(sample: dict[str, Any],
                                               path: tuple[Any, ...]) -> None:
    with pytest.raises(SerializeError):
        grade_from_data(_set(sample, path, 0))


@pytest.mark.parametrize("data", [None, [], [{}], "grade", 3, 2.5, True, {}],
                         ids=repr)
def test_not_an_object_raises_serialize_error(data: Any) -> None:
    with pytest.raises(SerializeError):
        grade_from_data(data)


def test_garbled_text_raises_serialize_error(sample: dict[str, Any]) -> None:
    text = dumps(sample)
    for broken in (text[: len(text) // 2], text[1:], text.replace(":", "=", 1), "", "[" * 10**5):
        with pytest.raises(SerializeError):
            grade_from_data(loads(broken))


# ---- hostile data: whatever arrives, SerializeError or a Grade, nothing else ----------------
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
              st.sampled_from(["graded", "refuted", "sign flipped", "correct", "proved"])),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found += _paths(value, (*prefix, n))
    return found


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(place=st.integers(min_value=0), value=JSON)
def test_any_value_anywhere_raises_only_serialize_error(sample: dict[str, Any], place: int,
                                                        value: Any) -> None:
    paths = _paths(sample)
    broken = _set(sample, paths[place % len(paths)], value)
    try:
        grade = grade_from_data(broken)
    except SerializeError:
        return
    assert isinstance(grade, Grade)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(JSON)
def test_arbitrary_json_raises_only_serialize_error(data: Any) -> None:
    with pytest.raises(SerializeError):
        grade_from_data(data)
