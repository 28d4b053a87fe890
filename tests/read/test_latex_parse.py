"""Table-driven parser tests: LaTeX in, expected SymPy (in the shared vocabulary) out."""

from __future__ import annotations

import pytest
import sympy as sp
import yaml

from verify.core.errors import Location
from verify.model import expr as E
from verify.model.notation import Notation
from verify.read.latex.names import build_lexicon
from verify.read.latex.step import derivative_variable, parse_step
from verify.read.notation import parse_notation

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
  L: {body: "-Sum(y[k] * log(yhat[k]), (k, 1, K))", latex: ['L', 'L(W)', 'L^{\text{Softmax}}']}
  P: {params: [c, v], body: "exp(dot(w[c], v)) / Sum(exp(dot(w[m], v)), (m, 1, K))"}
  DE: {index: [j], body: "D(L, w[j])", latex: ['D(\mathbf{w})']}
"""


@pytest.fixture(scope="module")
def notation() -> Notation:
    return parse_notation(yaml.safe_load(NOTATION_YAML), Location("test"))


i, k, kp, j, m, l = (E.index_symbol(n) for n in ("i", "k", "kp", "j", "m", "l"))  # noqa: E741
K, N = E.size_symbol("K"), E.size_symbol("N")
w, x, yh, sig, y = (E.family(n) for n in ("w", "x", "yhat", "sig", "y"))
z, x1, a, b, C, L = (E.value_symbol(n) for n in ("z", "x1", "a", "b", "C", "L"))
g, P = sp.Function("g"), sp.Function("P")
lab, DE = E.family("lab"), E.family("DE")

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
    # the letter left out means something outside the sum (else: pairs? refused)
    (r"y_j + \sum_{k \in [1, K] \setminus j} y_k",
     y[j] + sp.Sum((1 - sp.KroneckerDelta(k, j, evaluate=False)) * y[k], (k, 1, K))),
    (r"y_j \sum_{\substack{k=1\\k\neq j}}^{K} y_k",
     y[j] * sp.Sum((1 - sp.KroneckerDelta(k, j, evaluate=False)) * y[k], (k, 1, K))),
    (r"\sum_{i=1}^N \sum_{k=1}^K y_k", sp.Sum(sp.Sum(y[k], (k, 1, K)), (i, 1, N))),
    # a range written as a set: [K] is 1..K; {1, ..., K}; with one left out
    (r"\sum_{k \in [K]} y_k", sp.Sum(y[k], (k, 1, K))),
    (r"\sum_{k \in \{1, \dots, K\}} y_k", sp.Sum(y[k], (k, 1, K))),
    (r"\sum_{k \in \{1, 2, \ldots, K\}} y_k", sp.Sum(y[k], (k, 1, K))),
    (r"y_j + \sum_{k \in [K] \setminus \{j\}} y_k",
     y[j] + sp.Sum((1 - sp.KroneckerDelta(k, j, evaluate=False)) * y[k], (k, 1, K))),
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
    # column vectors (seed 001, lines 61 and 68), explicit or with a \vdots pattern
    (r"\begin{pmatrix} P(y = 1 | \mathbf{x}; \mathbf{w}) \\ P(y = 2 | \mathbf{x}; \mathbf{w}) "
     r"\\ \vdots \\ P(y = K | \mathbf{x}; \mathbf{w}) \end{pmatrix}",
     E.VecOf(P(k, x1), k, 1, K)),
    ("\\frac{1}{ \\sum_{j=1}^{K}{\\exp\\big(\\mathbf{w}_j^{\\top} \\mathbf{x}\\big) }}\n"
     "\\begin{pmatrix}\n\\exp(\\mathbf{w}_1^{\\top} \\mathbf{x} ) \\\\\n"
     "\\exp(\\mathbf{w}_2^{\\top} \\mathbf{x} ) \\\\\n\\vdots \\\\\n"
     "\\exp(\\mathbf{w}_K^{\\top} \\mathbf{x} ) \\\\\n\\end{pmatrix}.",
     E.VecOf(sp.exp(E.Dot(w[k], x1)), k, 1, K) / sp.Sum(sp.exp(E.Dot(w[j], x1)), (j, 1, K))),
    (r"\begin{bmatrix} y_1 \\ y_2 \\ \vdots \\ y_K \end{bmatrix}", E.VecOf(y[k], k, 1, K)),
    (r"\begin{pmatrix} a \\ b \end{pmatrix}", sp.ImmutableMatrix([a, b])),
    (r"\frac{1}{2} \begin{bmatrix} a \\ b \\ \end{bmatrix}", sp.ImmutableMatrix([a / 2, b / 2])),
    # cases (seed 001, lines 95 and 394)
    (r"\begin{cases} 1 & \text{when } y^{(i)} = k, \\[5pt] 0 & \text{otherwise}. \end{cases}",
     sp.Piecewise((1, sp.Eq(lab[i], k, evaluate=False)), (0, True), evaluate=False)),
    (r"\begin{cases} \exp(\mathbf{w}_j^{\top} \mathbf{x}^{(i)}) x_l^{(i)} & \text{if } j=k, "
     r"\\[3pt] 0 & \text{if }j\neq k. \end{cases}",
     sp.Piecewise((sp.exp(E.Dot(w[j], x[i])) * x[i, l], sp.Eq(j, k, evaluate=False)),
                  (0, sp.Ne(j, k, evaluate=False)), evaluate=False)),
    (r"\begin{cases} a & k < j \\ b & \text{for } k \ge j \end{cases}",
     sp.Piecewise((a, sp.Lt(k, j, evaluate=False)), (b, sp.Ge(k, j, evaluate=False)),
                  evaluate=False)),
    # conditional probabilities of a declared function (seed 001, lines 106 and 347)
    (r"P\big(y^{(i)}=k | \mathbf{x}^{(i)} ; \mathbf{w} \big)", P(k, x[i])),
    (r"\ln P(y = j \mid \mathbf{x})", sp.log(P(j, x1))),
    (r"1_{\{y^{(i)} = k\}} \ln P\big(y^{(i)}=k | \mathbf{x}^{(i)} ; \mathbf{w} \big)",
     sp.KroneckerDelta(lab[i], k, evaluate=False) * sp.log(P(k, x[i]))),
    # a word in text type decorating a declared spelling (seed 001, line 325)
    (r"L^{\text{Softmax}}", L),
    (r"L^{\mathrm{Softmax}} + a", L + a),
    # a bracketed matrix times a vector (seed 002, line 61); a bracketed scalar stays a factor
    (r"\frac{1}{2} (C^{-1} + C^{-1T}) \mathbf{z}",
     E.MatProd(E.MatInv(C) + E.Transposed(E.MatInv(C)), z) / 2),
    (r"\left(\hat{y}_k - y_k\right) \boldsymbol{z}", (yh[k] - y[k]) * z),
    # tight spacing: a font command straight after a command, \left( straight after a name
    (r"\hat{y}_k\cdot\boldsymbol{z}", yh[k] * z),
    (r"\hat{y}_k\left(a + b\right)", yh[k] * (a + b)),
    # pi next to names is a number, not a function (seed 002, line 57)
    (r"2\pi a b", 2 * sp.pi * a * b),
    # an indexed definition spelt with a literal argument list: its own index letters
    (r"D(\mathbf{w}) + a", DE[j] + a),
    # an open-ended \dots under a brace, closed by the term after it (seed 000, line 22)
    (r"\underbrace{y_1 + y_2 + \dots}_{=0} + y_k", sp.Sum(y[kp], (kp, 1, k - 1)) + y[k]),
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
    (r"Q(y = k | x)", "undeclared symbol Q"),
    (r"a | b", "'|'"),
    (r"P(k | x)", "the event of a conditional probability must be 'name = value'"),
    (r"P(y + a = k | x)", "is not one declared name"),
    (r"\begin{pmatrix} a & b \\ a \end{pmatrix}", "rows have different numbers of entries"),
    (r"\begin{array}{cc} a & b \end{array}", "a matrix given by its columns"),
    (r"\begin{vmatrix} a \end{vmatrix}", "environment 'vmatrix'"),
    (r"\begin{pmatrix} y_1 \\ \vdots \\ y_K \end{pmatrix}", "dots whose pattern"),
    (r"\begin{pmatrix} y_1 \\ y_3 \\ \vdots \\ y_K \end{pmatrix}", "one pattern"),
    (r"\begin{cases} a & \text{if the sky is blue} \end{cases}", "prose inside the formula"),
    (r"\begin{cases} a & k \end{cases}", "not a relation"),
    (r"\begin{cases} a \\ b \end{cases}", "a value & a condition"),
    (r"L^{\text{Logistic}}", "undeclared symbol L^{\\text{Logistic}}"),
    (r"\underbrace{y_1 + y_2 + \dots}_{=0}", "\\dots whose pattern is not clear"),
    (r"\underbrace{y_1 + y_2 + \dots}_{=0} + a_k", "one pattern"),
    (r"g_j(oldsymbol{z})", "'\\b' of '\\boldsymbol' was eaten"),
    ("(-y_j\night)", "'\\r' of '\\right' was eaten"),
    (r"\frac{a}{b", "unbalanced LaTeX"),
    (r"w_k z", "vectors side by side"),
    (r"a_1 + a_2 + \dots", "\\dots whose pattern is not clear"),
    (r"\log(\frac{d^3}{dw_k^3} a)", "derivatives of order other than 2"),
    (r"\frac{\partial^2 a}{\partial w_k}", "a second derivative's denominator"),
    (r"(a)'", "(...)' but the chain does not start with a derivative"),
    (r"w_{q}", "subscript 'q' is not a declared index letter"),
    (r"log a", "the word 'log'"),   # log(a) is read: l, o, g are not declared
    (r"\sum_{k \neq j} y_k", "j appears nowhere else"),   # over k, or over the pairs?
    (r"\sum_{k \in \{1, 3, \dots, K\}} y_k", "not a range 1, ..., K"),
    (r"\sum_{k \in \{a, b\}} y_k", "not a range 1, ..., K"),
    (r"L(a, b)", "L is not declared as a function"),
    (r"a" * 5000, "longer than"),
    (r"a + 10^{10^{10}}", "a tower of powers"),
    (r"a^{100}", "a numeric exponent above 64"),
    (r"\frac{\partial z^T wk}{\partial wk}", "'w' is a family, one per K: it needs its index"),
]


@pytest.mark.parametrize(("latex", "reason"), FAILURES, ids=[f[1] for f in FAILURES])
def test_unreadable(notation: Notation, latex: str, reason: str) -> None:
    result = parse_step(latex, notation, build_lexicon(notation))
    assert result.expr is None
    assert result.problem is not None and reason in result.problem, result.problem


def test_open_dots_subclaim_reads_the_same_terms(notation: Notation) -> None:
    result = parse_step(r"\underbrace{y_1 + y_2 + \dots}_{=0} + y_k", notation,
                        build_lexicon(notation))
    (claim,) = result.subclaims
    assert claim.lhs == sp.Sum(y[kp], (kp, 1, k - 1)) and claim.rhs == 0


DERIVATIVE_VARIABLES: list[tuple[str, sp.Expr | None]] = [
    (r"\frac{\partial \hat{E}(\mathbf{w}_{1:K})}{\partial \mathbf{w}_k}", w[k]),
    (r"\frac{d}{d\boldsymbol{w}_k} \hat{E}", w[k]),
    (r"\nabla_{w_{jl}} \hat{E}", w[j, l]),
    (r"\frac{\partial \hat{E}}{\partial \mathbf{w}_k} + a", None),
    (r"\hat{E}", None),
    (r"\frac{a}{b}", None),
    (r"\frac{\partial a}{\partial q}", None),
]


@pytest.mark.parametrize(("latex", "expected"), DERIVATIVE_VARIABLES,
                         ids=[c[0] for c in DERIVATIVE_VARIABLES])
def test_derivative_variable(notation: Notation, latex: str, expected: sp.Expr | None) -> None:
    assert derivative_variable(latex, notation, build_lexicon(notation)) == expected


def test_lexicon_decorations_and_preferred_names() -> None:
    raw = yaml.safe_load(r"""
symbols:
  a: {latex: ['a', 'L^{\text{Log istic}}']}
  b: {latex: ['a']}
""")
    both = parse_notation(raw, Location("test"))
    assert any("names both 'a' and 'b'" in p for p in build_lexicon(both).problems)
    preferred = build_lexicon(both, frozenset({"b"}))
    assert preferred.problems == ()
    assert preferred.lookup("a", (0, 0), "") == (preferred.bases["a"][0].entry, 0)
    assert preferred.bases["a"][0].entry.name == "b"
    # A decoration is one canonical base: spaces and the text command do not matter.
    assert preferred.knows(r"L^{\text{Logistic}}")
