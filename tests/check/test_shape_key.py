"""Traced gradients shared between functions equal up to renaming their arguments
(verify/check/numeric.py, shape_key): the same key when the renaming keeps SymPy's order of
the arguments (else a miss, never a wrong hit), and the shared program gives each function its
own gradient."""

from __future__ import annotations

import numpy as np
import sympy as sp

from verify.check.jaxpr_eval import eval_jaxpr
from verify.check.numeric import _traced_gradient, shape_key

a, b, c, d = sp.symbols("w_1 w_2 x_1 x_2")
loss_1 = -sp.log(sp.exp(a * c) / (sp.exp(a * c) + sp.exp(b * c)))
loss_2 = loss_1.xreplace({c: d})   # the same loss at another sample


def test_renamed_arguments_share_a_key() -> None:
    assert shape_key(loss_1, (a, b, c)) == shape_key(loss_2, (a, b, d))


def test_another_function_or_order_or_number_has_another_key() -> None:
    key = shape_key(loss_1, (a, b, c))
    assert shape_key(loss_1, (b, a, c)) != key                        # another order
    assert shape_key(loss_1.xreplace({a: 2 * a}), (a, b, c)) != key   # another structure
    assert shape_key(a * c + sp.Rational(1, 2), (a, c)) != \
        shape_key(a * c + sp.Float(0.5), (a, c))                      # 1/2 is not 0.5
    # a sub-expression shared in one (a*c twice) and not in the other: no sharing of traces
    assert shape_key(sp.exp(a * c) + sp.log(a * c), (a, b, c)) != \
        shape_key(sp.exp(a * c) + sp.log(b * c), (a, b, c))


def test_a_shared_trace_gives_each_function_its_own_gradient() -> None:
    values = [np.array([0.3, -1.2]), np.array([0.7, 0.4]), np.array([1.5, -0.5])]
    for function, arguments in ((loss_1, (a, b, c)), (loss_2, (a, b, d))):
        traced = _traced_gradient(function, arguments, 2)
        got = eval_jaxpr(traced.jaxpr, traced.consts, *values)
        point = [{s: float(v[i]) for s, v in zip(arguments, values, strict=True)}
                 for i in range(2)]
        for position, symbol in enumerate(arguments[:2]):
            exact = [float(sp.diff(function, symbol).subs(p)) for p in point]
            assert np.allclose(got[position], exact, rtol=1e-12)
