"""Candidate explanations of a refuted step, each a claim that holds exactly when the
explanation is right.  Nothing here decides anything: :mod:`verify.verdict.explain` checks the
candidates at the checked sizes and keeps those the exact test proves.

For a line ``after`` that does not follow from ``before``:

* a factor: ``c * before == after`` for c in -1, 2, 1/2, 3, 1/3 (and their negatives), each
  size S, 1/S, -S, -1/S, and each declared scalar s, 1/s;
* a term of ``before`` (any addend, at any depth): dropped, its sign flipped, counted twice;
  a term of ``after`` that is extra;
* a derivative of ``before``: the chain rule's inner derivative missing (``d f(u) / d v``
  written as ``d f / d u``), the product rule with one of its terms missing;
* two index letters of ``after`` swapped (outside the summation limits), the two indices of
  one component swapped (``C[l, m]`` for ``C[m, l]``), or one component's index written for
  another (``x_k`` for ``x_j``);
* a transpose missing (or one too many) in a matrix product of ``after``;
* the brackets lost: a factor of one term of a sum of ``after`` that should multiply the
  whole sum;
* a function's argument or a power's exponent changed: a value ``f(u)`` (or ``b^u``) of
  ``after`` written for a ``f(v)`` (``b^v``) of ``before`` (``e^{x^2}`` for ``e^{-3x^2}``);
* an assumption: the step holds for one sample (a size pinned to 1), only when two free indices
  are equal, or differ, for one-hot labels, or where a one-hot entry ``y_j`` is 0;
* an equation: ``before - after == c * Z`` for an expression ``Z`` the document sets to 0
  (a chain with a line ``0``) and c in 1, -1, 2, -2, 1/2, -1/2, or ``c * (before - after) ==
  Z * d`` for Z's denominator d and c one of those or a size: the step holds exactly where
  ``Z = 0``, an equation being solved (a gradient set to zero), not a step that follows.

Every text is written in mathematics (:func:`verify.model.reading.plain`: ``$...$`` LaTeX
from the expression model), never in SymPy's syntax.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from verify.check.concretize import free_indices, sizes_used
from verify.core.limits import (
    CANDIDATE_DERIVATIVES,
    CANDIDATE_INDICES,
    CANDIDATE_SWAPS,
    CANDIDATE_SYMBOLS,
    CANDIDATE_TERMS,
)
from verify.model import expr as E
from verify.model.notation import Notation
from verify.model.reading import plain, reading
from verify.verdict.kinds import Kind, factor_text


@dataclass(frozen=True)
class Candidate:
    kind: Kind
    text: str
    before: sp.Expr
    after: sp.Expr
    sizes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # sizes pinned
    where: tuple[sp.Basic, ...] = ()       # extra conditions on the free indices
    one_hot: str | None = None             # a label symbol taken as one-hot


def candidates(before: sp.Expr, after: sp.Expr, notation: Notation,
               labels: tuple[str, ...] = (),
               zeros: tuple[tuple[sp.Expr, int], ...] = ()) -> list[Candidate]:
    """``zeros``: the expressions the document sets to 0 before the step, with their lines."""
    found = [*_factors(before, after, notation), *_terms(before, after, notation),
             *_derivatives(before, after, notation), *_swaps(before, after, notation),
             *_indices(before, after, notation), *_symbols(before, after, notation),
             *_sums_kept(before, after, notation), *_transposes(before, after, notation),
             *_arguments(before, after, notation), *_brackets(before, after, notation)]
    # Two slips at once, the commonest pair: one of the above and the whole sign.
    found += [Candidate(c.kind, f"{c.text}, and the sign of the whole line is flipped",
                        -c.before, c.after) for c in found[:SIGNED_CANDIDATES]
              if c.kind in SIGNED_KINDS]
    found += _assumptions(before, after, notation, labels)
    found += _equations(before, after, notation, zeros)
    unique: dict[tuple[object, ...], Candidate] = {}
    for candidate in found:
        if candidate.before == before and candidate.after == after and \
                not (candidate.sizes or candidate.where or candidate.one_hot):
            continue  # no change: it would only repeat the refuted claim
        # SymPy's structural equality and hash, not srepr texts (which cost more than the
        # rest of the candidate search)
        unique.setdefault((candidate.before, candidate.after,
                           tuple(sorted(candidate.sizes.items())), candidate.where,
                           candidate.one_hot), candidate)
    return list(unique.values())


SIGNED_KINDS = frozenset({Kind.DROPPED_TERM, Kind.EXTRA_TERM, Kind.DOUBLED_TERM,
                          Kind.CHAIN_RULE, Kind.PRODUCT_RULE, Kind.SWAPPED_INDICES,
                          Kind.WRONG_INDEX, Kind.WRONG_SYMBOL, Kind.SUM_KEPT,
                          Kind.MISSING_TRANSPOSE, Kind.ARGUMENT, Kind.EXPONENT,
                          Kind.BRACKETS})
SIGNED_CANDIDATES = 200       # candidates looked at for a sign flipped besides
SCALED_ARGUMENTS = 4          # function values of a line whose argument is tried scaled
SMALL_FACTOR_OPERATIONS = 3   # a factor of a line tried as lost or extra: e^{x}, 2 x, x^2
CANDIDATE_ZEROS = 4           # expressions set to 0 tried (the nearest before the step first)


def _math(expr: sp.Basic, notation: Notation) -> str:
    """``$...$``: an expression of the step in the document's spellings (the texts are kept
    under keys that hold the notation's names)."""
    return f"${reading(expr, notation)}$"


# ---- factors ------------------------------------------------------------------------------
def _factors(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    def show(value: sp.Basic) -> str:
        return _math(value, notation)
    yield Candidate(Kind.SIGN, factor_text(sp.Integer(-1)), -before, after)
    values: list[sp.Expr] = [sp.Integer(2), sp.Rational(1, 2), sp.Integer(-2),
                             sp.Rational(-1, 2), sp.Integer(3), sp.Rational(1, 3)]
    for name in sorted(sizes_used(before, notation) | sizes_used(after, notation)):
        if len(notation.sizes.get(name, ())) < 2:
            continue  # checked at one value only: a factor n = 2 cannot be told from 2
        size = E.size_symbol(name)
        values += [size, 1 / size, -size, -1 / size]
    used = before.free_symbols | after.free_symbols
    scalars = [E.value_symbol(name) for name, decl in sorted(notation.symbols.items())
               if not decl.shape and not decl.family and decl.kind in ("real", "positive")
               and E.value_symbol(name) in used]
    for symbol in scalars[:CANDIDATE_SYMBOLS]:
        values += [symbol, 1 / symbol]
    # A factor of one line that the other lacks (a numerator 4 e^{x} for 4): each small factor
    # of either line's top product, not a number (the constants above cover those) nor a sum
    # (that the step drops a whole sum is rather what makes it fail, as for one-hot labels).
    factors = [f for line in (after, before) for f in sp.Mul.make_args(line)
               if not f.is_number and not f.has(E.Deriv, sp.Sum, sp.Product)
               and sp.count_ops(f) <= SMALL_FACTOR_OPERATIONS]
    for factor in list(dict.fromkeys(factors))[:CANDIDATE_SYMBOLS]:
        values += [factor, 1 / factor]
    for value in list(dict.fromkeys(values)):
        yield Candidate(Kind.FACTOR, factor_text(value, show), value * before, after)


# ---- equations ----------------------------------------------------------------------------
EQUATION_FACTORS = (sp.Integer(1), sp.Integer(-1), sp.Integer(2), sp.Integer(-2),
                    sp.Rational(1, 2), sp.Rational(-1, 2))


def _equations(before: sp.Expr, after: sp.Expr, notation: Notation,
               zeros: tuple[tuple[sp.Expr, int], ...]) -> Iterator[Candidate]:
    """The step ``before = after`` is ``c Z = 0`` for an expression ``Z`` the document set to
    0 (``0 = g``, then ``a = b`` with ``a - b = g``): it holds where ``Z = 0`` and nowhere
    else (c is not 0), the equation the source solves rather than an identity."""
    for zero, line in zeros[:CANDIDATE_ZEROS]:
        words = (f"this is an equation, not an identity: it holds where "
                 f"{_math(zero, notation)[:-1]} = 0$ (set to $0$ at line {line})")
        for value in EQUATION_FACTORS:
            yield Candidate(Kind.EQUATION, words, before - after, value * zero)
        # Solved by clearing denominators (g = a/phi - b/(1 - phi) = 0, then phi = a/n):
        # c (before - after) = g d for g's denominator d, never 0 where g is defined, and c a
        # number or a size (never 0), so again the step holds exactly where g = 0.
        try:
            denominator = sp.denom(sp.together(zero))
        except (TypeError, ValueError, RecursionError):   # a form together cannot take
            continue
        sizes = sorted(sizes_used(before, notation) | sizes_used(after, notation) |
                       sizes_used(zero, notation))
        values = [*(EQUATION_FACTORS if denominator != 1 else ()),
                  *(sign * E.size_symbol(name) for name in sizes for sign in (1, -1))]
        for value in values:
            yield Candidate(Kind.EQUATION, words, value * (before - after), zero * denominator)


# ---- terms --------------------------------------------------------------------------------
def _terms(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    for add, term in itertools.islice(_addends(before), CANDIDATE_TERMS):
        shown = _math(term, notation)
        for kind, replacement, words in (
                (Kind.DROPPED_TERM, add - term, f"the term {shown} of the line before is "
                                                "missing (dropped)"),
                (Kind.TERM_SIGN, add - 2 * term, f"the term {shown} of the line before "
                                                 "changed sign"),
                (Kind.DOUBLED_TERM, add + term, f"the term {shown} of the line before is "
                                                "counted twice")):
            yield Candidate(kind, words, before.xreplace({add: replacement}), after)
    for add, term in itertools.islice(_addends(before), CANDIDATE_TERMS):
        for value in _term_factors(before, after, notation):
            shown, inverse = _math(value, notation), _math(1 / value, notation)
            yield Candidate(Kind.FACTOR, f"in the term {_math(term, notation)} of the line "
                                         f"before, a factor {inverse} was lost (or {shown} "
                                         "added)",
                            before.xreplace({add: add - term + value * term}), after)
    for add, term in itertools.islice(_addends(after), CANDIDATE_TERMS):
        yield Candidate(Kind.EXTRA_TERM, f"the term {_math(term, notation)} of this line is "
                                         "extra (it does not come from the line before)",
                        before, after.xreplace({add: add - term}))


def _term_factors(before: sp.Expr, after: sp.Expr, notation: Notation) -> list[sp.Expr]:
    """The factors one term may have lost or gained: 2, 1/2 and each size checked at two
    values or more and its inverse: a 1/N dropped from the data term, kept on the penalty."""
    values: list[sp.Expr] = [sp.Integer(2), sp.Rational(1, 2)]
    for name in sorted(sizes_used(before, notation) | sizes_used(after, notation)):
        if len(notation.sizes.get(name, ())) >= 2:
            values += [E.size_symbol(name), 1 / E.size_symbol(name)]
    return values


def _addends(node: sp.Basic) -> Iterator[tuple[sp.Expr, sp.Expr]]:
    """(Add node, one of its terms), outermost first, each pair once; not the ``1 - [k = j]``
    by which a sum leaves out an index value (:func:`verify.model.expr.sum_over`): the reader
    wrote that, not the student."""
    queue, seen = [node], set()
    while queue:
        current = queue.pop(0)
        if isinstance(current, sp.Add) and not _skip_factor(current):
            for term in current.args:
                if (current, term) not in seen:
                    seen.add((current, term))
                    yield current, term
        queue.extend(a for a in current.args if isinstance(a, sp.Basic))


def _skip_factor(node: sp.Add) -> bool:
    return len(node.args) == 2 and sp.S.One in node.args and \
        any(isinstance(-a, sp.KroneckerDelta) for a in node.args)


# ---- derivatives --------------------------------------------------------------------------
def _derivatives(before: sp.Expr, after: sp.Expr, notation: Notation
                 ) -> Iterator[Candidate]:
    """The chain rule without its inner derivative, and the product rule with a term
    missing, for each derivative of the line before (outermost first)."""
    derivatives = sorted(before.atoms(E.Deriv), key=lambda d: -sp.count_ops(d))
    for node in derivatives[:CANDIDATE_DERIVATIVES]:
        body, variable = node.args
        yield from _chain_rule(before, after, node, body, variable, notation)
        yield from _product_rule(before, after, node, body, variable, notation)


def _chain_rule(before: sp.Expr, after: sp.Expr, node: sp.Expr, body: sp.Expr,
                variable: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    """``d f(u) / d v`` taken as ``d f / d u``: right exactly when the inner derivative
    ``d u / d v`` was left out (``f`` depends on ``v`` only through ``u``)."""
    inner: list[sp.Expr] = []
    for applied in sorted(body.atoms(sp.Function), key=sp.srepr):
        if isinstance(applied, E.OPERATORS) or len(applied.args) != 1:
            continue   # a function of a scalar (exp, log, a defined one), not tr or a norm
        (argument,) = applied.args
        if argument == variable or not argument.has(variable) or argument in inner or \
                isinstance(argument, sp.Symbol | sp.Indexed):
            continue
        stand_in = sp.Dummy("u")
        if body.xreplace({argument: stand_in}).has(variable):
            continue   # v also appears outside u: d f / d u is not the slip
        inner.append(argument)
    for argument in inner:
        missing = E.Deriv(argument, variable)
        yield Candidate(Kind.CHAIN_RULE, f"the chain rule's inner derivative "
                                         f"{_math(missing, notation)} "
                                         "is missing",
                        before.xreplace({node: E.Deriv(body, argument)}), after)


def _product_rule(before: sp.Expr, after: sp.Expr, node: sp.Expr, body: sp.Expr,
                  variable: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    if not isinstance(body, sp.Mul):
        return
    factors = [f for f in body.args if f.has(variable)]
    if len(factors) < 2:
        return
    constant = sp.Mul(*(f for f in body.args if not f.has(variable)))
    terms = [constant * sp.Mul(*(g for g in factors if g is not f)) * E.Deriv(f, variable)
             for f in factors]
    for number, term in enumerate(terms):
        kept = sp.Add(*(t for n, t in enumerate(terms) if n != number))
        yield Candidate(Kind.PRODUCT_RULE, f"the product rule's term "
                                           f"{_math(term, notation)} is missing",
                        before.xreplace({node: kept}), after)


# ---- indices ------------------------------------------------------------------------------
def _swaps(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    letters = sorted({s.name for s in after.atoms(sp.Symbol) if s.name in notation.indices})
    pairs = [(a, b) for a, b in itertools.combinations(letters, 2)
             if notation.indices[a] == notation.indices[b]]
    for a, b in pairs[:CANDIDATE_SWAPS]:
        x, y = E.index_symbol(a), E.index_symbol(b)
        swapped = _swap_letters(after, x, y)
        yield Candidate(Kind.SWAPPED_INDICES, f"the indices {_math(x, notation)} and "
                                              f"{_math(y, notation)} are swapped",
                        before, swapped)
    for node in sorted(after.atoms(sp.Indexed), key=sp.srepr):
        for first, second in itertools.combinations(range(len(node.indices)), 2):
            x, y = node.indices[first], node.indices[second]
            if isinstance(x, sp.Symbol) and isinstance(y, sp.Symbol) and x != y and \
                    notation.indices.get(x.name, "?") == notation.indices.get(y.name, "!"):
                items = list(node.indices)
                items[first], items[second] = y, x
                fixed = node.base[tuple(items)]
                yield Candidate(Kind.SWAPPED_INDICES,
                                f"the indices of {_math(node, notation)} are swapped "
                                f"({_math(fixed, notation)} is meant)",
                                before, after.xreplace({node: fixed}))


def _indices(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    """One component of ``after`` with one index written for another of the same range, a
    letter either line uses (``x_k`` for ``x_j``, ``x_1`` for ``x_n``), or with an index
    missing (``y_j`` for ``y_{ij}``: a component of a family the line before uses)."""
    letters = sorted({s.name for s in (before.atoms(sp.Symbol) | after.atoms(sp.Symbol))
                      if s.name in notation.indices})
    found: list[tuple[sp.Indexed, sp.Indexed]] = []
    for node in sorted(after.atoms(sp.Indexed), key=sp.srepr):
        sizes = _axes(node.base, notation, len(node.indices))
        if sizes is None:
            continue
        for position, index in enumerate(node.indices):
            if not (isinstance(index, sp.Integer) or (isinstance(index, sp.Symbol) and
                                                      index.name in notation.indices)):
                continue
            for other in letters:
                if other != getattr(index, "name", None) and \
                        notation.indices[other] == sizes[position]:
                    items = list(node.indices)
                    items[position] = E.index_symbol(other)
                    found.append((node, node.base[tuple(items)]))
        for base in sorted(before.atoms(sp.IndexedBase), key=sp.srepr):
            axes = _axes(base, notation, len(node.indices) + 1)
            if base == node.base or axes is None or list(axes[1:]) != list(sizes):
                continue
            for other in letters:
                if notation.indices[other] == axes[0]:
                    found.append((node, base[(E.index_symbol(other), *node.indices)]))
    for node, fixed in found[:CANDIDATE_INDICES]:
        yield Candidate(Kind.WRONG_INDEX, f"{_math(node, notation)} is written for "
                                          f"{_math(fixed, notation)}",
                        before, after.xreplace({node: fixed}))


def _symbols(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    """A declared symbol, as the argument of a defined function in ``after``, written for
    another of the same shape (``h(w)`` for ``h(x)``), those the line before uses first."""
    used = {s.name for s in before.free_symbols}
    names = sorted(notation.symbols, key=lambda name: (name not in used, name))
    tried = 0
    for applied in sorted(after.atoms(AppliedUndef), key=sp.srepr):
        for argument in applied.args:
            if not isinstance(argument, sp.Symbol) or argument.name not in notation.symbols:
                continue
            shape = notation.symbols[argument.name]
            for name in names:
                other = notation.symbols[name]
                if name == argument.name or (other.shape, other.family) != (shape.shape,
                                                                            shape.family):
                    continue
                if tried >= CANDIDATE_INDICES:
                    return
                tried += 1
                fixed = applied.xreplace({argument: E.value_symbol(name)})
                yield Candidate(Kind.WRONG_SYMBOL, f"{_math(applied, notation)} is written "
                                                   f"for {_math(fixed, notation)}",
                                before, after.xreplace({applied: fixed}))


def _sums_kept(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    """A sum of ``after`` where the line before has a free letter of the sum's range (the
    ``k`` of ``\\nabla_{w_k}`` of a sum over m): the derivative keeps only that term."""
    free = sorted(free_indices(before, notation) - free_indices(after, notation) or
                  free_indices(before, notation))
    for node in sorted(after.atoms(sp.Sum), key=sp.srepr)[:CANDIDATE_DERIVATIVES]:
        if len(node.limits) != 1:
            continue
        letter = node.limits[0][0]
        for name in free:
            if notation.indices.get(letter.name) != notation.indices[name]:
                continue
            kept = E.index_symbol(name)
            term = _math(kept if letter == kept else sp.Eq(letter, kept, evaluate=False),
                         notation)
            yield Candidate(Kind.SUM_KEPT, f"the sum {_math(node, notation)} is kept: the "
                                           f"derivative leaves only its term {term}",
                            before, after.xreplace({node: node.function.xreplace(
                                {letter: kept})}))


def _axes(base: sp.IndexedBase, notation: Notation, count: int) -> tuple[str, ...] | None:
    """The sizes of a declared symbol's first ``count`` index axes (its family's, then its
    value's), when it is indexed so: all of its family's, or all of them."""
    decl = notation.symbols.get(base.label.name)
    if decl is None:
        return None
    axes = (*decl.family, *decl.shape)
    return axes[:count] if count in (len(decl.family), len(axes)) and count else None


def _swap_letters(node: sp.Basic, a: sp.Symbol, b: sp.Symbol) -> sp.Basic:
    """``a`` and ``b`` exchanged everywhere except in summation limits, so a sum keeps its
    index while its body sees the other letter (a student who wrote y_j for y_k in a sum)."""
    if node == a:
        return b
    if node == b:
        return a
    if isinstance(node, sp.Sum | sp.Product):
        return node.func(_swap_letters(node.function, a, b), *node.limits)
    if isinstance(node, E.VecOf):
        body, index, lower, upper = node.args
        return E.VecOf(_swap_letters(body, a, b), index, lower, upper)
    if isinstance(node, E.MatOf):
        return E.MatOf(_swap_letters(node.args[0], a, b), *node.args[1:])
    if not node.args:
        return node
    return node.func(*(_swap_letters(arg, a, b) for arg in node.args))


def _transposes(before: sp.Expr, after: sp.Expr, notation: Notation
                ) -> Iterator[Candidate]:
    if after.has(E.MatProd, E.Transposed, E.MatInv):   # a matrix, most likely
        yield Candidate(Kind.MISSING_TRANSPOSE, "this line is the transpose of the line before "
                                                "(two layouts mixed)",
                        before, E.Transposed(after))
    for product in sorted(after.atoms(E.MatProd), key=sp.srepr):
        matrix = product.args[0]
        if isinstance(matrix, E.Transposed):
            fixed = matrix.args[0]
            words = f"a transpose too many: {_math(matrix, notation)} should be " \
                    f"{_math(fixed, notation)}"
        else:
            fixed = E.Transposed(matrix)
            words = f"a transpose is missing: {_math(matrix, notation)} should be " \
                    f"{_math(fixed, notation)}"
        yield Candidate(Kind.MISSING_TRANSPOSE, words, before,
                        after.xreplace({product: E.MatProd(fixed, product.args[1])}))


# ---- arguments and exponents --------------------------------------------------------------
# Nodes that hold the structure of a line rather than a function of a value: their arguments
# changing is what the other candidates (transposes, indices, derivatives) describe.
_STRUCTURAL = (E.Deriv, E.Dot, E.MatProd, E.Transposed, E.MatInv, E.VecOf, E.MatOf, E.Entry,
               E.Identity, E.Ones, E.TotalDifferential, E.Hadamard, E.Frobenius)


def _arguments(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    r"""One function value or power of ``after`` written for one the line before has with the
    same function or base and another argument or exponent (``e^{x^2 + 2x}`` for
    ``e^{-3x^2 + 2x}`` in a derivative, ``2\sigma(z) - 1`` for ``2\sigma(2z) - 1``). The
    replacement may use only index letters the replaced node uses, so that a letter bound
    where the line before has it is never brought in free (or bound by another sum)."""
    def key(node: sp.Basic) -> tuple[object, ...] | None:
        if isinstance(node, sp.Pow):
            return ("power", node.base)
        if isinstance(node, sp.Function) and not isinstance(node, _STRUCTURAL):
            return ("function", node.func)
        return None

    def letters(node: sp.Basic) -> set[str]:
        return {s.name for s in node.atoms(sp.Symbol) if s.name in notation.indices}

    def nodes(line: sp.Expr) -> list[sp.Expr]:
        return [node for node in dict.fromkeys(sp.preorder_traversal(line))
                if key(node) is not None and not node.has(E.Deriv)]

    written = nodes(after)
    pairs = [(node, other) for node in nodes(before) for other in written
             if key(other) == key(node) and other != node and letters(node) <= letters(other)]
    # functions' arguments first, then exponents that are expressions, then numbers (a
    # square for a cube is rarer a slip than a changed exponent of e)
    pairs.sort(key=lambda pair: (isinstance(pair[0], sp.Pow),
                                 isinstance(pair[0], sp.Pow) and pair[0].exp.is_number))
    for node, other in pairs[:CANDIDATE_INDICES]:
        kind = Kind.EXPONENT if isinstance(node, (sp.Pow, sp.exp)) else Kind.ARGUMENT   # e^u
        what = "the exponent changed" if kind is Kind.EXPONENT else "the argument changed"
        yield Candidate(kind, f"{what}: {_math(other, notation)} is written for "
                              f"{_math(node, notation)}",
                        before, after.xreplace({other: node}))
    # ... or for one the line before does not show: the argument doubled or halved (2\sigma(z)
    # - 1 for 2\sigma(2z) - 1 after a line written with e^z and e^{-z}; never negated: of an
    # odd function that would explain every sign slip again)
    # (not of a logarithm, log(2u) = log 2 + log u, nor under a derivative, which takes the
    # constant away: either would explain a slip by a change that is none)
    calls = [] if before.has(E.Deriv) or after.has(E.Deriv) else [
        node for node in written if isinstance(node, sp.Function) and
        not isinstance(node, (sp.exp, sp.log)) and len(node.args) == 1 and
        not node.args[0].is_number]
    for node in calls[:SCALED_ARGUMENTS]:
        for factor in (sp.Integer(2), sp.Rational(1, 2)):
            scaled = node.func(factor * node.args[0])
            yield Candidate(Kind.ARGUMENT, f"the argument changed: {_math(node, notation)} is "
                                           f"written for {_math(scaled, notation)}",
                            before, after.xreplace({node: scaled}))


# ---- brackets -----------------------------------------------------------------------------
def _brackets(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    r"""A factor of one term of a sum in ``after`` that should multiply the whole sum: the
    brackets lost (``\frac{1}{2s} \operatorname{tr}(A) + \operatorname{tr}(B)`` for
    ``\frac{1}{2s} (\operatorname{tr}(A) + \operatorname{tr}(B))``).  The factors tried:
    what multiplies a sum in the line before (SymPy merges ``x^3 / \sqrt{x}``, so the term
    of ``after`` need not show it), then the term's own factors, or all of them but one."""
    factors: list[sp.Expr] = []
    for product in sorted(before.atoms(sp.Mul), key=sp.count_ops, reverse=True):
        factors += [product / a for a in product.args if isinstance(a, sp.Add)]
        factors += [product / a for a in product.args   # a sum under a trace: tr(A + B)
                    if not isinstance(a, sp.Add) and not a.is_number and a.has(sp.Add)]
    sums = [node for node in sorted(after.atoms(sp.Add), key=sp.count_ops, reverse=True)
            if not node.has(E.Deriv)]
    for node in sums:
        for term in node.args:
            if isinstance(term, sp.Mul):
                cores = [a for a in term.args if not a.is_number]
                factors += [*cores, *(term / core for core in cores if len(term.args) > 2)]
    found = 0
    for factor in dict.fromkeys(factors):
        if factor.is_number or factor.has(E.Deriv):
            continue
        for node in sums:
            for term in node.args:
                inside = term / factor
                if term.is_number or sp.count_ops(inside) > sp.count_ops(term):
                    continue   # the factor is not in that term
                if found >= CANDIDATE_INDICES:
                    return
                found += 1
                rest = node - term
                fixed = sp.Mul(factor, sp.Add(inside, rest, evaluate=False), evaluate=False)
                yield Candidate(Kind.BRACKETS, f"the brackets are lost: "
                                               f"{_math(factor, notation)} multiplies "
                                               f"{_math(inside, notation)} alone, not "
                                               f"{_math(rest, notation)} besides",
                                before, after.xreplace({node: fixed}))


# ---- assumptions --------------------------------------------------------------------------
def _assumptions(before: sp.Expr, after: sp.Expr, notation: Notation,
                 labels: tuple[str, ...]) -> Iterator[Candidate]:
    for name in sorted(sizes_used(before, notation) | sizes_used(after, notation)):
        values = notation.sizes.get(name, ())
        if len(values) > 1 and min(values) == 1:
            one = plain(sp.Eq(E.size_symbol(name), 1, evaluate=False))
            yield Candidate(Kind.ONE_SAMPLE, f"it holds only when {one} (one sample): a "
                                             "sum over the samples was dropped or collapsed",
                            before, after, sizes={name: (1,)})
            found = _as_the_sample(before, after, notation, name)
            if found is not None:
                shown, read = found
                yield Candidate(Kind.ONE_SAMPLE, f"it holds only when {one} (one sample), "
                                                 f"with {shown}: the sum over the samples was "
                                                 "dropped", before, read, sizes={name: (1,)})
    free = sorted(free_indices(before, notation) | free_indices(after, notation))
    for a, b in itertools.combinations(free, 2):
        if notation.indices[a] != notation.indices[b]:
            continue
        x, y = E.index_symbol(a), E.index_symbol(b)
        equal, differ = plain(sp.Eq(x, y, evaluate=False)), plain(sp.Ne(x, y, evaluate=False))
        yield Candidate(Kind.INDEX_EQUAL, f"it holds only when {equal}: the case "
                                          f"{differ} is missing", before, after,
                        where=(sp.Eq(x, y, evaluate=False),))
        yield Candidate(Kind.INDEX_DIFFERENT, f"it holds only when {differ}: the case "
                                              f"{equal} is missing", before, after,
                        where=(sp.Ne(x, y, evaluate=False),))
    used = {s.name for s in (before.free_symbols | after.free_symbols)} | {
        b.name for b in (before.atoms(sp.IndexedBase) | after.atoms(sp.IndexedBase))}
    for name in labels:
        if name in used and notation.symbols[name].kind != "onehot":
            yield Candidate(Kind.LABELS_ONE_HOT, f"it holds only when the labels "
                                                 f"{_math(E.value_symbol(name), notation)} are "
                                                 "one-hot (entries summing to one)",
                            before, after, one_hot=name)
    yield from _label_zero(before, after, notation, free)


def _as_the_sample(before: sp.Expr, after: sp.Expr, notation: Notation,
                   size: str) -> tuple[str, sp.Expr] | None:
    """``after`` with each declared symbol of it that is no family, and that has exactly one
    family over ``size`` of its shape and kind which ``before`` uses, read as that family's
    first member (``z`` as ``z_1``, ``y_k`` as ``y_{1,k}``): the one sample a line keeps when
    it drops the sum over the samples.  The words and the expression; None when none is."""
    used = {b.label.name for b in before.atoms(sp.IndexedBase)}
    names = {s.name for s in after.free_symbols} | {
        b.label.name for b in after.atoms(sp.IndexedBase)}
    swaps: dict[str, str] = {}
    for name in sorted(names):
        decl = notation.symbols.get(name)
        if decl is None or decl.family:
            continue
        matches = [other for other, d in sorted(notation.symbols.items())
                   if d.family == (size,) and (d.shape, d.kind) == (decl.shape, decl.kind)
                   and other in used]
        if len(matches) == 1:
            swaps[name] = matches[0]
    if not swaps:
        return None
    one = sp.Integer(1)
    read = after.replace(
        lambda e: isinstance(e, sp.Indexed) and e.base.label.name in swaps,
        lambda e: E.family(swaps[e.base.label.name])[(one, *e.indices)])
    read = read.xreplace({E.value_symbol(n): E.family(f)[one] for n, f in swaps.items()})
    words = " and ".join(f"{_math(E.value_symbol(n), notation)} for "
                         f"{_math(E.family(f)[one], notation)}" for n, f in swaps.items())
    return words, read


def _label_zero(before: sp.Expr, after: sp.Expr, notation: Notation,
                free: list[str]) -> Iterator[Candidate]:
    """Both sides times (1 - y_j): equal exactly when the step holds wherever y_j = 0."""
    for name, decl in sorted(notation.symbols.items()):
        if decl.kind != "onehot" or decl.family or len(decl.shape) != 1:
            continue
        for letter in free:
            if notation.indices[letter] == decl.shape[0]:
                entry = E.family(name)[E.index_symbol(letter)]
                # "y1_j = 0": the checker's name, which verify.model.reading.spelled_diagnosis
                # writes in the document's spelling ($y_{j} = 0$).
                yield Candidate(Kind.LABEL_ZERO, f"it holds only when {name}_{letter} = 0: it "
                                                 f"fails where that one-hot entry is 1",
                                (1 - entry) * before, (1 - entry) * after)
