"""The rubric applied: from what the checker found about each line to points.

Pure functions of the facts, so every rule can be tested without checking anything:

* the first line earns ``start`` when it equals the problem statement;
* every later line is worth one share, ``steps / max(lines, min_steps)``: a line that follows
  from the line before earns its share while the chain is on track (equal to the problem),
  ``carry_forward`` of it when it follows correctly from an earlier mistake; a refuted,
  undecided or unreadable line earns nothing;
* each refuted line costs ``penalty``;
* the last line earns ``final`` when it equals the expected result, and
  ``final_when_reasoning_wrong`` of that when some line in between is refuted; it must be the
  chain's last line itself, read: an unreadable last line gives no result, and the line before
  it does not stand in for it (the grader's :class:`FinalFacts` say so);
* a wrong line (refuted, or a first line that is not the problem statement) whose diagnosis
  has an entry in the rubric's ``feedback`` gets that entry's message, and loses its
  ``penalty``: one entry per line, the first of its diagnoses (most specific first) that an
  entry names, an entry for that very line before one for any line ("unexplained" for a
  refuted line without diagnosis, "wrong start" for a wrong first line without one);
* the total is kept between 0 and the maximum (never ``-0.0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verify.grade.assignment import FeedbackRule, Rubric
from verify.grade.mistakes import UNEXPLAINED, WRONG_START
from verify.grade.results import Credit, Diagnosis, Feedback, Part, StepGrade
from verify.model.verdict import Status

HOLDS = (Status.PROVED, Status.SUPPORTED)


@dataclass(frozen=True)
class LineFacts:
    number: int                   # 1-based position in the chain
    line: int
    latex: str
    status: Status                # START for the first readable line
    message: str
    on_track: bool | None         # equal to the problem statement
    previous_on_track: bool | None  # the line it was checked against
    diagnoses: tuple[Diagnosis, ...] = ()
    reading: str | None = None    # the line as it was read (verify.model.reading)


@dataclass(frozen=True)
class FinalFacts:
    ok: bool | None
    why: str                      # what the check found, in words


@dataclass(frozen=True)
class Scored:
    steps: tuple[StepGrade, ...]
    parts: tuple[Part, ...]
    score: float


def score(lines: Sequence[LineFacts], start_ok: bool | None, start_why: str,
          final: FinalFacts, rubric: Rubric,
          start_diagnoses: Sequence[Diagnosis] = ()) -> Scored:
    """``start_diagnoses``: how the first line differs from the problem statement."""
    later = [f for f in lines if f.status is not Status.START]
    share = rubric.share(len(later))
    steps = tuple(_start_grade(f, start_ok, rubric, start_diagnoses)
                  if f.status is Status.START else _line_grade(f, share, rubric) for f in lines)
    refuted = sum(1 for s in steps if s.credit is Credit.REFUTED)
    first = next((s for s in steps if s.credit is Credit.START), None)
    if first is not None and first.reading is not None:
        start_why += f"\nRead as: ${first.reading}$"
    if first is not None and first.feedback is not None:
        start_why += f"\nFeedback: {first.feedback.message}"
    parts = [Part("Start: the first line is the problem statement",
                  rubric.start if start_ok else 0.0, rubric.start, bool(start_ok), start_why)]
    parts += [_line_part(s) for s in steps if s.credit is not Credit.START]
    if len(later) < rubric.min_steps:  # the shares not shown: so the tests add up to the max
        parts.append(Part("Enough steps shown", 0.0, share * (rubric.min_steps - len(later)),
                          False, f"{len(later)} step(s) shown; the rubric asks for at least "
                                 f"{rubric.min_steps}"))
    parts.append(_final_part(final, refuted, rubric))
    if rubric.penalty:
        parts.append(Part("Penalty for refuted lines", 0.0 - rubric.penalty * refuted, 0.0,
                          refuted == 0, f"{refuted} refuted line(s) x {rubric.penalty:g}"))
    parts += [Part(f"Feedback on step {s.number} ({s.feedback.kind})", 0.0 - s.feedback.penalty,
                   0.0, False, s.feedback.message)
              for s in steps if s.feedback is not None and s.feedback.penalty]
    total = sum(p.points for p in parts)
    # + 0.0: max(-0.0, 0.0) is -0.0, which JSON would print as "-0.0"
    return Scored(steps, tuple(parts), round(min(max(total, 0.0), rubric.maximum), 2) + 0.0)


def feedback_for(rules: Sequence[FeedbackRule], number: int,
                 found: Sequence[Diagnosis | str]) -> Feedback | None:
    """The entry that answers a wrong line (its number in the chain, its diagnoses most
    specific first, or a kind alone: unexplained, wrong start): the first diagnosis an entry
    answers decides; of the entries answering it, one naming the factor comes before one that
    does not, and then one for that very line before one for any line."""
    for item in found:
        kind, text = (item, "") if isinstance(item, str) else (item.kind.value, item.text)
        for rule in sorted(rules, key=lambda r: (not r.factor, r.step is None)):   # stable
            if rule.answers(kind, text, number):
                return Feedback(rule.kind, rule.message, rule.penalty)
    return None


def _start_grade(facts: LineFacts, start_ok: bool | None, rubric: Rubric,
                 start_diagnoses: Sequence[Diagnosis]) -> StepGrade:
    points = rubric.start if start_ok else 0.0
    found: list[Diagnosis | str] = [*start_diagnoses] or [WRONG_START]
    feedback = feedback_for(rubric.feedback, facts.number, found) if start_ok is False \
        else None
    return StepGrade(facts.number, facts.line, facts.latex, facts.status, facts.on_track,
                     Credit.START, points, rubric.start, facts.message, facts.diagnoses,
                     facts.reading, feedback)


def _line_grade(facts: LineFacts, share: float, rubric: Rubric) -> StepGrade:
    if facts.status in HOLDS:
        credit = Credit.CORRECT if facts.previous_on_track else Credit.CARRIED
        points = share if credit is Credit.CORRECT else share * rubric.carry_forward
    else:
        credit = {Status.REFUTED: Credit.REFUTED, Status.UNPARSED: Credit.UNREADABLE}.get(
            facts.status, Credit.UNDECIDED)
        points = 0.0
    found: list[Diagnosis | str] = [*facts.diagnoses] or [UNEXPLAINED]
    feedback = feedback_for(rubric.feedback, facts.number, found) \
        if credit is Credit.REFUTED else None
    return StepGrade(facts.number, facts.line, facts.latex, facts.status, facts.on_track,
                     credit, points, share, facts.message, facts.diagnoses, facts.reading,
                     feedback)


_CREDIT_WORDS = {
    Credit.CORRECT: "follows from the line before",
    Credit.CARRIED: "follows correctly from an earlier mistake (carry-forward credit)",
    Credit.REFUTED: "does not follow from the line before",
    Credit.UNDECIDED: "could not be decided by the checker (to be reviewed)",
    Credit.UNREADABLE: "could not be read",
}


def _line_part(step: StepGrade) -> Part:
    lines = [f"{_CREDIT_WORDS[step.credit]}: {step.message}"]
    if step.reading is not None:
        # What the line was read as: a misreading the checker cannot notice, the student can.
        lines.append(f"Read as: ${step.reading}$")   # math, as the diagnoses' is
    lines += [f"Diagnosis: {d.text}" for d in step.diagnoses]
    if step.feedback is not None:
        lines.append(f"Feedback: {step.feedback.message}")
    return Part(f"Step {step.number} (line {step.line})", step.points, step.share,
                step.credit is Credit.CORRECT, "\n".join(lines))


def _final_part(final: FinalFacts, refuted: int, rubric: Rubric) -> Part:
    name = "Final result equals the expected result"
    if final.ok and refuted:
        points = rubric.final * rubric.final_when_reasoning_wrong
        return Part(name, points, rubric.final, False,
                    f"final result right, reasoning wrong: {refuted} refuted line(s) "
                    f"before it ({final.why})")
    points = rubric.final if final.ok else 0.0
    return Part(name, points, rubric.final, bool(final.ok), final.why)
