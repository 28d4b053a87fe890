"""Table-driven parser tests: LaTeX in, expected SymPy (in the shared vocabulary) out."""

from __future__ import annotations

import pytest
import sympy as sp
import yaml

from verify import expr as E
from verify.errors import Location
from verify.latex import parse_step
from verify.names import build_lexicon
from verify.notation import Notation, parse_notation

NOTATION_YAML = r"""
sizes: {K: [2, 3], N: [1, 2], n: [2, 3]}
indices: {i: N, k: K, kp: K, j: K, m: K, l: n}
symbols:
  w: {family: [K], shape: [n], latex: ['\mathbf{w}', '\boldsymbol{w}', 'w']}
  x: {family: [N], shape: [n], latex: ['\mathbf{x}^{(i)}', 'x^{(i)}', '\mathbf{x}_i']}
  x1: {shape: [n], latex: ['\mathbf{x}', 'x']}
  z: {shape: [n], latex: ['\boldsymbol{z}', 'z']}
  y: {shape: [K], kind: onehot, latex: ['y']}
  lab: {family: [N], kind: label, classes: K, latex: ['y^{(i)}']}
  C: {shape: [n, n]}
  a: {}
  b: {}
definitions:
  yhat: {index: [k], body: "exp(dot(w[k], z)) / Sum(exp(dot(w[m], z)), (m, 1, K))",
         latex: ['\hat{y}']}
  sig: {index: [i, k], body: "exp(dot(w[k], x[i])) / Sum(exp(dot(w[m], x[i])), (m, 1, K))",
        latex: ['\sigma']}
  g: {params: [c, v], body: "exp(v[c]) / Sum(exp(v[m]), (m, 1, K))", latex: ['g']}
  L: {body: "-Sum(y[k] * log(yhat[k]), (k, 1, K))", latex: ['L', 'L(W)']}
"""


@pytest.fixture(scope="module")
def notation() -> Notation:
    return parse_notation(yaml.safe_load(NOTATION_YAML), Location("test"))


i, k, kp, j, m, l = (E.index_symbol(n) for n in ("i", "k", "kp", "j", "m", "l"))  # noqa: E741
K, N = E.size_symbol("K"), E.size_symbol("N")
w, x, yh, sig, y = (E.family(n) for n in ("w", "x", "yhat", "sig", "y"))
z, x1, a, b, C, L = (E.value_symbol(n) for n in ("z", "x1", "a", "b", "C", "L"))
g = sp.Function("g")

CASES: list[tuple[str, sp.Expr]] = [
    # names, fonts, accents, indices
    (r"\mathbf{w}_k", w[k]),
    (r"\boldsymbol{w}_{k'}", w[kp]),
    (r"w_{jl}", w[j, l]),
    (r"\hat{y}_k", yh[k]),
    (r"\widehat{y}_{k}", yh[k]),
    (r"\sigma_k^{(i)}", sig[i, k]),
    (r"x^{(i)}_l", x[i, l]),
    (r"\mathbf{x}^{(i)}", x[i]),
    (r"y_k", y[k]),
    # transposes and matrix products
    (r"\boldsymbol{w}_k^T \boldsymbol{z}", E.Dot(w[k], z)),
    (r"\mathbf{w}_k^{\top} \mathbf{x}^{(i)}", E.Dot(w[k], x[i])),
    (r"w_k^{T} C^{-1} w_k", E.Dot(w[k], E.MatProd(E.MatInv(C), w[k]))),
    (r"C^{-1} z", E.MatProd(E.MatInv(C), z)),
    (r"y_k w_k^T z", y[k] * E.Dot(w[k], z)),
    # sums
    (r"\sum_{k=1}^{K} y_k", sp.Sum(y[k], (k, 1, K))),
    (r"\sum^{K}_{k=1} y_k", sp.Sum(y[k], (k, 1, K))),
    (r"\sum_{k \in [1, K] \setminus j} y_k",
     sp.Sum((1 - sp.KroneckerDelta(k, j, evaluate=False)) * y[k], (k, 1, K))),
    (r"\sum_{\substack{k=1\\k\neq j}}^{K} y_k",
     sp.Sum((1 - sp.KroneckerDelta(k, j, evaluate=False)) * y[k], (k, 1, K))),
    (r"\sum_{i=1}^N \sum_{k=1}^K y_k", sp.Sum(sp.Sum(y[k], (k, 1, K)), (i, 1, N))),
    # derivatives
    (r"\frac{d}{d\boldsymbol{w}_k} a", E.Deriv(a, w[k])),
    (r"\frac{\partial L}{\partial w_{jl}}", E.Deriv(L, w[j, l])),
    (r"\frac{\partial}{\partial w_{jl}} \sigma_k^{(i)}", E.Deriv(sig[i, k], w[j, l])),
    (r"\nabla_{w_k} L(W)", E.Deriv(L, w[k])),
    (r"\frac{\partial \log g_k(z)}{\partial g_k(z)}",
     E.Deriv(sp.log(g(k, z)), g(k, z))),
    (r"\frac{\partial a}{\partial w_k} \frac{\partial b}{\partial w_k}",
     E.Deriv(a, w[k]) * E.Deriv(b, w[k])),
    # seed 000: the bound k inside the sum does not capture the free k of d/dw_k
    (r"\frac{d}{d\boldsymbol{w}_k} \sum_{k=1}^K y_k \boldsymbol{w}_k^T \boldsymbol{z}",
     E.Deriv(sp.Sum(y[k] * E.Dot(w[k], z), (k, 1, K)), w[k])),
    # indicators
    (r"1_{\{y^{(i)} = k\}}", sp.KroneckerDelta(E.family("lab")[i], k, evaluate=False)),
    (r"1_{\{j = k\}}", sp.KroneckerDelta(j, k, evaluate=False)),
    (r"\delta_{kj}", sp.KroneckerDelta(k, j, evaluate=False)),
    # logs and exponentials
    (r"\log a", sp.log(a)),
    (r"\ln(a)", sp.log(a)),
    (r"\exp(a)", sp.exp(a)),
    (r"e^{a}", sp.exp(a)),
    (r"e^{2a}", sp.exp(2 * a)),
    # functions and definitions
    (r"g_k(\boldsymbol{z})", g(k, z)),
    (r"L(W)", L),
    (r"\frac{1}{g_k(z)} \cdot g_k(z)", sp.Integer(1)),
    # presentation
    (r"\left( a + b \right) \Bigl\{ a \Bigr\}", (a + b) * a),
    (r"a \, b \; \quad", a * b),
    (r"0.5 a", sp.Rational(1, 2) * a),
    (r"\frac{1}{N} a.", a / N),
    # \dots with a clear pattern
    (r"y_1 + y_2 + \dots + y_K", sp.Sum(y[k], (k, 1, K))),
    (r"\frac{d}{dw_k} \exp(w_1^T z) + \frac{d}{dw_k} \exp(w_2^T z) + \dots + "
     r"\frac{d}{dw_k} \exp(w_K^T z)", sp.Sum(E.Deriv(sp.exp(E.Dot(w[kp], z)), w[k]),
                                            (kp, 1, K))),
]


@pytest.mark.parametrize(("latex", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parses(notation: Notation, latex: str, expected: sp.Expr) -> None:
    result = parse_step(latex, notation, build_lexicon(notation))
    assert result.problem is None, result.problem
    assert result.expr == expected, f"{result.expr} != {expected}"


def test_prime_derivative_uses_the_chain_variable(notation: Notation) -> None:
    result = parse_step(r"(a + b)'", notation, build_lexicon(notation), prime_target=w[k])
    assert result.expr == E.Deriv(a + b, w[k])


def test_underbrace_becomes_a_subclaim(notation: Notation) -> None:
    result = parse_step(r"\underbrace{a - a}_{=0} + b", notation, build_lexicon(notation))
    assert result.expr == b
    assert len(result.subclaims) == 1
    assert result.subclaims[0].lhs == 0 and result.subclaims[0].rhs == 0


FAILURES: list[tuple[str, str]] = [
    (r"\hat{g}_k z", "undeclared symbol \\hat{g}"),
    (r"q + a", "undeclared symbol q"),
    (r"\text{Let } a", "prose inside the formula"),
    (r"a \approx b", "relation \\approx"),
    (r"\begin{pmatrix} a \\ b \end{pmatrix}", "environment 'pmatrix'"),
    (r"P(y = k | x)", "undeclared symbol P"),
    (r"g_j(oldsymbol{z})", "'\\b' of '\\boldsymbol' was eaten"),
    ("(-y_j\night)", "'\\r' of '\\right' was eaten"),
    (r"\frac{a}{b", "unbalanced LaTeX"),
    (r"w_k z", "vectors side by side"),
    (r"a_1 + a_2 + \dots", "\\dots whose pattern is not clear"),
    (r"\log(\frac{d^2}{dw_k^2} a)", "higher derivatives are not supported"),
    (r"(a)'", "(...)' but the chain does not start with a derivative"),
    (r"w_{q}", "subscript 'q' is not a declared index letter"),
    (r"log(a)", "the word 'log'"),
    (r"L(a, b)", "L is not declared as a function"),
    (r"a" * 5000, "longer than"),
]


@pytest.mark.parametrize(("latex", "reason"), FAILURES, ids=[f[1] for f in FAILURES])
def test_unreadable(notation: Notation, latex: str, reason: str) -> None:
    result = parse_step(latex, notation, build_lexicon(notation))
    assert result.expr is None
    assert result.problem is not None and reason in result.problem, result.problem
