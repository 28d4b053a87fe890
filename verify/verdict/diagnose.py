"""Explanations of a refuted step read from its own checked cases, each found by testing a
candidate at the checked sizes (never guessed from the text), in words with ``$...$`` LaTeX.
The first pass of the diagnosis engine (:mod:`verify.verdict.explain` runs the second: the
candidate mistakes of :mod:`verify.verdict.candidates`, each a claim of its own):

* the sides differ by a constant factor (N, 1/N, K, 2, 1/2, -1, any rational ...);
* the step holds at one size only (one sample, N = 1);
* it holds only when two free indices are equal, or only when they differ;
* it holds only for the label configurations where one label indicator is 0.

The numeric values only *screen* for a candidate; a diagnosis is shown only once confirmed:
a factor ``after = c before`` by the exact identity test in every case, "it holds only when
..." by the exact test on the cases (or label configurations) where it is said to hold and a
50-digit evaluation where it is said to fail.  Float comparisons alone misfire on large values
(a definition doubled 59 times made ``after / before`` about 1e-18, "drops everything").
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from verify.check import symbolic
from verify.check.claims import Case, ClaimOutcome, _flat
from verify.check.concretize import LabelGroup
from verify.core.errors import CheckTimeout
from verify.core.tolerances import DIAGNOSIS_SCREEN, FACTOR_AS_RATIONAL, NUMERIC_DEVIATION
from verify.model import expr as E
from verify.model.reading import plain
from verify.model.spelling import latex_of_index
from verify.verdict.confirm import confirm
from verify.verdict.kinds import factor_text

CONFIRM_SECONDS = 5.0  # the exact confirmations of one diagnosis, all together


def diagnose(outcome: ClaimOutcome, reference: sp.Expr | None = None) -> str:
    cases = [c for c in outcome.cases if c.numeric_rows is not None]
    failing = [c for c in cases if _fails(c)]
    if not failing:
        return ""
    deadline = time.monotonic() + CONFIRM_SECONDS
    factor = _factor(cases, deadline)
    # A size-dependent factor already explains why the step holds at N = 1 only.
    by_size = "" if factor else _by_size(cases, failing)
    where = [f for f in (by_size, _by_indices(cases, failing)) if f]
    if where and not _partition_confirmed(cases, failing):
        where = []
    labels = _by_labels(failing, deadline)
    return " ".join(f for f in (factor, *where, labels) if f)


def _exactly_zero(case: Case, difference: Sequence[sp.Expr], deadline: float,
                  groups: Sequence[LabelGroup] | None = None) -> bool:
    """Is ``difference`` an exact identity at this case (the exact test of the verdicts, its
    one-hot labels enumerated)?  Undecided or out of time: not confirmed."""
    found = list(case.concretizer.label_groups.values()) if groups is None else list(groups)
    try:
        result = symbolic.identical(difference, found, np.random.default_rng(0), deadline)
    except CheckTimeout:
        return False
    return result.outcome == "identical"


def _partition_confirmed(cases: list[Case], failing: list[Case]) -> bool:
    """"It holds only when ...": every case said to hold is an exact identity, and every
    case said to fail fails at 50 digits at its worst point."""
    # The cheap half first (the exact test's outcomes are there already): a case said to
    # hold that is no identity spares the 50-digit evaluations, which cost ~10 ms a case.
    if any(case not in failing and (case.symbolic is None or
                                    case.symbolic.outcome != "identical") for case in cases):
        return False
    for case in cases:
        if case in failing:
            assert case.numeric_rows is not None
            row = int(np.argmax(np.nan_to_num(case.numeric_rows, nan=-1.0)))
            if not confirm(case, row)[0]:
                return False
        elif case.symbolic is None or case.symbolic.outcome != "identical":
            return False
    return True


def _fails(case: Case) -> bool:
    rows = case.numeric_rows
    return rows is not None and bool(np.nan_to_num(rows, nan=0.0).max() > NUMERIC_DEVIATION)


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= DIAGNOSIS_SCREEN * max(1.0, abs(a), abs(b))


def _factor(cases: list[Case], deadline: float) -> str:
    """after = c * before with the same c at every point of a case; a case that passes has
    c = 1, so a lost 1/N (c = N) is told apart from a constant factor 2.  Screened with the
    numeric values (relative to their size), then confirmed exactly in every case."""
    factors: list[tuple[float, Mapping[str, int]]] = []
    for case in cases:
        if not _fails(case):
            factors.append((1.0, case.sizes))
            continue
        assert case.values is not None
        before, after = case.values
        scale = float(np.nanmax(np.abs(before), initial=0.0))
        usable = np.abs(before) > DIAGNOSIS_SCREEN * max(1.0, scale)
        if not usable.any():
            return ""
        ratios = after[usable] / before[usable]
        if not np.isfinite(ratios).all() or \
                np.ptp(ratios) > DIAGNOSIS_SCREEN * max(1.0, abs(ratios[0])):
            return ""
        factors.append((float(ratios[0]), case.sizes))
    for words, exact in _factor_candidates(factors):
        if all(_exactly_zero(case, [a - exact(case.sizes) * b for a, b in zip(
                _flat(case.after), _flat(case.before), strict=True)], deadline)
               for case in cases):
            return f"{words}."
    return ""


def _factor_candidates(factors: list[tuple[float, Mapping[str, int]]]) -> list[
        tuple[str, Callable[[Mapping[str, int]], sp.Expr]]]:
    """The factors the numeric screen allows, each with its exact value at a case's sizes."""
    value = factors[0][0]
    found: list[tuple[str, Callable[[Mapping[str, int]], sp.Expr]]] = []
    if all(_near(f, value) for f, _ in factors):
        if _near(value, -1.0):
            found.append((factor_text(sp.Integer(-1)), lambda _: sp.Integer(-1)))
        elif abs(value) <= DIAGNOSIS_SCREEN:
            found.append((factor_text(sp.Integer(0)), lambda _: sp.Integer(0)))
        else:
            fraction = sp.Rational(sp.nsimplify(value, rational=True,
                                                tolerance=FACTOR_AS_RATIONAL))
            found.append((factor_text(fraction), lambda _: fraction))
        return found
    for size in sorted({name for _, sizes in factors for name in sizes}):
        for power in (1, -1):
            def exact(sizes: Mapping[str, int], size: str = size, power: int = power
                      ) -> sp.Expr:
                return sp.Integer(sizes[size]) ** power

            def negated(sizes: Mapping[str, int], size: str = size, power: int = power
                        ) -> sp.Expr:
                return -sp.Integer(sizes[size]) ** power
            symbol = E.size_symbol(size) ** power
            if all(size in sizes and _near(f, sizes[size] ** power) for f, sizes in factors):
                found.append((factor_text(symbol), exact))
            if all(size in sizes and _near(f, -sizes[size] ** power) for f, sizes in factors):
                found.append((factor_text(-symbol), negated))
    return found


def _by_size(cases: list[Case], failing: list[Case]) -> str:
    for size in sorted({name for c in cases for name in c.sizes}):
        smallest = min(c.sizes[size] for c in cases)
        if all(c.sizes[size] > smallest for c in failing) and \
                any(c.sizes[size] == smallest for c in cases):
            extra = " (one sample): a sum over the samples was dropped or collapsed" \
                if size == "N" and smallest == 1 else ""
            equal = plain(sp.Eq(E.size_symbol(size), smallest, evaluate=False))
            return f"it holds only when {equal}{extra}."
    return ""


def _by_indices(cases: list[Case], failing: list[Case]) -> str:
    letters = sorted({name for c in cases for name in c.indices})
    for a, b in itertools.combinations(letters, 2):
        fails_equal = [c.indices[a] == c.indices[b] for c in failing]
        passing = [c for c in cases if not _fails(c)]
        if all(fails_equal) and passing and all(c.indices[a] != c.indices[b] for c in passing):
            return f"it holds only when ${latex_of_index(a)} \\neq {latex_of_index(b)}$."
        if not any(fails_equal) and passing and all(c.indices[a] == c.indices[b]
                                                    for c in passing):
            return f"it holds only when ${latex_of_index(a)} = {latex_of_index(b)}$."
    return ""


def _holds_without(case: Case, name: str, deadline: float) -> bool:
    """Does the case hold exactly wherever the label indicator ``name`` is 0 (that
    indicator set to 0, the rest of its group still one-hot), and fail at 50 digits at its
    worst point (where the indicator is 1)?"""
    groups = []
    zero: dict[sp.Basic, sp.Expr] = {}
    for group in case.concretizer.label_groups.values():
        kept = tuple(v for v in group.variables if v.name != name)
        zero.update({v: sp.Integer(0) for v in group.variables if v.name == name})
        if kept:
            groups.append(LabelGroup(group.name, kept))
    if not zero:
        return False
    difference = [(a - b).xreplace(zero) for a, b in zip(_flat(case.after), _flat(case.before),
                                                         strict=True)]
    assert case.numeric_rows is not None
    row = int(np.argmax(np.nan_to_num(case.numeric_rows, nan=-1.0)))
    return _exactly_zero(case, difference, deadline, groups) and confirm(case, row)[0]


def _by_labels(failing: list[Case], deadline: float) -> str:
    """A label indicator that is 1 at exactly the failing rows of every failing case,
    confirmed exactly (:func:`_holds_without`)."""
    candidates: set[str] | None = None
    for case in failing:
        assert case.batch is not None and case.numeric_rows is not None
        bad = np.nan_to_num(case.numeric_rows, nan=0.0) > NUMERIC_DEVIATION
        found = set()
        for column, symbol in enumerate(case.batch.variables):
            if case.batch.configs and symbol in case.batch.configs[0]:
                one = case.batch.rows[:, column] == 1
                if np.array_equal(one, bad):
                    found.add(symbol.name)
        candidates = found if candidates is None else candidates & found
    if candidates is None or len(candidates) != 1:
        return _label_names_per_case(failing, deadline)
    name = next(iter(candidates))
    if not all(_holds_without(case, name, deadline) for case in failing):
        return ""
    return f"it holds only when the label indicator {name} is 0."


def _label_names_per_case(failing: list[Case], deadline: float) -> str:
    """Same test, allowing the indicator to follow a free index (y_j at each j)."""
    matches: list[tuple[str, Case]] = []
    for case in failing:
        assert case.batch is not None and case.numeric_rows is not None
        bad = np.nan_to_num(case.numeric_rows, nan=0.0) > NUMERIC_DEVIATION
        match = None
        for column, symbol in enumerate(case.batch.variables):
            if case.batch.configs and symbol in case.batch.configs[0] and \
                    np.array_equal(case.batch.rows[:, column] == 1, bad):
                match = symbol.name
                break
        if match is None:
            return ""
        matches.append((match, case))
    for letter in sorted({name for _, case in matches for name in case.indices}):
        if all(name.rsplit("_", 1)[-1] == str(case.indices.get(letter)) for name, case in matches):
            if not all(_holds_without(case, name, deadline) for name, case in matches):
                return ""
            base = matches[0][0].split("_", 1)[0]
            return (f"it holds only when {base}_{letter} = 0 (the label is not class "
                    f"{letter}): it fails exactly where that one-hot entry is 1.")
    return ""
