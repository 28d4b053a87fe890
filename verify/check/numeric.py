"""Numeric evaluation with JAX in float64, derivatives by JAX autodiff.

All the concrete expressions a document needs at one combination of sizes are compiled into
one function of one parameter row (every real variable and every label indicator), which is
vmapped over the points and jitted once: compiling per step would cost seconds per document.
A ``CDeriv(f, t, at)`` node is evaluated by ``jax.grad`` of the translated ``f`` with respect
to ``t`` at ``at``; when ``t`` is an independent variable, the full gradient of ``f`` is taken
once and shared by all of its partials.  SymPy's ``diff`` is never used here, so the two
engines check each other.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp
from jax import lax

from verify.check.concretize import CDeriv, InvEntry, LabelGroup, symbols_in
from verify.check.jaxpr_eval import eval_jaxpr
from verify.check.symbolic import label_configs
from verify.core.errors import NumericError
from verify.core.limits import NUMERIC_ROWS
from verify.core.memo import Memo, memoized
from verify.model.options import POINTS as POINTS  # the one default: run options hold it

BOX = (-2.0, 2.0)          # real variables: a moderate box, as WeBWorK does
POSITIVE_BOX = (0.5, 2.0)  # positive variables
TRACED_GRADIENTS = 512   # gradient jaxprs kept per process (see _traced_gradient)
_CONFIGURED: list[bool] = []   # set once configure() has run in this process


def configure() -> None:
    """Set JAX up for this engine, once per process, before its first JAX call (importing
    this module changes nothing: the settings are the process's, not ours to take on
    import).  Float64 everywhere (the tolerances assume it); the CPU, one thread for XLA's
    own kernels (workers share the cores), unless the environment chose otherwise.  Worker
    processes need nothing of their own: their first gradient calls this too."""
    if _CONFIGURED:
        return
    # JAX read $JAX_PLATFORMS when imported, so the default goes through its config; XLA
    # reads $XLA_FLAGS when its backend starts, at the first computation, which is later.
    if "JAX_PLATFORMS" not in os.environ:
        jax.config.update("jax_platforms", "cpu")  # type: ignore[no-untyped-call]
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false")
    jax.config.update("jax_enable_x64", True)  # type: ignore[no-untyped-call]
    _CONFIGURED.append(True)


@dataclass(frozen=True)
class Batch:
    """Parameter rows: ``rows[r]`` is one point (real values) under one label configuration."""

    variables: tuple[sp.Symbol, ...]
    rows: np.ndarray                    # shape (rows, variables)
    config_of_row: np.ndarray           # label configuration number of each row
    configs: tuple[Mapping[sp.Symbol, int], ...]


def make_batch(real: Sequence[sp.Symbol], positive: set[str], groups: Sequence[LabelGroup],
               seed: int, points: int = POINTS,
               intervals: Mapping[str, tuple[float, float]] | None = None) -> Batch:
    """Seeded points: each variable's values depend only on the seed and its own name, so
    the same variable gets the same values whatever else the document contains.  A variable
    with a declared interval (``intervals``, by name) is drawn from it."""
    labels = [v for g in groups for v in g.variables]
    configs = label_configs(groups, np.random.default_rng(seed), cap=max(1, NUMERIC_ROWS // points))
    real_values = np.empty((points, len(real)))
    for column, symbol in enumerate(real):
        low, high = POSITIVE_BOX if symbol.name in positive else BOX
        if intervals and symbol.name in intervals:
            low, high = intervals[symbol.name]
        rng = np.random.default_rng([seed, zlib.crc32(symbol.name.encode())])
        real_values[:, column] = rng.uniform(low, high, size=points)
    rows = []
    config_of_row = []
    for number, config in enumerate(configs):
        label_values = np.array([[config[v] for v in labels]] * points, dtype=float)
        rows.append(np.hstack([real_values, label_values.reshape(points, len(labels))]))
        config_of_row.extend([number] * points)
    return Batch(tuple(real) + tuple(labels), np.vstack(rows), np.array(config_of_row),
                 tuple(configs))


def evaluate(groups: Sequence[tuple[Sequence[sp.Expr], Batch]]) -> list[np.ndarray]:
    """Values of every group's output expressions at every row of its batch: one array of
    shape (rows, outputs) per group."""
    results = []
    for outputs, batch in groups:
        evaluator = _Rows(batch)
        columns = [evaluator.value(e) for e in outputs]
        results.append(np.stack(columns, axis=1) if columns
                       else np.zeros((len(batch.rows), 0)))
    return results


class _Rows:
    """Evaluates concrete SymPy expressions at every row at once with NumPy, memoized by
    node; each ``CDeriv`` is handed to JAX.

    Only the functions being differentiated are traced by JAX: ``jax.grad`` of the function
    of scalar arguments gives a jaxpr of elementwise operations, which
    :func:`verify.check.jaxpr_eval.eval_jaxpr` runs on the rows with NumPy.  Tracing everything
    (and compiling it with XLA) cost seconds per document; this costs what the derivatives
    need.  A function's full gradient is traced once and serves all of its partials."""

    def __init__(self, batch: Batch) -> None:
        self.count = len(batch.rows)
        self.columns = {symbol: batch.rows[:, column]
                        for column, symbol in enumerate(batch.variables)}
        self.memo: dict[sp.Basic, np.ndarray] = {}
        self.gradients: dict[sp.Basic, dict[sp.Symbol, np.ndarray]] = {}

    def value(self, node: sp.Basic) -> np.ndarray:
        cached = self.memo.get(node)
        if cached is None:
            with np.errstate(all="ignore"):
                cached = np.broadcast_to(np.asarray(self._compute(node), dtype=np.float64),
                                         (self.count,))
            self.memo[node] = cached
        return cached

    def _compute(self, node: sp.Basic) -> Any:
        if node.is_Number or node is sp.pi or node is sp.E:
            return float(node)
        if isinstance(node, sp.Symbol):
            if node in self.columns:
                return self.columns[node]
            raise NumericError(f"no value for {node}")
        if isinstance(node, sp.Add):
            return _reduce(np.add, [self.value(a) for a in node.args])
        if isinstance(node, sp.Mul):
            return _reduce(np.multiply, [self.value(a) for a in node.args])
        if isinstance(node, sp.Pow):
            base = self.value(node.base)
            if isinstance(node.exp, sp.Integer):
                exponent = int(node.exp)
                return base ** exponent if exponent >= 0 else 1.0 / base ** (-exponent)
            return np.power(base, self.value(node.exp))
        if isinstance(node, CDeriv):
            return self._derivative(node)
        if isinstance(node, InvEntry):
            entries, size, r, c = node.args
            return _inverse([self.value(e) for e in entries], int(size))[int(r)][int(c)]
        function = _NUMPY_FUNCTIONS.get(type(node))
        if function is not None:
            return function(*(self.value(a) for a in node.args))
        raise NumericError(f"no numeric translation for {type(node).__name__}")

    def _derivative(self, node: CDeriv) -> np.ndarray:
        function, t, at = node.args
        if t == at and t in self.columns:
            gradient = self.gradients.get(function)
            if gradient is None:
                gradient = self.gradients[function] = self._gradient(function)
            return gradient[t]
        variables = sorted((s for s in symbols_in([function]) if s in self.columns), key=str)
        partial = _traced_gradient(function, (t, *variables), 1)
        outputs = eval_jaxpr(partial.jaxpr, partial.consts, self.value(at),
                             *(self.columns[v] for v in variables))
        return outputs[0]

    def _gradient(self, function: sp.Expr) -> dict[sp.Symbol, np.ndarray]:
        variables = sorted((s for s in symbols_in([function]) if s in self.columns), key=str)
        traced = _traced_gradient(function, tuple(variables), len(variables))
        outputs = eval_jaxpr(traced.jaxpr, traced.consts,
                             *(self.columns[v] for v in variables))
        return dict(zip(variables, outputs, strict=True))


# Key: the concrete function, its argument order and count, all the traced program reads.
@memoized("check.numeric.gradients", TRACED_GRADIENTS)
def _traced_gradient(function: sp.Expr, arguments: tuple[sp.Symbol, ...], count: int) -> Any:
    """The jaxpr of the gradient of ``function`` with respect to its first ``count``
    arguments, traced with scalar arguments (so every operation in it is elementwise).

    Kept for the process (least recently used out): tracing costs ~30 ms, and a class
    differentiates the same loss in nearly every submission.  The jaxpr is a pure function
    of the expression and the argument order, which are the key.  Every JAX computation
    of the engine starts from a traced gradient, so JAX is set up here.

    Functions that differ only in which variables fill which argument positions (the same
    loss at another sample or class, the same partial at another free index) share one
    trace: see :func:`shape_key`."""
    shape = shape_key(function, arguments)
    shared = _BY_SHAPE.get((shape, count))
    if shared is not None:
        return shared
    traced = _trace_gradient(function, arguments, count)
    _BY_SHAPE[(shape, count)] = traced
    return traced


# Key: the function's structure with each argument replaced by its position (shape_key) and
# the count; the jaxpr is a function of exactly these (the trace reads node types, argument
# order, numbers and argument positions, nothing else).
_BY_SHAPE: Memo[tuple[tuple[tuple[object, ...], ...], int], Any] = \
    Memo("check.numeric.gradient_shapes", TRACED_GRADIENTS)


def shape_key(function: sp.Basic, arguments: Sequence[sp.Symbol]
              ) -> tuple[tuple[object, ...], ...]:
    """``function`` as a table of its distinct nodes in post-order: each an argument's
    position, a symbol that is no argument (itself), an atom (its type and itself: SymPy's
    equality of numbers is exact), or a node type with the table rows of its arguments.
    Two functions have the same table exactly when one is the other with its arguments
    renamed position for position; their traces are then the same program.  (Sub-expressions
    shared in one and not in the other give different tables: a miss, never a wrong hit.)"""
    position = {symbol: number for number, symbol in enumerate(arguments)}
    rows: dict[sp.Basic, int] = {}
    table: list[tuple[object, ...]] = []
    stack: list[tuple[sp.Basic, bool]] = [(function, False)]
    while stack:  # iterative: a deep expression must not meet the recursion limit
        node, expanded = stack.pop()
        if node in rows:
            continue
        if node.args and not expanded:
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.args) if a not in rows)
            continue
        if isinstance(node, sp.Symbol):
            row: tuple[object, ...] = ("argument", position[node]) if node in position \
                else ("symbol", node)
        elif not node.args:
            row = ("atom", type(node), node)
        else:
            row = (type(node), tuple(rows[a] for a in node.args))
        rows[node] = len(table)
        table.append(row)
    return tuple(table)


def _trace_gradient(function: sp.Expr, arguments: tuple[sp.Symbol, ...], count: int) -> Any:
    configure()
    index = {symbol: position for position, symbol in enumerate(arguments)}

    def scalar_function(*values: Any) -> Any:
        return jnp.asarray(_Trace(values, index, {}).value(function), dtype=jnp.float64)

    gradient = jax.grad(scalar_function, argnums=tuple(range(count)))
    return jax.make_jaxpr(gradient)(*([np.float64(0.5)] * len(arguments)))


_NUMPY_FUNCTIONS: dict[type, Callable[..., Any]] = {
    sp.exp: np.exp, sp.log: np.log, sp.Abs: np.abs, sp.sin: np.sin, sp.cos: np.cos,
    sp.tanh: np.tanh, sp.sign: np.sign, sp.cosh: np.cosh, sp.sinh: np.sinh,
}


class _Trace:
    """Translates SymPy nodes to JAX values (inside a traced function), memoized by node."""

    def __init__(self, x: Any, index: Mapping[sp.Symbol, int],
                 overrides: Mapping[sp.Symbol, Any]) -> None:
        self.x = x
        self.index = index
        self.overrides = overrides
        self.memo: dict[sp.Basic, Any] = {}
        self.gradients: dict[sp.Basic, Any] = {}

    def value(self, node: sp.Basic) -> Any:
        cached = self.memo.get(node)
        if cached is None:
            cached = self.memo[node] = self._compute(node)
        return cached

    def _compute(self, node: sp.Basic) -> Any:
        if node.is_Number or node is sp.pi or node is sp.E:
            return jnp.float64(float(node))
        if isinstance(node, sp.Symbol):
            if node in self.overrides:
                return self.overrides[node]
            if node in self.index:
                return self.x[self.index[node]]
            raise NumericError(f"no value for {node}")
        if isinstance(node, sp.Add):
            return _reduce(jnp.add, [self.value(a) for a in node.args])
        if isinstance(node, sp.Mul):
            return _reduce(jnp.multiply, [self.value(a) for a in node.args])
        if isinstance(node, sp.Pow):
            return self._power(node)
        if isinstance(node, CDeriv):
            return self._derivative(node)
        if isinstance(node, InvEntry):
            entries, size, r, c = node.args
            inverse = self.value(sp.Tuple(entries, size))
            return inverse[int(r)][int(c)]
        if isinstance(node, sp.Tuple):  # (entries, size): the inverse, as nested lists
            entries, size = node.args
            return _inverse([self.value(e) for e in entries], int(size))
        function = _FUNCTIONS.get(type(node))
        if function is not None:
            return function(*(self.value(a) for a in node.args))
        raise NumericError(f"no numeric translation for {type(node).__name__}")

    def _power(self, node: sp.Pow) -> Any:
        base = self.value(node.base)
        exponent = node.exp
        if isinstance(exponent, sp.Integer):
            # integer_pow keeps (-2)^2 = 4; jnp.power with a float exponent would give NaN
            return lax.integer_pow(base, int(exponent))
        if exponent == sp.Rational(1, 2):
            return jnp.sqrt(base)
        return jnp.power(base, self.value(exponent))

    def _derivative(self, node: CDeriv) -> Any:
        function, t, at = node.args
        if t == at and t in self.index and t not in self.overrides:
            gradient = self.gradients.get(function)
            if gradient is None:
                def whole(*x: Any) -> Any:
                    return _Trace(x, self.index, self.overrides).value(function)
                gradient = self.gradients[function] = jax.grad(
                    whole, argnums=tuple(range(len(self.x))))(*self.x)
            return gradient[self.index[t]]

        def along(value: Any) -> Any:
            return _Trace(self.x, self.index, {**self.overrides, t: value}).value(function)
        return jax.grad(along)(jnp.asarray(self.value(at), dtype=jnp.float64))


def _inverse(entries: list[Any], n: int) -> list[list[Any]]:
    """Closed-form inverse by cofactors (only elementwise operations, so the traced program
    stays cheap to interpret); n <= 3, which the size bounds guarantee for square matrices
    in practice, else JAX's LU-based inverse."""
    a = [entries[r * n:(r + 1) * n] for r in range(n)]
    if n == 1:
        return [[1.0 / a[0][0]]]
    if n == 2:
        det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        return [[a[1][1] / det, -a[0][1] / det], [-a[1][0] / det, a[0][0] / det]]
    if n == 3:
        def cof(r: int, c: int) -> Any:
            rows = [i for i in range(3) if i != r]
            cols = [j for j in range(3) if j != c]
            minor = a[rows[0]][cols[0]] * a[rows[1]][cols[1]] - \
                a[rows[0]][cols[1]] * a[rows[1]][cols[0]]
            return minor if (r + c) % 2 == 0 else -minor
        det = a[0][0] * cof(0, 0) + a[0][1] * cof(0, 1) + a[0][2] * cof(0, 2)
        return [[cof(c, r) / det for c in range(3)] for r in range(3)]
    inverse = jnp.linalg.inv(jnp.stack([jnp.stack(row) for row in a]))
    return [[inverse[r, c] for c in range(n)] for r in range(n)]


def _reduce(operation: Callable[[Any, Any], Any], values: list[Any]) -> Any:
    result = values[0]
    for value in values[1:]:
        result = operation(result, value)
    return result


_FUNCTIONS: dict[type, Callable[..., Any]] = {
    sp.exp: jnp.exp,
    sp.log: jnp.log,
    sp.Abs: jnp.abs,
    sp.sin: jnp.sin,
    sp.cos: jnp.cos,
    sp.tanh: jnp.tanh,
    sp.sign: jnp.sign,
    # Through exp, not jnp.cosh/jnp.sinh: a traced gradient is interpreted by
    # verify.check.jaxpr_eval, which knows exp (and not the cosh and sinh primitives).
    sp.cosh: lambda x: (jnp.exp(x) + jnp.exp(-x)) / 2,
    sp.sinh: lambda x: (jnp.exp(x) - jnp.exp(-x)) / 2,
}


def deviation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| / max(1, |a|, |b|), elementwise; NaN where either is not finite."""
    with np.errstate(all="ignore"):
        scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
        result = np.abs(a - b) / scale
    result[~(np.isfinite(a) & np.isfinite(b))] = np.nan
    return result


# Terms a difference is distributed into, at most (difference_terms): beyond, the difference
# keeps its top-level terms undistributed.  Products of a few short sums stay far below; a
# power of a long sum would not, and needs no distribution to be checked.
DISTRIBUTED_TERMS = 512


def difference_terms(before: sp.Expr, after: sp.Expr) -> tuple[sp.Expr, ...]:
    """The terms of ``before - after`` after exact cancellation: the difference as SymPy
    builds it (identical terms of the two sides cancel structurally: ``A + e^{t} - A`` is
    ``e^{t}``), products over sums distributed so that a shared term inside a product cancels
    too (``(t+1)(A+u) - (t+1)A`` is ``tu + u``), like terms collected.  Below
    :data:`DISTRIBUTED_TERMS` terms; otherwise the difference's own top-level terms.

    The scale a numeric disagreement is measured against is the size of these terms
    (:func:`cancelled_deviation`), never the size of the sides: a huge term present on both
    sides says nothing about whether the step is right, and a tiny step between tiny sides is
    still a step.  Only opaque nodes (functions, derivatives, inverse entries) are left whole:
    their arguments are not rewritten, so their values are the very ones the sides have."""
    difference = before - after
    terms = _distributed(difference, {})
    return sp.Add.make_args(difference if terms is None else sp.Add(*terms))


def _distributed(node: sp.Expr, memo: dict[sp.Expr, list[sp.Expr]]) -> list[sp.Expr] | None:
    """``node`` as a list of terms whose sum it is: sums flattened, products and positive
    integer powers of sums multiplied out, anything else one term; None beyond
    :data:`DISTRIBUTED_TERMS` terms."""
    cached = memo.get(node)
    if cached is not None:
        return cached
    result: list[sp.Expr] | None
    if isinstance(node, sp.Add):
        result = []
        for arg in node.args:
            terms = _distributed(arg, memo)
            if terms is None:
                return None
            result.extend(terms)
    elif isinstance(node, sp.Mul):
        result = [sp.S.One]
        for factor in node.args:
            result = _product(result, _distributed(factor, memo))
            if result is None:
                return None
    elif isinstance(node, sp.Pow) and isinstance(node.exp, sp.Integer) and node.exp > 1 \
            and isinstance(node.base, sp.Add):
        base = _distributed(node.base, memo)
        result = [sp.S.One]
        for _ in range(int(node.exp)):
            result = _product(result, base)
            if result is None:
                return None
    else:
        result = [node]
    if len(result) > DISTRIBUTED_TERMS:
        return None
    memo[node] = result
    return result


def _product(left: list[sp.Expr], right: list[sp.Expr] | None) -> list[sp.Expr] | None:
    if right is None or len(left) * len(right) > DISTRIBUTED_TERMS:
        return None
    return [a * b for a in left for b in right]


def cancelled_deviation(differences: Sequence[Sequence[sp.Expr]], batch: Batch) -> np.ndarray:
    """Per row of ``batch``: the largest, over the components, of ``|sum of the terms|``
    divided by ``sum of |term|``, the terms being a component's :func:`difference_terms`.
    0 where every term is 0; NaN where a term is not finite.  Relative to the difference's own
    terms, with no floor: a true identity among atoms (``e^{a+b}`` against ``e^{a} e^{b}``)
    keeps its terms and cancels to float64 rounding of them; a dropped term is all of its own
    scale (deviation 1), however large or small the sides are."""
    evaluator = _Rows(batch)
    result = np.zeros(len(batch.rows))
    for terms in differences:
        values = np.stack([evaluator.value(term) for term in terms])   # (terms, rows)
        with np.errstate(all="ignore"):
            scale = np.abs(values).sum(axis=0)
            ratio = np.where(scale > 0, np.abs(values.sum(axis=0)) / scale, 0.0)
        ratio[~np.isfinite(values).all(axis=0)] = np.nan
        result = np.where(np.isnan(ratio) | np.isnan(result), np.nan, np.maximum(result, ratio))
    return result
