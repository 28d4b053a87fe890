r"""Differentials and the Frobenius product, as matrix-calculus answers write them
(``df = 2M : dM = 2(X^TX - A) : (dX^TX + X^TdX) = \dots : dX``): ``dX`` of a declared variable
is its increment, ``d(a)`` the change of ``a`` along the increments the document writes, and
``A : B`` is ``tr(A^T B)``.  LaTeX in, reading out, written back and read again; whole
documents checked by both engines (right steps proved, each slip refuted); and the neighbours
that stay refused, with their reasons.  Rows marked "real" are copied from tests/data/real/."""

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
sizes: {n: [2, 3]}
indices: {i: n, j: n}
symbols:
  X: {shape: [n, n]}
  A: {shape: [n, n]}
  x: {shape: [n], latex: ['\mathbf{x}', 'x']}
  t: {}
definitions:
  M: {body: "mat(T(X), X) - A"}
  sym: {params: [B], body: "(B + T(B)) / 2", latex: ['\operatorname{sym}']}
  e: {body: "vec(exp(x[i]), (i, 1, n))", latex: ['e'], description: "e = exp(x), a vector"}
  alpha: {params: [v], body: "Sum(exp(v[i]), (i, 1, n))", latex: ['\alpha']}
"""


@pytest.fixture(scope="module")
def notation() -> Notation:
    return parse_notation(yaml.safe_load(HEADER), Location("test"))


X, A, x, t, M = (E.value_symbol(n) for n in ("X", "A", "x", "t", "M"))
T, P, F, D = E.Transposed, E.MatProd, E.Frobenius, E.TotalDifferential

READ: list[tuple[str, sp.Expr]] = [
    # each operand the run of factors around the colon: (2M) : dM
    (r"2\,M:dM", F(2 * M, D(M))),                                              # real
    (r"2\,(X^TX-A):(dX^TX+X^TdX)",                                             # real
     F(2 * (P(T(X), X) - A), P(T(D(X)), X) + P(T(X), D(X)))),
    (r"(4\,XX^TX - 2\,XA - 2\,XA^T):dX",                                       # real
     F(4 * P(P(X, T(X)), X) - 2 * P(X, A) - 2 * P(X, T(A)), D(X))),
    (r"M:dX\,A^T", F(M, P(D(X), T(A)))),                                       # real
    (r"A : dX + X : dX", F(A, D(X)) + F(X, D(X))),      # ':' binds tighter than '+'
    (r"-A:dX", -F(A, D(X))),
    (r"\mathrm{d}X", D(X)),
    (r"{\rm d}X", D(X)),
    (r"d(\mathbf{x}^T A \mathbf{x})", D(E.Dot(x, P(A, x)))),
    (r"d\mathbf{x}^T A \mathbf{x} + \mathbf{x}^T A\, d\mathbf{x}",
     E.Dot(D(x), P(A, x)) + E.Dot(x, P(A, D(x)))),
    (r"dt", D(t)),
    (r"d\exp(t)", D(sp.exp(t))),
    (r"\exp(t)\, dt", sp.exp(t) * D(t)),
    (r"\operatorname{tr}(A^T dX)", E.Trace(P(T(A), D(X)))),
    (r"\langle A, dX \rangle", E.Trace(P(T(A), D(X)))),
    # an inverse after the d's factor is the differential of the inverse (1/dA means nothing)
    (r"dA^{-1}", D(E.MatInv(A))),
    (r"d\alpha(x)^{-1} \exp(x)",                                              # real
     D(1 / sp.Function("alpha")(x)) * sp.exp(x)),
    # e declared (e = \exp(x)): e^T is its transpose, not Euler's number to the power T
    (r"e^Tdx", E.Dot(E.value_symbol("e"), D(x))),                              # real
    (r"{\tt1}^Te", E.Dot(E.Ones(E.size_symbol("n")), E.value_symbol("e"))),    # real
    (r"\left(A - X\right)dX", P(A - X, D(X))),
    # \Delta X: an increment of a declared variable, as dX (frob_xat_newbetuts229422.md, real)
    (r"\operatorname{tr}((X + \Delta X) A (X + \Delta X)^T)",
     E.Trace(P(P(X + D(X), A), T(X + D(X))))),
    (r"\Delta X A^T A X^T", P(P(P(D(X), T(A)), A), T(X))),
]


@pytest.mark.parametrize(("latex", "expected"), READ, ids=[r[0] for r in READ])
def test_reading(notation: Notation, latex: str, expected: sp.Expr) -> None:
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.problem is None, parsed.problem
    assert parsed.expr == expected


@pytest.mark.parametrize(("latex", "expected"), READ, ids=[r[0] for r in READ])
def test_reading_reads_back(notation: Notation, latex: str, expected: sp.Expr) -> None:
    written = reading(expected, notation)
    assert written is not None
    again = parse_step(written, notation, build_lexicon(notation))
    assert again.problem is None, (written, again.problem)
    assert again.expr == expected, written


REFUSED: list[tuple[str, str]] = [
    (r"t : t", "':' between scalars"),
    (r"A : \mathbf{x}", "different shapes"),
    (r"A : X : A", "not associative"),
    (r": A", "needs an operand on each side"),
    (r"dt^2", "the power of a differential or the differential of a power"),
    (r"d(t)^2", "a script after the differential of a bracket"),
    (r"dd", "the word 'dd'"),
    (r"d\exp(t)^2", "a script after the differential of a bracket"),
    (r"d\alpha(x)^2", "a script after the differential's factor"),
    (r"(1)^T \mathbf{x}", "a transpose of a bracket"),   # a number has no transpose
    # \Delta of anything but a declared variable (a finite difference) is not read
    (r"\Delta(t^2)", "undeclared symbol \\Delta"),
    (r"\Delta M", "undeclared symbol \\Delta"),     # M a definition, not a variable
]


@pytest.mark.parametrize(("latex", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused(notation: Notation, latex: str, why: str) -> None:
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.expr is None, parsed.expr
    assert parsed.problem is not None and why in parsed.problem, parsed.problem


def test_a_declared_d_is_a_factor_not_a_differential() -> None:
    header = yaml.safe_load(HEADER)
    header["symbols"]["d"] = {}
    declared = parse_notation(header, Location("test"))
    parsed = parse_step(r"dX", declared, build_lexicon(declared))
    assert parsed.expr == E.value_symbol("d") * X


def test_colons_of_subscripts_and_definitions_are_not_products(notation: Notation) -> None:
    parsed = parse_step(r"x_{1:n}", notation, build_lexicon(notation))
    assert parsed.problem is None or "Frobenius" not in parsed.problem


DOCUMENT = r"""---
sizes: {n: [2, 3]}
symbols:
  X: {shape: [n, n]}
  A: {shape: [n, n], description: "a given matrix (no dA: constant)"}
definitions:
  M: {body: "mat(T(X), X) - A"}
  f: {body: "frob(M, M)"}
  sym: {params: [B], body: "(B + T(B)) / 2", latex: ['\operatorname{sym}']}
---
$$ \eqalign { f &= \|M\|^2_F = M:M \cr\cr df &= 2\,M:dM \cr &= 2\,(X^TX-A):(dX^TX+X^TdX) \cr
&= 2\,(X^TX-A):2\,\,{\rm sym}(X^TdX) \cr &= (2\,X^TX - A-A^T):2\,(X^TdX) \cr
&= (4\,XX^TX - 2\,XA - 2\,XA^T):dX \cr } $$
$$ \frac {\partial f} {\partial X} = 4\,XX^TX - 2\,XA - 2\,XA^T $$
"""
# The answer of tests/data/real/frob_xtx_techqa.md, every step right.
RIGHT = ["proved"] * 8
SLIPS: list[tuple[str, str, str]] = [
    ("a lost factor 2", r"df &= 2\,M:dM", r"df &= M:dM"),
    ("a dropped term of dM", r"(dX^TX+X^TdX)", r"(dX^TX)"),
    ("a dropped term at the end", r"(4\,XX^TX - 2\,XA - 2\,XA^T):dX",
     r"(4\,XX^TX - 2\,XA):dX"),
    ("a transpose lost in the gradient", r"= 4\,XX^TX - 2\,XA - 2\,XA^T $$",
     r"= 4\,XX^TX - 2\,XA - 2\,XA $$"),
]


def _verdicts(text: str) -> list[str]:
    result = check_text(text, cache=False)
    return [step.status.value for chain in result.documents[0].chains
            for step in chain.steps[1:]]


@pytest.mark.slow
def test_the_real_answer_is_proved_step_by_step() -> None:
    assert _verdicts(DOCUMENT) == RIGHT


@pytest.mark.slow
@pytest.mark.parametrize(("slip", "right", "wrong"), SLIPS, ids=[s[0] for s in SLIPS])
def test_each_slip_is_refuted(slip: str, right: str, wrong: str) -> None:
    assert right in DOCUMENT
    verdicts = _verdicts(DOCUMENT.replace(right, wrong, 1))
    assert "refuted" in verdicts, (slip, verdicts)
    assert "proved" in verdicts


def test_a_differential_with_no_increment_in_the_document_is_not_checked() -> None:
    """``d(M)`` where no ``dX`` is written anywhere: what moves is not known, so the step has
    no value (never 0, which would prove ``M : dM = 0``)."""
    text = DOCUMENT.split("---\n$$")[0] + "---\n$$ M : dM = 0 $$\n"
    steps = [step for chain in check_text(text, cache=False).documents[0].chains
             for step in chain.steps]
    assert not {"proved", "supported"} & {step.status.value for step in steps}
    assert "no increment of a variable it depends on is written" in steps[0].message


def test_increments_of_a_symmetric_matrix_stay_symmetric() -> None:
    text = r"""---
sizes: {n: [2, 3]}
symbols:
  S: {shape: [n, n], symmetric: true}
---
$$ d\operatorname{tr}(S S) = 2 \operatorname{tr}(S\, dS) = 2 S : dS $$
"""
    assert _verdicts(text) == ["proved", "proved"]


def test_each_chain_moves_the_variables_it_writes_increments_for() -> None:
    """A chain with dA makes A move there only: the chain after it, which writes dX alone,
    keeps A constant (as its author does); a chain with no increment takes the document's."""
    text = DOCUMENT.split("---\n$$")[0] + (
        "---\n$$ dM = dX^TX + X^TdX - dA $$\n\n"
        "$$ dM = dX^TX + X^TdX $$\n")
    assert _verdicts(text) == ["proved", "proved"]


def test_a_label_has_no_increment() -> None:
    text = r"""---
sizes: {n: [2]}
symbols:
  y: {shape: [n], kind: onehot}
  x: {shape: [n]}
---
$$ dy^T x = 0 $$
"""
    steps = [s for c in check_text(text, cache=False).documents[0].chains for s in c.steps]
    assert steps[0].status.value == "unparsed" and "has no increment" in steps[0].message
    assert not {"proved", "supported", "refuted"} & {s.status.value for s in steps}
