"""Instructor feedback (the rubric's ``feedback`` entries): checked where they stand in the
assignment file, matched to a wrong line's diagnoses (one entry per line, the most specific
diagnosis first, an entry for that very line before one for any line), their penalties in the
score and its parts, their messages in every output the student reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.paths import ROOT
from verify.core.errors import AssignmentError
from verify.grade.assignment import FEEDBACK_KINDS, FeedbackRule, Rubric, load_assignment
from verify.grade.mistakes import UNEXPLAINED, WRONG_START
from verify.grade.outputs import gradebook_row, gradescope_results
from verify.grade.results import Diagnosis, Feedback, Grade, Kind, Outcome
from verify.grade.rubric import FinalFacts, LineFacts, feedback_for, score
from verify.grade.serialize import grade_data, grade_from_data
from verify.model.verdict import Status
from verify.store.serialize import dumps, loads

EXAMPLE = ROOT / "examples" / "class" / "assignment.yaml"
PLAIN = ROOT / "assignments" / "softmax_gradient.yaml"
SCHEMA = json.loads((ROOT / "tests" / "data" / "gradescope_results.schema.json").read_text())


# ---- the assignment file ------------------------------------------------------------------
def test_the_example_class_assignment_is_the_plain_one_with_feedback() -> None:
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    plain = yaml.safe_load(PLAIN.read_text(encoding="utf-8"))
    rules = example["rubric"].pop("feedback")
    assert example == plain
    loaded = load_assignment(EXAMPLE).rubric.feedback
    assert [r.kind for r in loaded] == [r["kind"] for r in rules]
    assert loaded[0].penalty == 0.5 and "lecture 18, slide 12" in loaded[0].message
    assert all(r.line > 0 for r in loaded)


def with_entry(tmp_path: Path, entry: str) -> Path:
    """The example assignment with its first feedback entry replaced by ``entry`` (YAML flow
    text), which then stands on the line of the old one."""
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("    - kind: constant factor")
    end = text.index("    - kind: sign flipped")
    changed = tmp_path / "a.yaml"
    changed.write_text(text[:start] + f"    - {entry}\n" + text[end:], encoding="utf-8")
    return changed


def entry_line() -> int:
    text = EXAMPLE.read_text(encoding="utf-8")
    return text[:text.index("    - kind: constant factor")].count("\n") + 1


@pytest.mark.parametrize(("entry", "message"), [
    ("{kind: sign flip, message: m}", "unknown diagnosis kind 'sign flip' (did you mean "
                                      "'sign flipped'?)"),
    ("{kind: typo, message: m}", "unknown diagnosis kind 'typo'; the kinds are: sign flipped"),
    ("{message: m}", "unknown diagnosis kind None"),
    ("{kind: sign flipped}", "'message' must be a non-empty text"),
    ("{kind: sign flipped, message: '  '}", "'message' must be a non-empty text"),
    ("{kind: sign flipped, message: m, penalty: -1}", "penalty must be a number >= 0"),
    ("{kind: sign flipped, message: m, penalty: yes}", "penalty must be a number >= 0"),
    ("{kind: sign flipped, message: m, step: 0}", "step must be a line number"),
    ("{kind: sign flipped, message: m, step: 1.5}", "step must be a line number"),
    ("{kind: sign flipped, message: m, at: 2}", "unknown keys ['at']"),
])
def test_a_bad_entry_is_refused_with_its_file_and_line(tmp_path: Path, entry: str,
                                                       message: str) -> None:
    path = with_entry(tmp_path, entry)
    with pytest.raises(AssignmentError) as raised:
        load_assignment(path)
    assert message in raised.value.message
    assert str(raised.value).startswith(f"{path}:{entry_line()}: rubric: feedback")


def test_a_second_entry_for_the_same_kind_and_step_is_refused_where_it_stands(
        tmp_path: Path) -> None:
    path = with_entry(tmp_path, "{kind: sign flipped, message: m}")
    with pytest.raises(AssignmentError) as raised:
        load_assignment(path)
    text = path.read_text(encoding="utf-8")
    second = text[:text.index("    - kind: sign flipped")].count("\n") + 1
    assert str(raised.value).startswith(f"{path}:{second}: rubric: feedback entry: two "
                                        "entries for 'sign flipped' at any step")
    # the same kind at two different steps, or at one step and anywhere, is fine
    load_assignment(with_entry(tmp_path, "{kind: sign flipped, message: m, step: 3}"))


@pytest.mark.parametrize(("rubric", "message"), [
    ({"feedback": {"kind": "sign flipped"}}, "feedback must be a list"),
    ({"feedback": ["sign flipped"]}, "a feedback entry must be a mapping"),
])
def test_a_bad_feedback_list_is_refused(tmp_path: Path, rubric: dict[str, Any],
                                        message: str) -> None:
    raw = yaml.safe_load(PLAIN.read_text(encoding="utf-8"))
    raw["rubric"].update(rubric)
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(AssignmentError, match=message):
        load_assignment(path)


def test_every_kind_a_diagnosis_can_have_is_a_feedback_kind() -> None:
    assert {k.value for k in Kind} | {UNEXPLAINED, WRONG_START} == set(FEEDBACK_KINDS)


# ---- which entry answers a line -----------------------------------------------------------
ANY_FACTOR = FeedbackRule("constant factor", "factor anywhere", 0.5)
FACTOR_AT_2 = FeedbackRule("constant factor", "factor at step 2", 1.0, step=2)
ONE_SAMPLE = FeedbackRule("holds for one sample only", "one sample")
RULES = (ANY_FACTOR, FACTOR_AT_2, ONE_SAMPLE,
         FeedbackRule(UNEXPLAINED, "office hours"), FeedbackRule(WRONG_START, "start again"))


@pytest.mark.parametrize(("number", "kinds", "message"), [
    (2, ["constant factor", "holds for one sample only"], "factor at step 2"),  # the step's
    (3, ["constant factor", "holds for one sample only"], "factor anywhere"),
    (3, ["holds for one sample only", "constant factor"], "one sample"),  # most specific first
    (3, ["sign flipped", "holds for one sample only"], "one sample"),     # no entry: the next
    (3, ["sign flipped"], None),
    (4, [UNEXPLAINED], "office hours"),
    (1, [WRONG_START], "start again"),
    (3, [], None),
])
def test_the_first_kind_with_an_entry_answers_the_line(number: int, kinds: list[str],
                                                       message: str | None) -> None:
    found = feedback_for(RULES, number, kinds)
    assert (found.message if found else None) == message


# ---- which factor: an entry narrowed to the factor a line lost -----------------------------
LOST_N = (r"this line is $N$ times the line before: a factor $\frac{1}{N}$ was lost (or $N$ "
          "added)")
EXTRA_2 = (r"this line is $2$ times the line before: a factor $\frac{1}{2}$ was lost (or $2$ "
           "added)")
LOST_2 = (r"this line is $\frac{1}{2}$ times the line before: a factor $2$ was lost (or "
          r"$\frac{1}{2}$ added)")
TERM_N = (r"in the term $-y_{i,k} \cdot \log\left(p_{i,k}\right)$ of the line before, a factor "
          r"$\frac{1}{N}$ was lost (or $N$ added)")


def factor_rules(tmp_path: Path) -> tuple[FeedbackRule, ...]:
    """Entries for a lost 1/N, a lost 2 (at step 3 only) and any constant factor, read from
    the example assignment as an instructor writes them."""
    path = with_entry(tmp_path, "{kind: constant factor, factor: '1/N', message: lost 1/N}\n"
                                "    - {kind: constant factor, factor: '2', step: 3, "
                                "message: lost 2}\n"
                                "    - {kind: constant factor, message: any factor}")
    return load_assignment(path).rubric.feedback


@pytest.mark.parametrize(("number", "text", "message"), [
    (2, LOST_N, "lost 1/N"),
    (2, TERM_N, "lost 1/N"),        # one term lost it: still the 1/N of the definition
    (2, EXTRA_2, "any factor"),     # a 2 too many is a lost 1/2, not a lost 2 or 1/N
    (3, LOST_2, "lost 2"),
    (2, LOST_2, "any factor"),      # the entry for a lost 2 is for step 3 only
    (2, "the sign is flipped: this line is $-1$ times the line before",   # its own kind
     "Check the sign against the line before: a minus was lost or added here."),
])
def test_an_entry_with_a_factor_answers_that_factor_only(tmp_path: Path, number: int,
                                                         text: str, message: str) -> None:
    kind = Kind.SIGN if "sign" in text else Kind.FACTOR
    found = feedback_for(factor_rules(tmp_path), number, [Diagnosis(kind, text)])
    assert found is not None and found.message == message


def test_a_factor_is_read_as_the_diagnosis_writes_it(tmp_path: Path) -> None:
    rules = factor_rules(tmp_path)
    assert [(r.factor, r.factor_latex) for r in rules[:2]] == [
        ("1/N", (r"$\frac{1}{N}$",)), ("2", ("$2$",))]
    assert rules[2].factor == "" and rules[2].factor_latex == ()


@pytest.mark.parametrize(("entry", "message"), [
    ("{kind: sign flipped, factor: '2', message: m}", "'factor' is for the kind 'constant "
                                                      "factor' only"),
    ("{kind: constant factor, factor: '', message: m}", "'factor' must be an expression"),
    ("{kind: constant factor, factor: [2], message: m}", "'factor' must be an expression"),
    ("{kind: constant factor, factor: '1', message: m}", "no factor a line can lose"),
    ("{kind: constant factor, factor: '-1', message: m}", "no factor a line can lose"),
    ("{kind: constant factor, factor: '1/M', message: m}", "M"),    # not declared
])
def test_a_bad_factor_is_refused(tmp_path: Path, entry: str, message: str) -> None:
    with pytest.raises(AssignmentError) as raised:
        load_assignment(with_entry(tmp_path, entry))
    assert message in raised.value.message


def test_two_entries_for_the_same_factor_and_step_are_refused(tmp_path: Path) -> None:
    path = with_entry(tmp_path, "{kind: constant factor, factor: '1/N', message: a}\n"
                                "    - {kind: constant factor, factor: N**-1, message: b}")
    with pytest.raises(AssignmentError, match=r"two entries for 'constant factor' with factor "
                                              r"'N\*\*-1' at any step"):
        load_assignment(path)
    load_assignment(with_entry(tmp_path, "{kind: constant factor, factor: '1/N', message: a}\n"
                                         "    - {kind: constant factor, factor: 2, message: b}"))


# ---- the score ----------------------------------------------------------------------------
def facts(number: int, status: Status, on: bool, previous: bool | None,
          *kinds: Kind) -> LineFacts:
    return LineFacts(number, number + 10, "x", status, "", on, previous,
                     tuple(Diagnosis(k, f"diagnosed {k.value}") for k in kinds))


CHAIN = [facts(1, Status.START, True, None), facts(2, Status.REFUTED, False, True, Kind.FACTOR),
         facts(3, Status.PROVED, False, False), facts(4, Status.REFUTED, False, False),
         facts(5, Status.REFUTED, False, False, Kind.SIGN)]
WRONG = FinalFacts(False, "differs")


def test_penalties_come_off_the_score_and_the_parts_add_up() -> None:
    plain = score(CHAIN, True, "", WRONG, Rubric(penalty=0))
    rubric = Rubric(penalty=0, feedback=(FACTOR_AT_2, FeedbackRule(UNEXPLAINED, "office hours",
                                                                   0.25)))
    scored = score(CHAIN, True, "", WRONG, rubric)
    assert [s.feedback for s in scored.steps] == [
        None, Feedback("constant factor", "factor at step 2", 1.0), None,
        Feedback(UNEXPLAINED, "office hours", 0.25), None]
    assert plain.score == 1 + 0.75    # start, line 3 carried forward
    assert scored.score == pytest.approx(plain.score - 1.25)
    assert sum(p.points for p in scored.parts) == pytest.approx(scored.score)
    extra = [p for p in scored.parts if p.name.startswith("Feedback on step")]
    assert [(p.name, p.points, p.maximum) for p in extra] == [
        ("Feedback on step 2 (constant factor)", -1.0, 0.0),
        ("Feedback on step 4 (unexplained)", -0.25, 0.0)]
    step_2 = next(p for p in scored.parts if p.name.startswith("Step 2 "))
    assert step_2.output.endswith("Diagnosis: diagnosed constant factor\n"
                                  "Feedback: factor at step 2")


def test_a_message_without_penalty_changes_no_points() -> None:
    rubric = Rubric(feedback=(FeedbackRule("sign flipped", "check the sign"),))
    scored = score(CHAIN, True, "", WRONG, rubric)
    assert scored.score == score(CHAIN, True, "", WRONG, Rubric()).score
    assert scored.steps[4].feedback == Feedback("sign flipped", "check the sign")
    assert not any(p.name.startswith("Feedback on step") for p in scored.parts)


def test_a_line_that_follows_gets_no_feedback_and_a_wrong_start_does() -> None:
    rubric = Rubric(feedback=(FeedbackRule(UNEXPLAINED, "office hours", 9.0),
                              FeedbackRule(WRONG_START, "start from the gradient of L", 0.5),
                              FeedbackRule("constant factor", "the start lost a factor")))
    right = [facts(1, Status.START, True, None), facts(2, Status.PROVED, True, True)]
    assert score(right, True, "", WRONG, rubric).steps[0].feedback is None
    wrong = score(right, False, "the first line differs", WRONG, rubric)
    assert wrong.steps[0].feedback == Feedback(WRONG_START, "start from the gradient of L", 0.5)
    assert wrong.parts[0].output == "the first line differs\nFeedback: start from the " \
                                    "gradient of L"
    factor = score(right, False, "", WRONG, rubric, (Diagnosis(Kind.FACTOR, "a factor"),))
    assert factor.steps[0].feedback == Feedback("constant factor", "the start lost a factor")


# ---- what the student reads ---------------------------------------------------------------
def graded() -> Grade:
    rubric = Rubric(penalty=0, feedback=(FeedbackRule("constant factor",
                                                      r"You dropped the $\frac{1}{N}$", 0.5),))
    scored = score(CHAIN, True, "", WRONG, rubric)
    return Grade("ann", "ann.md", Outcome.GRADED, scored.score, rubric.maximum,
                 start_ok=True, final_ok=False, steps=scored.steps, parts=scored.parts)


def test_results_json_carries_the_message_and_validates() -> None:
    data = gradescope_results(graded(), "visible")
    jsonschema.validate(data, SCHEMA)
    assert data["extra_data"]["feedback"] == [
        {"step": 2, "line": 12, "kind": "constant factor",
         "message": r"You dropped the $\frac{1}{N}$", "penalty": 0.5}]
    # in Gradescope's Markdown, the mathematics as plain text (verify.grade.markdown)
    assert "Step 2, from your instructor: You dropped the `1/N`" in data["output"]
    assert data["output_format"] == "md" and {t["output_format"] for t in data["tests"]} == \
        {"md"}
    assert sum(t["score"] for t in data["tests"]) == pytest.approx(data["score"])


def test_the_gradebook_has_a_feedback_column() -> None:
    row = gradebook_row(graded())
    assert row["feedback"] == r"step 2: You dropped the $\frac{1}{N}$ (-0.5)"


def test_feedback_travels_between_processes() -> None:
    grade = graded()
    assert grade_from_data(loads(dumps(grade_data(grade)))) == grade
