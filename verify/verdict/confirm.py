"""Confirming a numeric difference: both sides again at the very sample point, exactly or at
50 digits.  Its own module, below both users: the verdict rules (:mod:`verify.verdict.combine`)
confirm a counterexample with it, and the diagnoses (:mod:`verify.verdict.diagnose`) confirm
"it fails here" with it, while combine calls diagnose."""

from __future__ import annotations

import sympy as sp

from verify.check import numeric
from verify.check.claims import Case
from verify.check.symbolic import resolve
from verify.core.tolerances import CONFIRM_DEVIATION
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
