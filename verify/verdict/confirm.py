"""Confirming a numeric difference: both sides again at the very sample point, exactly or at
50 digits, or their difference measured against its own terms (:func:`confirm_difference`).
Its own module, below both users: the verdict rules (:mod:`verify.verdict.combine`) confirm a
counterexample with it, and the diagnoses (:mod:`verify.verdict.diagnose`) confirm "it fails
here" with it, while combine calls diagnose."""

from __future__ import annotations

import sympy as sp

from verify.check import numeric
from verify.check.claims import Case
from verify.check.symbolic import resolve
from verify.core.tolerances import CONFIRM_DEVIATION, IMAGINARY_NEGLIGIBLE
from verify.model.verdict import Counterexample

CONFIRM_DIGITS = 50


def confirm(case: Case, row: int) -> tuple[bool, Counterexample]:
    """Re-evaluate both sides at the numeric point with SymPy derivatives and 50 digits."""
    assert case.batch is not None
    substitution, point, labels = row_substitution(case.batch, row)
    before = [evaluate(e, substitution) for e in entries(case.before)]
    after = [evaluate(e, substitution) for e in entries(case.after)]
    deviations = [abs(a - b) / max(1.0, abs(a), abs(b)) for a, b in zip(before, after,
                                                                        strict=True)]
    example = Counterexample(dict(case.sizes), dict(case.indices), labels, point,
                             tuple(before), tuple(after), max(deviations, default=0.0))
    return max(deviations, default=0.0) > CONFIRM_DEVIATION, example


def confirm_difference(case: Case, row: int, differences: list[tuple[sp.Expr, ...]]
                       ) -> tuple[bool, Counterexample]:
    """At the numeric point ``row``: is some component's difference of the sides, its terms
    ``differences`` (:func:`verify.check.numeric.difference_terms`, the terms both sides share
    already cancelled), more than :data:`CONFIRM_DEVIATION` of the sum of its terms' sizes,
    all at 50 digits with SymPy derivatives?  The whole difference is evaluated as one sum,
    which SymPy's evalf evaluates to 50 correct digits whatever cancels inside it; a value
    that is not a finite real number confirms nothing.  The counterexample's deviation is that
    share, its gap ``after - before`` at the widest component."""
    assert case.batch is not None
    substitution, point, labels = row_substitution(case.batch, row)
    before = [evaluate(e, substitution) for e in entries(case.before)]
    after = [evaluate(e, substitution) for e in entries(case.after)]
    worst, gap = sp.Float(0), sp.Float(0)
    for terms in differences:
        sizes = [_real_at(term, substitution, None) for term in terms]
        if any(size is None for size in sizes):
            return False, _example(case, point, labels, before, after, 0.0, None)
        scale = sum((abs(size) for size in sizes if size is not None), sp.Float(0))
        total = _real_at(sp.Add(*terms), substitution, scale)
        if total is None:
            return False, _example(case, point, labels, before, after, 0.0, None)
        share = abs(total) / scale if scale > 0 else sp.Float(0)
        if share > worst:
            worst, gap = share, -total
    confirmed = bool(worst > CONFIRM_DEVIATION)
    return confirmed, _example(case, point, labels, before, after, float(worst), float(gap))


def _example(case: Case, point: dict[str, float], labels: dict[str, int], before: list[float],
             after: list[float], deviation: float, gap: float | None) -> Counterexample:
    return Counterexample(dict(case.sizes), dict(case.indices), labels, point, tuple(before),
                          tuple(after), deviation, gap)


def _real_at(expression: sp.Expr, substitution: dict[sp.Basic, sp.Expr],
             scale: sp.Float | None) -> sp.Float | None:
    """``expression`` at the point at 50 digits, as a SymPy number, when it is a finite real
    number: its imaginary part at most :data:`IMAGINARY_NEGLIGIBLE` of ``scale`` (of its own
    size when None).  None otherwise."""
    exact = resolve(expression)
    assert not isinstance(exact, sp.MatrixBase)
    value = sp.N(exact.xreplace(substitution), CONFIRM_DIGITS)
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    real, imaginary = value.as_real_imag()
    if not (isinstance(real, sp.Number) and isinstance(imaginary, sp.Number)):
        return None
    size = abs(real) if scale is None else scale
    if abs(imaginary) > IMAGINARY_NEGLIGIBLE * size:
        return None
    return sp.Float(real, CONFIRM_DIGITS)


def row_substitution(batch: numeric.Batch, row: int
                     ) -> tuple[dict[sp.Basic, sp.Expr], dict[str, float], dict[str, int]]:
    """The exact values of a sample row (each float's exact binary value, labels 0/1), the
    real point and the labels that are 1, by name."""
    substitution: dict[sp.Basic, sp.Expr] = {}
    point: dict[str, float] = {}
    labels: dict[str, int] = {}
    label_vars = set(batch.configs[0]) if batch.configs else set()
    for symbol, value in zip(batch.variables, batch.rows[row], strict=True):
        if symbol in label_vars:
            substitution[symbol] = sp.Integer(int(value))
            if int(value):
                labels[symbol.name] = 1
        else:
            substitution[symbol] = sp.Rational(float(value))  # the exact binary value
            point[symbol.name] = float(value)
    return substitution, point, labels


def entries(value: object) -> list[sp.Expr]:
    """A side's entries: a matrix's, or the scalar itself."""
    return list(value) if isinstance(value, sp.MatrixBase) else [value]  # type: ignore[list-item]


def evaluate(expression: sp.Expr, substitution: dict[sp.Basic, sp.Expr]) -> float:
    """A side's entry at the point, at :data:`CONFIRM_DIGITS` digits (NaN where not real)."""
    exact = resolve(expression)
    assert not isinstance(exact, sp.MatrixBase)
    value = sp.N(exact.xreplace(substitution), CONFIRM_DIGITS)
    try:
        return float(value)
    except TypeError:
        return float("nan")
