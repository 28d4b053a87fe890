"""The scale a numeric disagreement is measured against: the terms of the difference once the
terms both sides share have cancelled, never the size of the sides.

A huge term present on both sides (``e^{e^{25/4}/4}``, about 1e56) made a dropped term of size 1
invisible: 1e-56 of the sides, below float64 itself.  The floor of 1 of the sides' deviation did
the same to a tiny step (a term of 1e-57 dropped next to 1, a factor 2 on a 1e-57 side).  Each
row is a step as the pipeline judges it; a refutation also needs the 50-digit confirmation.
"""

from __future__ import annotations

import pytest
import sympy as sp

from tests.helpers import last_step
from verify.check.numeric import difference_terms
from verify.model.verdict import Status

HUGE = "exp(exp(25/4)/4)"     # about 1.7e56: exact, an atom the exact test cannot evaluate
TINY = "exp(-exp(25/4)/4)"    # about 5.7e-57
IDENTITY = ("log(1 + exp(2*t)) - t", "log(exp(-t) + exp(t))")  # true, beyond the atoms

# (before, after, verdict, words the message must hold)
ROWS = [
    # Found by hypothesis (tests/check/test_properties.py): a dropped term of size 1.
    (f"{HUGE} + exp(t/4)", HUGE, Status.REFUTED, "100% of the size of its own terms"),
    # The shared term inside a product: it cancels once the products are distributed.
    (f"(t + 1) * ({HUGE} + u)", f"(t + 1) * {HUGE}", Status.REFUTED, "after - before = "),
    (f"({HUGE} + exp(t))**2", f"{HUGE}**2 + 2 * {HUGE} * exp(t)", Status.REFUTED,
     "after - before = "),
    (f"w[2, 1] + {HUGE} + exp(t/4)", f"w[2, 1] + {HUGE}", Status.REFUTED, "after - before"),
    # The other direction: tiny terms next to 1, and a factor 2 on tiny sides.
    (f"1 + {TINY} * exp(t/4)", "1", Status.REFUTED, "after - before = -4.13e-57"),
    (f"{TINY} * exp(t)", f"2 * {TINY} * exp(t)", Status.REFUTED, "100%"),
    # A factor 1 + 1e-12 is a wrong step, as a + 1e-12 is for the exact test: the difference
    # is exactly 1e-12 of a side, a nonzero function, and no float64 rounding is involved in
    # it (the shared part has cancelled); only the sides' rounding needed the tolerance.
    ("exp(t/4)", "(1 + 10**(-12)) * exp(t/4)", Status.REFUTED, "after - before = 7.22e-13"),
    (f"{HUGE} * exp(t)", f"(1 + 10**(-12)) * {HUGE} * exp(t)", Status.REFUTED, "100%"),
    ("exp(t/4)", "(1 + 10**(-60)) * exp(t/4)", Status.REFUTED, "after - before = 7.22e-61"),
    (f"{HUGE} + {IDENTITY[0]}", f"{HUGE} + {IDENTITY[1]} + exp(u)", Status.REFUTED,
     "after - before"),
    # True steps stay true, with or without a huge or tiny shared term: an identity the exact
    # test cannot see keeps its terms in the difference, and they cancel there numerically.
    (IDENTITY[0], IDENTITY[1], Status.SUPPORTED, "numeric agreement"),
    (f"{HUGE} + {IDENTITY[0]}", f"{HUGE} + {IDENTITY[1]}", Status.SUPPORTED,
     "numeric agreement"),
    (f"{TINY} * ({IDENTITY[0]})", f"{TINY} * {IDENTITY[1]}", Status.SUPPORTED,
     "numeric agreement"),
    (f"1 + {TINY} * ({IDENTITY[0]})", f"1 + {TINY} * {IDENTITY[1]}", Status.SUPPORTED,
     "numeric agreement"),
    (f"{HUGE} * ({IDENTITY[0]}) + exp(u)", f"{HUGE} * {IDENTITY[1]} + exp(u)",
     Status.SUPPORTED, "numeric agreement"),
    (f"{HUGE} + exp(t + u)", f"{HUGE} + exp(t) * exp(u)", Status.PROVED, "exact identity"),
]


@pytest.mark.parametrize(("before", "after", "status", "words"), ROWS,
                         ids=[f"{r[0]} = {r[1]}" for r in ROWS])
def test_scale_of_a_difference(before: str, after: str, status: Status, words: str) -> None:
    step = last_step(before, after)
    assert step.status is status, step.message
    assert words in step.message, step.message
    if status is Status.REFUTED:
        assert step.counterexample is not None


t, u = sp.symbols("t u")
A = sp.exp(sp.exp(sp.Rational(25, 4)) / 4)

# (before, after, the difference's terms): what the scale is the size of.
TERMS = [
    (A + sp.exp(t / 4), A, {sp.exp(t / 4)}),
    ((t + 1) * (A + u), (t + 1) * A, {u, t * u}),
    ((A + t) ** 2, A ** 2 + 2 * A * t, {t ** 2}),
    (2 * (A + t), 2 * A, {2 * t}),
    # A true identity of atoms keeps both terms: they cancel in value, not in structure.
    (sp.log(t * u), sp.log(t) + sp.log(u), {sp.log(t * u), -sp.log(t), -sp.log(u)}),
    # Beyond the distribution bound: the difference's own terms, undistributed.
    ((t + u) ** 30, sp.Integer(0), {(t + u) ** 30}),
    (A, A, {sp.Integer(0)}),
]


@pytest.mark.parametrize(("before", "after", "terms"), TERMS,
                         ids=[f"{r[0]} - ({r[1]})" for r in TERMS])
def test_difference_terms(before: sp.Expr, after: sp.Expr, terms: set[sp.Expr]) -> None:
    assert set(difference_terms(before, after)) == terms
