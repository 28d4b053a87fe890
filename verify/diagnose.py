"""Plain-words explanations for a refuted step, each found by testing a candidate at the
checked sizes (never guessed from the text):

* the sides differ by a constant factor (N, 1/N, K, 2, 1/2, -1 ...);
* the step holds at one size only (one sample, N = 1);
* it holds only when two free indices are equal, or only when they differ;
* it holds only for the label configurations where one label indicator is 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import sympy as sp

from verify import numeric
from verify.check import Case, ClaimOutcome
from verify.names import latex_of_index

TOLERANCE = numeric.TOLERANCE["float64"]


def diagnose(outcome: ClaimOutcome, reference: sp.Expr | None = None) -> str:
    cases = [c for c in outcome.cases if c.numeric_rows is not None]
    failing = [c for c in cases if _fails(c)]
    if not failing:
        return ""
    factor = _factor(cases)
    # A size-dependent factor already explains why the step holds at N = 1 only.
    by_size = "" if factor else _by_size(cases, failing)
    findings = [f for f in (factor, by_size, _by_indices(cases, failing), _by_labels(failing))
                if f]
    return " ".join(findings)


def _fails(case: Case) -> bool:
    rows = case.numeric_rows
    return rows is not None and bool(np.nan_to_num(rows, nan=0.0).max() > TOLERANCE)


def _factor(cases: list[Case]) -> str:
    """after = c * before with the same c at every point of a case; a case that passes has
    c = 1, so a lost 1/N (c = N) is told apart from a constant factor 2."""
    factors: list[tuple[float, Mapping[str, int]]] = []
    for case in cases:
        if not _fails(case):
            factors.append((1.0, case.sizes))
            continue
        assert case.values is not None
        before, after = case.values
        usable = np.abs(before) > 1e-6
        if not usable.any():
            return ""
        ratios = after[usable] / before[usable]
        if not np.isfinite(ratios).all() or np.ptp(ratios) > 1e-6 * max(1.0, abs(ratios[0])):
            return ""
        factors.append((float(ratios[0]), case.sizes))
    value = factors[0][0]
    if all(abs(f - value) < 1e-6 for f, _ in factors):
        named = {-1.0: "the sign is flipped (after = -before)", 0.0: "the step drops "
                 "everything (after = 0)"}
        for known, words in named.items():
            if abs(value - known) < 1e-6:
                return words + "."
        return f"after = {_number(value)} x before: a constant factor {_number(value)} " \
               "was lost or added."
    for size in sorted({name for _, sizes in factors for name in sizes}):
        for power, words in ((1, f"{size}"), (-1, f"1/{size}")):
            if all(abs(f - sizes.get(size, np.nan) ** power) < 1e-6 for f, sizes in factors):
                return f"after = {words} x before: a factor {words} was lost or added."
            if all(abs(f + sizes.get(size, np.nan) ** power) < 1e-6 for f, sizes in factors):
                return f"after = -{words} x before: a factor -{words} was lost or added."
    return ""


def _number(value: float) -> str:
    fraction = sp.nsimplify(value, rational=True, tolerance=1e-9)
    return str(fraction)


def _by_size(cases: list[Case], failing: list[Case]) -> str:
    for size in sorted({name for c in cases for name in c.sizes}):
        smallest = min(c.sizes[size] for c in cases)
        if all(c.sizes[size] > smallest for c in failing) and \
                any(c.sizes[size] == smallest for c in cases):
            extra = " (one sample: a sum over samples was dropped or added)" \
                if size == "N" and smallest == 1 else ""
            return f"It holds only when {size} = {smallest}{extra}."
    return ""


def _by_indices(cases: list[Case], failing: list[Case]) -> str:
    letters = sorted({name for c in cases for name in c.indices})
    for a, b in itertools.combinations(letters, 2):
        fails_equal = [c.indices[a] == c.indices[b] for c in failing]
        passing = [c for c in cases if not _fails(c)]
        if all(fails_equal) and passing and all(c.indices[a] != c.indices[b] for c in passing):
            return f"It holds only when ${latex_of_index(a)} \\neq {latex_of_index(b)}$."
        if not any(fails_equal) and passing and all(c.indices[a] == c.indices[b]
                                                    for c in passing):
            return f"It holds only when ${latex_of_index(a)} = {latex_of_index(b)}$."
    return ""


def _by_labels(failing: list[Case]) -> str:
    """A label indicator that is 1 at exactly the failing rows of every failing case."""
    candidates: set[str] | None = None
    for case in failing:
        assert case.batch is not None and case.numeric_rows is not None
        bad = np.nan_to_num(case.numeric_rows, nan=0.0) > TOLERANCE
        found = set()
        for column, symbol in enumerate(case.batch.variables):
            if case.batch.configs and symbol in case.batch.configs[0]:
                one = case.batch.rows[:, column] == 1
                if np.array_equal(one, bad):
                    found.add(symbol.name)
        candidates = found if candidates is None else candidates & found
    if candidates is None or len(candidates) != 1:
        return _label_names_per_case(failing)
    name = next(iter(candidates))
    return f"It holds only when the label indicator {name} is 0."


def _label_names_per_case(failing: list[Case]) -> str:
    """Same test, allowing the indicator to follow a free index (y_j at each j)."""
    matches: list[tuple[str, Case]] = []
    for case in failing:
        assert case.batch is not None and case.numeric_rows is not None
        bad = np.nan_to_num(case.numeric_rows, nan=0.0) > TOLERANCE
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
            base = matches[0][0].split("_", 1)[0]
            return (f"It holds only when {base}_{letter} = 0, i.e. when the label is not "
                    f"class {letter}: it fails exactly where that one-hot entry is 1.")
    return ""
