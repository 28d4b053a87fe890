"""Each stage on its own, as tables of real cases: the encoding language, the notation,
concretization, the exact identity test, the numeric engine and its jaxpr interpreter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from tests.helpers import NOTATION
from verify.check.concretize import CDeriv, Concretizer, free_indices, sizes_used
from verify.check.jaxpr_eval import eval_jaxpr
from verify.check.numeric import Batch, configure, evaluate
from verify.check.symbolic import identical, resolve
from verify.core.errors import DslError, Location, NotationError
from verify.model import expr as E
from verify.read.dsl import Scope, parse_expression
from verify.read.notation import parse_notation

WHERE = Location("test.yaml", 3, "(1)")
NOTES = parse_notation(NOTATION, WHERE)
SCOPE = Scope.for_document(NOTES)
w, x, y = E.family("w"), E.family("x"), E.family("y")
i, k, j = (E.index_symbol(n) for n in "ikj")
K, N = E.size_symbol("K"), E.size_symbol("N")


# ---- the encoding language ------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("w[k, j]", w[k, j]),
    ("Sum(y[i, k], (i, 1, N))", sp.Sum(y[i, k], (i, 1, N))),
    ("Sum(y1[k], (k, 1, K), skip=j)",
     sp.Sum(E.family("y1")[k] * (1 - sp.KroneckerDelta(k, j, evaluate=False)), (k, 1, K))),
    ("dot(w[k], x[i])", E.Dot(w[k], x[i])),
    ("D(L, w[k])", E.Deriv(sp.Symbol("L"), w[k])),
    ("delta(lab[i], k)", sp.KroneckerDelta(E.family("lab")[i], k, evaluate=False)),
    ("0.009 * t", sp.Rational(9, 1000) * sp.Symbol("t")),
    ("ln(t) - log(t)", sp.Integer(0)),
    ("sigma(z, k)", sp.Function("sigma")(sp.Symbol("z"), k)),
])
def test_dsl_reads(text: str, expected: sp.Expr) -> None:
    assert parse_expression(text, SCOPE, WHERE) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("foo", "undeclared symbol 'foo'"),
    ("__import__('os').system('true')", "only named functions"),
    ("t.real", "'Attribute' is not allowed"),
    ("(lambda: 1)()", "only named functions"),
    ("10**100", "power 100 exceeds"),
    ("((10**60)**60)**60", "too large"),
    ("Sum(t, (q, 1, K))", "not a declared index"),
    ("sigma(z)", "takes 2 arguments"),
    ("t +", "syntax error"),
    ("x[" * 70 + "1" + "]" * 70, "nested deeper"),
])
def test_dsl_rejects(text: str, message: str) -> None:
    with pytest.raises(DslError, match=message.replace("(", r"\(").replace("*", r"\*")) as err:
        parse_expression(text, SCOPE, WHERE)
    assert "test.yaml:3 ((1))" in str(err.value)


@pytest.mark.parametrize(("notation", "message"), [
    ({"sizes": {"K": [0]}}, "between 1 and"),
    ({"sizes": {"K": [2]}, "indices": {"k": "M"}}, "undeclared size"),
    ({"sizes": {"K": [2]}, "symbols": {"w": {"kind": "matrix"}}}, "kind must be"),
    ({"sizes": {"K": [2]}, "symbols": {"K": {}}}, "both as a size and as a symbol"),
    ({"sizes": {"K": [2]}, "symbols": {"c": {"kind": "label"}}}, "classes"),
    ({"sizes": {"K": [2]}, "definitions": {"f": {"body": "nope"}}}, "undeclared symbol"),
    ({"colour": 1}, "unknown notation keys"),
])
def test_notation_rejects(notation: dict[str, object], message: str) -> None:
    with pytest.raises((NotationError, DslError), match=message):
        parse_notation(notation, WHERE)


# ---- concretization ---------------------------------------------------------------------------
def concrete(text: str, sizes: dict[str, int], **indices: int) -> object:
    concretizer = Concretizer(NOTES, {"K": 2, "N": 1, "n": 2, **sizes})
    return concretizer.value(parse_expression(text, SCOPE, WHERE), indices)


def test_sums_expand_and_vectors_become_components() -> None:
    value = concrete("Sum(x[i] * y[i, k], (i, 1, N))", {"N": 2}, k=1)
    x11, x12, x21, x22, y11, y21 = sp.symbols("x_1_1 x_1_2 x_2_1 x_2_2 y_1_1 y_2_1", real=True)
    assert value == sp.ImmutableMatrix([x11 * y11 + x21 * y21, x12 * y11 + x22 * y21])


def test_gradient_with_respect_to_a_vector_is_a_vector_of_partials() -> None:
    value = concrete("D(dot(w[k], x1), w[k])", {"n": 3}, k=2)
    assert isinstance(value, sp.MatrixBase) and value.shape == (3, 1)
    assert all(isinstance(entry, CDeriv) for entry in value)
    assert resolve(value) == sp.ImmutableMatrix(sp.symbols("x1_1:4", real=True))


def test_bound_index_does_not_capture_the_derivative_variable() -> None:
    # seed 000: d/dw_k sum_{k=1}^K y_k w_k^T z: the sum's k is not the free k
    value = concrete("D(Sum(y1[k] * dot(w[k], x1), (k, 1, K)), w[k])", {"K": 3}, k=2)
    y12 = sp.Symbol("y1_2", real=True)
    assert resolve(value) == sp.ImmutableMatrix([y12 * sp.Symbol("x1_1", real=True),
                                                 y12 * sp.Symbol("x1_2", real=True)])


def test_labels_become_indicator_variables_grouped_one_hot() -> None:
    concretizer = Concretizer(NOTES, {"K": 3, "N": 2, "n": 2})
    value = concretizer.value(parse_expression("delta(lab[i], k)", SCOPE, WHERE),
                              {"i": 2, "k": 3})
    assert value == sp.Symbol("lab_2_is_3", real=True)
    assert [len(g.variables) for g in concretizer.label_groups.values()] == [3]


@pytest.mark.parametrize(("text", "free", "sizes"), [
    ("D(L, w[k])", {"k"}, {"K", "N", "n"}),
    ("Sum(w[k, l], (k, 1, K))", {"l"}, {"K", "n"}),
    ("vec(exp(z[m]), (m, 1, K))", set(), {"K", "n"}),
    ("t", set(), set()),
])
def test_free_indices_and_sizes_used(text: str, free: set[str], sizes: set[str]) -> None:
    expression = parse_expression(text, SCOPE, WHERE)
    assert free_indices(expression, NOTES) == free
    assert sizes_used(expression, NOTES) == sizes


# ---- the exact identity test ------------------------------------------------------------------
a, b = sp.symbols("a b", real=True)
p = sp.Symbol("p", positive=True)
IDENTITIES = [
    (sp.log(sp.exp(a) / (sp.exp(a) + sp.exp(b))), a - sp.log(sp.exp(a) + sp.exp(b)), True),
    (sp.exp(a + 2 * b), sp.exp(a) * sp.exp(b) ** 2, True),
    (sp.log(p ** 3), 3 * sp.log(p), True),
    ((a + b) ** 2, a ** 2 + 2 * a * b + b ** 2, True),
    ((a + b) ** 2, a ** 2 + b ** 2, False),
    (sp.exp(a) / (sp.exp(a) + sp.exp(b)), 1 / (1 + sp.exp(b - a)), True),
]


@pytest.mark.parametrize(("left", "right", "equal"), IDENTITIES)
def test_exact_identity_test(left: sp.Expr, right: sp.Expr, equal: bool) -> None:
    result = identical([left - right], [], np.random.default_rng(0), deadline=1e18)
    assert (result.outcome == "identical") is equal


# ---- numeric engine ---------------------------------------------------------------------------
def test_numeric_derivative_is_jax_autodiff_not_sympy() -> None:
    t = sp.Symbol("t", real=True)
    expression = CDeriv(sp.log(1 + sp.exp(t) ** 2), t, t)
    rows = np.array([[0.0], [1.0], [-2.0]])
    values = evaluate([([expression], Batch((t,), rows, np.zeros(3), ({},)))])[0][:, 0]
    expected = [float(jax.grad(lambda v: jnp.log(1 + jnp.exp(v) ** 2))(r[0])) for r in rows]
    assert np.allclose(values, expected, rtol=1e-12)


def test_jaxpr_interpreter_matches_jax() -> None:
    configure()   # float64, as the engine computes (JAX alone computes in float32)

    def f(v: jax.Array) -> jax.Array:
        return jnp.stack([jnp.exp(v[0]) * v[1] ** 3 - jnp.log(v[2]), v[0] / v[1]])
    batched = jax.vmap(jax.grad(lambda v: f(v).sum()))
    points = np.array([[0.3, 1.5, 2.0], [-1.0, 0.5, 0.7]])
    traced = jax.make_jaxpr(batched)(points)
    ours = eval_jaxpr(traced.jaxpr, traced.consts, points)[0]
    assert np.allclose(ours, np.asarray(batched(points)), rtol=1e-13)


@pytest.mark.parametrize("text", ["sigma(z, 0)", "sigma(z, K + 1)", "x1[0]", "w[0, 1]"])
def test_an_index_outside_its_range_does_not_fit(text: str) -> None:
    # Python would read index 0 as "the last entry"; a derivation never means that.
    from verify.core.errors import BindError
    with pytest.raises(BindError, match="out"):
        concrete(text, {"K": 2})
