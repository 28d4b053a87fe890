"""From the two engines' outcomes to one verdict, with its evidence.

The rules, in order (a check that did not run is never evidence):

* an internal error in any stage (a bug of ours, not a limit of the input: see
  :func:`verify.core.errors.limit_reason`)                               -> unknown, flagged
* the claim could not be concretized                              -> unparsed (why)
* the two sides have different shapes                              -> refuted
* the numeric engine finds a point where the sides differ, and a 50-digit SymPy evaluation
  at that very point confirms it: refuted with that counterexample; if the symbolic engine
  had called the case identical, the engines disagree                -> unknown
* a numeric difference that 50 digits do not confirm                -> unknown
* numeric agreement at every point of every case, and the exact test identical in every
  case, with no timeout                                             -> proved
* numeric agreement, but in some case the exact test finds the difference nonzero and it is
  a rational function of the concrete variables with rational coefficients (no exp, log,
  root or other atom that could hide an identity): then it is nonzero as a function, and an
  exact evaluation at a rational point of the numeric sample shows it, whatever its size
  (``a`` against ``a + 10^{-9}``)                                   -> refuted
* numeric agreement of the sides, but the difference of the sides, once the terms they share
  have cancelled exactly, is far from zero against the size of its own terms at some point
  (a dropped ``e^{t}`` next to a shared ``10^{56}``, or next to a shared 1 a dropped
  ``10^{-60} e^{t}``), and 50 digits confirm it there              -> refuted
* numeric agreement everywhere, the exact test undecided somewhere  -> supported
* anything else (numeric could not run, only non-finite values)     -> unknown

Then, over all of these: a refutation of a claim whose notation states free-text
``assumptions`` -> unknown, naming them.  The checker cannot use such text (it draws its points
without it), so a counterexample may break the assumption rather than the step.  A proof stays a
proof: what holds at every value holds under any assumption.  What the checker can use is
declared on the symbols (``kind: positive``, ``symmetric: true``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from verify.check import numeric
from verify.check.claims import Case, ClaimOutcome, shape_of
from verify.check.symbolic import is_rational, resolve
from verify.core.errors import StageFailed, internal_error, limit_reason
from verify.core.tolerances import CONFIRM_DEVIATION, IMAGINARY_NEGLIGIBLE, NUMERIC_DEVIATION
from verify.model.reading import plain
from verify.model.verdict import CheckRecord, Counterexample, Evidence, Status
from verify.verdict.confirm import (
    CONFIRM_DIGITS,
    confirm,
    confirm_difference,
    entries,
    evaluate,
    row_substitution,
)
from verify.verdict.diagnose import diagnose


@dataclass(frozen=True)
class Judgement:
    status: Status
    message: str
    evidence: Evidence
    counterexample: Counterexample | None = None
    diagnosis: str = ""
    internal_error: str | None = None   # "internal error in <stage>: <type>" (then unknown)


def judge(outcome: ClaimOutcome, seed: int, points: int,
          reference: sp.Expr | None = None, words: bool = True) -> Judgement:
    """The verdict on one claim.  Never raises for a bug in a stage: that is an ``unknown``
    judgement carrying ``internal_error`` (MemoryError excepted: the worker must retire).
    ``words``: a refutation gets the verdict's own diagnosis (:mod:`verify.verdict.diagnose`);
    False for a claim whose diagnosis nobody reads (a grader's question, a candidate
    explanation being confirmed), which spares its search, about 30 ms a refutation."""
    try:
        return _unused_assumptions(outcome, _judge(outcome, seed, points, reference, words))
    except MemoryError:
        raise
    except StageFailed as error:
        return _internal(outcome, seed, points, error.message)
    except Exception as error:
        return _internal(outcome, seed, points, internal_error("verdict", error))


def _unused_assumptions(outcome: ClaimOutcome, judgement: Judgement) -> Judgement:
    """A refutation under free-text assumptions is no evidence against the step: unknown, with
    what was found (the counterexample may break the assumption, not the step)."""
    assumptions = outcome.claim.notation.assumptions
    if judgement.status is not Status.REFUTED or not assumptions:
        return judgement
    stated = " and ".join(f"'{text}'" for text in assumptions)
    return Judgement(Status.UNKNOWN, f"the notation assumes {stated}, which the checker cannot "
                     f"use: it found a counterexample without it ({judgement.message})",
                     judgement.evidence)


def _internal(outcome: ClaimOutcome, seed: int, points: int, message: str) -> Judgement:
    try:
        evidence = _evidence(outcome, seed, points)
    except Exception:   # the evidence itself is what failed: record only what is certain
        evidence = Evidence(seed, (), points, None)
    return Judgement(Status.UNKNOWN, message, evidence, internal_error=message)


def _judge(outcome: ClaimOutcome, seed: int, points: int,
           reference: sp.Expr | None, words: bool = True) -> Judgement:
    evidence = _evidence(outcome, seed, points)
    if outcome.internal_error is not None:
        return Judgement(Status.UNKNOWN, outcome.internal_error, evidence,
                         internal_error=outcome.internal_error)
    if outcome.bind_error is not None:
        return Judgement(Status.UNPARSED, f"does not fit the notation: {outcome.bind_error}",
                         evidence)
    if not outcome.cases:
        return Judgement(Status.UNKNOWN, "no case to check (every index value excluded)",
                         evidence)
    mismatch = next((c for c in outcome.cases
                     if shape_of(c.before) != shape_of(c.after)), None)
    if mismatch is not None and _layouts(mismatch.before, mismatch.after):
        # A gradient written as a row where the line before has it as a column (numerator
        # against denominator layout): the same numbers, a convention apart.  Not compared.
        return Judgement(Status.UNKNOWN, "one side is a row and the other a column of the "
                         f"same length ({_shape_text(mismatch.before)} before, "
                         f"{_shape_text(mismatch.after)} after): the layouts differ; transpose "
                         "one side to compare them", evidence)
    if mismatch is not None:
        message = (f"the sides have different shapes: before {_shape_text(mismatch.before)}, "
                   f"after {_shape_text(mismatch.after)}")
        return Judgement(Status.REFUTED, message, evidence, diagnosis=message)
    if outcome.numeric_error is not None:
        return Judgement(Status.UNKNOWN, outcome.numeric_error, evidence)
    worst = _worst_case(outcome.cases)
    if worst is not None:
        return _disagreement(outcome, worst, evidence, reference, words)
    domain = _domain_mismatch(outcome, evidence)
    if domain is not None:
        return domain
    if any(c.numeric_rows is None or np.isnan(c.numeric_rows).all() for c in outcome.cases):
        return Judgement(Status.UNKNOWN, "the numeric check gave no finite value in some case",
                         evidence)
    symbolic_all = not outcome.timed_out and all(
        c.symbolic is not None and c.symbolic.outcome == "identical" for c in outcome.cases)
    if symbolic_all:
        count = len(outcome.cases)
        return Judgement(Status.PROVED, f"exact identity in {count} case{'s' * (count != 1)}; "
                                        "numeric agreement at every point", evidence)
    exact = next((c for c in outcome.cases if c.symbolic is not None and
                  c.symbolic.outcome == "different" and c.symbolic.rational), None)
    if exact is not None:
        return _exact_refutation(exact, evidence)
    hidden = _hidden_difference(outcome, evidence, reference, words)
    if hidden is not None:
        return hidden
    why = "symbolic check timed out" if outcome.timed_out else _undecided_reason(outcome)
    fewest = min(_finite_rows(c) for c in outcome.cases)
    if fewest < MIN_FINITE_ROWS:
        # Numeric agreement is then the only evidence, and too little of it: the other
        # points had a side that is not a finite real number (and no point confirmed that
        # the sides differ there).
        return Judgement(Status.UNKNOWN, f"numeric agreement at only {fewest} point(s) of "
                                         "some case, the others gave no finite value; "
                                         f"{why}", evidence)
    return Judgement(Status.SUPPORTED, f"numeric agreement at every point; {why}", evidence)


MIN_FINITE_ROWS = 5   # finite points per case that numeric agreement alone needs (supported)
DOMAIN_TRIES = 8      # points tried where exactly one side is finite


def _finite_rows(case: Case) -> int:
    rows = case.numeric_rows
    return 0 if rows is None else int(np.count_nonzero(~np.isnan(rows)))


def _domain_mismatch(outcome: ClaimOutcome, evidence: Evidence) -> Judgement | None:
    """A point where one side is a finite real number and the other is not (``\\log(t^{2})``
    against ``2\\log(t)`` at t < 0): refuted once a 50-digit evaluation at that very point
    confirms both (the one side real and finite, the other non-real, infinite or undefined).
    A point that does not confirm (a float overflow, a value SymPy finds real) is no
    evidence either way and stays ignored, as points where neither side is finite are."""
    tried = 0
    for case in outcome.cases:
        if case.values is None or case.batch is None:
            continue
        before, after = case.values
        with np.errstate(all="ignore"):
            one_sided = np.isfinite(before) != np.isfinite(after)
        for row in np.flatnonzero(one_sided.any(axis=1)):
            if tried >= DOMAIN_TRIES:
                return None
            tried += 1
            try:
                example, real_side = _confirm_domain(case, int(row),
                                                     np.isfinite(before[row]))
            except MemoryError:
                raise
            except Exception as error:
                if limit_reason(error) is None:
                    raise StageFailed(internal_error("confirmation", error)) from error
                continue   # beyond our limits at this point: no evidence
            if example is not None:
                return Judgement(Status.REFUTED, _domain_text(example, real_side), evidence,
                                 example, DOMAIN_DIAGNOSIS)
    return None


DOMAIN_DIAGNOSIS = ("The sides are defined on different domains: one is a real number where "
                    "the other is not (a rule such as $\\log(a^{2}) = 2 \\log(a)$ holds only "
                    "for $a > 0$; declare such a symbol {kind: positive} if it is).")


def _confirm_domain(case: Case, row: int, finite_before: np.ndarray
                    ) -> tuple[Counterexample | None, str]:
    """At ``row``, where numerically exactly one side is finite in some component: at 50
    digits, is that side a finite real number in every such component and the other side
    not (non-real, infinite or undefined)?  The counterexample (the non-real side's values
    NaN) and which side is real, or None when 50 digits do not confirm it."""
    assert case.batch is not None and case.values is not None
    substitution, point, labels = row_substitution(case.batch, row)
    before_entries, after_entries = entries(case.before), entries(case.after)
    before_values = [_classify(e, substitution) for e in before_entries]
    after_values = [_classify(e, substitution) for e in after_entries]
    real_sides = set()
    for column, (b, a) in enumerate(zip(before_values, after_values, strict=True)):
        numeric_before, numeric_after = case.values[0][row, column], case.values[1][row, column]
        if bool(np.isfinite(numeric_before)) == bool(np.isfinite(numeric_after)):
            continue
        real, other = (b, a) if finite_before[column] else (a, b)
        if not isinstance(real, float) or other != "not real":
            return None, ""
        real_sides.add("before" if finite_before[column] else "after")
    if len(real_sides) != 1:
        return None, ""
    def shown(values: list[float | str]) -> tuple[float, ...]:
        return tuple(v if isinstance(v, float) else float("nan") for v in values)
    example = Counterexample(dict(case.sizes), dict(case.indices), labels, point,
                             shown(before_values), shown(after_values), float("inf"))
    return example, real_sides.pop()


def _classify(expression: sp.Expr, substitution: dict[sp.Basic, sp.Expr]) -> float | str:
    """A side's entry at the point, at 50 digits: its value when a finite real number,
    "not real" when non-real, infinite or undefined, "unclear" otherwise."""
    exact = resolve(expression)
    assert not isinstance(exact, sp.MatrixBase)
    value = sp.N(exact.xreplace(substitution), CONFIRM_DIGITS)
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return "not real"
    real, imaginary = value.as_real_imag()
    if not (isinstance(real, sp.Number) and isinstance(imaginary, sp.Number)):
        return "unclear"
    scale = max(1.0, abs(float(real)))
    if abs(float(imaginary)) > CONFIRM_DEVIATION * scale:
        return "not real"
    if abs(float(imaginary)) <= IMAGINARY_NEGLIGIBLE * scale and math.isfinite(float(real)):
        return float(real)
    return "unclear"


def _domain_text(example: Counterexample, real_side: str) -> str:
    """"the sides differ at t = -1.3: before 0.524, after not a real number"."""
    described = example.describe()
    place = described.split(": before ", 1)[0] if ": before " in described else described
    def side(values: tuple[float, ...]) -> str:
        texts = ["not a real number" if math.isnan(v) else f"{v:.6g}" for v in values]
        return texts[0] if len(texts) == 1 else "(" + ", ".join(texts) + ")"
    other = "after" if real_side == "before" else "before"
    return (f"the sides differ {place}: before {side(example.lhs)}, after "
            f"{side(example.rhs)} (the side {real_side} is a real number there, the side "
            f"{other} is not)")


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


def _layouts(before: object, after: object) -> bool:
    """A row against a column of the same length (more than one entry)."""
    return isinstance(before, sp.MatrixBase) and isinstance(after, sp.MatrixBase) and \
        before.shape == after.shape[::-1] and min(before.shape) == 1 and max(before.shape) > 1


def _shape_text(value: object) -> str:
    if isinstance(value, sp.MatrixBase):
        kind = "vector" if value.cols == 1 else "row vector" if value.rows == 1 else "matrix"
        return f"a {value.rows}x{value.cols} {kind}"
    return "a scalar"


def _worst_case(cases: list[Case]) -> tuple[Case, int] | None:
    worst: tuple[Case, int] | None = None
    worst_value = NUMERIC_DEVIATION
    for case in cases:
        rows = case.numeric_rows
        if rows is None:
            continue
        finite = np.where(np.isnan(rows), -1.0, rows)
        row = int(np.argmax(finite))
        if finite[row] > worst_value:
            worst, worst_value = (case, row), float(finite[row])
    return worst


HIDDEN_TRIES = 3   # points of a claim whose cancelled difference is confirmed at 50 digits


def _hidden_difference(outcome: ClaimOutcome, evidence: Evidence,
                       reference: sp.Expr | None, words: bool = True) -> Judgement | None:
    """A refutation that the sides' sizes hide, or None.

    The sides agree numerically: their deviation is measured against their own size, and a
    term both sides share exactly inflates it (``e^{e^{25/4}/4} + e^{t/4}`` against
    ``e^{e^{25/4}/4}``: 10^{56} both, the dropped ``e^{t/4}`` is 10^{-56} of that, below float64
    itself), or the floor of 1 does for tiny sides.  So, wherever the exact test did not prove
    the case: the difference after exact cancellation (:func:`numeric.difference_terms`) is
    measured against the size of its own terms at every point
    (:func:`numeric.cancelled_deviation`); where it exceeds the engine's tolerance, a 50-digit
    evaluation of that very difference confirms it (:func:`confirm_difference`).  A point it
    does not confirm is float64 rounding of the terms and no evidence: the claim stays what it
    was.  A true identity the exact test cannot see (``e^{a+b}`` against ``e^{a} e^{b}``) keeps
    its terms and cancels in them, at 50 digits to far below the confirmation's tolerance."""
    tried = 0
    for case in outcome.cases:
        if case.batch is None or (case.symbolic is not None and
                                  case.symbolic.outcome == "identical"):
            continue
        differences = [numeric.difference_terms(b, a) for b, a in
                       zip(entries(case.before), entries(case.after), strict=True)]
        if all(terms == (sp.S.Zero,) for terms in differences) or \
                any(term.has(sp.Float) for terms in differences for term in terms):
            continue   # nothing left; or inexact numbers, whose cancellation means nothing
        try:
            deviations = numeric.cancelled_deviation(differences, case.batch)
            finite = np.where(np.isnan(deviations), -1.0, deviations)
            for row in np.argsort(-finite, kind="stable"):
                if finite[row] <= NUMERIC_DEVIATION or tried >= HIDDEN_TRIES:
                    break
                tried += 1
                confirmed, example = confirm_difference(case, int(row), differences)
                if confirmed:
                    return _hidden_refutation(outcome, example, evidence, reference, words)
        except MemoryError:
            raise
        except Exception as error:
            if limit_reason(error) is None:
                raise StageFailed(internal_error("cancelled difference", error)) from error
            continue   # beyond our limits for this case: no evidence
        if tried >= HIDDEN_TRIES:
            return None
    return None


def _hidden_refutation(outcome: ClaimOutcome, example: Counterexample, evidence: Evidence,
                       reference: sp.Expr | None, words: bool = True) -> Judgement:
    return Judgement(Status.REFUTED, f"the sides differ {example.describe()}; once the terms "
                     "both sides share cancel, what is left is "
                     f"{100 * example.deviation:.3g}% of the size of its own terms there (the "
                     "shared terms hide it from a comparison of the sides)", evidence, example,
                     _diagnosis(outcome, reference) if words else "")


def _exact_refutation(case: Case, evidence: Evidence) -> Judgement:
    """The exact test found a nonzero rational function: find a sample point where the sides
    differ, by exact rational arithmetic (its own confirmation, beyond any 50 digits)."""
    try:
        example = exact_counterexample(case)
    except MemoryError:
        raise
    except Exception as error:
        reason = limit_reason(error)
        if reason is None:
            raise StageFailed(internal_error("exact refutation", error)) from error
        return Judgement(Status.UNKNOWN, "the exact test finds the sides different, but "
                                         f"no point could be evaluated exactly: {reason}",
                         evidence)
    if example is None:
        return Judgement(Status.UNKNOWN, "the exact test finds the sides different, but no "
                                         "checked point shows it (each is a zero or a pole)",
                         evidence)
    return Judgement(Status.REFUTED, "the exact test finds the sides different (a nonzero "
                                     f"rational function); they differ {example.describe()}",
                     evidence, example)


EXACT_ROWS = 64   # sample points tried for an exact counterexample (the first nearly always)


def exact_counterexample(case: Case) -> Counterexample | None:
    """A point of the case's numeric sample where the difference of the sides, evaluated
    exactly in rational arithmetic, is nonzero; None if no tried point shows it.  Only for a
    case whose difference the exact test found to be a nonzero rational function of the
    variables (``IdentityResult.rational``; the sides themselves may hold atoms that cancel,
    as in ``e^{t}`` against ``e^{t} + 10^{-12}``): every variable takes the sample's exact
    binary value, the difference becomes one rational number, and the sides are shown at
    50 digits where they are not rational themselves."""
    assert case.batch is not None
    batch = case.batch
    label_vars = set(batch.configs[0]) if batch.configs else set()
    failing = dict(case.symbolic.failing_config) if case.symbolic is not None else {}
    before_entries = [resolve(e) for e in entries(case.before)]
    after_entries = [resolve(e) for e in entries(case.after)]
    # The very expressions the exact test read (check.py: before - after, then resolved).
    differences = [resolve(a - b) for a, b in zip(entries(case.before), entries(case.after),
                                                  strict=True)]
    if not is_rational(differences):
        return None
    label_columns = [(column, symbol.name) for column, symbol in enumerate(batch.variables)
                     if symbol in label_vars]

    def other_config(row: int) -> bool:
        return any(int(batch.rows[row][column]) != (1 if name in failing else 0)
                   for column, name in label_columns)
    # The label configuration the exact test failed on first (a stable sort keeps the order).
    rows = batch.rows
    order = sorted(range(len(rows)), key=other_config) if failing else list(range(len(rows)))
    if failing and order and other_config(order[0]):
        # The numeric sample drew other label configurations (too many to evaluate all):
        # the sample's real points under the one the exact test failed on.
        rows = np.array(batch.rows[batch.config_of_row == batch.config_of_row[0]])
        for column, name in label_columns:
            rows[:, column] = 1.0 if name in failing else 0.0
        order = list(range(len(rows)))
    for row in order[:EXACT_ROWS]:
        substitution: dict[sp.Basic, sp.Expr] = {}
        point: dict[str, float] = {}
        labels: dict[str, int] = {}
        for symbol, value in zip(batch.variables, rows[row], strict=True):
            if symbol in label_vars:
                substitution[symbol] = sp.Integer(int(value))
                if int(value):
                    labels[symbol.name] = 1
            else:
                substitution[symbol] = sp.Rational(float(value))
                point[symbol.name] = float(value)
        gaps = [-d.xreplace(substitution) for d in differences]   # after - before
        if not all(isinstance(g, sp.Rational) for g in gaps) or not any(gaps):
            continue   # a pole here, a variable outside the sample, or a zero of it
        before = [_exact_value(e, substitution) for e in before_entries]
        after = [_exact_value(e, substitution) for e in after_entries]
        if not all(math.isfinite(v) for v in before + after):
            continue
        deviation = max(abs(float(g)) / max(1.0, abs(a), abs(b))
                        for g, a, b in zip(gaps, after, before, strict=True))
        widest = max(gaps, key=abs)
        return Counterexample(dict(case.sizes), dict(case.indices), labels, point,
                              tuple(before), tuple(after), deviation, float(widest))
    return None


def _exact_value(expression: sp.Expr, substitution: dict[sp.Basic, sp.Expr]) -> float:
    """A side at the point: exactly when it is rational there, else at 50 digits."""
    value = expression.xreplace(substitution)
    if isinstance(value, sp.Rational):
        return float(value)
    return evaluate(expression, substitution)


def _disagreement(outcome: ClaimOutcome, worst: tuple[Case, int], evidence: Evidence,
                  reference: sp.Expr | None, words: bool = True) -> Judgement:
    case, row = worst
    try:
        confirmed, example = confirm(case, row)
    except MemoryError:
        raise
    except Exception as error:
        reason = limit_reason(error)
        if reason is None:
            raise StageFailed(internal_error("confirmation", error)) from error
        return Judgement(Status.UNKNOWN, "the numeric check found a difference that could "
                                         f"not be confirmed: {reason}", evidence)
    if not confirmed:
        return Judgement(Status.UNKNOWN, "the numeric check found a difference that a "
                                         f"{CONFIRM_DIGITS}-digit evaluation does not confirm",
                         evidence, example)
    if case.symbolic is not None and case.symbolic.outcome == "identical":
        return Judgement(Status.UNKNOWN, "the engines disagree: exact identity, yet a "
                                         "confirmed numeric difference (a checker bug?)",
                         evidence, example)
    return Judgement(Status.REFUTED, f"the sides differ {example.describe()}", evidence,
                     example, _diagnosis(outcome, reference) if words else "")


def _diagnosis(outcome: ClaimOutcome, reference: sp.Expr | None) -> str:
    """The refutation's plain-words diagnosis; none when it is beyond our limits (the
    refutation stands without)."""
    try:
        return diagnose(outcome, reference)
    except MemoryError:
        raise
    except Exception as error:
        if limit_reason(error) is None:
            raise StageFailed(internal_error("diagnosis", error)) from error
        return ""


def condition_text(condition: sp.Basic) -> str:
    """``Ne(k, j)`` as a reader writes it: ``$k \\neq j$`` (LaTeX, never SymPy's syntax)."""
    return plain(condition)


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
