r"""A document's own macros (verify/read/latex/macros.py): found where they are defined, expanded
in the steps after them, bounded against bombs, and the steps keep their LaTeX as written.
The definitions are those of tests/data/real/*_neylon.md and of common MathJax preambles."""

from __future__ import annotations

import pytest

from verify.api import check_text
from verify.core.errors import LatexProblem
from verify.read.latex.macros import expand, find_macros

DEFINED: list[tuple[str, str, str]] = [   # (definitions, step, expanded)
    (r"\newcommand{\pd}[1]{\frac{\partial}{\partial #1}}", r"\pd{x} f",       # real
     r"\frac{\partial}{\partial x} f"),
    (r"\newcommand{\pdd}[2]{\frac{\partial #1}{\partial #2}}", r"\pdd{f}{z_i}",  # real
     r"\frac{\partial f}{\partial z_i}"),
    (r"\newcommand{\toi}{^{(i)}}", r"y\toi x\toi", r"y^{(i)} x^{(i)}"),          # real
    (r"\renewcommand{\th}{\theta}", r"\th^T x", r"\theta^T x"),                   # real
    (r"\newcommand{\Sinv}{\Sigma^{-1}}", r"\Sinv x", r"\Sigma^{-1} x"),           # real
    (r"\newcommand\R{\mathbb{R}}", r"x \in \R", r"x \in \mathbb{R}"),
    (r"\def\v#1{\mathbf{#1}}", r"\v{w}^T\v x", r"\mathbf{w}^T\mathbf{x}"),
    (r"\DeclareMathOperator{\Tr}{tr}", r"\Tr(A)", r"\operatorname{tr}(A)"),
    (r"\DeclareMathOperator*{\argmin}{arg\,min}", r"\argmin", r"\operatorname{arg\,min}"),
    (r"\newcommand{\norm}[2][2]{\|#2\|_{#1}}", r"\norm{w} + \norm[1]{v}",
     r"\|w\|_{2} + \|v\|_{1}"),
    (r"\newcommand{\s}{\sigma}", r"\s x + \sum_i", r"\sigma x + \sum_i"),  # \sum is not \s
    (r"\newcommand{\e}{e}", r"\e x", r"e x"),   # no command left to swallow the letter
    (r"\newcommand{\a}{\alpha}", r"\a b", r"\alpha b"),
    (r"\newcommand{\pd}{\partial}", r"x \\pd", r"x \\pd"),   # a row break, then letters
]


@pytest.mark.parametrize(("definitions", "step", "expanded"), DEFINED,
                         ids=[d[0] for d in DEFINED])
def test_expansion(definitions: str, step: str, expanded: str) -> None:
    macros, rest = find_macros(definitions + "\n")
    assert not macros.problems
    assert rest.strip() == ""
    assert expand(step, macros.at(2)) == expanded


BOMBS: list[tuple[str, str, str]] = [
    (r"\newcommand{\a}{\a}", r"\a", "does not end"),
    (r"\newcommand{\a}{\b x}\newcommand{\b}{\a y}", r"\a", "does not end"),
    ("".join(rf"\newcommand{{\m{chr(97 + k)}}}{{\m{chr(98 + k)}\m{chr(98 + k)}}}"
             for k in range(12)) + r"\newcommand{\mm}{x}", r"\ma", "expansions"),
    (r"\newcommand{\big}{xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx}",
     r"\big" * 100, "grows beyond"),
    (r"\newcommand{\f}[2]{#1 #2}", r"\f{a}", "the step ends before them"),
]


@pytest.mark.parametrize(("definitions", "step", "why"), BOMBS, ids=[b[2] for b in BOMBS])
def test_bombs_are_refused_with_the_macro_named(definitions: str, step: str, why: str) -> None:
    macros, _ = find_macros(definitions)
    with pytest.raises(LatexProblem) as raised:
        expand(step, macros.at(1))
    assert why in raised.value.why


BAD_DEFINITIONS: list[tuple[str, str]] = [
    (r"\newcommand{\f}[1]{#2}", "uses #2, but \\f takes 1 arguments"),
    (r"\def\f#1.{#1}", "parameter pattern"),
    (r"\newcommand{\f}x", "not in braces"),
    (r"\newcommand{\f}{x", "not closed"),
    (r"\newcommand", "without the name"),
]


@pytest.mark.parametrize(("definition", "why"), BAD_DEFINITIONS,
                         ids=[b[1] for b in BAD_DEFINITIONS])
def test_bad_definitions_are_reported_at_their_line(definition: str, why: str) -> None:
    macros, _ = find_macros("text\n" + definition)
    assert not macros.macros
    assert macros.problems and macros.problems[0].startswith("line 2:")
    assert why in macros.problems[0]


def test_a_definition_applies_from_its_line_on() -> None:
    macros, _ = find_macros("\\newcommand{\\f}{a}\n\n\\renewcommand{\\f}{b}\n")
    assert expand(r"\f", macros.at(2)) == "a"
    assert expand(r"\f", macros.at(3)) == "b"
    assert expand(r"\f", {}) == r"\f"


HEADER = "---\nsizes: {n: [2]}\nsymbols:\n  x: {}\n  y: {}\n---\n"


def test_a_document_is_read_with_its_macros_and_keeps_its_latex() -> None:
    document = (HEADER + r"\newcommand{\pd}[1]{\frac{\partial}{\partial #1}}" + "\n"
                r"$$\pd{x} (x^2 y) = 2 x y = \pd{x}(x^2) y$$" + "\n")
    result = check_text(document, cache=False).documents[0]
    assert not result.problems
    steps = result.chains[0].steps
    assert [s.status.value for s in steps] == ["start", "proved", "proved"]
    assert steps[0].latex == r"\pd{x} (x^2 y)"


def test_a_macro_bomb_costs_one_step_not_the_document() -> None:
    document = (HEADER + r"\newcommand{\a}{\a}" + "\n" + r"$$x + x = 2x = \a$$" + "\n")
    result = check_text(document, cache=False).documents[0]
    steps = result.chains[0].steps
    assert [s.status.value for s in steps] == ["start", "proved", "unparsed"]
    assert "the macro \\a does not end" in steps[2].message


SHORTHANDS: list[tuple[str, str, str]] = [   # (prose defining it, step, expanded)
    (r"Let $\partial_{ij} := \partial_{x_{ij}}$. Hence,", r"\partial_{ij} f(X)",   # real
     r"\partial_{x_{ij}} f(X)"),
    (r"write $\partial_k := \frac{\partial}{\partial w_k}$,", r"\partial_k L + \partial_j L",
     r"\frac{\partial}{\partial w_k} L + \partial_j L"),   # only the one defined
    (r"$$\partial_{ij} := \partial_{x_{ij}}$$", r"\partial_{ij} f", r"\partial_{ij} f"),  # a step
    (r"$\partial_i := x_i$", r"\partial_i f", r"\partial_i f"),   # not a derivative: not read
]


@pytest.mark.parametrize(("prose", "step", "expanded"), SHORTHANDS, ids=[s[0] for s in SHORTHANDS])
def test_derivative_shorthands_defined_in_inline_math(prose: str, step: str,
                                                      expanded: str) -> None:
    macros, rest = find_macros(prose + "\n")
    assert rest == prose + "\n"     # the definition stays: inline math is prose
    assert expand(step, macros.at(2)) == expanded
