r"""Names and marks as sources write them: a literal letter subscript naming an iterate
(``w_t``, where ``t`` is no index), ``\boxed{...}`` around a result, a declared function
differentiated without its argument (``\frac{\partial \phi}{\partial X}``), and their refused
neighbours.  Rows marked "real" are copied from tests/data/real/."""

from __future__ import annotations

import pytest
import sympy as sp
import yaml

from verify.api import check_text
from verify.core.errors import Location
from verify.model import expr as E
from verify.model.notation import Notation
from verify.read.latex.names import build_lexicon, declared_words
from verify.read.latex.step import parse_step
from verify.read.notation import parse_notation

HEADER = r"""
sizes: {n: [2, 3], d: [2]}
indices: {i: n}
symbols:
  X: {shape: [n, n], latex: ['\mathbf{X}', 'X']}
  A: {shape: [n, n]}
  w: {shape: [d]}
  wt: {shape: [d], latex: ['w_t'], description: the weights at step t}
  v: {family: [n], shape: [d]}
definitions:
  phi: {params: [V], body: "tr(mat(A, V))", latex: ['\phi']}
  g: {params: [V, U], body: "tr(mat(V, U))", latex: ['g']}
  h: {params: [V], body: "tr(mat(mat(X, A), V))", latex: ['h'], description: depends on X}
"""


@pytest.fixture(scope="module")
def notation() -> Notation:
    return parse_notation(yaml.safe_load(HEADER), Location("test"))


X, A, w, wt = (E.value_symbol(n) for n in ("X", "A", "w", "wt"))
phi = sp.Function("phi")

READ: list[tuple[str, sp.Expr]] = [
    (r"w_t - w", wt - w),                                                       # real
    (r"v_i", E.family("v")[E.index_symbol("i")]),        # an index letter stays an index
    (r"\frac{\partial \phi}{\partial \mathbf{X}}", E.Deriv(phi(X), X)),          # real
    (r"\frac{\partial \phi(X)}{\partial X}", E.Deriv(phi(X), X)),
]


@pytest.mark.parametrize(("latex", "expected"), READ, ids=[r[0] for r in READ])
def test_reading(notation: Notation, latex: str, expected: sp.Expr) -> None:
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.problem is None, parsed.problem
    assert parsed.expr == expected


REFUSED: list[tuple[str, str]] = [
    (r"w_s", "subscript 's' is not a declared index letter"),   # only the declared spelling
    (r"\frac{\partial g}{\partial X}", "needs its arguments"),   # two arguments: which?
    (r"\frac{\partial \phi}{\partial v_i}", "needs its arguments"),   # not a whole variable
    (r"\frac{\partial h}{\partial X}", "needs its arguments"),   # h depends on X itself
]


@pytest.mark.parametrize(("latex", "why"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused(notation: Notation, latex: str, why: str) -> None:
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.expr is None, parsed.expr
    assert parsed.problem is not None and why in parsed.problem, parsed.problem


def _verdicts(body: str) -> list[str]:
    result = check_text(f"---\n{HEADER.strip()}\n---\n{body}\n", cache=False)
    return [step.status.value for chain in result.documents[0].chains
            for step in chain.steps[1:]]


def test_a_boxed_result_is_read_and_checked() -> None:                          # real
    assert _verdicts(r"$$ \boxed{ \nabla_{\mathbf{X}} \phi(\mathbf{X}) = A^\top } $$") == \
        ["proved"]
    assert _verdicts(r"$$ \boxed{ \nabla_{\mathbf{X}} \phi(\mathbf{X}) = A } $$") == \
        ["refuted"]


def test_unit_vectors_e_i_have_the_length_of_their_index() -> None:
    header = yaml.safe_load(HEADER)
    header["indices"]["j"] = "n"
    declared = parse_notation(header, Location("test"))
    lexicon = build_lexicon(declared)
    i, j = E.index_symbol("i"), E.index_symbol("j")
    parsed = parse_step(r"\mathrm{tr}(A \, {\bf e}_i {\bf e}_j^\top)", declared, lexicon)   # real
    assert parsed.problem is None, parsed.problem
    unit = E.index_symbol("_unit")
    e = [E.VecOf(sp.KroneckerDelta(unit, letter, evaluate=False), unit, 1, E.size_symbol("n"))
         for letter in (i, j)]
    assert parsed.expr == E.Trace(E.MatProd(E.MatProd(A, e[0]), E.Transposed(e[1])))
    for refused, why in ((r"e_1", "needs a declared index letter"),
                         (r"e_d", "needs a declared index letter")):
        problem = parse_step(refused, declared, lexicon).problem
        assert problem is not None and why in problem, problem


def test_a_unit_vector_step_is_checked() -> None:
    text = r"""---
sizes: {n: [2, 3]}
indices: {i: n, j: n}
symbols:
  A: {shape: [n, n]}
---
$$ \operatorname{tr}(A e_i e_j^T) = (A)_{ji} $$
$$ \operatorname{tr}(A e_i e_j^T) = (A)_{ij} $$
"""
    result = check_text(text, cache=False)
    verdicts = [s.status.value for c in result.documents[0].chains for s in c.steps[1:]]
    assert verdicts == ["proved", "refuted"]


def test_a_period_after_a_bracket_is_a_product_dot(notation: Notation) -> None:   # real
    lexicon = build_lexicon(notation)
    parsed = parse_step(r"-(1 - \phi(X)).\phi(A)", notation, lexicon)
    assert parsed.problem is None, parsed.problem
    assert parsed.expr is not None and sp.expand(parsed.expr - (phi(X) - 1) * phi(A)) == 0
    for line in (r"\phi(X) 2.5", r"(1 - \phi(X)).5"):   # a decimal point stays one
        again = parse_step(line, notation, lexicon)
        assert again.expr is None or again.expr.has(sp.Rational(5, 2)) or \
            again.expr.has(sp.Rational(1, 2)), again.expr


DERIVATIVE_DOCUMENT = r"""---
sizes: {n: [2]}
indices: {i: n, j: n}
symbols:
  X: {shape: [n, n]}
  A: {shape: [n, n]}
  x: {shape: [n]}
  t: {}
---
"""
DERIVATIVES = [
    (r"\partial_{X_{ij}} \operatorname{tr}(A X) = (A)_{ji}", ["proved"]),
    (r"\partial_{X_{ij}} \operatorname{tr}(A X) = (A)_{ij}", ["refuted"]),
    (r"\partial_t (t^2 + 1) = 2t", ["proved"]),
    # by an index letter, a size or a number: nothing varies, and '= 0' was proved
    (r"\frac{\partial}{\partial i} x_i = 0", ["start"]),
    (r"\frac{\partial x_1}{\partial n} = 0", ["start"]),
    (r"\nabla_i x_i = 0", ["start"]),
    (r"\partial_{ij} \operatorname{tr}(A X) = (A)_{ji}", ["start"]),   # d/dX_ij by the prose
]


@pytest.mark.parametrize(("line", "verdicts"), DERIVATIVES, ids=[d[0] for d in DERIVATIVES])
def test_derivative_operators(line: str, verdicts: list[str]) -> None:
    result = check_text(DERIVATIVE_DOCUMENT + f"$${line}$$\n", cache=False)
    steps = [s for c in result.documents[0].chains for s in c.steps]
    assert [s.status.value for s in steps[1:]] == verdicts, [s.message for s in steps]
    if verdicts == ["start"]:
        assert steps[0].status.value == "unparsed" and "does not vary" in steps[0].message


def test_a_sum_whose_index_is_used_after_it_is_refused() -> None:                # real
    header = r"""---
sizes: {n: [2, 3]}
indices: {i: n, k: n}
symbols:
  y: {family: [n]}
  z: {shape: [n]}
  s: {family: [n], interval: [0.1, 0.9]}
---
"""
    right = (r"\sum_{i=1}^n \left(y_i \log s_i + (1-y_i)\log(1-s_i)\right) = "
             r"\sum_{i=1}^n y_i \log s_i + (1-y_i)\log(1-s_i)")   # logreg_alineberry.md
    steps = [s for c in check_text(header + f"$${right}$$\n", cache=False).documents[0].chains
             for s in c.steps]
    assert steps[1].status.value == "unparsed" and "is used after it" in steps[1].message
    # a sum inside a function or a denominator ends there: its own index, as written
    assert _document_verdicts(header, r"\frac{e^{z_i}}{\sum_i e^{z_i}} = "
                              r"\frac{e^{z_i}}{\sum_{k=1}^n e^{z_k}}") == ["proved"]
    assert _document_verdicts(header, r"\sum_{i=1}^n y_i + 1 = 1 + \sum_{k=1}^n y_k") == \
        ["proved"]
    # a later sum binds its letter again; a group closes a sum (the reading's own \frac)
    assert _document_verdicts(header, r"\sum_i y_i + \sum_i y_i^2 = "
                              r"\sum_{k=1}^n (y_k + y_k^2)") == ["proved"]
    assert _document_verdicts(header, r"y_i - \frac{\sum_{i=1}^n y_i}{n} = "
                              r"y_i - \frac{\sum_{k=1}^n y_k}{n}") == ["proved"]
    # TeX's one-token subscript: t_iu_i uses i
    steps = [s for c in check_text(header + r"$$\sum_i y_iz_1 - y_iz_1 = 0$$" + "\n",
                                   cache=False).documents[0].chains for s in c.steps]
    assert "is used after it" in steps[0].message


def _document_verdicts(header: str, line: str) -> list[str]:
    result = check_text(header + f"$${line}$$\n", cache=False)
    return [s.status.value for c in result.documents[0].chains for s in c.steps[1:]]


WORD_HEADER = r"""---
sizes: {n: [2]}
symbols:
  m: {}
  t: {}
definitions:
  Cost: {body: "(m - t)**2", latex: ['Cost'], description: "the cost, a word"}
  LL: {params: [u], body: "-u**2", latex: ['LL']}
---
"""
WORDS = [
    (r"\frac{\partial Cost}{\partial m} = 2(m - t)", ["proved"]),   # backprop_techqa4064289
    (r"\frac{\partial Cost}{\partial m} = 2(m + t)", ["refuted"]),
    (r"2Cost = 2(m-t)^2", ["proved"]),            # a number before the word: a product
    (r"LL(m) = -m^2", ["proved"]),                # a word spelling a function
    (r"Cost_2 = (m - t)^2", ["start"]),           # a constant takes no index
    (r"Costs = (m - t)^2", ["start"]),            # a longer word is not the name
    (r"\Cost = (m - t)^2", ["start"]),            # nor a command
    (r"Cost + \text{Cost} = 2(m-t)^2", ["proved"]),  # in text type, the name's spelling
]


@pytest.mark.parametrize(("line", "verdicts"), WORDS, ids=[w[0] for w in WORDS])
def test_a_declared_word_is_one_name(line: str, verdicts: list[str]) -> None:
    assert _document_verdicts(WORD_HEADER, line) == verdicts


def test_words_in_text_type_and_commands_are_left_alone() -> None:
    words = frozenset({"Cost"})
    assert declared_words(r"\frac{\partial Cost}{\partial m}", words) == \
        r"\frac{\partial \operatorname{Cost}}{\partial m}"
    for kept in (r"\text{the Cost of it}", r"\operatorname{Cost}", r"\Cost", "Costs", "aCost"):
        assert declared_words(kept, words) == kept


def test_an_undeclared_word_stays_refused() -> None:
    result = check_text(WORD_HEADER + "$$Gain = m$$\n", cache=False)
    start = result.documents[0].chains[0].steps[0]
    assert start.status.value == "unparsed" and "the word 'Gain'" in start.message


SIGMA_HEADER = r"""---
sizes: {d: [2]}
symbols:
  w: {shape: [d]}
  x: {shape: [d]}
  y: {kind: binary}
definitions:
  s: {body: "1 / (1 + exp(-dot(w, x)))", latex: ['\sigma'], description: "\\sigma = \\sigma(w^Tx)"}
---
"""
CONSTANT_BEFORE_BRACKET = [
    # logreg_alineberry.md: "Simplify notation: \sigma = \sigma(w^Tx)", then \sigma(1-\sigma)
    (r"\frac{y - \sigma}{\sigma(1-\sigma)} \sigma(1-\sigma) = y - \sigma", ["proved"]),
    (r"\sigma(1-\sigma) = \sigma - \sigma^2", ["proved"]),
    (r"\sigma(1-\sigma) = \sigma + \sigma^2", ["refuted"]),
    (r"\sigma(w^Tx) = \sigma", ["start"]),    # a call of a number: refused, as before
    (r"\sigma(\sigma) = \sigma^2", ["start"]),   # its name alone: a call at itself?
]


@pytest.mark.parametrize(("line", "verdicts"), CONSTANT_BEFORE_BRACKET,
                         ids=[c[0] for c in CONSTANT_BEFORE_BRACKET])
def test_a_constant_before_a_bracket_of_its_own_name(line: str, verdicts: list[str]) -> None:
    assert _document_verdicts(SIGMA_HEADER, line) == verdicts
