r"""Juxtaposed vectors and matrices: ``w_k^T C^{-1} w_k``, ``A x``, ``(C^{-1} + C^{-T}) w_k``,
the outer product ``v v^T``.

SymPy's ``Mul`` is commutative and would reorder the factors, so a run of vector and matrix
names is folded here, in the written order, into ``Dot`` / ``MatProd`` / ``Transposed`` /
``MatInv`` (:mod:`verify.model.expr`) before the parser sees one placeholder for the whole run.
"""

from __future__ import annotations

import sympy as sp

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.model.notation import Notation
from verify.read.latex.rewrite_base import Atom

Item = tuple[sp.Expr, str]   # a value and its kind: 'col', 'row', 'mat' or 'scalar'


def needs_folding(group: list[Atom]) -> bool:
    """A single plain vector or matrix needs no product: it is emitted as it is."""
    return len(group) > 1 or group[0].transposed or group[0].inverse


def fold(group: list[Atom]) -> sp.Expr:
    """The product of a run of vectors and matrices (each of rank >= 1), as written."""
    if len(group) > 1 and not any(a.transposed or a.rank == 2 for a in group):
        raise LatexProblem(" ".join(str(a.expr) for a in group),
                           "vectors side by side (a transpose is missing?)")
    items = [_item(atom) for atom in group]
    if items[0][1] == "row" and len(items) > 1:
        # a^T (B ... c): the row vector meets the product of everything after it.
        rest, rest_kind = _fold_items(items[1:])
        value, kind = _combine(items[0][0], "row", rest, rest_kind)
    else:
        value, kind = _fold_items(items)
    if kind == "row":
        # w^T X^T, 2 w^T X^T X: a row vector, kept as the transpose of its column.
        return _transposed(value)
    return value


def _transposed(expr: sp.Expr) -> sp.Expr:
    """``A^T``, with ``(A^T)^T`` written ``A``: the row ``w^T X^T`` is ``(X w)^T``."""
    return expr.args[0] if isinstance(expr, E.Transposed) else E.Transposed(expr)


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


def _fold_items(items: list[Item]) -> Item:
    value, kind = items[0]
    for item, item_kind in items[1:]:
        value, kind = _combine(value, kind, item, item_kind)
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


def _combine(left: sp.Expr, left_kind: str, right: sp.Expr, right_kind: str) -> Item:
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


def rank_of(expr: sp.Basic, notation: Notation) -> int:
    """0, 1 or 2: whether a bound expression is a scalar, a vector or a matrix, as far as the
    notation tells (a defined name counts as a scalar).  Used only to see that a bracketed
    group such as ``(C^{-1} + C^{-1T})`` is a matrix that multiplies the vector after it."""
    if isinstance(expr, E.MatInv):
        return 2
    if isinstance(expr, E.Transposed):
        return rank_of(expr.args[0], notation)
    if isinstance(expr, E.MatProd):
        if rank_of(expr.args[0], notation) == 1:
            return 2   # a column times a row: an outer product
        return rank_of(expr.args[1], notation)
    if isinstance(expr, E.VecOf):
        return 1
    if isinstance(expr, sp.MatrixBase):
        return 1 if expr.cols == 1 else 2
    if isinstance(expr, sp.Symbol):
        decl = notation.symbols.get(expr.name)
        return len(decl.shape) if decl is not None else 0
    if isinstance(expr, sp.Indexed):
        decl = notation.symbols.get(str(expr.base.label))
        if decl is None:
            return 0
        taken = max(0, len(expr.indices) - len(decl.family))
        return max(0, len(decl.shape) - taken)
    if isinstance(expr, (sp.Add, sp.Mul)):
        return max(rank_of(arg, notation) for arg in expr.args)
    return 0


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
    if isinstance(expr, sp.Symbol):
        decl = notation.symbols.get(expr.name)
        return _declared_shape(decl.shape) if decl is not None else None
    if isinstance(expr, sp.Indexed):
        decl = notation.symbols.get(str(expr.base.label))
        if decl is None or len(expr.indices) != len(decl.family):
            return None
        return _declared_shape(decl.shape)
    if isinstance(expr, E.Transposed):
        inner = shape_of(expr.args[0], notation)
        return (inner[1], inner[0]) if inner is not None else None
    if isinstance(expr, E.MatInv):
        return shape_of(expr.args[0], notation)
    if isinstance(expr, E.MatProd):
        left, right = (shape_of(arg, notation) for arg in expr.args)
        return (left[0] if left else None, right[1] if right else None)
    if isinstance(expr, (sp.Add, sp.Mul)):
        shapes = [shape_of(arg, notation) for arg in expr.args
                  if rank_of(arg, notation) == rank]
        known = [s for s in shapes if s is not None]
        return known[0] if known and len(known) == len(shapes) else None
    return None


def _declared_shape(shape: tuple[str, ...]) -> Shape | None:
    if len(shape) == 1:
        return shape[0], "1"
    if len(shape) == 2:
        return shape[0], shape[1]
    return None
