r"""Issue 13's numbered names and primed functions: LaTeX in, reading out.

* Literal spellings: a subscript or superscript that is part of a declared name
  (``\theta_0`` and ``\theta_1`` as two scalars, ``h_\theta`` as a function, ``W^{(1)}``,
  ``b^{[2]}`` as layer symbols), never an index or an exponent;
* ``f'(x)`` of a declared one-argument function at a declared scalar: ``Deriv(f(x), x)``.

Rows come from the real corpus (tests/data/corpus/, the file named in the comment) where it has
them.  Each construct has its refusals, with a message in LaTeX that says why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp
import yaml

from verify.api import check_text
from verify.core.errors import Location, NotationError
from verify.model import expr as E
from verify.model.notation import Notation, component_clash, component_of
from verify.pipeline import Options, check_path
from verify.read.latex.names import build_lexicon
from verify.read.latex.step import parse_step
from verify.read.notation import parse_notation

# logreg_jethro.md's header, its layers (W^{(1)}, b^{[2]}) and sigmoid_newbedev.md's functions.
NOTATION_YAML = r"""
sizes: {m: [1, 2], n: [2]}
indices: {i: m, l: n}
symbols:
  theta0: {latex: ['\theta_0']}
  theta1: {latex: ['\theta_1']}
  x: {family: [m], latex: ['x^{(i)}']}
  x1: {latex: ['x']}
  W1: {shape: [n, n], latex: ['W^{(1)}']}
  W2: {shape: [n, n], latex: ['W^{(2)}']}
  b2: {shape: [n], latex: ['b^{[2]}']}
  a: {shape: [n]}
  z: {family: [m]}
  u: {}
  lab: {kind: label, classes: n, latex: ['c']}
  u12: {latex: ['u_{12}']}
  W14: {latex: ['W_{14}']}
definitions:
  h: {params: [t], body: "1 / (1 + exp(-theta0 - theta1 * t))", latex: ['h_{\theta}']}
  sigma: {params: [t], body: "1 / (1 + exp(-t))", latex: ['\sigma']}
  f: {params: [t], body: "1 / sigma(t)", latex: ['f']}
  g: {params: [t], body: "t * x1", latex: ['g']}
  q: {params: [s, t], body: "s * t", latex: ['q']}
  v: {body: "exp(-x1)", latex: ['v']}
  p: {index: [l], body: "exp(a[l])", latex: ['p']}
"""


@pytest.fixture(scope="module")
def notation() -> Notation:
    return parse_notation(yaml.safe_load(NOTATION_YAML), Location("test"))


i, l = E.index_symbol("i"), E.index_symbol("l")  # noqa: E741
theta0, theta1, x1 = (E.value_symbol(n) for n in ("theta0", "theta1", "x1"))
W1, W2, b2 = (E.family(n) for n in ("W1", "W2", "b2"))
x, z = E.family("x"), E.family("z")
h, sigma, f = (sp.Function(n) for n in ("h", "sigma", "f"))

READINGS: list[tuple[str, sp.Expr]] = [
    # logreg_jethro.md, lines 30 and 33: two numbered scalars, h_\theta a function
    (r"e^{-\theta_0 - \theta_1 x}", sp.exp(-theta0 - theta1 * x1)),
    (r"\theta_{0} + \theta_{ 1 }", theta0 + theta1),
    (r"h_\theta(x) (1 - h_\theta(x))", h(x1) * (1 - h(x1))),
    (r"\log (h_{\theta}(x^{(i)}))", sp.log(h(x[i]))),
    # numbered scalars beyond the size cap (issue 13's back-propagation exercise)
    (r"W_{14} + u_{ 12 } - u", E.value_symbol("W14") + E.value_symbol("u12") - E.value_symbol("u")),
    # layer symbols: the superscript is the name, not an exponent
    (r"W^{(1)}_{1 2} + W^{(2)}_{2,1}", W1[1, 2] + W2[2, 1]),
    (r"b^{[2]}_l", b2[l]),
    (r"(W^{(1)}_{1,1})^2", W1[1, 1] ** 2),
    # sigmoid_newbedev.md, line 24: primes on declared one-argument functions
    (r"f'(x)", E.Deriv(f(x1), x1)),
    (r"-\frac{\sigma'(x)}{\sigma(x)^2}", -E.Deriv(sigma(x1), x1) / sigma(x1) ** 2),
    (r"\sigma'(z_i)", E.Deriv(sigma(z[i]), z[i])),
    (r"f'(x)^2", E.Deriv(f(x1), x1) ** 2),
]


@pytest.mark.parametrize(("latex", "expected"), READINGS)
def test_reads(notation: Notation, latex: str, expected: sp.Expr) -> None:
    result = parse_step(latex, notation, build_lexicon(notation))
    assert result.problem is None, result.problem
    assert sp.simplify(result.expr - expected) == 0 or result.expr == expected, result.expr


REFUSALS: list[tuple[str, str]] = [
    # tanh_deeplearningai.md, line 34: u' of a symbol (a derivative by what? a transpose?)
    (r"u' = e^x", "a prime on a symbol (u')"),
    # a constant definition
    (r"v' = -e^{-x}", "a prime on a defined constant (v')"),
    # ridge_stats540478.md's X' (a transpose): on a vector or a matrix
    (r"a'", "a prime on a vector or a matrix (a')"),
    (r"f''(x)", "second and higher derivatives"),
    (r"q'(x, x)", "which partial derivative?"),
    # softmax_jacobian_prettyvault.md, line 30: g' without its argument
    (r"f' \cdot x", "f' without its argument"),
    # the argument is an expression: d/dx f(2x) is not f'(2x)
    (r"f'(2 x)", "its argument is an expression"),
    (r"f'(W^{(1)})", "'W1' is not a declared scalar"),   # f'(a) of a vector: entry by entry
    (r"f'(c)", "'lab' is a label, not a real variable"),
    # softmax_jacobian_prettyvault.md, line 30: g' of an indexed definition g_i
    (r"p'", "a prime on an indexed definition (p')"),
    # g(t) := t x: g'(x) = x, but d/dx g(x) = 2x
    (r"g'(x)", "the definition of 'g' mentions 'x1' itself"),
    # a literal subscript is matched as written: \theta_2 is not declared
    (r"\theta_2", "undeclared symbol \\theta"),
    (r"u_{1}", "'u' takes 0 indices, got 1"),
    (r"W_{13}", "undeclared symbol W"),
    # a layer not declared stays refused, never an exponent (u^{(1)} u^{(2)} is not u^3)
    (r"u^{(1)} u^{(2)}", "a number in brackets over a name is a label"),
    (r"u^{[2]}", "not an exponent"),
    (r"W^{(3)}", "declare the name spelled W^{(3)}"),
]


@pytest.mark.parametrize(("latex", "why"), REFUSALS)
def test_refuses(notation: Notation, latex: str, why: str) -> None:
    result = parse_step(latex, notation, build_lexicon(notation))
    assert result.problem is not None, f"{latex!r} was read as {result.expr}"
    assert why in result.problem, result.problem
    assert "Deriv(" not in result.problem   # LaTeX only


LEXICON_PROBLEMS: list[tuple[str, str]] = [
    # \theta_1 of a scalar beside \theta of a vector: the scalar, or entry 1 of the vector?
    ("symbols: {theta1: {latex: ['\\theta_1']}, theta: {shape: [n], latex: ['\\theta']}}",
     "it would also be an entry of 'theta'"),
    # W_1 of a matrix W1 would read W_1 as row 1 of W1
    ("symbols: {W1: {shape: [n, n], latex: ['W_1']}}", "a number subscript on a name that "
     "takes indices"),
]


@pytest.mark.parametrize(("header", "why"), LEXICON_PROBLEMS)
def test_ambiguous_spellings_are_problems(header: str, why: str) -> None:
    raw = yaml.safe_load("sizes: {n: [2]}\n" + header)
    problems = build_lexicon(parse_notation(raw, Location("test"))).problems
    assert any(why in problem for problem in problems), problems


def test_a_pattern_with_digits_beside_a_letter_pattern_stays_an_index() -> None:
    """examples/seeds/000 spells y as y_k, y_1, y_2: the digits are entries, as before."""
    raw = yaml.safe_load("sizes: {K: [2]}\nindices: {k: K}\n"
                         "symbols: {y: {shape: [K], latex: ['y_k', 'y_1', 'y_2']}}")
    notation = parse_notation(raw, Location("test"))
    lexicon = build_lexicon(notation)
    assert not lexicon.problems
    assert parse_step("y_1 + y_2", notation, lexicon).expr == \
        E.family("y")[1] + E.family("y")[2]


def test_numbered_names_cannot_clash() -> None:
    """Names written without '_' (theta0, theta1, W1) beside a vector theta and a matrix W:
    no concrete variable of one is a concrete variable of another, and the guard that refuses
    theta_1 beside theta still does."""
    raw = yaml.safe_load("sizes: {n: [2]}\nsymbols: {theta: {shape: [n]}, theta0: {}, "
                         "theta1: {}, W: {shape: [n, n]}, W1: {shape: [n, n]}, "
                         "W11: {}}")
    notation = parse_notation(raw, Location("test"))
    assert component_clash(notation.symbols) is None
    owners = {name: component_of(name, notation.symbols) for name in
              ("theta_1", "theta0", "theta1", "W_1_1", "W1_1_1", "W11")}
    assert owners["theta_1"] is not None and owners["theta_1"].symbol == "theta"
    assert owners["W_1_1"] is not None and owners["W_1_1"].symbol == "W"
    assert owners["W1_1_1"] is not None and owners["W1_1_1"].symbol == "W1"
    assert [owners[name].symbol for name in ("theta0", "theta1", "W11")  # type: ignore[union-attr]
            ] == ["theta0", "theta1", "W11"]
    with pytest.raises(NotationError, match="rename one"):
        parse_notation(yaml.safe_load("sizes: {n: [2]}\nsymbols: {theta: {shape: [n]}, "
                                      "theta_1: {shape: [n]}}"), Location("test"))


CHECKS = [
    # logreg_jethro.md, line 33's step (right), and a slip in it (wrong)
    (r"\left( \frac{1}{1 + e^{-\theta_0 - \theta_1 x}} \right) \left( 1 - \frac{1}{1 + "
     r"e^{-\theta_0 - \theta_1 x}} \right)", r"h_\theta(x) (1 - h_\theta(x))", "proved"),
    (r"\left( \frac{1}{1 + e^{-\theta_0 - \theta_1 x}} \right)", r"h_\theta(x) (1 - "
     r"h_\theta(x))", "refuted"),
    # the numbered scalars are two variables: swapping them is wrong
    (r"e^{-\theta_0 - \theta_1 x}", r"e^{-\theta_1 - \theta_0 x}", "refuted"),
    # sigmoid_newbedev.md, line 24 (right), and the sign slipped (wrong)
    (r"f'(x)", r"-\frac{\sigma'(x)}{\sigma(x)^2}", "proved"),
    (r"f'(x)", r"\frac{\sigma'(x)}{\sigma(x)^2}", "refuted"),
    (r"\sigma'(x)", r"\sigma(x) (1 - \sigma(x))", "proved"),
]


@pytest.mark.parametrize(("first", "second", "status"), CHECKS)
def test_checks(tmp_path: Path, first: str, second: str, status: str) -> None:
    path = tmp_path / "doc.md"
    path.write_text(f"---\n{NOTATION_YAML}---\n$$ {first} = {second} $$\n", encoding="utf-8")
    result = check_path(path, Options(seed=0))
    assert not result.problems, result.problems
    steps = result.chains[0].steps
    assert steps[1].status.value == status, steps[1].message


def test_a_literal_is_accounted_beside_its_plain_base() -> None:
    """logreg_2nd_imathworks.md: h_\\theta beside a vector \\theta.  The \\theta of the
    spelling is part of the name (removed by its rule); the vector \\theta after it is still
    accounted for: a reading that lost it would be refused."""
    raw = yaml.safe_load("sizes: {d: [2]}\nsymbols: {theta: {shape: [d], latex: ['\\theta']}, "
                         "x: {shape: [d]}}\ndefinitions: {g: {params: [t], body: '1/(1+exp(-t))'},"
                         " h: {params: [v], body: 'g(dot(theta, v))', latex: ['h_\\theta']}}")
    notation = parse_notation(raw, Location("test"))
    lexicon = build_lexicon(notation)
    assert not lexicon.problems
    result = parse_step(r"h_{\theta}(x) - g(\theta^{T}x)", notation, lexicon)
    assert result.problem is None, result.problem
    assert result.expr == sp.Function("h")(E.value_symbol("x")) - sp.Function("g")(
        E.Dot(E.value_symbol("theta"), E.value_symbol("x")))


# backprop_mlp_gauravreddy08.md: layers written as letters, "z^L = W^L a^{L-1} + b^L".
LAYER_LETTERS = r"""
sizes: {n: [2]}
indices: {k: n}
symbols:
  WL: {shape: [n], latex: ['W^L']}
  a1: {shape: [n], latex: ['a^{L-1}']}
  bL: {latex: ['b^L']}
  t: {}
"""


def _layer_notation() -> Notation:
    return parse_notation(yaml.safe_load(LAYER_LETTERS), Location("test"))


LAYER_READ: list[tuple[str, sp.Expr]] = [
    (r"(W^L)^T a^{L-1} + b^L",                                                  # real
     E.Dot(E.value_symbol("WL"), E.value_symbol("a1")) + E.value_symbol("bL")),
    (r"a^{L - 1}_k", E.family("a1")[E.index_symbol("k")]),
    (r"t^2 + b^L", E.value_symbol("t") ** 2 + E.value_symbol("bL")),
]


@pytest.mark.parametrize(("latex", "expected"), LAYER_READ, ids=[r[0] for r in LAYER_READ])
def test_layer_letters_are_part_of_a_declared_name(latex: str, expected: sp.Expr) -> None:
    notation = _layer_notation()
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.problem is None, parsed.problem
    assert parsed.expr == expected


LAYER_REFUSED: list[tuple[str, str]] = [
    (r"t^L", "undeclared symbol L"),       # undeclared as a name: an exponent, as before
    (r"a^{L-2}", "undeclared symbol a"),   # only the spelling declared
]


@pytest.mark.parametrize(("latex", "why"), LAYER_REFUSED, ids=[r[0] for r in LAYER_REFUSED])
def test_other_letter_superscripts_stay_exponents(latex: str, why: str) -> None:
    notation = _layer_notation()
    parsed = parse_step(latex, notation, build_lexicon(notation))
    assert parsed.expr is None and parsed.problem is not None and why in parsed.problem, parsed


def test_a_letter_superscript_that_is_an_index_or_a_transpose_is_no_layer() -> None:
    header = yaml.safe_load(LAYER_LETTERS)
    header["symbols"]["Wk"] = {"shape": ["n"], "latex": ["W^k"]}    # k is an index letter
    header["symbols"]["WT"] = {"shape": ["n"], "latex": ["W^T"]}    # a transpose
    lexicon = build_lexicon(parse_notation(header, Location("test")))
    assert [p for p in lexicon.problems if "'W^k'" in p] and \
        [p for p in lexicon.problems if "'W^T'" in p], lexicon.problems


ONE_VARIABLE = r"""---
symbols:
  x: {description: the only real variable}
definitions:
  u: {body: "exp(x)", latex: ['u']}
  v: {body: "exp(-x)", latex: ['v']}
---
$$u' = e^x$$

$$v' = e^{-x}$$

$$\frac{d}{dx} \frac{u - v}{u + v} = \frac{(u + v) (u' - v') - (u - v)(u' + v')}{(u + v)^2}$$
"""


def test_a_prime_on_a_constant_of_the_one_variable_is_its_derivative() -> None:
    """tanh_deeplearningai.md (corpus): with u := e^x, v := e^{-x} and x the notation's only
    scalar, u' is du/dx (proved), a slip in v' refuted, the quotient rule proved; with a second
    scalar (which variable?) the prime stays refused."""
    result = check_text(ONE_VARIABLE, cache=False).documents[0]
    assert [[s.status.value for s in c.steps] for c in result.chains] == \
        [["start", "proved"], ["start", "refuted"], ["start", "proved"]]
    two = ONE_VARIABLE.replace("symbols:\n", "symbols:\n  t: {}\n")
    steps = check_text(two, cache=False).documents[0].chains[0].steps
    assert steps[0].status.value == "unparsed"
    assert "a prime on a defined constant (u')" in steps[0].message
