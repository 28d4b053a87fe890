r"""TeX habits and statisticians' spellings read as what they say: plain TeX's font switches
(``{\bf A}``), bold over a product (``\mathbf{AB}``), transposes written ``^t``, ``^\text T``,
``A^{-T}`` and ``X'X``, the Gaussian's ``\log 2\pi\sigma^2``, ``log(x)`` without its backslash,
``\langle A, B \rangle``, samples as bare superscripts (``y^{i}``, ``x^i_j``), and a bracket
after an indexed value (``p_j(1 - p_j)``).  LaTeX in, reading out; the readings written back as
LaTeX read the same; and the neighbours that stay refused, with their reasons.  Rows marked
"real" are copied from tests/data/real/ or tests/data/corpus/."""

from __future__ import annotations

import pytest
import sympy as sp
import yaml

from verify.api import check_text
from verify.core.errors import Location
from verify.model import expr as E
from verify.model.notation import Notation
from verify.model.reading import reading
from verify.read.latex.names import build_lexicon
from verify.read.latex.step import parse_step
from verify.read.notation import parse_notation

HEADER = r"""
sizes: {n: [2, 3], d: [2], m: [2]}
indices: {i: m, j: d, k: n}
symbols:
  A: {shape: [n, n]}
  B: {shape: [n, n]}
  X: {shape: [n, d]}
  w: {shape: [d], latex: ['\mathbf{w}', 'w']}
  y: {shape: [n]}
  a: {shape: [n]}
  s: {family: [m], description: a label per sample}
  u: {family: [m], shape: [d], description: a sample}
  x: {}
  lambda: {latex: ['\lambda']}
  sigma: {latex: ['\sigma'], kind: positive}
  phi: {latex: ['\phi'], kind: positive}
definitions:
  p: {index: [k], body: "exp(a[k]) / Sum(exp(a[kk]), (kk, 1, n))", latex: ['p']}
  L: {body: "-log(p[1])", latex: ['L']}
  r: {index: [k], body: "vec(X[k, j], (j, 1, d))", latex: ['r'], description: a row of X}
  q4: {body: "a[1] * a[2]", latex: ['q_4']}
"""


@pytest.fixture(scope="module")
def notation() -> Notation:
    header = yaml.safe_load(HEADER)
    header["indices"]["kk"] = "n"
    return parse_notation(header, Location("test"))


A, B, X, w, y, a, x = (E.value_symbol(n) for n in ("A", "B", "X", "w", "y", "a", "x"))
lam, sigma, phi = (E.value_symbol(n) for n in ("lambda", "sigma", "phi"))
i, j, k = (E.index_symbol(n) for n in ("i", "j", "k"))
s, u, p = E.family("s"), E.family("u"), E.family("p")
T, P = E.Transposed, E.MatProd

READ: list[tuple[str, sp.Expr]] = [
    # plain TeX's switches and bold over a group
    (r"\mbox{tr} \left( {\bf A} {\bf X} {\bf X}^T {\bf B} \right)",            # real
     E.Trace(P(P(P(A, X), T(X)), B))),
    (r"{\bf A}^\top {\bf B}^\top", P(T(A), T(B))),                              # real
    (r"(\mathbf{BA})^T", T(P(B, A))),                                           # real
    (r"\frac{1}{n}||\boldsymbol {Xw-y}||^2", E.Norm(P(X, w) - y) ** 2 / E.size_symbol("n")),
    (r"{\rm tr}(A) + {\it x}", E.Trace(A) + x),
    (r"{\bf AB}^T", T(P(A, B))),
    # transposes
    (r"X^\text T y", P(T(X), y)),
    (r"X^{\text{T}} y", P(T(X), y)),
    (r"X^{\rm T} y", P(T(X), y)),
    (r"\mbox{tr} \left( (AX)^t (AX) \right)", E.Trace(P(T(P(A, X)), P(A, X)))),  # real
    (r"A^t B", P(T(A), B)),
    (r"A^{-T} B", P(T(E.MatInv(A)), B)),
    (r"A^{-t}", T(E.MatInv(A))),
    (r"(A B)^{-T}", T(E.MatInv(P(A, B)))),
    (r"X'y", P(T(X), y)),                                                       # real
    (r"(X'X + \lambda A)^{-1}X'y",
     P(P(E.MatInv(lam * A + P(T(X), X)), T(X)), y)),
    (r"\lambda^{-1}X'(y-Xw)", P(T(X), y - P(X, w)) / lam),                      # real
    (r"w' w", E.Dot(w, w)),
    # row vectors: a bracket of rows, a run ending in a row, a 1x1 value's transpose
    (r"(w^TX^T - y^T)(Xw - y)", E.Dot(P(X, w) - y, P(X, w) - y)),             # real
    (r"(y^T - w^TX^T)(y - Xw)", E.Dot(y - P(X, w), y - P(X, w))),             # real
    (r"w^T X^T", T(P(X, w))),
    (r"2 w^TX^TX", 2 * T(P(T(P(T(X), X)), w))),                               # real
    (r"(w^T X^T)^T", P(X, w)),
    (r"(y^TXw)^T", T(E.Dot(y, P(X, w)))),                                     # real
    # the identity: its size written, or taken from what it is added to or multiplies
    (r"X^TX + \lambda I", lam * E.Identity(E.size_symbol("d")) + P(T(X), X)),   # real
    (r"(X'X+\lambda I_n)^{-1}X'y",                                               # real
     P(P(E.MatInv(lam * E.Identity(E.size_symbol("n")) + P(T(X), X)), T(X)), y)),
    (r"A I", P(A, E.Identity(E.size_symbol("n")))),
    (r"\mathbf{I}_n + A", E.Identity(E.size_symbol("n")) + A),
    # entries of a bracket
    (r"(Xw)_k", E.Entry(P(X, w), k)),
    (r"(A^{-1})_{kk}", E.Entry(E.MatInv(A), k, k)),
    (r"\left( {\bf A}^\top {\bf B}^\top \right)_{k1}",                          # real
     E.Entry(P(T(A), T(B)), k, 1)),
    # a defined vector multiplies as one (linreg_weirme.md's x_n, a row of X)
    (r"\boldsymbol w^\text T \boldsymbol r_k", E.Dot(w, E.family("r")[k])),        # real
    # a column before a transposed bracket: the outer product
    (r"(a - y)(a - y)^T", P(a - y, T(a - y))),                                   # real
    # a column before a bracket of rows, braces as brackets (grad_bz_mathse2115974.md)
    (r"{\mathbf{a}}{\mathbf{w}^T}", P(a, T(w))),                                 # real
    (r"a (w^T X^T)", P(a, T(P(X, w)))),
    (r"a (x + 1)", a * (x + 1)),     # a scalar bracket after a column: a scaled vector
    # a numbered name before a bracket: a factor (backprop_techqa4064289.md)
    (r"q_4(1-q_4)", E.value_symbol("q4") * (1 - E.value_symbol("q4"))),
    (r"\frac{-(-1)\cdot{e}^{-x}}{(e^{-x}+1)^2}",                                  # real
     sp.exp(-x) / (sp.exp(-x) + 1) ** 2),
    # determinants and diagonal matrices
    (r"\det(A)", E.Det(A)),
    (r"\det A + |B|", E.Det(A) + E.Det(B)),
    (r"\log|A| + \log \det(A B)", sp.log(E.Det(A)) + sp.log(E.Det(P(A, B)))),   # GDA
    (r"\mathrm{diag}(y) A", P(E.Diag(y), A)),
    # functions of a vector are vectors in a product; a function's bracket is its argument
    (r"y^T \exp(Xw)", E.Dot(y, sp.exp(P(X, w)))),
    (r"\exp(y)^T y", E.Dot(sp.exp(y), y)),          # not \exp(y^T y)
    (r"A \log(y)", P(A, sp.log(y))),
    (r"\ln(x)^2 + x", sp.log(x) ** 2 + x),
    # the vector of ones, its length written or taken from what it meets
    (r"1^T y", E.Dot(E.Ones(E.size_symbol("n")), y)),                                # real
    (r"\mathbf{1}^T \exp(y)", E.Dot(E.Ones(E.size_symbol("n")), sp.exp(y))),
    (r"X^T \mathbf{1}", P(T(X), E.Ones(E.size_symbol("n")))),
    (r"\mathbf{1}_d^T w", E.Dot(E.Ones(E.size_symbol("d")), w)),
    # the entrywise product
    (r"y \odot a", E.Hadamard(y, a)),
    (r"y^T (y \odot a)", E.Dot(y, E.Hadamard(y, a))),
    (r"(y \odot a)^T y", E.Dot(E.Hadamard(y, a), y)),
    (r"X^T(y \odot (Xw)) + y", P(T(X), E.Hadamard(y, P(X, w))) + y),
    (r"y \odot a \odot y", E.Hadamard(E.Hadamard(y, a), y)),
    # the Gaussian's constant; a sum after one factor
    (r"\log 2\pi\sigma^2", sp.log(2 * sp.pi * sigma ** 2)),
    (r"-\frac{1}{2}\log 2\pi{\sigma}^{2} - x",                                 # real
     -sp.log(2 * sp.pi * sigma ** 2) / 2 - x),
    (r"\ln 2\pi", sp.log(2 * sp.pi)),
    (r"\log \phi \sum_{i=1}^m s^{(i)}",                                         # real
     sp.log(phi) * E.sum_over(s[i], i, sp.Integer(1), E.size_symbol("m"))),
    # function names without their backslash
    (r"log(x) + exp(x)", sp.log(x) + sp.exp(x)),
    (r"\frac{d}{dx} tanh(x)", E.Deriv(sp.tanh(x), x)),
    # inner products
    (r"\langle A, B\rangle", E.Trace(P(T(A), B))),
    (r"\left\langle A, B \right\rangle_F + \langle A, A\rangle_{F}",               # real
     E.Trace(P(T(A), B)) + E.Trace(P(T(A), A))),
    (r"\left\langle 2A^{\top}A, B \right\rangle", E.Trace(P(T(2 * P(T(A), A)), B))),
    (r"\langle y , X w \rangle", E.Dot(y, P(X, w))),
    (r"\langle x, x\rangle", x ** 2),
    # samples as bare superscripts of a family
    (r"\sum_{i=1}^{m}s^{i}\log(x)",                                             # real
     E.sum_over(s[i] * sp.log(x), i, sp.Integer(1), E.size_symbol("m"))),
    (r"u^i_j", u[i, j]),                                                        # real
    (r"u_j^i", u[i, j]),
    (r"s_1^{i}", s[1] ** i),    # the family's index is written: a power
    # a bracket after an indexed value: a factor, or the value at its own arguments
    (r"p_k(1-p_k)", p[k] * (1 - p[k])),                                         # real
    (r"p_k(a)", p[k]),
    (r"L(a)", E.value_symbol("L")),
]


@pytest.mark.parametrize(("latex", "expected"), READ, ids=[r[0] for r in READ])
def test_reading(notation: Notation, latex: str, expected: sp.Expr) -> None:
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.problem is None, parsed.problem
    assert parsed.expr == expected


@pytest.mark.parametrize(("latex", "expected"), READ, ids=[r[0] for r in READ])
def test_reading_reads_back(notation: Notation, latex: str, expected: sp.Expr) -> None:
    lexicon = build_lexicon(notation)
    written = reading(expected, notation)
    assert written is not None
    again = parse_step(written, notation, lexicon)
    assert again.problem is None, (written, again.problem)
    assert _left(again.expr) == _left(expected), written


def _left(expr: sp.Basic) -> sp.Basic:
    """Matrix products grouped from the left: ``A(BC)`` and ``(AB)C`` are written alike."""
    if not expr.args:
        return expr
    args = [_left(arg) for arg in expr.args]
    if isinstance(expr, E.MatProd) and isinstance(args[1], E.MatProd):
        return _left(P(P(args[0], args[1].args[0]), args[1].args[1]))
    return expr.func(*args)


REFUSED: list[tuple[str, str]] = [
    (r"\ln 2 x", "ambiguous"),            # x \ln 2, or \log_2 x?
    (r"\ln 2 \pi \frac{1}{x}", "ambiguous"),
    (r"\ln x \phi", "ambiguous"),
    (r"y - y'", "a prime on a vector or a matrix"),   # another point, not a transpose
    (r"w'", "a prime on a vector or a matrix"),
    (r"\langle A, w\rangle", "not alike"),
    (r"\langle A B\rangle", "exactly one comma"),
    (r"\langle A, B", "without its \\rangle"),
    (r"\langle y, a\rangle_F", "the Frobenius inner product of two matrices"),
    (r"p_k(a_k)", "p is not declared as a function"),   # p_k as a function of a_k?
    (r"L(2)", "L is not declared as a function"),        # L at a point, not L times 2
    (r"p_k(y)", "p is not declared as a function"),      # the softmax of another vector?
    (r"s^2", "it needs its index"),
    (r"s^{j}", "it needs its index"),    # j ranges over d, not over the samples
    (r"xlog(x)", "the word 'xlog'"),
    (r"(A)_k", "the bracket holds a matrix: it takes 2 indices, got 1"),
    (r"(x)_1", "the bracket holds a scalar"),
    (r"[A]_{k=1}^{n}", "a list given by its entries"),
    (r"|X|", "a determinant needs a square matrix"),
    (r"\det(X)", "not square"),
    (r"\det(y)", "the determinant of a vector"),
    (r"|y|", "bars around a vector"),
    (r"\operatorname{diag}(A)", "of a vector only"),
    (r"\odot a", "\\odot needs a factor on each side"),
    # products whose declared shapes do not fit, said in LaTeX with the shapes (issue 13)
    (r"X(Xw - y)", "$X$ is n\u00d7d and $X \\mathbf{w} - y$ is n\u00d71: the product is undefined"),
    (r"w^T X", "$\\mathbf{w}^{\\top}$ is 1\u00d7d and $X$ is n\u00d7d: the product is undefined"),
    (r"\mathbf{1}", "the length of the vector of ones is not clear"),
    (r"\mathbf{1}_k", "must be a declared size"),
    (r"I", "the size of the identity I is not clear"),
    (r"I + x", "the size of the identity I is not clear"),
    (r"I_j", "the identity's subscript must be a declared size"),
    # TeX raises the sign alone: e^-x shows e^{-}x (a fresh sigmoid derivation writes it)
    (r"\frac{1}{1 + e^-x}", "TeX raises only the sign here (the exponent ends at it): write "
                            "e^{-x} if that is the exponent at 'e^-x'"),
    (r"x^-1 x", "write x^{-1} if that is the exponent"),
]


@pytest.mark.parametrize(("latex", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused(notation: Notation, latex: str, why: str) -> None:
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.expr is None, parsed.expr
    assert parsed.problem is not None and why in parsed.problem, parsed.problem


def test_function_word_with_every_letter_declared_is_not_the_function() -> None:
    """``log(x)`` is the logarithm only where some letter of ``log`` is undeclared; with l, o
    and g declared it may be their product, and is not read as the function."""
    header = yaml.safe_load(HEADER)
    header["indices"]["kk"] = "n"
    header["symbols"].update({"l": {}, "o": {}, "g": {}})
    declared = parse_notation(header, Location("test"))
    parsed = parse_step(r"log(x)", declared, build_lexicon(declared))
    assert parsed.expr != sp.log(x)


def test_transpose_t_needs_an_undeclared_t() -> None:
    header = yaml.safe_load(HEADER)
    header["indices"]["kk"] = "n"
    header["symbols"]["t"] = {}
    declared = parse_notation(header, Location("test"))
    parsed = parse_step(r"A^t", declared, build_lexicon(declared))
    assert parsed.expr != T(A)


CHECKED_HEADER = r"""
sizes: {n: [2, 3], d: [2]}
indices: {k: n}
symbols:
  A: {shape: [n, n]}
  B: {shape: [n, n]}
  X: {shape: [n, d]}
  w: {shape: [d]}
  y: {shape: [n]}
  a: {shape: [n]}
  lambda: {latex: ['\lambda'], kind: positive}
definitions:
  sigma: {params: [t], body: "1 / (1 + exp(-t))", latex: ['\sigma']}
  f: {params: [v], body: "dot(v, v)", latex: ['f']}
  g: {body: "sqrt(frob(X, X))", latex: ['g'], description: "g = \\|X\\|_F, of X alone"}
  h: {body: "frob(X, X)", latex: ['h']}
  J: {body: "dot(mat(X, w) - y, mat(X, w) - y)", latex: ['J'], description: "of X, w and y"}
  softmax: {index: [k], body: "exp(a[k]) / Sum(exp(a[kk]), (kk, 1, n))",
            latex: ['\mathrm{softmax}']}
"""

CHECKED: list[tuple[str, str]] = [
    # the statistician's transpose and the inverse transpose
    (r"X'(y - Xw) = X^Ty - X^TXw", "proved"),
    (r"X'(y - Xw) = X^Ty - XX^Tw", "unparsed"),    # X X^T w: n-by-n times d: ill-shaped
    (r"(AB)^{-T} = A^{-T}B^{-T}", "proved"),
    (r"(AB)^{-T} = B^{-T}A^{-T}", "refuted"),
    (r"\langle A, B\rangle = \operatorname{tr}(B^T A)", "proved"),
    (r"\langle A, B\rangle = \operatorname{tr}(A B)", "refuted"),
    # row vectors (math.SE 1540047's least squares)
    (r"(Xw - y)^T(Xw - y) = (w^TX^T - y^T)(Xw - y)", "proved"),
    (r"(Xw - y)^T(Xw - y) = (w^TX^T + y^T)(Xw - y)", "refuted"),
    (r"(y^TXw)^T = w^TX^Ty", "proved"),
    (r"w^T X^T = (Xw)^T", "proved"),
    (r"w^T X^T = (Xw)", "unknown"),     # a row against a column: layouts, not compared
    (r"\nabla_w (Xw-y)^T(Xw-y) = 2 w^TX^TX - 2y^TX", "unknown"),
    (r"\nabla_w (Xw-y)^T(Xw-y) = 2 X^TXw - 2X^Ty", "proved"),
    (r"(X^TX + \lambda I)^{-1}X^Ty = X^Ty", "refuted"),
    (r"A I = A", "proved"),
    (r"(A + I)^{-1}(A + I) = I_n", "proved"),
    (r"(A + B)(\lambda + 1) = A \lambda + B \lambda + A + B", "proved"),
    (r"(A + I)(A - I) = A^2 - I", "unparsed"),   # A^2 of a matrix: written A A
    (r"(A + I)(A - I) = A A - I", "proved"),
    (r"\sum_{k=1}^n (Xw)_k y_k = y^T X w", "proved"),
    (r"\sum_{k=1}^n (Xw)_k y_k = w^T X y", "unparsed"),   # X y: n-by-d times n, ill-shaped
    (r"(A B)_{kk} = (B A)_{kk}", "refuted"),
    (r"\sum_{k=1}^n (A B)_{kk} = \operatorname{tr}(B A)", "proved"),
    (r"\det(A B) = \det(A) \det(B)", "proved"),
    (r"\det(A + B) = \det(A) + \det(B)", "refuted"),
    # false as a real identity: at det A, det B < 0 the right side is not defined
    (r"\log|A B| = \log|A| + \log|B|", "refuted"),
    (r"\operatorname{tr}(\operatorname{diag}(y)) = \sum_{k=1}^n y_k", "proved"),
    (r"\operatorname{diag}(y) a = y \odot a", "proved"),
    (r"y \odot a = a \odot y", "proved"),
    (r"(y \odot a)^T y = a^T (y \odot y)", "proved"),
    (r"A \odot B = A B", "refuted"),
    (r"y^T (a \odot \sigma(a)) = \sum_{k=1}^n y_k a_k \sigma(a_k)", "proved"),
    (r"A = y \odot A", "unparsed"),     # of shapes n and n-by-n
    (r"\frac{\exp(a)}{1^T\exp(a)} = \mathrm{softmax}(a)", "proved"),           # real
    (r"\mathbf{1}^T (y - a) = \sum_{k=1}^n y_k - \sum_{k=1}^n a_k", "proved"),
    # \nabla with an order, and without a subscript: by the variable the function is applied to
    (r"\nabla^2_w \|Xw - y\|^2 = 2X^TX", "proved"),
    (r"\nabla_w^2 \|Xw - y\|^2 = X^TX", "refuted"),
    (r"\nabla f(w) = 2 w", "proved"),
    # \nabla of a defined value of one variable (frob_norm_yusukey01.md), and its transpose
    (r"\nabla g = \frac{X}{\|X\|_F}", "proved"),                                    # real
    (r"\nabla g = \frac{X}{\|X\|_F^2}", "refuted"),
    (r"\operatorname{tr}((\nabla h)^T X) = 2\|X\|_F^2", "proved"),
    (r"\operatorname{tr}((\nabla h)^T X) = \|X\|_F^2", "refuted"),
    (r"\nabla J = 2X^T(Xw - y)", "start"),   # J is of X, w and y: by which? refused
    (r"\nabla^2 f(w) = 2 I_d", "proved"),   # I alone: its size from the other side is not read
    (r"w = \nabla f(X w)", "unparsed"),   # not applied to one declared variable
    # a derivative by an expression the function does not contain as written: it was 0, a
    # false pass of this line; it is not computed now
    (r"0 = \frac{\partial}{\partial (2 w)} (w^T w)", "unparsed"),
    (r"\frac{\partial}{\partial (2 w)} (y^T y) = 0", "proved"),   # no w in it: 0 indeed
    # a declared function of one scalar, of a vector, multiplies as a vector (ingenjoy.md)
    (r"\nabla_w \sum_{k=1}^n \ln(1 + \exp((Xw)_k)) = X^T\sigma(X w)", "proved"),
    (r"\nabla_w \sum_{k=1}^n \ln(1 + \exp((Xw)_k)) = X^T\sigma(-X w)", "refuted"),
    (r"y^T \exp(y) = \sum_{k=1}^n y_k \exp(y_k)", "proved"),
    # f' at a vector (entry by entry) or at an inner product; a scalar added to a vector
    (r"\sigma'(a) = \sigma(a) \odot (1 - \sigma(a))", "proved"),
    (r"\sigma'(X w) = \sigma(X w) \odot \sigma(-X w)", "proved"),
    (r"\sigma'(a) = \sigma(a) \odot \sigma(a)", "refuted"),
    (r"\sigma'(w^T w) = \sigma(w^T w)(1 - \sigma(w^T w))", "proved"),
    (r"\exp(a - \ln(\sum_{k} \exp(a_k))) = \mathrm{softmax}(a)", "proved"),
    (r"A = A + \lambda", "unparsed"),    # of a matrix: A + \lambda I, or a slip?
    # functions of a vector, entry by entry (indii.org's softmax; ingenjoy's \sigma(Xw))
    (r"\mathrm{softmax}(a) = \frac{\exp(a)}{\sum_{k}\exp(a_{k})}", "proved"),
    (r"\mathrm{softmax}(a) = \frac{\exp(a)}{\sum_{k}\exp(a_{k})^2}", "refuted"),
    # the logistic loss with labels in {-1, 1}: its gradient in matrix form
    (r"\nabla_w \sum_{k=1}^n \ln(1 + \exp(-y_k (Xw)_k)) = -X^T (y \odot \sigma(-y \odot Xw))",
     "proved"),
    (r"\nabla_w \sum_{k=1}^n \ln(1 + \exp(-y_k (Xw)_k)) = -X^T (y \odot \sigma(y \odot Xw))",
     "refuted"),
    (r"\frac{\partial}{\partial w} 1 = \sigma(Xw) - \sigma(Xw)", "proved"),
    (r"A = \exp(A)", "unparsed"),    # of a matrix: the matrix exponential, or entry by entry?
    # a shape written under a factor is an annotation (grad_bz_mathse2115974.md)
    (r"\underset{(1 \times n)}{y^T}\underset{(n \times 1)}{a} = \sum_{k=1}^n y_k a_k", "proved"),
    (r"\underset{(n \times 1)}{a}\underset{(1\times n)}{y^T} = y a^T", "refuted"),
    (r"\underset{k}{\operatorname{argmax}} a_k = a_1", "start"),   # not a shape: refused
]


@pytest.mark.parametrize(("line", "verdict"), CHECKED, ids=[c[0] for c in CHECKED])
def test_checked(line: str, verdict: str) -> None:
    header = CHECKED_HEADER.strip().replace("indices: {k: n}", "indices: {k: n, kk: n}")
    result = check_text(f"---\n{header}\n---\n$${line}$$\n", cache=False)
    steps = [step for chain in result.documents[0].chains for step in chain.steps[1:]]
    assert [step.status.value for step in steps] == [verdict], [s.message for s in steps]


SOFTMAX_DOCUMENT = r"""---
sizes: {K: [2, 3]}
indices: {i: K, j: K, k: K}
symbols:
  z: {shape: [K], latex: ['\mathbf{z}', 'z']}
  x: {}
definitions:
  softmax: {index: [j], body: "exp(z[j]) / Sum(exp(z[k]), (k, 1, K))",
            latex: ['\mathrm{softmax}', '\text{softmax}']}
  yhat: {index: [j], body: "softmax[j]", latex: ['\hat{y}']}
---
$$\mathrm{softmax}_j(\mathbf{z}) = \frac{e^{z_j}}{\sum_k e^{z_k}}$$
$$\mathrm{softmax}(\mathbf{z})_j = \frac{e^{z_j}}{\sum_k e^{z_k}}$$
$$\text{softmax}(z)_j = \hat {y_j}$$
$$\text{softmax}(z)_j = \hat {y_k}$$
$$x × x = x · x = x²$$
$$√{x^2 + 1} = \sqrt{x^2+1}$$
"""


def test_softmax_spellings_and_typed_operators() -> None:
    r"""The softmax's index before or after its argument, ``\text{softmax}`` as a declared
    spelling, an accent over a name with its subscript, and operators typed as characters."""
    result = check_text(SOFTMAX_DOCUMENT, cache=False).documents[0]
    assert not result.problems
    verdicts = [[s.status.value for s in chain.steps[1:]] for chain in result.chains]
    assert verdicts == [["proved"], ["proved"], ["proved"], ["refuted"], ["proved", "proved"],
                        ["proved"]]
