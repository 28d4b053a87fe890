"""What grading produces, stage by stage: frozen records, so every output (gradebook, Gradescope,
class summary, reports) reads the same facts and none can change them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from verify.model.verdict import DocumentResult, Status
from verify.verdict.kinds import Diagnosis as Diagnosis  # the engine's, re-exported
from verify.verdict.kinds import Kind as Kind


class Credit(StrEnum):
    """What one line of the graded chain earned, and why."""

    START = "start"            # the first line (graded against the problem statement)
    CORRECT = "correct"        # follows from the line before, and the chain is on track
    CARRIED = "carried"        # follows correctly from an earlier mistake (carry-forward)
    REFUTED = "refuted"        # does not follow: a counterexample
    UNDECIDED = "undecided"    # the checker could not decide (no points, flagged for review)
    UNREADABLE = "unreadable"  # the line could not be read (no points)


class Outcome(StrEnum):
    GRADED = "graded"
    EMPTY = "empty"            # nothing but white space
    UNREADABLE = "unreadable"  # no readable line, or not a derivation at all
    ERROR = "error"            # grading itself failed: zero points, flagged for review


@dataclass(frozen=True)
class Feedback:
    """The instructor's word on a wrong line (a rubric ``feedback`` entry that applied): shown
    to the student beside the line's diagnosis, and ``penalty`` taken off the score."""

    kind: str          # the diagnosis kind it answers (or "unexplained", "wrong start")
    message: str
    penalty: float = 0.0


@dataclass(frozen=True)
class StepGrade:
    number: int                 # 1-based position in the graded chain
    line: int                   # line in the submission
    latex: str
    status: Status              # the checker's verdict against the line before
    on_track: bool | None       # equal to the problem statement? None: not decided
    credit: Credit
    points: float
    share: float                # what this line could earn
    message: str
    diagnoses: tuple[Diagnosis, ...] = ()
    reading: str | None = None  # the line as it was read, as LaTeX (None: unreadable)
    feedback: Feedback | None = None  # the instructor's word on this line's mistake


_UNESTABLISHED = {Credit.UNREADABLE: "could not be read",
                  Credit.UNDECIDED: "could not be decided by the checker"}


@dataclass(frozen=True)
class Part:
    """One rubric item as awarded: becomes a Gradescope test and a line of the report."""

    name: str
    points: float
    maximum: float
    passed: bool
    output: str


@dataclass(frozen=True)
class Grade:
    student: str
    path: str
    outcome: Outcome
    score: float
    maximum: float
    reason: str = ""                          # why a submission was not graded normally
    start_ok: bool | None = None
    final_ok: bool | None = None
    steps: tuple[StepGrade, ...] = ()
    parts: tuple[Part, ...] = ()
    notes: tuple[str, ...] = ()               # for the instructor: review flags, problems
    result: DocumentResult | None = None      # the checked document, for the report
    start_diagnoses: tuple[Diagnosis, ...] = ()
    seconds: float = 0.0
    internal: tuple[str, ...] = ()            # internal errors of the checker behind this row
    #                                           (a bug of ours, never the student's): exit 3

    @property
    def first_wrong(self) -> StepGrade | None:
        """The first refuted line (the first line itself when it is not the problem)."""
        if self.start_ok is False and self.steps:
            return self.steps[0]
        return next((s for s in self.steps if s.credit is Credit.REFUTED), None)

    @property
    def refuted(self) -> int:
        return sum(1 for s in self.steps if s.credit is Credit.REFUTED)

    @property
    def final_right_reasoning_wrong(self) -> bool:
        return bool(self.final_ok) and self.refuted > 0

    @property
    def review_reasons(self) -> tuple[str, ...]:
        """Why this row must be looked at by hand, one reason per line or problem; empty when
        it need not.  A line that could not be read or decided, an unreadable whole, a failed
        grading (an internal error, a limit hit) each leave the grade resting on something
        the checker did not establish, so a human must see it."""
        found = [n.removeprefix("review:").strip() for n in self.notes
                 if n.startswith("review:")]
        found += [f"step {s.number} (line {s.line}) {_UNESTABLISHED[s.credit]}: {s.message}"
                  for s in self.steps if s.credit in _UNESTABLISHED]
        if not found and self.outcome in (Outcome.ERROR, Outcome.UNREADABLE):
            found.append(self.reason or self.outcome.value)
        return tuple(dict.fromkeys(found))

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reasons)

    def feedback(self) -> list[tuple[StepGrade, Feedback]]:
        """The instructor's words that applied, line by line."""
        return [(s, s.feedback) for s in self.steps if s.feedback is not None]

    def diagnoses(self) -> list[tuple[StepGrade, Diagnosis]]:
        found = [(self.steps[0], d) for d in self.start_diagnoses] if self.steps else []
        return found + [(s, d) for s in self.steps for d in s.diagnoses]
