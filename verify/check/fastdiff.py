"""Derivatives of concrete expressions with SymEngine, read back as SymPy.

SymPy's ``diff`` was a quarter of a cold seed run (its assumption system alone 17 %);
SymEngine, a C++ library, differentiates the same trees about a thousand times faster.  Only
the exact engine uses it (:func:`verify.check.symbolic.resolve`): the numeric engine takes
its derivatives from JAX, so the two engines stay independent.

What SymEngine sees is a whitelist: integers, rationals, symbols, sums, products, powers,
``exp`` and ``log``.  Any other sub-expression (a float, ``pi``, ``Abs``, a matrix-inverse
entry, an unknown function) becomes a stand-in symbol, read back as the very SymPy node it
stands for; a stand-in is a constant to SymEngine, so when the variable differentiated by
occurs inside one, :func:`derivative` gives up (None) and the caller uses SymPy, whose answer
it would otherwise have been.  Symbols are mapped one to one by their SymPy identity (name
*and* assumptions), never by name alone, and read back as themselves, assumptions included.
Reading back accepts the same whitelist (SymEngine writes ``exp(u)`` as ``E**u``); anything
else SymEngine makes is a give-up too.  Sums, products and powers are rebuilt through SymPy's
constructors, so the result is a SymPy expression equal to SymPy's own derivative as a
function (not necessarily in the same form: the exact test evaluates values, not forms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import symengine as se
import sympy as sp

from verify.core.memo import Memo


@dataclass(frozen=True)
class _Converted:
    """One SymPy expression in SymEngine: the stand-ins' SymPy nodes, the symbols' map, the
    free symbols of the stand-ins (for the give-up test) and a read-back memo shared by all
    of its derivatives (they share most sub-expressions with it)."""

    engine: Any
    symbols: dict[sp.Basic, Any]          # SymPy symbol -> SymEngine symbol
    back: dict[Any, sp.Basic]             # SymEngine symbol -> SymPy symbol or stand-in node
    opaque_free: frozenset[sp.Basic]      # free symbols inside stand-ins
    read_back: dict[Any, sp.Basic] = field(default_factory=dict)


# Keys: concrete nodes (their symbols carry their assumptions); the value is a pure function
# of the node (stand-in names are private to each entry).
_EXP1 = type(se.E)   # Euler's number, the base SymEngine writes exp(u) with

_CONVERTED: Memo[sp.Basic, _Converted] = Memo("check.fastdiff.converted", 20_000)


def derivative(function: sp.Expr, t: sp.Basic) -> sp.Expr | None:
    """``d function / d t`` as a SymPy expression, or None when SymEngine cannot be trusted
    with it (``t`` not a symbol, ``t`` inside a stand-in, an unexpected node in the result)."""
    if not isinstance(t, sp.Symbol):
        return None
    converted = _CONVERTED.get(function)
    if converted is None:
        converted = _CONVERTED[function] = _convert(function)
    if t in converted.opaque_free:
        return None
    variable = converted.symbols.get(t)
    if variable is None:
        return sp.Integer(0)   # t occurs nowhere (not in a stand-in either): a constant
    return _back(converted.engine.diff(variable), converted)


def _convert(function: sp.Expr) -> _Converted:
    symbols: dict[sp.Basic, Any] = {}
    back: dict[Any, sp.Basic] = {}
    opaque_free: set[sp.Basic] = set()
    memo: dict[sp.Basic, Any] = {}

    def fresh(node: sp.Basic) -> Any:
        # A name no document can give: symbols are matched by object, not by name.
        stand_in = se.Symbol(f"_fastdiff_{len(back)}")
        back[stand_in] = node
        return stand_in

    def walk(node: sp.Basic) -> Any:
        done = memo.get(node)
        if done is not None:
            return done
        result: Any
        if isinstance(node, sp.Integer):
            result = se.Integer(int(node))
        elif isinstance(node, sp.Rational):
            result = se.Rational(int(node.p), int(node.q))
        elif isinstance(node, sp.Symbol):
            result = symbols[node] = fresh(node)
        elif isinstance(node, sp.Add):
            result = se.Add(*[walk(a) for a in node.args])
        elif isinstance(node, sp.Mul):
            result = se.Mul(*[walk(a) for a in node.args])
        elif isinstance(node, sp.Pow):
            result = se.Pow(walk(node.base), walk(node.exp))
        elif isinstance(node, sp.exp):
            result = se.exp(walk(node.args[0]))
        elif isinstance(node, sp.log) and len(node.args) == 1:
            result = se.log(walk(node.args[0]))
        else:
            result = fresh(node)
            opaque_free.update(node.free_symbols)
        memo[node] = result
        return result

    return _Converted(walk(function), symbols, back, frozenset(opaque_free))


def _back(node: Any, converted: _Converted) -> sp.Expr | None:
    """``node`` as SymPy, or None when it holds a node outside the whitelist (a give-up)."""
    memo = converted.read_back
    stack: list[tuple[Any, bool]] = [(node, False)]
    # Iterative post-order: derivatives of deep sums and products must not hit the
    # recursion limit.
    while stack:
        current, ready = stack.pop()
        if current in memo:
            continue
        if isinstance(current, se.Symbol):
            original = converted.back.get(current)
            if original is None:
                return None
            memo[current] = original
            continue
        if isinstance(current, se.Integer):
            memo[current] = sp.Integer(int(current))
            continue
        if isinstance(current, se.Rational):
            p, q = current.get_num_den()
            memo[current] = sp.Rational(int(p), int(q))
            continue
        if isinstance(current, _EXP1):
            memo[current] = sp.E
            continue
        if not isinstance(current, se.Add | se.Mul | se.Pow | se.log):
            return None
        args = current.args
        if not ready:
            stack.append((current, True))
            stack.extend((a, False) for a in args if a not in memo)
            continue
        parts = [memo[a] for a in args]
        if isinstance(current, se.Add):
            memo[current] = sp.Add(*parts)
        elif isinstance(current, se.Mul):
            memo[current] = sp.Mul(*parts)
        elif isinstance(current, se.Pow):
            memo[current] = sp.exp(parts[1]) if isinstance(args[0], _EXP1) else \
                sp.Pow(parts[0], parts[1])
        else:
            if len(parts) != 1:
                return None
            memo[current] = sp.log(parts[0])
    return memo[node]
