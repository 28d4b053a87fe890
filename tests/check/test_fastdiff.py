"""SymEngine's derivatives (verify/check/fastdiff.py) against SymPy's: equal as functions on a
table of real shapes from the seeds, symbols read back with their assumptions, and every
case SymEngine cannot be trusted with left to SymPy (None)."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from verify.check import fastdiff
from verify.check.concretize import InvEntry

x = sp.Symbol("w_1_1")
y = sp.Symbol("w_1_2")
lam = sp.Symbol("lam", positive=True)
lam_plain = sp.Symbol("lam")          # same name, no assumption: another symbol
softmax = sp.exp(x) / (sp.exp(x) + sp.exp(y))

TABLE = [
    pytest.param(softmax, x, id="softmax"),
    pytest.param(-sp.log(softmax), y, id="cross-entropy"),
    pytest.param(sp.Rational(1, 2) * (x * y - 3) ** 2 + lam * x ** 2, x, id="ridge"),
    pytest.param(1 / (1 + sp.exp(-x * y)), y, id="sigmoid"),
    pytest.param(sp.sqrt(x ** 2 + y ** 2), x, id="norm"),
    pytest.param(lam ** x * sp.log(lam), x, id="symbolic exponent"),
    pytest.param(sp.log(lam * x) + lam_plain * x, lam, id="same name, other assumptions"),
    pytest.param(sp.Float(0.5) * x ** 3 + sp.pi * y, x, id="float and pi as constants"),
    pytest.param(sp.exp(x) * sp.exp(2 * y) * sp.E, y, id="exp merged"),
    pytest.param(x * y, lam, id="variable absent"),
]


def _equal_as_functions(a: sp.Expr, b: sp.Expr) -> bool:
    """Equal at random rational points (exactly) and, for good measure, simplified."""
    rng = random.Random(0)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for _ in range(5):
        point = {s: sp.Rational(rng.randint(1, 40), rng.randint(1, 9)) for s in symbols}
        difference = sp.N((a - b).xreplace(point), 40)
        if abs(difference) > sp.Float(10) ** -30:
            return False
    return bool(sp.simplify(a - b) == 0)


@pytest.mark.parametrize(("function", "variable"), TABLE)
def test_derivative_equals_sympys(function: sp.Expr, variable: sp.Symbol) -> None:
    fast = fastdiff.derivative(function, variable)
    assert fast is not None
    assert _equal_as_functions(fast, sp.diff(function, variable))
    # symbols come back as the very SymPy symbols, assumptions included
    assert fast.free_symbols <= function.free_symbols


def test_same_name_other_assumptions_stay_apart() -> None:
    function = lam * lam_plain ** 2
    assert fastdiff.derivative(function, lam) == lam_plain ** 2
    assert fastdiff.derivative(function, lam_plain) == 2 * lam * lam_plain


@pytest.mark.parametrize(("function", "variable"), [
    pytest.param(sp.Abs(x) + y, x, id="Abs of the variable"),
    pytest.param(InvEntry(sp.Tuple(x, y, y, x), 2, 0, 0) * y, x, id="inverse entry"),
    pytest.param(sp.Function("f")(x), x, id="unknown function"),
    pytest.param(x * y, x + y, id="not a symbol"),
])
def test_gives_up_where_symengine_cannot_be_trusted(function: sp.Expr,
                                                    variable: sp.Expr) -> None:
    assert fastdiff.derivative(function, variable) is None


def test_a_stand_in_without_the_variable_is_a_constant() -> None:
    function = sp.Abs(y) * x ** 2
    assert fastdiff.derivative(function, x) == 2 * x * sp.Abs(y)
