r"""Derivatives in a step: ``\frac{d}{dv}``, ``\frac{\partial F}{\partial v}``, ``\nabla_v``,
``(F)'``.

The parser only differentiates by one letter, so the variable (``w_k``, ``w_{jl}``, even an
expression such as ``g_k(z)``) becomes a placeholder letter ``a`` and the derivative enters the
text as ``\frac{d}{da}``; :mod:`verify.read.latex.step` turns the parser's ``Derivative`` back into
``Deriv(F, v)``.  ``(F)'`` has no variable of its own: it is the chain's (the first step's
derivative variable, :mod:`verify.read.latex.document`).

``f'(x)`` of a declared function of one argument is its derivative at the argument: read as
``Deriv(f(x), x)``, which is that only when ``x`` is one declared scalar variable (or a scalar
component, ``z_i``) that ``f``'s definition does not itself mention (``f(t) := t x`` has
``f'(x) = x`` but ``d/dx f(x) = 2x``).  Anything else with a prime is refused, saying why.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.model.notation import Notation, abstract_derivative
from verify.read.latex import products
from verify.read.latex.calls import call
from verify.read.latex.normalize import read_group
from verify.read.latex.rewrite_base import Atom, Reader

_DIFFERENTIAL = re.compile(r"^(\\partial(?![A-Za-z])|d(?![a-z]{2}))\s*(\^.*)?")
# Over a differential denominator, a numerator's leading 'd' is the differential even when
# the function's letters follow it directly (\frac{dF}{dv}).
_LEADING = re.compile(r"^(\\partial(?![A-Za-z])|d)")


def operator(reader: Reader, target_text: str) -> str:
    """``d/dv`` as placeholder LaTeX, ``v`` read from ``target_text``; an index letter, a size or
    a number is refused (it does not vary: the derivative would be 0)."""
    target = reader.sub_expr(_unbraced(target_text), target_text)
    if target.is_number or target.is_integer:
        raise LatexProblem(target_text, f"a derivative by {target_text.strip()}, an index, a "
                           "size or a number, which does not vary (a derivative by x_i is "
                           "written \\partial x_i)")
    return " \\frac{d}{d" + reader.placeholder(target, latin=True) + "} "


def fraction(reader: Reader, text: str, i: int, out: list[str]) -> int:
    """``\\frac`` whose arguments start at ``text[i]``: a derivative or a plain fraction."""
    numerator, j = read_group(text, i)
    denominator, end = read_group(text, j)
    num, den = _unbraced(numerator), _unbraced(denominator)
    differential = _DIFFERENTIAL.match(den)
    leading = _LEADING.match(num)
    if differential and leading:
        if differential.group(2) or num[leading.end():].lstrip().startswith("^"):
            return _second(reader, numerator, denominator, out, end)
        reader.remove(leading.group(0) + " " + differential.group(1), "the d of a differential")
        head = operator(reader, den[differential.end():])
        body = _called_at_target(reader, num[leading.end():].strip(),
                                 den[differential.end():].strip())
        out.append(head if not body else "(" + head + "(" + reader.rewrite(body) + "))")
        return end
    out.append("\\frac{" + reader.rewrite(numerator) + "}{" + reader.rewrite(denominator) + "}")
    return end


def _called_at_target(reader: Reader, body: str, target: str) -> str:
    r"""``\frac{\partial \phi}{\partial X}`` of a declared function of one argument, written
    without it: the function at the variable it is differentiated by (``\phi(X)``), the only
    reading in which the derivative is not 0 or undefined; anything else as written."""
    lexicon = reader.context.lexicon
    found = lexicon.lookup(body, (0, 0), "") if re.fullmatch(r"\\?[A-Za-z]+", body) else None
    if found is None or found[0].kind != "definition" or found[0].style != "function" or \
            found[0].params != 1 or found[1]:
        return body
    variable = lexicon.lookup(_unbraced(target), (0, 0), "")
    if variable is None or variable[0].kind != "symbol" or variable[1] or \
            variable[0].name in mentioned(found[0].name, reader.context.notation, set()):
        # h_\theta(x) := \sigma(\theta^T x) by \theta: the function depends on the variable
        # itself, not through its argument; which argument is meant is not said
        return body
    return body + "(" + target + ")"


_SECOND_TOP = re.compile(r"^(\\partial(?![A-Za-z])|d)\s*\^\s*(?:\{\s*2\s*\}|2)")
_SQUARED = re.compile(r"^(\\partial(?![A-Za-z])|d)\s*(.+?)\s*\^\s*(?:\{\s*2\s*\}|2)$")
_PARTIAL = re.compile(r"\\partial(?![A-Za-z])")
_LAYOUT_T = re.compile(r"\s*\^\s*\{\s*T\s*\}\s*$")


def _second(reader: Reader, numerator: str, denominator: str, out: list[str],
            end: int) -> int:
    r"""A second derivative: ``\frac{\partial^2 f}{\partial x_i \partial x_j}``,
    ``\frac{\partial^2 L}{\partial w \partial w^T}`` (the Hessian: the ``^T`` says its layout),
    ``\frac{d^2 f}{dx^2}``, ``\frac{\partial^2}{\partial w^2} L``: the derivative by the first
    of the derivative by the second.  Any other order or form is refused."""
    source = "\\frac{" + numerator + "}{" + denominator + "}"
    num, den = _unbraced(numerator), _unbraced(denominator)
    top = _SECOND_TOP.match(num)
    if top is None:
        raise LatexProblem(source, "derivatives of order other than 2 are not read")
    squared = _SQUARED.match(den)
    parts = [p.strip() for p in _PARTIAL.split(den)]
    if squared is not None and squared.group(1) == top.group(1) and \
            not _PARTIAL.search(squared.group(2)):
        targets = [squared.group(2), squared.group(2)]
    elif top.group(1) == "\\partial" and len(parts) == 3 and not parts[0] and all(parts[1:]):
        targets = [parts[1], _LAYOUT_T.sub("", parts[2])]
    else:
        raise LatexProblem(source, "a second derivative's denominator is read as "
                           "\\partial x \\partial y or \\partial x^2 only")
    reader.remove(top.group(0), "the d and the order of a second derivative")
    if squared is not None:
        reader.remove(squared.group(1) + " 2", "the d and the order of a second derivative")
    heads = [operator(reader, target) for target in targets]
    body = num[top.end():].strip()
    if not body:
        out.append(heads[0] + heads[1])
        return end
    out.append("(" + heads[0] + "(" + heads[1] + "(" + reader.rewrite(body) + ")))")
    return end


def _unbraced(text: str) -> str:
    """``{dx}`` -> ``dx``: braces around a whole argument (``\\frac{d}{{dx}}``, as some
    editors write every group) say nothing."""
    text = text.strip()
    while text.startswith("{") and read_group(text, 0)[1] == len(text):
        text = text[1:-1].strip()
    return text


def prime(reader: Reader, text: str, i: int, close: int, out: list[str]) -> int:
    """``(F)'`` with ``(`` at ``i`` and ``)`` at ``close``: ``Deriv(F, chain variable)``."""
    target = reader.context.prime_target
    if target is None:
        raise LatexProblem(text[i:close + 2][-40:], "(...)' but the chain does not start "
                           "with a derivative to take its variable from")
    inner = reader.sub_expr(text[i + 1:close], text[i:close + 2])
    out.append("(" + reader.placeholder(E.Deriv(inner, target)) + ")")
    return close + 2


def primed_call(reader: Reader, spelled: str, primes: int, items: list[str], text: str, i: int,
                j: int) -> tuple[Atom, int] | None:
    """``f'(x)`` with the name at ``text[i:j]`` (``spelled`` without its primes): the derivative
    of the declared one-argument function ``f`` at a declared scalar variable ``x``.  None when
    ``spelled`` is not declared (the caller says so); refused, with the reason, for a prime on
    anything else."""
    found = reader.context.lexicon.lookup(spelled, (len(items), 0), "")
    if found is None:
        return None
    entry, token = found[0], text[i:j]
    written = spelled + "'" * primes
    notation = reader.context.notation
    if entry.kind == "definition" and entry.style == "constant" and primes == 1 and \
            not items:
        variable = _only_variable(notation, entry.name)
        if variable is not None:
            # u' with u := e^x and x the notation's one scalar variable: du/dx
            return Atom(E.Deriv(E.value_symbol(entry.name), E.value_symbol(variable)), 0), j
    if not (entry.kind == "definition" and entry.style == "function"):
        what = ("a vector or a matrix" if entry.shape else "a family" if entry.family else
                "a symbol") if entry.kind == "symbol" else {
                    "indexed": "an indexed definition", "constant": "a defined constant"}.get(
                    entry.style, f"an {entry.kind}")
        transpose = " (a prime is read as a transpose only before what it multiplies: " \
            f"{spelled}'X, {spelled}'y)" if what == "a vector or a matrix" else ""
        raise LatexProblem(token, f"a prime on {what} ({written}): neither "
                           "a derivative (by which variable?) nor a transpose (write ^T) is "
                           f"read{transpose}; write \\frac{{d}}{{dx}} of it")
    if primes > 1:
        raise LatexProblem(token, f"{written}: second and higher derivatives "
                           "of a function are not read")
    if entry.params != 1 or items:
        raise LatexProblem(token, f"{spelled}' of a function of {entry.params} arguments "
                           f"({len(items)} of them as subscripts): which partial derivative? "
                           "write \\frac{\\partial}{\\partial x} of the call")
    k = j
    while text[k:k + 1] == " ":
        k += 1
    if text[k:k + 1] != "(":
        raise LatexProblem(token, f"{spelled}' without its argument: write {spelled}'(x)")
    atom, end = call(reader, entry, [], text, j, token)
    argument = atom.expr.args[0]
    definition = notation.definitions.get(entry.name)
    slope = abstract_derivative(entry.name)
    if definition is not None and definition.abstract and slope in notation.definitions:
        # f'(u) of any function f ('body: any'): its derivative at u, whatever u is
        applied = sp.Function(slope)(argument)
        return Atom(applied, products.rank_of(applied, notation)), end
    why = _not_a_variable(argument, entry.name, notation)
    if why is not None:
        at_point = _derivative_at(atom.expr, argument, entry.name, notation)
        if at_point is not None:
            return Atom(at_point, products.rank_of(at_point, notation)), end
        raise LatexProblem(text[i:end], f"{spelled}'(...) is read only at one declared scalar "
                           f"variable: {why}; write \\frac{{d}}{{dt}} of it")
    return Atom(E.Deriv(atom.expr, argument), 0), end


def _derivative_at(applied: sp.Expr, argument: sp.Expr, function: str,
                   notation: Notation) -> sp.Expr | None:
    r"""``f'(u)`` where ``u`` is not a declared scalar variable: of a vector ``u`` (``\sigma'(z)``,
    ``\sigma'(W x)``), the vector of ``f'`` at its entries; of an inner product ``w^T x``, the
    derivative at that value.  Each is a derivative by a stand-in for the argument (the
    concretization's intermediate variable), so only where ``f``'s definition mentions none of
    the argument's names (else the stand-in would replace those too) and the argument is a
    node the stand-in can take (an entry, an inner product).  None otherwise."""
    names = {str(s.base.label) if isinstance(s, sp.Indexed) else str(s)
             for s in argument.atoms(sp.Symbol, sp.Indexed)}
    if names & mentioned(function, notation, set()):
        return None
    rank = products.rank_of(argument, notation)
    if rank == 0 and isinstance(argument, E.Dot):
        return E.Deriv(applied, argument)
    if rank != 1 or products.takes_whole(function, notation):
        return None   # f'(\beta) of a function of the vector \beta: its gradient, not read
    shape = products.shape_of(argument, notation)
    if shape is None or shape[0] is None or shape[1] != "1":
        return None
    letters = [name for name, size in notation.indices.items() if size == shape[0]]
    free = {str(s) for s in argument.free_symbols}
    letters = [name for name in letters if name not in free]
    if not letters:
        return None
    index = E.index_symbol(letters[-1])
    entry = E.Entry(argument, index)
    return E.VecOf(E.Deriv(applied.func(entry), entry), index, sp.Integer(1),
                   E.size_symbol(shape[0]))


def _not_a_variable(argument: sp.Expr, function: str, notation: Notation) -> str | None:
    """Why ``Deriv(function(argument), argument)`` is not the derivative of ``function`` at
    ``argument``, or None."""
    if isinstance(argument, sp.Indexed):
        name = str(argument.base.label)
        decl = notation.symbols.get(name)
        scalar = decl is not None and len(argument.indices) == len(decl.family) + decl.rank
    elif isinstance(argument, sp.Symbol):
        name = argument.name
        decl = notation.symbols.get(name)
        scalar = decl is not None and not decl.family and not decl.shape
    else:
        return "its argument is an expression"
    if not scalar or decl is None:
        return f"{name!r} is not a declared scalar"
    if decl.kind not in ("real", "positive"):
        return f"{name!r} is a {decl.kind}, not a real variable"
    if name in mentioned(function, notation, set()):
        return f"the definition of {function!r} mentions {name!r} itself"
    return None


def _only_variable(notation: Notation, definition: str) -> str | None:
    """The one scalar symbol the notation declares, when the defined constant ``definition``
    depends on it (``u := e^x``, ``x`` alone declared): what ``u'`` differentiates by.  None
    when there are others (which one?) or the constant does not depend on it."""
    scalars = [name for name, symbol in notation.symbols.items()
               if not symbol.shape and not symbol.family]
    if len(scalars) != 1 or scalars[0] not in mentioned(definition, notation, set()):
        return None
    return scalars[0]


def mentioned(definition: str, notation: Notation, seen: set[str]) -> set[str]:
    """The declared symbols a definition's body mentions, through the definitions it uses;
    its own parameters are not symbols."""
    if definition in seen or definition not in notation.definitions:
        return set()
    seen.add(definition)
    declared = notation.definitions[definition]
    names: set[str] = set()
    for node in sp.preorder_traversal(declared.body):
        if isinstance(node, sp.Symbol | sp.IndexedBase | AppliedUndef):
            name = str(node.label) if isinstance(node, sp.IndexedBase) else \
                type(node).__name__ if isinstance(node, AppliedUndef) else str(node)
            if name not in declared.params:
                names |= {name} | mentioned(name, notation, seen)
    return names
