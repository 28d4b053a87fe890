"""An assignment file: the notation every submission shares, the problem, the expected result
and the rubric.  Format (``docs/grading.md`` has the full description)::

    title: Gradient of the softmax-regression loss
    notation: {sizes: ..., indices: ..., symbols: ..., definitions: ...}
    problem: "D(L, w[j])"                 # what the first line must equal
    expected: "1/N * Sum((p[i, j] - y[i, j]) * x[i], (i, 1, N))"   # what the last must equal
    labels: [y]                           # optional: label symbols (diagnosis "one-hot")
    check: {seed: 0, points: 20}          # optional
    rubric:
      start: 1                            # first line equals the problem statement
      steps: 6                            # shared among the lines after the first
      min_steps: 3                        # ... in at least this many shares
      final: 3                            # last line equals the expected result
      penalty: 0.5                        # subtracted per refuted line
      carry_forward: 0.5                  # fraction of a share for a line that follows
                                          # correctly from an earlier mistake
      final_when_reasoning_wrong: 0       # fraction of `final` when a line is refuted
      unreadable: 0                       # points for an empty or unreadable submission
      feedback:                           # optional: the instructor's word on a mistake
        - kind: constant factor           # a diagnosis kind (or unexplained, wrong start)
          step: 2                         # optional: at this line of the chain only
          factor: "1/N"                   # optional: only where this factor was lost
          message: "You dropped the 1/N from the definition of L: see lecture 18."
          penalty: 0.5                    # optional, subtracted where it applies
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import sympy as sp

from verify.core.errors import AssignmentError, InputError, Location
from verify.core.limits import ASSIGNMENT_FILE_BYTES
from verify.grade.mistakes import UNEXPLAINED, WRONG_START
from verify.grade.results import Kind
from verify.model import expr as E
from verify.model.notation import Notation
from verify.model.reading import plain, reading
from verify.read.dsl import Scope, parse_expression
from verify.read.encoding import load_yaml, strip_line_marks
from verify.read.notation import parse_notation

_TOP_KEYS = {"title", "description", "notation", "problem", "expected", "rubric", "labels",
             "check"}


@dataclass(frozen=True)
class FeedbackRule:
    """The instructor's word on one kind of mistake (an entry of the rubric's ``feedback``),
    as a node of a potential-response tree: where a wrong line's diagnosis is of this kind (at
    line ``step`` of the chain, or anywhere), the student reads ``message`` beside the
    diagnosis and loses ``penalty`` (besides the rubric's ``penalty`` per refuted line)."""

    kind: str                 # a Kind's value, or UNEXPLAINED, WRONG_START
    message: str
    penalty: float = 0.0
    step: int | None = None   # the chain's n-th line (1: the first); None: any line
    line: int = 0             # where the entry is in the assignment file
    # ``factor`` (kind "constant factor" only): the lost factor as the instructor wrote it,
    # in the encoding language (``1/N``), and ``factor_latex``, that factor as the diagnosis
    # engine writes it (``$\frac{1}{N}$``, with and without the notation's spellings: the
    # candidates' words and the verdict's own): the entry answers only "a factor X was lost".
    factor: str = ""
    factor_latex: tuple[str, ...] = ()

    def answers(self, kind: str, text: str, number: int) -> bool:
        """Whether the entry applies to a diagnosis (its kind and words) at the chain's
        ``number``-th line."""
        return kind == self.kind and self.step in (None, number) and (
            not self.factor_latex or
            any(f"a factor {latex} was lost" in text for latex in self.factor_latex))


FEEDBACK_KINDS = (*(kind.value for kind in Kind), UNEXPLAINED, WRONG_START)
_FEEDBACK_KEYS = {"kind", "message", "penalty", "step", "factor"}


@dataclass(frozen=True)
class Rubric:
    start: float = 1.0
    steps: float = 6.0
    min_steps: int = 3
    final: float = 3.0
    penalty: float = 0.5
    carry_forward: float = 0.5
    final_when_reasoning_wrong: float = 0.0
    unreadable: float = 0.0
    feedback: tuple[FeedbackRule, ...] = ()   # the instructor's word per kind of mistake

    @property
    def maximum(self) -> float:
        return self.start + self.steps + self.final

    def share(self, lines: int) -> float:
        """What one line after the first can earn when the chain has ``lines`` of them."""
        return self.steps / max(lines, self.min_steps, 1)


@dataclass(frozen=True)
class Assignment:
    path: str
    title: str
    notation: Notation
    problem: sp.Expr
    expected: sp.Expr
    problem_text: str
    expected_text: str
    rubric: Rubric
    labels: tuple[str, ...] = ()
    seed: int = 0
    points: int = 20
    description: str = ""


def load_assignment(path: Path) -> Assignment:
    """Read an assignment file with the loader and bounds of a document's header (aliases,
    tags and deep nesting refused): it is input as much as a submission is."""
    where = Location(str(path))
    try:
        data = path.read_bytes()
        if len(data) > ASSIGNMENT_FILE_BYTES:
            raise AssignmentError(f"larger than {ASSIGNMENT_FILE_BYTES} bytes", where)
        raw = load_yaml(data.decode("utf-8-sig"), str(path))   # line marks stripped later
    except (OSError, UnicodeDecodeError) as error:
        raise AssignmentError(f"cannot read the assignment: {error}", where) from None
    except InputError as error:
        raise AssignmentError(f"cannot read the assignment: {error.message}",
                              error.location) from None
    return assignment_from_mapping(raw, str(path))


def assignment_from_mapping(raw: Any, path: str) -> Assignment:
    """An :class:`Assignment` from its YAML mapping (with or without the loader's ``__line__``
    marks, which place a problem of a feedback entry); every problem is an AssignmentError."""
    try:
        return _assignment(raw, path)
    except AssignmentError:
        raise
    except InputError as error:  # the notation's or an expression's own error, reworded
        raise AssignmentError(error.message, error.location) from None


def _assignment(raw: Any, path: str) -> Assignment:
    where = Location(path)
    if not isinstance(raw, Mapping):
        raise AssignmentError("the assignment must be a YAML mapping", where)
    marked = raw.get("rubric")
    raw = strip_line_marks(raw)
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise AssignmentError(f"unknown keys {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}",
                              where)
    notation = parse_notation(raw.get("notation"), where)
    problem_text, problem = _expression(raw, "problem", notation, where)
    expected_text, expected = _expression(raw, "expected", notation, where)
    if expected.has(E.Deriv):
        raise AssignmentError("'expected' still contains a derivative: give the result", where)
    labels = _labels(raw.get("labels"), notation, where)
    seed, points = _check(raw.get("check"), where)
    rubric = _rubric(raw.get("rubric"), marked, where, notation)
    return Assignment(path, str(raw.get("title") or Path(path).stem), notation, problem,
                      expected, problem_text, expected_text, rubric, labels, seed, points,
                      str(raw.get("description") or ""))


def _expression(raw: Mapping[str, Any], key: str, notation: Notation,
                where: Location) -> tuple[str, sp.Expr]:
    text = raw.get(key)
    if not isinstance(text, str) or not text.strip():
        raise AssignmentError(f"'{key}' must be an expression in the encoding language", where)
    expression = parse_expression(text, Scope.for_document(notation), where)
    return text.strip(), expression


def _labels(raw: Any, notation: Notation, where: Location) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        raise AssignmentError("'labels' must be a list of symbol names", where)
    for name in raw:
        decl = notation.symbols.get(name)
        if decl is None or not decl.shape:
            raise AssignmentError(f"label {name!r} must be a declared vector symbol", where)
    return tuple(raw)


def _check(raw: Any, where: Location) -> tuple[int, int]:
    raw = raw or {}
    if not isinstance(raw, Mapping) or set(raw) - {"seed", "points"}:
        raise AssignmentError("'check' may only set 'seed' and 'points'", where)
    seed, points = raw.get("seed", 0), raw.get("points", 20)
    if not _integer(seed) or seed < 0 or not _integer(points) or not 1 <= points <= 1000:
        raise AssignmentError("'check': seed >= 0 and 1 <= points <= 1000, as integers", where)
    return int(seed), int(points)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _rubric(raw: Any, marked: Any, where: Location, notation: Notation) -> Rubric:
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise AssignmentError("'rubric' must be a mapping", where)
    names = {f.name for f in fields(Rubric)}
    unknown = set(raw) - names
    if unknown:
        raise AssignmentError(f"rubric: unknown keys {sorted(unknown)}; allowed: "
                              f"{sorted(names)}", where)
    values: dict[str, Any] = {}
    if "feedback" in raw:
        entries = marked.get("feedback") if isinstance(marked, Mapping) else raw["feedback"]
        values["feedback"] = _feedback(entries, where, notation)
    for name, value in raw.items():
        if name == "feedback":
            continue
        if isinstance(value, bool):  # yes/no for the fractions: 1 or 0
            value = float(value)
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise AssignmentError(f"rubric: {name} must be a number >= 0, got {value!r}", where)
        values[name] = value
    if not _integer(values.get("min_steps", 1)):
        raise AssignmentError("rubric: min_steps must be an integer", where)
    for fraction in ("carry_forward", "final_when_reasoning_wrong"):
        if values.get(fraction, 0) > 1:
            raise AssignmentError(f"rubric: {fraction} is a fraction between 0 and 1", where)
    rubric = Rubric(**values)
    if rubric.unreadable > rubric.maximum:
        raise AssignmentError("rubric: 'unreadable' exceeds the maximum", where)
    return rubric


def _feedback(raw: Any, where: Location, notation: Notation) -> tuple[FeedbackRule, ...]:
    """The rubric's ``feedback`` entries, each checked where it stands in the file: a kind
    no diagnosis has would never fire, so it is an error (with the nearest known kind)."""
    if not isinstance(raw, list):
        raise AssignmentError("rubric: feedback must be a list of entries "
                              "{kind, message, penalty, step, factor}", where)
    rules: list[FeedbackRule] = []
    seen: set[tuple[str, int | None, tuple[str, ...]]] = set()
    for entry in raw:
        line = int(entry.get("__line__", where.line)) if isinstance(entry, Mapping) else 0
        at = Location(where.path, line or where.line)
        if not isinstance(entry, Mapping):
            raise AssignmentError(f"rubric: a feedback entry must be a mapping with kind and "
                                  f"message, got {entry!r}", at)
        entry = strip_line_marks(entry)
        unknown = set(entry) - _FEEDBACK_KEYS
        if unknown:
            raise AssignmentError(f"rubric: feedback entry: unknown keys {sorted(unknown)}; "
                                  f"allowed: {sorted(_FEEDBACK_KEYS)}", at)
        kind = entry.get("kind")
        if kind not in FEEDBACK_KINDS:
            near = difflib.get_close_matches(str(kind), FEEDBACK_KINDS, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise AssignmentError(f"rubric: feedback entry: unknown diagnosis kind {kind!r}"
                                  f"{hint}; the kinds are: {', '.join(FEEDBACK_KINDS)}", at)
        message = entry.get("message")
        if not isinstance(message, str) or not message.strip():
            raise AssignmentError(f"rubric: feedback entry for {kind!r}: 'message' must be "
                                  "a non-empty text", at)
        penalty = entry.get("penalty", 0.0)
        if isinstance(penalty, bool) or not isinstance(penalty, int | float) or \
                not math.isfinite(penalty) or penalty < 0:
            raise AssignmentError(f"rubric: feedback entry for {kind!r}: penalty must be a "
                                  f"number >= 0, got {penalty!r}", at)
        step = entry.get("step")
        if step is not None and (not _integer(step) or step < 1):
            raise AssignmentError(f"rubric: feedback entry for {kind!r}: step must be a line "
                                  f"number of the chain (1, 2, ...), got {step!r}", at)
        factor, latex = _factor(entry.get("factor"), kind, notation, at)
        if (kind, step, latex) in seen:   # by the factor as read: 1/N and N**-1 are one
            which = f" with factor {factor!r}" if factor else ""
            raise AssignmentError(f"rubric: feedback entry: two entries for {kind!r}{which} at "
                                  f"{'any step' if step is None else f'step {step}'}", at)
        seen.add((kind, step, latex))
        rules.append(FeedbackRule(kind, message.strip(), float(penalty), step, line, factor,
                                  latex))
    return tuple(rules)


def _factor(raw: Any, kind: str, notation: Notation,
            at: Location) -> tuple[str, tuple[str, ...]]:
    """An entry's ``factor``: the encoding-language text and the LaTeX forms a diagnosis
    writes it in (the candidates' in the notation's spellings, the verdict's without)."""
    if raw is None:
        return "", ()
    if kind != Kind.FACTOR.value:
        raise AssignmentError(f"rubric: feedback entry for {kind!r}: 'factor' is for the kind "
                              f"{Kind.FACTOR.value!r} only", at)
    if isinstance(raw, bool) or not isinstance(raw, str | int | float) or not str(raw).strip():
        raise AssignmentError(f"rubric: feedback entry for {kind!r}: 'factor' must be an "
                              f"expression in the encoding language (\"1/N\", \"2\"), "
                              f"got {raw!r}", at)
    text = str(raw).strip()
    value = parse_expression(text, Scope.for_document(notation), at)
    if value.has(E.Deriv) or value == 0 or value == 1 or value == -1:
        raise AssignmentError(f"rubric: feedback entry for {kind!r}: factor {text!r} is no "
                              "factor a line can lose (a derivative, 0, 1 or -1: the sign "
                              "is the kind 'sign flipped')", at)
    return text, tuple(dict.fromkeys((f"${reading(value, notation)}$", plain(value))))
