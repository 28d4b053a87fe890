"""From the two engines' outcomes to one verdict, with its evidence.

The rules, in order (a check that did not run is never evidence):

* the claim could not be concretized                              -> unparsed (why)
* the two sides have different shapes                              -> refuted
* the numeric engine finds a point where the sides differ, and a 50-digit SymPy evaluation
  at that very point confirms it: refuted with that counterexample; if the symbolic engine
  had called the case identical, the engines disagree                -> unknown
* a numeric difference that 50 digits do not confirm                -> unknown
* numeric agreement at every point of every case, and the exact test identical in every
  case, with no timeout                                             -> proved
* numeric agreement everywhere, the exact test undecided somewhere  -> supported
* anything else (numeric could not run, only non-finite values)     -> unknown
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from verify import numeric
from verify.check import Case, ClaimOutcome, shape_of
from verify.diagnose import diagnose
from verify.symbolic import resolve
from verify.verdict import CheckRecord, Counterexample, Evidence, Status

CONFIRM_DIGITS = 50
CONFIRM_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Judgement:
    status: Status
    message: str
    evidence: Evidence
    counterexample: Counterexample | None = None
    diagnosis: str = ""


def judge(outcome: ClaimOutcome, seed: int, points: int,
          reference: sp.Expr | None = None) -> Judgement:
    evidence = _evidence(outcome, seed, points)
    if outcome.bind_error is not None:
        return Judgement(Status.UNPARSED, f"does not fit the notation: {outcome.bind_error}",
                         evidence)
    if not outcome.cases:
        return Judgement(Status.UNKNOWN, "no case to check (every index value excluded)",
                         evidence)
    mismatch = next((c for c in outcome.cases
                     if shape_of(c.before) != shape_of(c.after)), None)
    if mismatch is not None:
        message = (f"the sides have different shapes: before {_shape_text(mismatch.before)}, "
                   f"after {_shape_text(mismatch.after)}")
        return Judgement(Status.REFUTED, message, evidence, diagnosis=message)
    if outcome.numeric_error is not None:
        return Judgement(Status.UNKNOWN, outcome.numeric_error, evidence)
    worst = _worst_case(outcome.cases)
    if worst is not None:
        return _disagreement(outcome, worst, evidence, reference)
    if any(c.numeric_rows is None or np.isnan(c.numeric_rows).all() for c in outcome.cases):
        return Judgement(Status.UNKNOWN, "the numeric check gave no finite value in some case",
                         evidence)
    symbolic_all = not outcome.timed_out and all(
        c.symbolic is not None and c.symbolic.outcome == "identical" for c in outcome.cases)
    if symbolic_all:
        return Judgement(Status.PROVED, f"exact identity in {len(outcome.cases)} cases; "
                                        "numeric agreement at every point", evidence)
    why = "symbolic check timed out" if outcome.timed_out else _undecided_reason(outcome)
    return Judgement(Status.SUPPORTED, f"numeric agreement at every point; {why}", evidence)


def numeric_agreement(outcome: ClaimOutcome) -> bool:
    """Do the sides agree numerically at every point of every case (a finite value in each)?
    A screen, never a verdict: it only tells which candidates deserve the full check."""
    if outcome.bind_error is not None or outcome.numeric_error is not None or \
            not outcome.cases:
        return False
    if any(shape_of(c.before) != shape_of(c.after) for c in outcome.cases):
        return False
    if any(c.numeric_rows is None or np.isnan(c.numeric_rows).all() for c in outcome.cases):
        return False
    return _worst_case(outcome.cases) is None


def _undecided_reason(outcome: ClaimOutcome) -> str:
    for case in outcome.cases:
        if case.symbolic is not None and case.symbolic.outcome != "identical":
            return f"symbolic check undecided ({case.symbolic.detail})"
    return "symbolic check undecided"


def _shape_text(value: object) -> str:
    if isinstance(value, sp.MatrixBase):
        return f"a {value.rows}x{value.cols} " + ("vector" if value.cols == 1 else "matrix")
    return "a scalar"


def _worst_case(cases: list[Case]) -> tuple[Case, int] | None:
    worst: tuple[Case, int] | None = None
    worst_value = numeric.TOLERANCE["float64"]
    for case in cases:
        rows = case.numeric_rows
        if rows is None:
            continue
        finite = np.where(np.isnan(rows), -1.0, rows)
        row = int(np.argmax(finite))
        if finite[row] > worst_value:
            worst, worst_value = (case, row), float(finite[row])
    return worst


def _disagreement(outcome: ClaimOutcome, worst: tuple[Case, int], evidence: Evidence,
                  reference: sp.Expr | None) -> Judgement:
    case, row = worst
    confirmed, example = confirm(case, row)
    if not confirmed:
        return Judgement(Status.UNKNOWN, "the numeric check found a difference that a "
                                         f"{CONFIRM_DIGITS}-digit evaluation does not confirm",
                         evidence, example)
    if case.symbolic is not None and case.symbolic.outcome == "identical":
        return Judgement(Status.UNKNOWN, "the engines disagree: exact identity, yet a "
                                         "confirmed numeric difference (a checker bug?)",
                         evidence, example)
    diagnosis = diagnose(outcome, reference)
    return Judgement(Status.REFUTED, f"the sides differ {example.describe()}", evidence,
                     example, diagnosis)


def confirm(case: Case, row: int) -> tuple[bool, Counterexample]:
    """Re-evaluate both sides at the numeric point with SymPy derivatives and 50 digits."""
    assert case.batch is not None
    batch = case.batch
    values = batch.rows[row]
    substitution: dict[sp.Basic, sp.Expr] = {}
    point: dict[str, float] = {}
    labels: dict[str, int] = {}
    label_vars = set(batch.configs[0]) if batch.configs else set()
    for symbol, value in zip(batch.variables, values, strict=True):
        if symbol in label_vars:
            substitution[symbol] = sp.Integer(int(value))
            if int(value):
                labels[symbol.name] = 1
        else:
            substitution[symbol] = sp.Rational(float(value))  # the exact binary value
            point[symbol.name] = float(value)
    before = [_evaluate(e, substitution) for e in _entries(case.before)]
    after = [_evaluate(e, substitution) for e in _entries(case.after)]
    deviations = [abs(a - b) / max(1.0, abs(a), abs(b)) for a, b in zip(before, after,
                                                                        strict=True)]
    example = Counterexample(dict(case.sizes), dict(case.indices), labels, point,
                             tuple(before), tuple(after), max(deviations, default=0.0))
    return max(deviations, default=0.0) > CONFIRM_TOLERANCE, example


def _entries(value: object) -> list[sp.Expr]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]  # type: ignore[list-item]


def _evaluate(expression: sp.Expr, substitution: dict[sp.Basic, sp.Expr]) -> float:
    exact = resolve(expression)
    assert not isinstance(exact, sp.MatrixBase)
    value = sp.N(exact.xreplace(substitution), CONFIRM_DIGITS)
    try:
        return float(value)
    except TypeError:
        return float("nan")


def condition_text(condition: sp.Basic) -> str:
    """``Ne(k, j)`` as a reader writes it: ``k != j``."""
    if isinstance(condition, sp.core.relational.Relational):
        return f"{sp.sstr(condition.lhs)} {condition.rel_op} {sp.sstr(condition.rhs)}"
    return sp.sstr(condition)


def _evidence(outcome: ClaimOutcome, seed: int, points: int) -> Evidence:
    sizes = []
    for case in outcome.cases:
        if case.sizes not in sizes:
            sizes.append(case.sizes)
    deviations = [c.numeric_rows for c in outcome.cases if c.numeric_rows is not None]
    finite = [float(np.nanmax(d)) for d in deviations if not np.isnan(d).all()]
    nonfinite = sum(int(np.isnan(d).sum()) for d in deviations)
    identical = sum(1 for c in outcome.cases
                    if c.symbolic is not None and c.symbolic.outcome == "identical")
    symbolic_detail = (f"{identical}/{len(outcome.cases)} cases identical "
                       "(exact arithmetic mod 2^31-1 at 3 random points per case)")
    if outcome.timed_out:
        symbolic_detail += "; timed out"
    rows = sum(len(d) for d in deviations)
    numeric_detail = (f"{rows} evaluations (float64, JAX autodiff), max deviation "
                      f"{max(finite) if finite else float('nan'):.2e}"
                      + (f", {nonfinite} non-finite" if nonfinite else ""))
    assumptions = []
    if any(c.symbolic is not None and c.symbolic.one_hot_used for c in outcome.cases):
        assumptions.append("labels are one-hot")
    assumptions.extend(f"where {condition_text(w)}" for w in outcome.claim.where)
    checks = (
        CheckRecord("symbolic", "timeout" if outcome.timed_out else
                    ("identical" if identical == len(outcome.cases) else "undecided"),
                    symbolic_detail, outcome.symbolic_seconds, len(outcome.cases)),
        CheckRecord("numeric", "error" if outcome.numeric_error else "ran", numeric_detail,
                    outcome.numeric_seconds, len(deviations)),
    )
    return Evidence(seed, tuple(sizes), points, max(finite) if finite else None, checks,
                    tuple(assumptions))
