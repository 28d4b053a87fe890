r"""Token accounting (verify.read.latex.accounting): a reading that loses a name or a number of its
line is
caught, whatever rule lost it; what a named rule removed on purpose is not counted."""

from __future__ import annotations

import pytest
import sympy as sp
import yaml

from verify.core.errors import Location
from verify.model import expr as E
from verify.read.latex.accounting import source_tokens, unaccounted
from verify.read.latex.names import build_lexicon
from verify.read.latex.step import parse_step
from verify.read.notation import parse_notation

NOTATION = parse_notation(yaml.safe_load(r"""
sizes: {K: [2, 3]}
indices: {j: K, m: K}
symbols:
  t: {}
  a: {}
  z: {shape: [K]}
definitions:
  sigma: {params: [v], body: "1/(1+exp(-v))", latex: ['\sigma']}
"""), Location("test"))
LEXICON = build_lexicon(NOTATION)
t, a = E.value_symbol("t"), E.value_symbol("a")
sigma = sp.Function("sigma")


@pytest.mark.parametrize(("text", "reading", "lost"), [
    # the exponent dropped from f^2(x), the bug this net was built for
    (r"\sigma^2(t)", [sigma(t)], ["2"]),
    (r"\sigma^2(t)", [sigma(t) ** 2], []),
    # a factor after a gap dropped as a note
    (r"2 t", [sp.Integer(2)], ["t"]),
    # a subscript lost: z_j read as the whole z
    (r"z_j", [E.value_symbol("z")], ["j"]),
    # numbers are compared before SymPy folds them: 10^{-9} holds 10 and 9
    (r"a + 10^{-9}", [sp.Add(a, sp.Pow(10, -9, evaluate=False), evaluate=False)], []),
    (r"a + 10^{-9}", [a], ["10", "9"]),
    # TeX's one-character arguments
    (r"\frac12 t", [sp.Mul(sp.Rational(1, 2), t, evaluate=False)], []),
    (r"t^23", [sp.Mul(sp.Pow(t, 2), 3, evaluate=False)], []),
    # prose, environment names and row options are not mathematics
    (r"t \text{ since a is 3}", [t], []),
    (r"\begin{pmatrix} t \\[5pt] a \end{pmatrix}", [t, a], []),
    # undeclared letters are the rewriter's business (it refuses them), not counted here
    (r"x + t", [t], []),
])
def test_unaccounted(text: str, reading: list[sp.Basic], lost: list[str]) -> None:
    assert unaccounted(text, reading, [], LEXICON) == lost


def test_named_removals_are_subtracted() -> None:
    assert unaccounted(r"\sigma(t; a)", [sigma(t)], [], LEXICON) == ["a"]
    assert unaccounted(r"\sigma(t; a)", [sigma(t)], [("a", "fixed parameters")],
                       LEXICON) == []


def test_decorated_spelling_is_one_token() -> None:
    notation = parse_notation({"symbols": {"L": {}, "Llog": {
        "latex": [r"L^{\text{Logistic}}"]}}}, Location("test"))
    lexicon = build_lexicon(notation)
    assert source_tokens(r"L^{\text{Logistic}} + 1", lexicon) == {
        r"L^{\text{Logistic}}": 1, "1": 1}


@pytest.mark.parametrize("text", [
    r"\sigma^2(t) + 3 z_j", r"\frac{d}{dt}\sigma(t)", r"\sum_{m=1}^{K} z_m^{2}",
    r"\begin{pmatrix} z_1 \\ z_2 \\ \vdots \\ z_K \end{pmatrix}", r"\frac12 a^{-1}",
    r"\sigma(t)\quad 2",
])
def test_every_reading_of_the_reader_is_accounted(text: str) -> None:
    """The reader's own readings pass the net (a false alarm would be a right line refused)."""
    result = parse_step(text, NOTATION, LEXICON)
    assert result.problem is None, result.problem
