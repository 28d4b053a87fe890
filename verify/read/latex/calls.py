r"""Calls of declared functions and indicators.

* ``g_k(z)`` -> ``g(k, z)``: subscripts first, then the written arguments;
* ``h(\mathbf{x}; W)`` -> ``h(x1)`` when ``h`` takes one parameter: what follows ``;`` names
  the parameters the notation fixes and is dropped when the arguments before it already fill
  the declared parameters;
* a conditional probability ``P(y = k \mid \mathbf{x}; \mathbf{w})`` of a declared function
  ``P`` -> ``P(k, x1)``: the event's value first, then what it is conditioned on.  The event
  must be ``name = value`` with a declared name.  This is the only place ``|`` is read;
* ``1_{\{a = b\}}`` and ``1_{\{k\}}(y)`` -> ``KroneckerDelta(a, b)``.
"""

from __future__ import annotations

import re

import sympy as sp

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.read.latex import products
from verify.read.latex.names import Entry
from verify.read.latex.normalize import matching_paren, read_group, split_depth0
from verify.read.latex.rewrite_base import Atom, Reader

_MID = re.compile(r"\\mid(?![A-Za-z])")


def call(reader: Reader, entry: Entry, indices: list[sp.Expr], text: str, j: int,
         token: str) -> tuple[Atom, int]:
    """The call of the declared function ``entry`` whose name ends at ``j``."""
    k = j
    while k < len(text) and text[k] == " ":
        k += 1
    if text[k:k + 1] != "(":
        if entry.params - len(indices) == 1 and token.startswith("\\") and k < len(text):
            # \tanh x, \sigma z: a function spelled as a command, its one argument written
            # without brackets, read as \ln x is (one factor, else refused as ambiguous).
            span, stop = reader.bare_argument(token, text, j - len(token), k)
            argument = reader.sub_expr(span, token)
            applied = sp.Function(entry.name)(*indices, argument)
            return Atom(applied, products.rank_of(applied, reader.context.notation)), stop
        raise LatexProblem(token, f"{entry.name} is a function: it needs its arguments")
    close = matching_paren(text, k)
    if close < 0:
        raise LatexProblem(text[j:], "unclosed argument list")
    inside = _MID.sub("|", text[k + 1:close])
    given = split_depth0(inside, ("|",))
    event: list[str] = []
    if len(given) == 2:
        event = [_event_value(reader, given[0], text[j - len(token):close + 1])]
        inside = given[1]
    elif len(given) > 2:
        raise LatexProblem(inside, "two '|' in one call")
    before, *fixed = split_depth0(inside, (";",))
    texts = event + split_depth0(before, (",",))
    if len(indices) + len(texts) != entry.params:
        texts = event + split_depth0(inside, (",", ";"))
    elif fixed:
        reader.remove(";".join(fixed), "the parameters after ';' that the notation fixes")
    args = [reader.sub_expr(arg, token) for arg in texts]
    if len(indices) + len(args) != entry.params:
        raise LatexProblem(text[:close + 1][-60:], f"{entry.name} takes {entry.params} "
                           f"arguments (subscripts first), got {len(indices) + len(args)}")
    applied = sp.Function(entry.name)(*indices, *args)
    # \sigma(X w): a vector, entry by entry, that multiplies as one (X^T \sigma(X w))
    return Atom(applied, products.rank_of(applied, reader.context.notation)), close + 1


def _event_value(reader: Reader, event: str, token: str) -> str:
    """The value ``k`` of an event ``y = k``; the name ``y`` must be declared."""
    sides = split_depth0(event, ("=",))
    if len(sides) != 2 or not sides[0].strip() or not sides[1].strip():
        raise LatexProblem(token, "the event of a conditional probability must be "
                           "'name = value'")
    name = sides[0].strip()
    if not reader.at_atom(name, 0) or reader.read_atom(name, 0)[1] != len(name):
        raise LatexProblem(token, f"the event's variable {name!r} is not one declared name")
    reader.remove(name, "the variable of a conditional probability's event")
    return sides[1]


def indicator(reader: Reader, text: str, i: int) -> tuple[sp.Expr, int]:
    """``1_{\\{a = b\\}}`` or ``1_{\\{k\\}}(y)`` at ``text[i] == '_'``: the delta and the index
    after it."""
    group, end = read_group(text, i + 1)
    inner = group.strip()
    if inner.startswith("\\{") and inner.endswith("\\}"):
        inner = inner[2:-2]
    sides = split_depth0(inner, ("=",))
    if len(sides) == 2:
        return E.indicator(reader.sub_expr(sides[0], group),
                           reader.sub_expr(sides[1], group)), end
    k = end
    while text[k:k + 1] == " ":
        k += 1
    close = matching_paren(text, k) if text[k:k + 1] == "(" else -1
    if close < 0:
        raise LatexProblem("1_{" + group + "}", "indicator without 'a = b'")
    return E.indicator(reader.sub_expr(text[k + 1:close], group),
                       reader.sub_expr(inner, group)), close + 1
