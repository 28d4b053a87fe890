"""Run a traced JAX program (a jaxpr) with NumPy, without XLA compilation.

JAX does the work that matters here: tracing the translated expressions, vmapping them over
the points and differentiating them (``jax.grad``), all of which produce a jaxpr.  Compiling
that jaxpr with XLA costs seconds for a few thousand unrolled scalar operations (measured: 5 s
for 2,618 equations), while interpreting it with NumPy on arrays of a few hundred points
costs milliseconds.  Primitives not listed here fall back to JAX's own eager implementation,
so an unforeseen primitive is slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from jax.extend import core as jex_core

Array = np.ndarray


def _broadcast_in_dim(x: Array, shape: Sequence[int], broadcast_dimensions: Sequence[int],
                      **_: Any) -> Array:
    if tuple(shape) == () and not broadcast_dimensions:
        return x  # a traced scalar: here it carries one value per point
    expanded_shape = [1] * len(shape)
    for source, target in enumerate(broadcast_dimensions):
        expanded_shape[target] = np.shape(x)[source]
    return np.broadcast_to(np.reshape(x, expanded_shape), tuple(shape)).copy()


def _pad(x: Array, padding_value: Array, padding_config: Sequence[tuple[int, int, int]],
         **_: Any) -> Array | None:
    if any(int(interior) != 0 or int(low) < 0 or int(high) < 0
           for low, high, interior in padding_config):
        return None  # unusual padding: let JAX do it
    widths = [(int(low), int(high)) for low, high, _ in padding_config]
    return np.pad(x, widths, constant_values=np.asarray(padding_value).item())


def _slice(x: Array, start_indices: Sequence[int], limit_indices: Sequence[int],
           strides: Sequence[int] | None = None, **_: Any) -> Array:
    steps = strides or [1] * len(start_indices)
    return x[tuple(slice(int(a), int(b), int(s))
                   for a, b, s in zip(start_indices, limit_indices, steps, strict=True))]


def _select_n(which: Array, *cases: Array) -> Array:
    return np.choose(np.asarray(which).astype(np.int64), np.broadcast_arrays(*cases))


_UNARY: dict[str, Callable[[Array], Array]] = {
    "exp": np.exp, "log": np.log, "neg": np.negative, "sqrt": np.sqrt, "abs": np.abs,
    "sign": np.sign, "sin": np.sin, "cos": np.cos, "tanh": np.tanh, "log1p": np.log1p,
    "expm1": np.expm1, "copy": np.copy, "copy_p": np.copy, "stop_gradient": np.asarray,
    "logistic": lambda x: 1.0 / (1.0 + np.exp(-x)),
}
_BINARY: dict[str, Callable[[Array, Array], Array]] = {
    "add": np.add, "add_any": np.add, "sub": np.subtract, "mul": np.multiply,
    "div": np.divide, "pow": np.power, "max": np.maximum, "min": np.minimum,
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
    "gt": np.greater, "ge": np.greater_equal,
}


def _apply(name: str, params: dict[str, Any], args: list[Array]) -> Array | None:
    if name in _UNARY:
        return _UNARY[name](args[0])
    if name in _BINARY:
        return _BINARY[name](args[0], args[1])
    if name == "integer_pow":
        exponent = int(params["y"])
        return np.power(args[0], exponent) if exponent >= 0 else 1.0 / np.power(
            args[0], -exponent)
    if name == "slice":
        return _slice(args[0], **params)
    if name == "squeeze":
        return np.squeeze(args[0], axis=tuple(params["dimensions"]))
    if name == "broadcast_in_dim":
        return _broadcast_in_dim(args[0], **params)
    if name == "pad":
        return _pad(args[0], args[1], **params)
    if name == "stack":
        return np.stack(np.broadcast_arrays(*args), axis=params["axis"])
    if name == "concatenate":
        return np.concatenate(args, axis=params["dimension"])
    if name == "transpose":
        return np.transpose(args[0], params["permutation"])
    if name == "reshape":
        if tuple(params["new_sizes"]) == ():
            return args[0]
        return np.reshape(args[0], params["new_sizes"])
    if name == "reduce_sum":
        return np.sum(args[0], axis=tuple(params["axes"]))
    if name == "convert_element_type":
        return np.asarray(args[0]).astype(params["new_dtype"])
    if name == "select_n":
        return _select_n(*args)
    return None


def eval_jaxpr(jaxpr: Any, consts: Sequence[Any], *args: Any) -> list[Array]:
    """Evaluate ``jaxpr`` on NumPy arrays; returns its outputs as NumPy arrays."""
    env: dict[Any, Any] = {}

    def read(var: Any) -> Any:
        if isinstance(var, jex_core.Literal):
            return np.asarray(var.val)
        return env[var]

    for var, value in zip(jaxpr.constvars, consts, strict=True):
        env[var] = np.asarray(value)
    for var, value in zip(jaxpr.invars, args, strict=True):
        env[var] = np.asarray(value)
    with np.errstate(all="ignore"):
        for eqn in jaxpr.eqns:
            values = [read(v) for v in eqn.invars]
            results = _run(eqn, values)
            for var, value in zip(eqn.outvars, results, strict=True):
                env[var] = value
    return [read(v) for v in jaxpr.outvars]


def _run(eqn: Any, values: list[Any]) -> list[Any]:
    name = eqn.primitive.name
    inner = eqn.params.get("jaxpr") or eqn.params.get("call_jaxpr")
    if inner is not None and name in ("pjit", "jit", "closed_call", "core_call",
                                      "custom_jvp_call", "custom_vjp_call", "remat"):
        closed = inner if hasattr(inner, "consts") else jex_core.ClosedJaxpr(inner, ())
        return eval_jaxpr(closed.jaxpr, closed.consts, *values)
    result = _apply(name, eqn.params, values)
    if result is None:  # not interpreted here: JAX's eager implementation
        out = eqn.primitive.bind(*values, **eqn.params)
        outs = out if eqn.primitive.multiple_results else [out]
        return [np.asarray(o) for o in outs]
    return [np.asarray(result)]
