"""Candidate explanations of a refuted line, each a claim that holds exactly when the
explanation is right.  Nothing here decides anything: :mod:`verify.grade.diagnoses` checks the
candidates at the checked sizes and keeps those that hold.

For a line ``after`` that does not follow from ``before``:

* a factor: ``c * before == after`` for c in -1, 2, 1/2, and each size S, 1/S, -S, -1/S;
* a term of ``before`` (any addend, at any depth): dropped, its sign flipped, counted twice;
* two index letters of ``after`` swapped (outside the summation limits), or the two indices of
  one component swapped (``C[l, m]`` for ``C[m, l]``);
* a transpose missing (or one too many) in a matrix product of ``after``;
* an assumption: the step holds for one sample (a size pinned to 1), only when two free indices
  are equal, or differ, for one-hot labels, or where a one-hot entry ``y_j`` is 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import sympy as sp

from verify.check.concretize import free_indices, sizes_used
from verify.core.limits import CANDIDATE_SWAPS, CANDIDATE_TERMS
from verify.grade.results import Kind
from verify.model import expr as E
from verify.model.notation import Notation
from verify.model.reading import plain


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
               labels: tuple[str, ...] = ()) -> list[Candidate]:
    found = [*_factors(before, after, notation), *_terms(before, after),
             *_swaps(before, after, notation), *_transposes(before, after),
             *_assumptions(before, after, notation, labels)]
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


# ---- factors ------------------------------------------------------------------------------
def _factors(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    yield Candidate(Kind.SIGN, "the sign is flipped: this line is -1 times the line before",
                    -before, after)
    values: list[sp.Expr] = [sp.Integer(2), sp.Rational(1, 2), sp.Integer(-2),
                             sp.Rational(-1, 2)]
    for name in sorted(sizes_used(before, notation) | sizes_used(after, notation)):
        if len(notation.sizes.get(name, ())) < 2:
            continue  # checked at one value only: a factor n = 2 cannot be told from 2
        size = E.size_symbol(name)
        values += [size, 1 / size, -size, -1 / size]
    for value in values:
        shown, inverse = plain(value), plain(1 / value)
        yield Candidate(Kind.FACTOR, f"this line is {shown} times the line before: a factor "
                                     f"{inverse} was lost (or {shown} added)",
                        value * before, after)


# ---- terms --------------------------------------------------------------------------------
def _terms(before: sp.Expr, after: sp.Expr) -> Iterator[Candidate]:
    for add, term in itertools.islice(_addends(before), CANDIDATE_TERMS):
        shown = plain(term)
        for kind, replacement, words in (
                (Kind.DROPPED_TERM, add - term, f"the term {shown} of the line before is "
                                                "missing (dropped)"),
                (Kind.TERM_SIGN, add - 2 * term, f"the term {shown} of the line before "
                                                 "changed sign"),
                (Kind.DOUBLED_TERM, add + term, f"the term {shown} of the line before is "
                                                "counted twice")):
            yield Candidate(kind, words, before.xreplace({add: replacement}), after)


def _addends(node: sp.Basic) -> Iterator[tuple[sp.Expr, sp.Expr]]:
    """(Add node, one of its terms), outermost first, each pair once."""
    queue, seen = [node], set()
    while queue:
        current = queue.pop(0)
        if isinstance(current, sp.Add):
            for term in current.args:
                if (current, term) not in seen:
                    seen.add((current, term))
                    yield current, term
        queue.extend(a for a in current.args if isinstance(a, sp.Basic))


# ---- indices ------------------------------------------------------------------------------
def _swaps(before: sp.Expr, after: sp.Expr, notation: Notation) -> Iterator[Candidate]:
    letters = sorted({s.name for s in after.atoms(sp.Symbol) if s.name in notation.indices})
    pairs = [(a, b) for a, b in itertools.combinations(letters, 2)
             if notation.indices[a] == notation.indices[b]]
    for a, b in pairs[:CANDIDATE_SWAPS]:
        swapped = _swap_letters(after, E.index_symbol(a), E.index_symbol(b))
        yield Candidate(Kind.SWAPPED_INDICES, f"the indices {a} and {b} are swapped",
                        before, swapped)
    for node in sorted(after.atoms(sp.Indexed), key=sp.srepr):
        for first, second in itertools.combinations(range(len(node.indices)), 2):
            x, y = node.indices[first], node.indices[second]
            if isinstance(x, sp.Symbol) and isinstance(y, sp.Symbol) and x != y and \
                    notation.indices.get(x.name, "?") == notation.indices.get(y.name, "!"):
                items = list(node.indices)
                items[first], items[second] = y, x
                fixed = node.base[tuple(items)]
                yield Candidate(Kind.SWAPPED_INDICES, f"the indices of {plain(node)} are "
                                                      f"swapped ({plain(fixed)} is meant)",
                                before, after.xreplace({node: fixed}))


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
    if not node.args:
        return node
    return node.func(*(_swap_letters(arg, a, b) for arg in node.args))


def _transposes(before: sp.Expr, after: sp.Expr) -> Iterator[Candidate]:
    for product in sorted(after.atoms(E.MatProd), key=sp.srepr):
        matrix = product.args[0]
        if isinstance(matrix, E.Transposed):
            fixed, words = matrix.args[0], f"a transpose too many: {plain(matrix)} " \
                                           f"should be {plain(matrix.args[0])}"
        else:
            fixed, words = E.Transposed(matrix), f"a transpose is missing: " \
                                                 f"{plain(matrix)} should be its transpose"
        yield Candidate(Kind.MISSING_TRANSPOSE, words, before,
                        after.xreplace({product: E.MatProd(fixed, product.args[1])}))


# ---- assumptions --------------------------------------------------------------------------
def _assumptions(before: sp.Expr, after: sp.Expr, notation: Notation,
                 labels: tuple[str, ...]) -> Iterator[Candidate]:
    for name in sorted(sizes_used(before, notation) | sizes_used(after, notation)):
        values = notation.sizes.get(name, ())
        if len(values) > 1 and min(values) == 1:
            yield Candidate(Kind.ONE_SAMPLE, f"it holds only when {name} = 1 (one sample): a "
                                             "sum over the samples was dropped or collapsed",
                            before, after, sizes={name: (1,)})
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
            yield Candidate(Kind.LABELS_ONE_HOT, f"it holds only when the labels {name} are "
                                                 "one-hot (entries summing to one)",
                            before, after, one_hot=name)
    yield from _label_zero(before, after, notation, free)


def _label_zero(before: sp.Expr, after: sp.Expr, notation: Notation,
                free: list[str]) -> Iterator[Candidate]:
    """Both sides times (1 - y_j): equal exactly when the step holds wherever y_j = 0."""
    for name, decl in sorted(notation.symbols.items()):
        if decl.kind != "onehot" or decl.family or len(decl.shape) != 1:
            continue
        for letter in free:
            if notation.indices[letter] == decl.shape[0]:
                entry = E.family(name)[E.index_symbol(letter)]
                yield Candidate(Kind.LABEL_ZERO, f"it holds only when {name}_{letter} = 0: it "
                                                 f"fails where that one-hot entry is 1",
                                (1 - entry) * before, (1 - entry) * after)
