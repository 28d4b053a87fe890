r"""Traces and norms as people write them (verify/read/latex/norms.py): LaTeX in, reading out;
the refusals with their reasons; the readings written back as LaTeX; and the checks both
engines make of them (a squared norm is a sum of squares: ``\|w\|^2 = w^T w`` is proved
exactly; the gradient of a trace with respect to a matrix).  Rows marked "real" are copied
from tests/data/real/*.md."""

from __future__ import annotations

import pytest
import sympy as sp
import yaml

from verify.api import check_text
from verify.check.concretize import Concretizer
from verify.core.errors import Location
from verify.model import expr as E
from verify.model.notation import Notation
from verify.model.reading import reading
from verify.read.latex.names import build_lexicon
from verify.read.latex.step import parse_step
from verify.read.notation import parse_notation

HEADER = r"""
sizes: {n: [2, 3], d: [2]}
symbols:
  A: {shape: [n, n], latex: ['\mathbf{A}', 'A']}
  B: {shape: [n, n], latex: ['\mathbf{B}', 'B']}
  M: {shape: [n, n]}
  H: {shape: [n, n]}
  X: {shape: [n, d], latex: ['\mathbf{X}', 'X']}
  w: {shape: [d], latex: ['\mathbf{w}', 'w']}
  y: {shape: [n], latex: ['\mathbf{y}', 'y']}
  v: {shape: [n]}
  x: {}
"""


@pytest.fixture(scope="module")
def notation() -> Notation:
    return parse_notation(yaml.safe_load(HEADER), Location("test"))


A, B, M, H, X, w, y, v, x = (E.value_symbol(n) for n in ("A", "B", "M", "H", "X", "w", "y",
                                                           "v", "x"))
T, P = E.Transposed, E.MatProd

READ: list[tuple[str, sp.Expr, str]] = [
    # traces, in every spelling
    (r"\operatorname{tr}(AB)", E.Trace(P(A, B)), r"\operatorname{tr}\left(\mathbf{A} "
     r"\mathbf{B}\right)"),
    (r"\mathrm{tr}(\mathbf{A}^T \mathbf{B})", E.Trace(P(T(A), B)),
     r"\operatorname{tr}\left(\mathbf{A}^{\top} \mathbf{B}\right)"),
    (r"\text{tr}(A^T A)", E.Trace(P(T(A), A)), ""),
    (r"\text{tr }(A)", E.Trace(A), ""),
    (r"\mbox{tr} \left( A B \right)", E.Trace(P(A, B)), ""),   # real, without {\bf ..}
    (r"\text{trace}\big( A^T A - A^TB - B^TA + B^TB\big)",   # real
     E.Trace(P(T(A), A) - P(T(A), B) - P(T(B), A) + P(T(B), B)), ""),
    (r"{\rm tr}(A)", E.Trace(A), ""),
    (r"\Trace(A B)", E.Trace(P(A, B)), ""),   # a blog's own macro (fresh real post)
    (r"\operatorname{Tr}(A)", E.Trace(A), ""),
    (r"\mathrm{Tr}(A)", E.Trace(A), ""),
    (r"\tr(A)", E.Trace(A), ""),
    (r"Tr((Ax-B)^T(Ax-B))",                                                  # real
     E.Trace(P(T(A * x - B), A * x - B)), ""),
    (r"2xTr(A^TA)-Tr(B^TA)-Tr(A^TB)",                                        # real
     2 * x * E.Trace(P(T(A), A)) - E.Trace(P(T(B), A)) - E.Trace(P(T(A), B)), ""),
    (r"\operatorname{tr}(M vv^T)", E.Trace(P(P(M, v), T(v))),               # real
     r"\operatorname{tr}\left(M v v^{\top}\right)"),
    (r"\operatorname{tr} \left( v^T M v \right)", E.Trace(E.Dot(v, P(M, v))), ""),   # real
    (r"2\mathrm{tr}(H^{\top}A^{\top}AM)", 2 * E.Trace(P(P(P(T(H), T(A)), A), M)), ""),
    (r"\operatorname{tr}(A)^2", E.Trace(A) ** 2, ""),
    # norms
    (r"\|\mathbf{w}\|^2", E.Norm(w) ** 2, r"\left\|\mathbf{w}\right\|^{2}"),
    (r"\|w\|_2^2", E.Norm(w) ** 2, r"\left\|\mathbf{w}\right\|^{2}"),
    (r"\|w\|_2", E.Norm(w), r"\left\|\mathbf{w}\right\|"),
    (r"\lVert w\rVert^2", E.Norm(w) ** 2, ""),
    (r"\left\lVert Xw - y \right\rVert_2^2", E.Norm(P(X, w) - y) ** 2,     # real
     r"\left\|\mathbf{X} \mathbf{w} - \mathbf{y}\right\|^{2}"),
    (r"\left\| X\mathbf{w} - \mathbf{y} \right\|^2", E.Norm(P(X, w) - y) ** 2, ""),
    (r"\frac{1}{2} \lVert Xw - y \rVert_2^2", E.Norm(P(X, w) - y) ** 2 / 2, ""),
    (r"\|X\|_F^2", E.FrobNorm(X) ** 2, r"\left\|\mathbf{X}\right\|_{F}^{2}"),
    (r"\|M\|^2_F", E.FrobNorm(M) ** 2, r"\left\|M\right\|_{F}^{2}"),       # real
    (r"\Vert A - B \Vert_F^2", E.FrobNorm(A - B) ** 2, ""),                 # real
    (r"||Ax-B||_F^2", E.FrobNorm(A * x - B) ** 2, ""),                      # real
    (r"\|v\|_F", E.FrobNorm(v), ""),
    (r"\|x\|", E.Norm(x), r"\left\|x\right\|"),
    (r"xtr(A)", x * E.Trace(A), ""),   # x declared, t and r not: x times the trace
    (r"trace(A^TB) - Trace(A)", E.Trace(P(T(A), B)) - E.Trace(A), ""),   # real spelling
    (r"\|v\|_1", E.Norm1(v), r"\left\|v\right\|_{1}"),
    (r"||w||^2", E.Norm(w) ** 2, ""),
    (r"2 \|w\|^2 + \|y\|_2", 2 * E.Norm(w) ** 2 + E.Norm(y), ""),
    (r"\|w\|^2 \|w\|", E.Norm(w) ** 3, ""),
    (r"\|w\| \cdot \|v\|", E.Norm(w) * E.Norm(v), ""),
    (r"\|w\|^{-1} w", E.Norm(w) ** -1 * w, ""),
    (r"\lVert \|w\| v\rVert", E.Norm(E.Norm(w) * v),
     r"\left\lVert v \cdot \left\|\mathbf{w}\right\|\right\rVert"),
    (r"\lVert v \|v\| \rVert", E.Norm(v * E.Norm(v)), ""),
    (r"\nabla_w \left\lVert Xw - y \right\rVert_2^2",
     E.Deriv(E.Norm(P(X, w) - y) ** 2, w), ""),
    (r"\frac{\partial||AM-B||_F^2}{\partial M}", E.Deriv(E.FrobNorm(P(A, M) - B) ** 2, M), ""),
    # the outer product a trace often holds
    (r"v v^T", P(v, T(v)), r"v v^{\top}"),
    (r"y w^T", P(y, T(w)), ""),
]


@pytest.mark.parametrize(("latex", "expected", "shown"), READ, ids=[r[0] for r in READ])
def test_reading(notation: Notation, latex: str, expected: sp.Expr, shown: str) -> None:
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.problem is None, parsed.problem
    assert parsed.expr == expected
    if shown:
        assert reading(parsed.expr, notation) == shown


@pytest.mark.parametrize(("latex", "expected", "shown"), READ, ids=[r[0] for r in READ])
def test_reading_reads_back(notation: Notation, latex: str, expected: sp.Expr,
                            shown: str) -> None:
    """What the reading shows is read as the same expression."""
    lexicon = build_lexicon(notation)
    written = reading(expected, notation)
    assert written is not None
    again = parse_step(written, notation, lexicon)
    assert again.problem is None, (written, again.problem)
    assert again.expr == expected, written


REFUSED: list[tuple[str, str]] = [
    (r"\operatorname{tr}(X)", "the argument is n\u00d7d: the trace of a matrix that is not "
     "square is undefined"),
    (r"\operatorname{tr}(X^T A)", "d\u00d7n"),
    (r"\operatorname{tr}(v)", "the trace of a vector is undefined"),
    (r"\operatorname{tr}(A v)", "the trace of a vector"),
    (r"\operatorname{tr}(A w)", "$\\mathbf{A}$ is n\u00d7n and $\\mathbf{w}$ is d\u00d71: the "
     "product is undefined"),
    (r"\operatorname{tr} A", "without brackets"),
    (r"\operatorname{tr}^2(A)", "a script on"),
    (r"\operatorname{tr}_1(A)", "a partial trace is not read"),
    (r"\|X\|", "ambiguous (the spectral or the Frobenius norm?)"),
    (r"\|X\|_2", "the spectral norm of a matrix is not read"),
    (r"\|A\|_1", "\\|A\\|_1 of a matrix is ambiguous"),
    (r"\|w\|_\infty", "the norm with subscript \\infty is not read"),
    (r"\|w\|_p", "the norm with subscript p is not read"),
    (r"\|w\| x \|w\|", "the norm bars pair up in two ways"),
    (r"\|\|w\|v\|", "the norm bars pair up in two ways"),
    (r"\|w\| (x + x) \|w\|", "the norm bars pair up in two ways"),
    (r"\|w\|^T", "a transpose of a norm"),
    (r"\| \|", "an empty norm"),
    (r"\|w", "not closed"),
    (r"(\|w)\|", "not closed"),
    (r"\lVert w \|", "not closed"),
    (r"||x| - |x||", "norm"),   # the absolute value of a difference: not a norm
]


@pytest.mark.parametrize(("latex", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused(notation: Notation, latex: str, why: str) -> None:
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.expr is None, parsed.expr
    assert parsed.problem is not None and why in parsed.problem, parsed.problem


def test_bare_tr_needs_unknown_letters() -> None:
    """``tr(`` is the trace only when no letter of it is declared: with ``t`` and ``r``
    declared scalars it is refused rather than guessed."""
    header = yaml.safe_load(HEADER)
    header["symbols"].update({"t": {}, "r": {}})
    declared = parse_notation(header, Location("test"))
    parsed = parse_step(r"tr(A)", declared, build_lexicon(declared))
    assert parsed.expr != E.Trace(A)
    plain = parse_notation(yaml.safe_load(HEADER), Location("test"))
    assert parse_step(r"tr(A)", plain, build_lexicon(plain)).expr == E.Trace(A)
    # trace( with some of its letters declared (t, r) is still the trace; with all five, not
    assert parse_step(r"trace(A)", declared, build_lexicon(declared)).expr == E.Trace(A)
    header["symbols"].update({"a": {}, "c": {}, "e": {}})
    every = parse_notation(header, Location("test"))
    assert parse_step(r"trace(A)", every, build_lexicon(every)).expr != E.Trace(A)


def test_norm_subscript_is_accounted_with_a_declared_f() -> None:
    """The F of ``\\|A\\|_F`` names the norm even where F is a declared matrix (removed by
    its rule, so the accounting holds); a declared F elsewhere in the line still counts."""
    header = yaml.safe_load(HEADER)
    header["symbols"]["F"] = {"shape": ["n", "n"]}
    declared = parse_notation(header, Location("test"))
    lexicon = build_lexicon(declared)
    assert parse_step(r"\|A\|_F^2", declared, lexicon).expr == E.FrobNorm(A) ** 2
    both = parse_step(r"\|F\|_F^2", declared, lexicon)
    assert both.expr == E.FrobNorm(E.value_symbol("F")) ** 2


def test_squared_norm_concretizes_without_a_root(notation: Notation) -> None:
    concretizer = Concretizer(notation, {"n": 2, "d": 2})
    squared = concretizer.value(E.Norm(w) ** 2, {})
    w1, w2 = (concretizer.variables[f"w_{c}"] for c in (1, 2))
    assert squared == w1 ** 2 + w2 ** 2
    assert concretizer.value(E.FrobNorm(A) ** 2, {}) == sum(
        concretizer.variables[f"A_{r}_{c}"] ** 2 for r in (1, 2) for c in (1, 2))
    assert concretizer.value(E.Trace(A), {}) == (concretizer.variables["A_1_1"] +
                                                 concretizer.variables["A_2_2"])
    assert concretizer.value(E.Norm1(w), {}) == sp.Abs(w1) + sp.Abs(w2)
    assert concretizer.value(E.Trace(x), {}) == concretizer.variables["x"]


CHECKED: list[tuple[str, str]] = [
    (r"\|\mathbf{w}\|^2 = \mathbf{w}^T\mathbf{w}", "proved"),
    (r"\|w\|_2 = \sqrt{w^T w}", "proved"),
    (r"\|Xw - y\|^2 = w^TX^TXw - 2w^TX^Ty + y^Ty", "proved"),
    (r"\|Xw - y\|^2 = w^TX^TXw - w^TX^Ty + y^Ty", "refuted"),
    (r"\nabla_w \|Xw - y\|_2^2 = 2X^T(Xw - y)", "proved"),
    (r"\nabla_w \|Xw - y\|_2^2 = X^T(Xw - y)", "refuted"),
    (r"\nabla_A \operatorname{tr}(AB) = B^\top", "proved"),
    (r"\nabla_A \operatorname{tr}(AB) = B", "refuted"),
    (r"\operatorname{tr}(AB) = \operatorname{tr}(BA)", "proved"),
    (r"\operatorname{tr}(v^TMv) = \operatorname{tr}(M v v^T)", "proved"),
    (r"\|A\|_F^2 = \operatorname{tr}(A^TA)", "proved"),
    (r"\|X\|_F = \|X^T\|_F", "proved"),
    (r"\|v\|_1 = \|v\|", "refuted"),
    (r"\|x\| = |x|", "proved"),
]


@pytest.mark.parametrize(("line", "verdict"), CHECKED, ids=[c[0] for c in CHECKED])
def test_checked(line: str, verdict: str) -> None:
    document = f"---\n{HEADER.strip()}\n---\n$${line}$$\n"
    result = check_text(document, cache=False)
    steps = [step for chain in result.documents[0].chains for step in chain.steps[1:]]
    assert [step.status.value for step in steps] == [verdict], [s.message for s in steps]
