r"""Juxtaposed vectors and matrices: ``w_k^T C^{-1} w_k``, ``A x``, ``(C^{-1} + C^{-T}) w_k``,
the outer product ``v v^T``.

SymPy's ``Mul`` is commutative and would reorder the factors, so a run of vector and matrix
names is folded here, in the written order, into ``Dot`` / ``MatProd`` / ``Transposed`` /
``MatInv`` (:mod:`verify.model.expr`) before the parser sees one placeholder for the whole run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sympy as sp
from sympy.core.function import AppliedUndef

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.model.notation import Notation, SymbolDecl
from verify.model.reading import reading
from verify.read.latex.rewrite_base import Atom

Item = tuple[sp.Expr, str]   # a value and its kind: 'col', 'row', 'mat' or 'scalar'


def needs_folding(group: list[Atom]) -> bool:
    """A single plain vector or matrix needs no product: it is emitted as it is."""
    return len(group) > 1 or group[0].transposed or group[0].inverse


def fold(group: list[Atom], notation: Notation | None = None) -> sp.Expr:
    """The product of a run of vectors and matrices (each of rank >= 1), as written; with the
    ``notation``, a product whose declared shapes do not fit is refused in LaTeX terms."""
    if len(group) > 1 and not any(a.transposed or a.rank == 2 for a in group):
        raise LatexProblem(" ".join(str(a.expr) for a in group),
                           "vectors side by side (a transpose is missing?)")
    items = [_item(atom) for atom in group]
    if items[0][1] == "row" and len(items) > 1:
        # a^T (B ... c): the row vector meets the product of everything after it.
        rest, rest_kind = _fold_items(items[1:], notation)
        value, kind = _combine(items[0][0], "row", rest, rest_kind, notation)
    else:
        value, kind = _fold_items(items, notation)
    if kind == "row":
        # w^T X^T, 2 w^T X^T X: a row vector, kept as the transpose of its column.
        return _transposed(value)
    return value


def _transposed(expr: sp.Expr) -> sp.Expr:
    """``A^T``, with ``(A^T)^T`` written ``A``: the row ``w^T X^T`` is ``(X w)^T``."""
    return expr.args[0] if isinstance(expr, E.Transposed) else E.Transposed(expr)


# The size of an identity written without one (I in X^T X + \lambda I), until the terms
# around it tell it (see sized_identities).
UNSIZED = sp.Symbol("unsized", integer=True, positive=True)


def sized_identities(expr: sp.Expr, notation: Notation) -> sp.Expr:
    """``expr`` with each identity written without its size (``I``) given the size of what
    it is added to or multiplied with (``X^T X + \\lambda I``: the columns of ``X``); a
    :class:`LatexProblem` when nothing around it tells."""
    unsized = E.Identity(UNSIZED)
    ones = E.Ones(UNSIZED)
    if not expr.has(unsized) and not expr.has(ones):
        return expr

    def size_for(node: sp.Basic) -> sp.Basic:
        node = _sized_ones(node, ones, notation)
        if isinstance(node, sp.Add):
            shapes = [shape_of(arg, notation) for arg in node.args if not arg.has(unsized)]
            square = {s[0] for s in shapes if s is not None and s[0] == s[1] and s[0] is not None}
            if len(square) == 1 and None not in square:
                size = E.size_symbol(str(square.pop()))
                return node.xreplace({unsized: E.Identity(size)})
        if isinstance(node, E.MatProd):
            left, right = node.args
            if right == unsized and not left.has(unsized):
                shape = shape_of(left, notation)
                if shape is not None and shape[1] not in (None, "1"):
                    return E.MatProd(left, E.Identity(E.size_symbol(shape[1])))
            if left == unsized and not right.has(unsized):
                shape = shape_of(right, notation)
                if shape is not None and shape[0] is not None:
                    return E.MatProd(E.Identity(E.size_symbol(shape[0])), right)
        return node

    resolved = _bottom_up(expr, size_for)
    if resolved.has(ones):
        raise LatexProblem("1", "the length of the vector of ones is not clear here (nothing "
                           "it multiplies or is added to tells): write \\mathbf{1}_n")
    if resolved.has(unsized):
        raise LatexProblem("I", "the size of the identity I is not clear here (nothing square "
                           "is added to it or multiplied with it): write I_n, n its size")
    return resolved


def _sized_ones(node: sp.Basic, ones: sp.Expr, notation: Notation) -> sp.Basic:
    """``node`` with a vector of ones of unknown length given the length of the vector it is
    dotted with (``1^T v``), of what multiplies it (``X^T 1``: the rows of X), or of the
    vectors it is added to."""
    length: str | None = None
    if isinstance(node, E.Dot) and ones in node.args:
        other = node.args[1] if node.args[0] == ones else node.args[0]
        shape = shape_of(other, notation) if not other.has(ones) else None
        length = shape[0] if shape is not None else None
    elif isinstance(node, E.MatProd) and node.args[1] == ones and not node.args[0].has(ones):
        shape = shape_of(node.args[0], notation)
        length = shape[1] if shape is not None else None
    elif isinstance(node, sp.Add) and node.has(ones):
        shapes = [shape_of(arg, notation) for arg in node.args if not arg.has(ones)]
        columns = {s[0] for s in shapes if s is not None and s[1] == "1" and s[0] is not None}
        length = columns.pop() if len(columns) == 1 else None
    if length is None or length == "1":
        return node
    return node.xreplace({ones: E.Ones(E.size_symbol(length))})


def _bottom_up(node: sp.Basic, rule: Callable[[sp.Basic], sp.Basic]) -> sp.Basic:
    if not node.args or isinstance(node, (sp.Symbol, sp.Indexed)):
        return rule(node)
    return rule(node.func(*(_bottom_up(arg, rule) for arg in node.args)))


def column_of(expr: sp.Expr, notation: Notation) -> sp.Expr | None:
    """The column whose transpose the row-vector expression ``expr`` is (``(Xw)^T - y^T`` ->
    ``Xw - y``, ``2 w^T`` -> ``2 w``), or None when ``expr`` is not one: a bracket of rows read
    as the row it is (``(w^T X^T - y^T)(X w - y)``)."""
    if isinstance(expr, E.Transposed):
        inner = expr.args[0]
        return inner if rank_of(inner, notation) == 1 and not _is_row(inner, notation) else None
    if isinstance(expr, sp.Add):
        columns = [column_of(arg, notation) for arg in expr.args]
        return None if any(c is None for c in columns) else sp.Add(*columns)
    if isinstance(expr, sp.Mul):
        vectors = [arg for arg in expr.args if rank_of(arg, notation) >= 1]
        if len(vectors) != 1:
            return None
        column = column_of(vectors[0], notation)
        if column is None:
            return None
        return sp.Mul(*(arg for arg in expr.args if arg is not vectors[0])) * column
    return None


def _is_row(expr: sp.Expr, notation: Notation) -> bool:
    return column_of(expr, notation) is not None


def _fold_items(items: list[Item], notation: Notation | None = None) -> Item:
    value, kind = items[0]
    for item, item_kind in items[1:]:
        value, kind = _combine(value, kind, item, item_kind, notation)
    return value, kind


def _item(atom: Atom) -> Item:
    value = atom.expr
    kind = "col" if atom.rank == 1 else "mat"
    if atom.inverse:
        if kind != "mat":
            raise LatexProblem(str(value), "inverse of a vector")
        value = E.MatInv(value)
    if atom.transposed:
        if kind == "col":
            return value, "row"
        value = E.Transposed(value)
    return value, kind


def _combine(left: sp.Expr, left_kind: str, right: sp.Expr, right_kind: str,
             notation: Notation | None = None) -> Item:
    if notation is not None and not (left_kind == "col" and right_kind == "row") and \
            "scalar" not in (left_kind, right_kind):
        _fits(left, left_kind, right, right_kind, notation)
    if left_kind == "row" and right_kind == "col":
        return E.Dot(left, right), "scalar"
    if left_kind == "row" and right_kind == "mat":
        return E.MatProd(_transposed(right), left), "row"
    if left_kind == "mat" and right_kind in ("col", "mat"):
        return E.MatProd(left, right), right_kind
    if left_kind == "col" and right_kind == "row":
        # a b^T: the outer product, a matrix (the row is kept as its column, see _item).
        return E.MatProd(left, E.Transposed(right)), "mat"
    if left_kind == "scalar":
        return left * right, right_kind
    raise LatexProblem(f"{left} {right}", f"cannot multiply a {left_kind} by a {right_kind}")


def _fits(left: sp.Expr, left_kind: str, right: sp.Expr, right_kind: str,
          notation: Notation) -> None:
    """Refuse, naming both factors in LaTeX with their declared shapes, a product whose inner
    sizes differ (``X`` is n×d and ``X w - y`` is n×1); a shape the notation does not tell is
    left to the concretization."""
    shapes = []
    for value, kind in ((left, left_kind), (right, right_kind)):
        shape = shape_of(value, notation)
        if shape is None:
            return
        shapes.append(("1", shape[0]) if kind == "row" else shape)
    (_, inner_left), (inner_right, _) = shapes
    if inner_left is None or inner_right is None or inner_left == inner_right:
        return
    written = [reading(E.Transposed(v) if k == "row" else v, notation) or str(v)
               for v, k in ((left, left_kind), (right, right_kind))]
    sizes = [f"{a or '?'}\u00d7{b or '?'}" for a, b in shapes]
    raise LatexProblem(f"{written[0]} {written[1]}", f"${written[0]}$ is {sizes[0]} and "
                       f"${written[1]}$ is {sizes[1]}: the product is undefined")


def rank_of(expr: sp.Basic, notation: Notation) -> int:
    """0, 1 or 2: whether a bound expression is a scalar, a vector or a matrix, as far as the
    notation tells (a defined name counts as a scalar).  Used only to see that a bracketed
    group such as ``(C^{-1} + C^{-1T})`` is a matrix that multiplies the vector after it."""
    if isinstance(expr, (E.MatInv, E.Identity, E.Diag)):
        return 2
    if isinstance(expr, E.Hadamard):
        return max(rank_of(arg, notation) for arg in expr.args)
    if isinstance(expr, E.Ones):
        return 1
    if isinstance(expr, (E.Transposed, E.TotalDifferential)):
        return rank_of(expr.args[0], notation)
    if isinstance(expr, E.MatProd):
        if rank_of(expr.args[0], notation) == 1:
            return 2   # a column times a row: an outer product
        return rank_of(expr.args[1], notation)
    if isinstance(expr, E.VecOf):
        return 1
    if isinstance(expr, E.MatOf):
        return 2
    if isinstance(expr, sp.Sum):
        return rank_of(expr.function, notation)
    if isinstance(expr, sp.MatrixBase):
        return 1 if expr.cols == 1 else 2
    if isinstance(expr, sp.Symbol):
        decl = notation.symbols.get(expr.name)
        if decl is None and expr.name in notation.definitions:
            return definition_rank(expr.name, notation)
        return len(decl.shape) if decl is not None else 0
    if isinstance(expr, sp.Indexed):
        decl = notation.symbols.get(str(expr.base.label))
        if decl is None and str(expr.base.label) in notation.definitions:
            return definition_rank(str(expr.base.label), notation)
        if decl is None:
            return 0
        taken = max(0, len(expr.indices) - len(decl.family))
        return max(0, len(decl.shape) - taken)
    if isinstance(expr, (sp.Add, sp.Mul)):
        return max(rank_of(arg, notation) for arg in expr.args)
    if isinstance(expr, AppliedUndef):
        return call_rank(type(expr).__name__, [rank_of(a, notation) for a in expr.args],
                         notation)
    if isinstance(expr, _ENTRYWISE) and len(expr.args) == 1:
        return rank_of(expr.args[0], notation)   # \exp(z): entry by entry
    if isinstance(expr, E.Deriv):
        # a scalar by a vector or matrix has the variable's shape ((\nabla f)^T dX), a vector
        # or matrix by a scalar its own; anything else is left to the concretization
        value, variable = (rank_of(arg, notation) for arg in expr.args)
        return variable if value == 0 else value if variable == 0 else 0
    return 0


# The standard functions, applied entry by entry to a vector (see verify.check.concretize).
_ENTRYWISE = (sp.exp, sp.log, sp.tanh, sp.cosh, sp.sinh)


def call_rank(name: str, argument_ranks: list[int], notation: Notation) -> int:
    """What a call of the declared function ``name`` is: a function of one scalar applied to
    a vector (``\\sigma(X w)``) is a vector, entry by entry, as the concretization evaluates
    it; a function whose body takes its parameter whole (indexes it, multiplies it as a vector
    or matrix, takes its norm) is what its body is."""
    definition = notation.definitions.get(name)
    if definition is None or definition.style != "function":
        return 0
    if takes_whole(name, notation) or len(argument_ranks) != 1:
        if len(argument_ranks) == len(definition.params) and any(argument_ranks):
            # sym(B) := (B + B^T)/2 of a matrix is a matrix: the body's rank with each
            # parameter of its argument's rank (its sizes are the argument's business)
            notation = replace(notation, symbols={**notation.symbols, **{
                param: SymbolDecl(param, shape=("?",) * rank)
                for param, rank in zip(definition.params, argument_ranks, strict=True)}})
        return _rank_within(definition.body, notation, frozenset({name}))
    return argument_ranks[0]


def takes_whole(name: str, notation: Notation) -> bool:
    """Whether the declared function ``name`` takes a parameter as a vector or matrix (its
    body indexes it, multiplies it as one, takes its norm or trace), not entry by entry."""
    definition = notation.definitions.get(name)
    if definition is None:
        return False
    params = {sp.Symbol(p) for p in definition.params} | {sp.Symbol(p, real=True)
                                                           for p in definition.params}
    return any(isinstance(node, sp.Indexed) and str(node.base.label) in definition.params
               for node in sp.preorder_traversal(definition.body)) or any(
        isinstance(node, E.OPERATORS) and bool(node.free_symbols & params)
        for node in sp.preorder_traversal(definition.body))


def definition_rank(name: str, notation: Notation, seen: frozenset[str] = frozenset()) -> int:
    """0, 1 or 2: what a defined constant or indexed value is (``x_n := X_{n,1..d}`` is a
    vector, ``H := X^T X`` a matrix), from its body; a definition met again on the way (a
    cycle, refused elsewhere) counts as a scalar."""
    definition = notation.definitions.get(name)
    if definition is None or definition.style == "function" or name in seen:
        return 0
    return _rank_within(definition.body, notation, seen | {name})


def _rank_within(expr: sp.Basic, notation: Notation, seen: frozenset[str]) -> int:
    if isinstance(expr, (sp.Symbol, sp.Indexed)):
        name = expr.name if isinstance(expr, sp.Symbol) else str(expr.base.label)
        if name in notation.definitions and name not in notation.symbols:
            return definition_rank(name, notation, seen)
        return rank_of(expr, notation)
    if isinstance(expr, (sp.Add, sp.Mul)):
        return max((_rank_within(arg, notation, seen) for arg in expr.args), default=0)
    return rank_of(expr, notation)


Shape = tuple[str | None, str | None]   # rows and columns as size names; None: not known


def shape_of(expr: sp.Basic, notation: Notation) -> Shape | None:
    """The declared shape of a bound vector or matrix expression, as size names (a vector is a
    column: ``(n, "1")``), as far as the notation tells; None for a scalar or when it does not
    tell.  Used to refuse, in the reader's words, what no size can make well-shaped (the trace
    of an ``n``-by-``d`` matrix); what it cannot tell is left to the concretization, which
    checks every shape at the sizes it runs."""
    rank = rank_of(expr, notation)
    if rank == 0:
        return None
    if isinstance(expr, (sp.Symbol, sp.Indexed)):
        name = expr.name if isinstance(expr, sp.Symbol) else str(expr.base.label)
        definition = notation.definitions.get(name)
        if name not in notation.symbols and definition is not None and \
                definition.style != "function":
            # x_i := (X_{i1}, ..., X_{ip}); a recursive definition is refused where declared
            return shape_of(definition.body, notation)
    if isinstance(expr, sp.Symbol):
        decl = notation.symbols.get(expr.name)
        return _declared_shape(decl.shape) if decl is not None else None
    if isinstance(expr, sp.Indexed):
        decl = notation.symbols.get(str(expr.base.label))
        if decl is None or len(expr.indices) != len(decl.family):
            return None
        return _declared_shape(decl.shape)
    if isinstance(expr, E.VecOf):
        upper = expr.args[3]
        return (str(upper), "1") if isinstance(upper, sp.Symbol) and expr.args[2] == 1 else None
    if isinstance(expr, E.MatOf):
        _, _, lower, upper, _, left, right = expr.args
        if lower == 1 == left and isinstance(upper, sp.Symbol) and isinstance(right, sp.Symbol):
            return str(upper), str(right)
        return None
    if isinstance(expr, E.Identity):
        size = expr.args[0]
        return None if size == UNSIZED else (str(size), str(size))
    if isinstance(expr, E.Ones):
        size = expr.args[0]
        return None if size == UNSIZED else (str(size), "1")
    if isinstance(expr, sp.Sum):
        return shape_of(expr.function, notation)
    if isinstance(expr, E.Hadamard) or (isinstance(expr, _ENTRYWISE) and len(expr.args) == 1):
        known = [shape_of(arg, notation) for arg in expr.args]
        return next((k for k in known if k is not None), None)
    if isinstance(expr, E.Transposed):
        inner = shape_of(expr.args[0], notation)
        return (inner[1], inner[0]) if inner is not None else None
    if isinstance(expr, (E.MatInv, E.TotalDifferential)):
        return shape_of(expr.args[0], notation)
    if isinstance(expr, E.MatProd):
        left, right = (shape_of(arg, notation) for arg in expr.args)
        return (left[0] if left else None, right[1] if right else None)
    if isinstance(expr, (sp.Add, sp.Mul)):
        shapes = [shape_of(arg, notation) for arg in expr.args
                  if rank_of(arg, notation) == rank]
        known = [s for s in shapes if s is not None]
        if not known or len(known) != len(shapes) or any(k != known[0] for k in known):
            return None   # unknown, or terms that disagree: the concretization says which
        return known[0]
    return None


def _declared_shape(shape: tuple[str, ...]) -> Shape | None:
    if len(shape) == 1:
        return shape[0], "1"
    if len(shape) == 2:
        return shape[0], shape[1]
    return None
