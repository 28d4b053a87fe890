"""Grading one submission: read it with the assignment's notation, check it, compare its ends
with the problem and the expected result, explain its refuted lines, apply the rubric.

Stages, each a frozen record handed to the next:

1. read (:mod:`verify.grade.reading`, with the assignment's notation as base); an empty file
   stops here with the rubric's ``unreadable`` points, and so does one without a readable
   line (after step 2, so that its report shows each line and why it could not be read);
2. check every line against the one before (:func:`verify.pipeline.check_document`);
3. judge, in one batch: the first line against the problem statement, the last against the
   expected result, and each line that does not follow from the one before against the
   problem statement (is the chain back on track after two compensating slips?);
4. diagnose the refuted lines (:mod:`verify.grade.diagnoses`: the engine of checking,
   :mod:`verify.verdict.explain`);
5. score (:mod:`verify.grade.rubric`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import sympy as sp

from verify.check.claims import Claim
from verify.core.errors import Location, internal_error, limit_reason
from verify.grade.assignment import Assignment
from verify.grade.claims import ClaimJudge, holds
from verify.grade.diagnoses import Request, diagnose
from verify.grade.reading import (
    Submission,
    error_grade,
    read_submission,
    student_id,
    unreadable_grade,
)
from verify.grade.results import Diagnosis, Grade, Kind, Outcome, StepGrade
from verify.grade.rubric import HOLDS, FinalFacts, LineFacts, score
from verify.model import expr as E
from verify.model.document import Chain, Step
from verify.model.notation import Notation
from verify.model.reading import spelled, spelled_diagnosis
from verify.model.verdict import ChainResult, DocumentResult, Status, StepVerdict
from verify.pipeline import Options, check_document
from verify.verdict.combine import Judgement


def grade_submission(path: Path, assignment: Assignment, judge: ClaimJudge,
                     on_read: Callable[[int], None] | None = None) -> Grade:
    """Grade one file.  Input problems give a row saying why; a failure of the checker itself
    propagates to :func:`grade_safely`, which records it as an error row.  ``on_read`` is
    told the number of lines once the file is read (a worker's time limit starts there)."""
    started = time.perf_counter()
    read = read_submission(path, assignment, judge)
    if isinstance(read, Grade):
        return replace(read, seconds=time.perf_counter() - started)
    if on_read is not None:
        on_read(sum(len(c.steps) for c in read.document.chains))
    options = Options(seed=assignment.seed, points=assignment.points)
    # The refuted lines are explained below, with the assignment's labels and the judge's
    # memory of the class's slips (the same engine as checking: verify.verdict.explain).
    result = check_document(read.document, options, judge.cache, diagnose=False)
    grade = _grade_chain(path, assignment, judge, read, result) if read.chain is not None \
        else _unreadable_whole(path, assignment, read, result)
    return replace(grade, seconds=time.perf_counter() - started)


def unread_reason(step: Step) -> str:
    """Why a line could not be read, without the file's name (the row names the student)."""
    if step.internal_error is not None:
        return f"internal error of the reader (not the line's fault): {step.internal_error}"
    return (step.problem or "not read").removeprefix(f"{step.location}: ")


def _unreadable_whole(path: Path, assignment: Assignment, read: Submission,
                      result: DocumentResult) -> Grade:
    """No line of the submission could be read: the rubric's ``unreadable`` points, flagged
    for review with the reason of each line (a right answer in other letters, ``\\theta`` for
    ``\\mathbf{w}``, reads as nothing and must reach a human), and a report saying why."""
    why = "; ".join(read.document.problems) or "no readable line"
    lines = tuple(f"line {step.location.line}: {unread_reason(step)}"
                  for chain in read.document.chains for step in chain.steps)
    grade = unreadable_grade(path, assignment, Outcome.UNREADABLE,
                             why + "".join(f"; {line}" for line in lines))
    # what a mapping of other letters said (verify.grade.mapping), besides the input problems
    mapped = tuple(note for note in read.notes if not note.startswith("input: "))
    notes = (f"review: {why}", *(f"review: {line}" for line in lines), *mapped)
    return replace(grade, notes=notes, result=result, internal=tuple(result.internal_errors()))


def grade_safely(path: Path, assignment: Assignment, judge: ClaimJudge,
                 on_read: Callable[[int], None] | None = None) -> Grade:
    """:func:`grade_submission`, with any failure turned into an error row (zero points,
    flagged for review): one bad file never stops the class, and never passes.  Running out
    of memory is not the file's failure alone: it propagates (a worker then retires)."""
    try:
        return grade_submission(path, assignment, judge, on_read)
    except MemoryError:
        raise
    except Exception as error:  # recorded as an error row, never as a pass
        reason = f"grading failed: {type(error).__name__}: {error}"
        internal = () if limit_reason(error) is not None else \
            (internal_error("grading", error),)   # a limit of the input is no bug of ours
        return replace(error_grade(path, assignment, reason), internal=internal)


# ---- 3-5. judge, diagnose, score ----------------------------------------------------------
def _grade_chain(path: Path, assignment: Assignment, judge: ClaimJudge, read: Submission,
                 result: DocumentResult) -> Grade:
    chain = read.chain
    assert chain is not None   # a submission without a readable line is _unreadable_whole's
    position = read.document.chains.index(chain)
    chain_result = result.chains[position]
    notation = read.document.notation_of(chain)
    plan = _Plan(chain, chain_result, notation, assignment)
    judgements = judge.judge(plan.claims())
    start_ok = holds(judgements.get("start"))
    on_track = plan.on_track(start_ok, judgements)
    found, trouble = _diagnoses(plan.requests(start_ok), judge, assignment)
    # Kept spelling-free under their content keys; shown in the document's spellings.
    found = {key: tuple(replace(d, text=spelled_diagnosis(d.text, notation)) for d in found_)
             for key, found_ in found.items()}
    lines = []
    for n, (step, verdict) in enumerate(zip(chain.steps, chain_result.steps,
                                            strict=True)):
        previous = on_track[verdict.compared_with] if verdict.compared_with is not None \
            else None
        diagnoses = found.get(f"line{n}", ())
        if verdict.status is Status.REFUTED and on_track[n] and previous is False:
            diagnoses += (SILENT_FIX,)
        message = unread_reason(step) if not step.readable else verdict.message
        lines.append(LineFacts(n + 1, step.location.line, step.latex, verdict.status,
                               message, on_track[n], previous, diagnoses, verdict.reading))
    start = tuple(replace(d, text=d.text.replace("the line before", "the problem statement"))
                  for d in found.get("start", ()))
    final = plan.final(judgements)
    internal = _internal_errors(result, judgements)
    # The start points need the chain's first line itself, read: a later line that equals the
    # problem is not what the student started from (it still anchors "on track" above).
    start_credit = start_ok if chain.steps[0].readable else None
    scored = score(lines, start_credit, plan.start_why(judgements), final, assignment.rubric,
                   start)
    summary = f"graded {scored.score:g}/{assignment.rubric.maximum:g} with " \
              f"{Path(assignment.path).name}"
    graded = _with_grading(result, position, scored.steps, start, summary)
    return Grade(student_id(path), str(path), Outcome.GRADED, scored.score,
                 assignment.rubric.maximum, "", start_credit, final.ok, scored.steps,
                 scored.parts, read.notes + trouble + _through_mapping(read, chain_result,
                                                                      start_ok) +
                 tuple(f"review: {where}" for where in internal), graded, start,
                 internal=internal)


def _through_mapping(read: Submission, result: ChainResult,
                     start_ok: bool | None) -> tuple[str, ...]:
    """Review flags where the grade turns on a reading in other letters: a mapping is the
    grader's reading of the student's names, so where it costs points (a refuted line, a
    wrong start, read through it) or earns the result (the last line, compared with the
    expected result through it), a human confirms that the student meant it so."""
    chain = read.chain
    if not read.mapped or chain is None:
        return ()

    def through(*steps: int) -> str:
        lines = {chain.steps[n].location.line for n in steps}
        return ", ".join(m.note for m in read.mapped if lines & set(m.lines))

    found = []
    first = next(n for n, s in enumerate(chain.steps) if s.readable)
    if start_ok is False and through(first):
        found.append(f"line {chain.steps[first].location.line}: the first line differs from "
                     f"the problem statement as read through the mapping ({through(first)}): "
                     "check that the student meant it so")
    for n, verdict in enumerate(result.steps):
        if verdict.status is Status.REFUTED and verdict.compared_with is not None and \
                through(n, verdict.compared_with):
            found.append(f"line {chain.steps[n].location.line}: refuted as read through the "
                         f"mapping ({through(n, verdict.compared_with)}): check that the "
                         "student meant it so")
    last = len(chain.steps) - 1
    if last != first and chain.steps[last].readable and through(last):
        found.append(f"line {chain.steps[last].location.line}: the result is compared with "
                     f"the expected result as read through the mapping ({through(last)}): "
                     "check that the student meant it so")
    return tuple(f"review: {reason}" for reason in found)


def _internal_errors(result: DocumentResult,
                     judgements: Mapping[str, Judgement | None]) -> tuple[str, ...]:
    """Every internal error of the checker, each a review flag of the row (such a line
    earned nothing and lost nothing on evidence: it is undecided) and the command's exit 3."""
    found = list(result.internal_errors())
    found += [f"{name}: {j.internal_error}" for name, j in sorted(judgements.items())
              if j is not None and j.internal_error is not None]
    return tuple(found)


def _diagnoses(requests: list[Request], judge: ClaimJudge,
               assignment: Assignment) -> tuple[dict[str, tuple[Diagnosis, ...]],
                                                 tuple[str, ...]]:
    """The diagnoses, or none and a review note: explanations are a help to the reader, so a
    failure while searching for them must not cost the student the grade."""
    if not requests:
        return {}, ()
    try:
        return diagnose(requests, judge, assignment.labels), ()
    except Exception as error:  # no diagnosis and a review flag; the grade itself stands
        return {}, (f"review: the search for diagnoses failed ({type(error).__name__}: "
                    f"{error})",)


SILENT_FIX = Diagnosis(Kind.SILENT_FIX, "this line is right again (it equals the problem "
                                        "statement) but does not follow from the line before: "
                                        "it undoes an earlier mistake without saying so")


class _Plan:
    """The extra claims of one submission and how their answers combine."""

    def __init__(self, chain: Chain, result: ChainResult, notation: Notation,
                 assignment: Assignment) -> None:
        self.chain, self.result, self.notation = chain, result, notation
        self.assignment = assignment
        self.readable = [n for n, s in enumerate(chain.steps) if s.readable]
        self.first = self.readable[0]
        # The student's result is the chain's last line itself: when it cannot be read, no
        # earlier line stands in for it (that line is not what the student ended with).
        self.last = len(chain.steps) - 1

    def _claim(self, key: str, step: Step, before: sp.Expr, after: sp.Expr) -> Claim:
        return Claim(key, step.location, before, after, self.notation, self.chain.where)

    def _expr(self, index: int) -> sp.Expr:
        expression = self.chain.steps[index].expr
        assert expression is not None
        return expression

    def breaks(self) -> list[int]:
        """Lines whose link to the line before is not established: where the chain may have
        left the problem, or come back to it."""
        return [n for n in self.readable[1:] if self.result.steps[n].status not in HOLDS]

    def claims(self) -> list[Claim]:
        problem = self.assignment.problem
        first = self.chain.steps[self.first]
        found = [self._claim("start", first, problem, self._expr(self.first))]
        if self.last != self.first and self.chain.steps[self.last].readable \
                and not self._expr(self.last).has(E.Deriv):
            found.append(self._claim("final", self.chain.steps[self.last], self._expr(self.last),
                                     self.assignment.expected))
        found += [self._claim(f"track{n}", self.chain.steps[n], problem, self._expr(n))
                  for n in self.breaks()]
        return found

    def on_track(self, start_ok: bool | None,
                 judgements: dict[str, Judgement]) -> list[bool | None]:
        """Per line: equal to the problem statement?  Carried along each established link,
        taken from the judge at each break."""
        track: list[bool | None] = [None] * len(self.chain.steps)
        previous = start_ok
        for n in self.readable:
            if n == self.first:
                track[n] = start_ok
            elif self.result.steps[n].status in HOLDS:
                track[n] = previous
            else:
                track[n] = holds(judgements.get(f"track{n}"))
            previous = track[n]
        return track

    def requests(self, start_ok: bool | None) -> list[Request]:
        found = []
        for n in self.readable[1:]:
            verdict = self.result.steps[n]
            if verdict.status is Status.REFUTED and verdict.compared_with is not None:
                found.append(Request(f"line{n}", self.chain.steps[n].location,
                                     self._expr(verdict.compared_with), self._expr(n),
                                     self.notation, self.chain.where, verdict.diagnosis))
        if start_ok is False:
            found.append(Request("start", self.chain.steps[self.first].location,
                                 self.assignment.problem, self._expr(self.first),
                                 self.notation, self.chain.where))
        return found

    def start_why(self, judgements: dict[str, Judgement]) -> str:
        first = self.chain.steps[0]
        if not first.readable:
            return (f"the first line (line {first.location.line}) could not be read, so it "
                    f"cannot be compared with the problem statement ({unread_reason(first)}); "
                    f"no later line stands in for it")
        judgement = judgements.get("start")
        if judgement is None:
            return "not checked"
        verdict = holds(judgement)
        words = {True: "equals the problem statement", False: "differs from the problem "
                 "statement", None: "could not be compared with the problem statement"}
        return f"the first line {words[verdict]}: {self._message(judgement)}"

    def final(self, judgements: dict[str, Judgement]) -> FinalFacts:
        last = self.chain.steps[self.last]
        if not last.readable:
            return FinalFacts(False, f"the last line (line {last.location.line}) could not be "
                                     f"read, so it gives no result to compare with the expected "
                                     f"result ({unread_reason(last)}); no earlier line stands in "
                                     f"for it")
        if self.last == self.first:
            return FinalFacts(None, "no line after the first: no result given")
        if self._expr(self.last).has(E.Deriv):
            return FinalFacts(False, "the last line still contains a derivative: no result "
                                     "given")
        judgement = judgements["final"]
        verdict = holds(judgement)
        words = {True: "equals the expected result", False: "differs from the expected "
                 "result", None: "could not be compared with the expected result (review)"}
        return FinalFacts(verdict, f"the last line {words[verdict]}: {self._message(judgement)}")

    def _message(self, judgement: Judgement) -> str:
        """A judgement's message with its counterexample in the document's spellings."""
        return spelled(judgement.message, judgement.counterexample, self.notation)[0]


def _with_grading(result: DocumentResult, position: int, steps: Sequence[StepGrade],
                  start: tuple[Diagnosis, ...], summary: str) -> DocumentResult:
    """The checked document with the grader's diagnoses on its lines, for the report."""
    chain = result.chains[position]
    updated: list[StepVerdict] = []
    for verdict, step in zip(chain.steps, steps, strict=True):
        diagnoses = step.diagnoses
        if verdict.status is Status.START and start:
            diagnoses = start
        text = " ".join(f"{d.text}." for d in diagnoses)
        if step.feedback is not None:   # the instructor's word, after the diagnosis
            text += f" From your instructor: {step.feedback.message}"
            text = text.strip()
        updated.append(replace(verdict, diagnosis=text) if text else verdict)
    chains = list(result.chains)
    chains[position] = replace(chain, steps=tuple(updated),
                               summary="; ".join(p for p in (chain.summary, summary) if p))
    return replace(result, chains=tuple(chains))


def grade_all(paths: Sequence[Path], assignment: Assignment,
              progress: Callable[[int, int, str], None] | None = None) -> list[Grade]:
    """Every submission, in order; ``progress(done, total, name)`` is told of each."""
    judge = ClaimJudge(assignment.seed, assignment.points)
    grades = []
    for number, path in enumerate(paths):
        if progress is not None:
            progress(number, len(paths), path.name)
        try:
            grades.append(grade_safely(path, assignment, judge))
        except MemoryError:   # in this process, no worker to retire: an error row
            grades.append(error_grade(path, assignment, "grading ran out of memory"))
    if progress is not None:
        progress(len(paths), len(paths), "")
    return grades


def self_check(assignment: Assignment, judge: ClaimJudge) -> Judgement:
    """The assignment's own problem against its expected result: a wrong key would fail
    every student, so it is checked before anyone is graded."""
    claim = Claim("key", Location(assignment.path), assignment.problem, assignment.expected,
                  assignment.notation)
    return judge.judge([claim])["key"]
