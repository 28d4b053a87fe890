"""The expression vocabulary shared by every front end.

A *bound* expression is a SymPy expression built from ordinary SymPy nodes (numbers, ``Add``,
``Mul``, ``Pow``, ``exp``, ``log``, ``Sum``, ``KroneckerDelta``, ``Piecewise``, ``Indexed``)
plus the few unevaluated operators defined here, which carry the linear-algebra and calculus
meaning that SymPy's commutative scalar nodes cannot:

=================  ==========================================================================
node               meaning
=================  ==========================================================================
``Dot(a, b)``      inner product ``a^T b`` of two vectors of the same length
``MatProd(A, B)``  matrix product (matrix times matrix or matrix times vector)
``Transposed(A)``  transpose of a matrix (a vector is a column; its transpose only in ``Dot``)
``MatInv(A)``      inverse of a square matrix
``Deriv(f, v)``    derivative of ``f`` with respect to ``v``: ``v`` a scalar variable or a
                   component (partial), a vector (gradient), or any sub-expression of ``f``
                   (treated as an intermediate variable: ``d log g_k / d g_k``)
``VecOf(b, i, lo, hi)``  the column vector ``(b[i=lo], ..., b[i=hi])``
``MatOf(b, i, lo, hi, j, lo2, hi2)``  the matrix whose entry in row ``i`` (``lo..hi``) and
                   column ``j`` (``lo2..hi2``) is ``b``; both indices are bound
``Trace(A)``       trace of a square matrix (of a scalar, a 1x1 matrix: the scalar itself)
``Norm(a)``        Euclidean norm ``\\|a\\|`` (``\\|a\\|_2``) of a vector; of a scalar ``|a|``
``FrobNorm(A)``    Frobenius norm ``\\|A\\|_F``: the root of the sum of squares of the entries
``Norm1(a)``       ``\\|a\\|_1``: the sum of the absolute values of a vector's entries
``Identity(n)``    the ``n``-by-``n`` identity matrix (``n`` a size symbol)
``Entry(A, i, j)`` an entry of a vector or matrix expression: ``(X w)_i``, ``(A^{-1})_{ij}``
``Det(A)``         determinant of a square matrix: ``\\det A``, ``|A|``
``Diag(v)``        the diagonal matrix with the entries of the vector ``v``
``Hadamard(a, b)`` the entrywise product ``a \\odot b`` of two arrays of the same shape
``Ones(n)``        the column of ``n`` ones (``\\mathbf{1}``, ``1^T v`` the sum of ``v``)
``Frobenius(A, B)``  ``A : B = tr(A^T B)``, the sum of the entrywise products of two arrays
                   of one shape
``TotalDifferential(a)``  ``da``: of a declared variable, its increment (an independent variable of
                   the same shape, ``dX``); ``TotalDifferential(a, (X, ...))`` of any other
                   expression, its change along the increments of the variables listed:
                   ``d/dt a(X + t dX, ...)`` at ``t = 0`` (the list is the document's, see
                   :mod:`verify.read.latex.differentials`)
=================  ==========================================================================

Names follow the document's notation (:mod:`verify.model.notation`): a declared symbol is a plain
``Symbol``; a member of a family or a component is ``Indexed(IndexedBase(name), *indices)``;
index letters and sizes are integer ``Symbol``s; a defined function is an applied undefined
function ``Function(name)(*args)``.  These classes never evaluate themselves: meaning is given
only by :mod:`verify.check.concretize`.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import Function


class Dot(Function):  # type: ignore[misc]
    """``a^T b`` for two vectors; unevaluated."""

    nargs = 2


class MatProd(Function):  # type: ignore[misc]
    """Matrix product ``A B``; unevaluated (SymPy's ``Mul`` would reorder the factors)."""

    nargs = 2


class Transposed(Function):  # type: ignore[misc]
    """``A^T``; unevaluated."""

    nargs = 1


class MatInv(Function):  # type: ignore[misc]
    """``A^{-1}``; unevaluated."""

    nargs = 1


class Deriv(Function):  # type: ignore[misc]
    """``d f / d v``; unevaluated.  See the module docstring for what ``v`` may be."""

    nargs = 2


class VecOf(Function):  # type: ignore[misc]
    """Column vector ``(body at index=lo, ..., body at index=hi)``; the index is bound."""

    nargs = 4


class MatOf(Function):  # type: ignore[misc]
    """The matrix ``(body at i, j)`` for ``i = lo..hi``, ``j = lo2..hi2``: arguments ``body, i,
    lo, hi, j, lo2, hi2``; both indices are bound."""

    nargs = 7


class Trace(Function):  # type: ignore[misc]
    """``tr(A)``; unevaluated."""

    nargs = 1


class Norm(Function):  # type: ignore[misc]
    """``\\|a\\|``, the Euclidean norm; unevaluated (its square is the sum of squares)."""

    nargs = 1


class FrobNorm(Function):  # type: ignore[misc]
    """``\\|A\\|_F``; unevaluated.  The same value as :class:`Norm` of the entries, kept apart so
    that a reading shows the norm as it was written."""

    nargs = 1


class Norm1(Function):  # type: ignore[misc]
    """``\\|a\\|_1``; unevaluated."""

    nargs = 1


class Identity(Function):  # type: ignore[misc]
    """``I_n``: the identity matrix of size ``n`` (a size symbol); unevaluated."""

    nargs = 1


class Entry(Function):  # type: ignore[misc]
    """``(X w)_i`` (two arguments), ``(A^{-1})_{ij}`` (three): an entry of a vector or matrix
    expression, its indices counted from 1; unevaluated."""

    nargs = (2, 3)


class Det(Function):  # type: ignore[misc]
    """``\\det A``, ``|A|`` of a square matrix; unevaluated."""

    nargs = 1


class Diag(Function):  # type: ignore[misc]
    """``\\operatorname{diag}(v)``: the square matrix with ``v`` on its diagonal; unevaluated."""

    nargs = 1


class Hadamard(Function):  # type: ignore[misc]
    """``a \\odot b``: the entrywise product of two vectors or matrices of one shape;
    unevaluated (SymPy's ``Mul`` would commute and merge it with scalar factors)."""

    nargs = 2


class Ones(Function):  # type: ignore[misc]
    """``\\mathbf{1}_n``: the column of ``n`` ones (``n`` a size symbol); unevaluated."""

    nargs = 1


class Frobenius(Function):  # type: ignore[misc]
    """``A : B``, the Frobenius inner product ``tr(A^T B)``; unevaluated."""

    nargs = 2


class TotalDifferential(Function):  # type: ignore[misc]
    """``dX`` (one argument: a declared variable, its increment) or ``d(a)`` along the
    increments of the variables in the second argument, a ``Tuple`` of their symbols;
    unevaluated.  A differential of an expression with one argument has not been given its
    variables yet (the document reader does that) and has no value."""

    nargs = (1, 2)


OPERATORS: tuple[type[Function], ...] = (Dot, MatProd, Transposed, MatInv, Deriv, VecOf, MatOf,
                                         Trace, Norm, FrobNorm, Norm1, Identity, Entry, Det, Diag,
                                         Hadamard, Ones, Frobenius, TotalDifferential)


def index_symbol(name: str) -> sp.Symbol:
    """The symbol for an index letter (``i``, ``k``, ``k'``): an integer."""
    return sp.Symbol(name, integer=True)


def size_symbol(name: str) -> sp.Symbol:
    """The symbol for a size (``K``, ``N``, ``n``): a positive integer."""
    return sp.Symbol(name, integer=True, positive=True)


def value_symbol(name: str) -> sp.Symbol:
    """The symbol for a declared scalar, vector or matrix name, or a defined constant."""
    return sp.Symbol(name)


def family(name: str) -> sp.IndexedBase:
    """The base of an indexed family or of a vector/matrix accessed by component."""
    return sp.IndexedBase(name)


def indicator(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """``1{a = b}``, the same as ``delta_{ab}``."""
    return sp.KroneckerDelta(a, b, evaluate=False)


def sum_over(body: sp.Expr, index: sp.Symbol, lower: sp.Expr, upper: sp.Expr,
             skip: sp.Expr | None = None) -> sp.Expr:
    """``sum_{index=lower}^{upper} body``, leaving out ``index == skip`` when given."""
    if skip is not None:
        body = body * (1 - sp.KroneckerDelta(index, skip, evaluate=False))
    return sp.Sum(body, (index, lower, upper))
