r"""Definitions written in the prose's inline math (verify/read/latex/source.inline_definitions),
which inference reads where a document has no header (verify/read/inferred.defined_by_lines):
a table of prose -> the definitions found (from real notes: tests/data/real/), the conditions
and claims that are no definitions, and documents without a header checked under them."""

from __future__ import annotations

import pytest

import verify
from verify.read.latex.source import inline_definitions

# (prose, the (name, value) pairs it defines)
TABLE: list[tuple[str, list[tuple[str, str]]]] = [
    # softmax_ce_postnetwork.md: a bullet list of the notation
    (r"Softmax: \(\hat{y}_i = \frac{e^{z_i}}{\sum_{k=1}^{C} e^{z_k}}\)",
     [(r"\hat{y}_i", r"\frac{e^{z_i}}{\sum_{k=1}^{C} e^{z_k}}")]),
    # softmax_ce_mnn.md: a call, after the display it explains
    (r"where $y_i(x) = \frac{\exp(x_i)}{\sum_j \exp(x_j)}$ and $p_i$ are real probabilities.",
     [("y_i(x)", r"\frac{\exp(x_i)}{\sum_j \exp(x_j)}")]),
    # gda_tohhongxiang.md: two on one line, the sentence's punctuation left out
    (r"Let $v = (\mathbf{x}^{(i)} - \mu_{y^{(i)}})$ and $M = \Sigma^{-1}$.",
     [("v", r"(\mathbf{x}^{(i)} - \mu_{y^{(i)}})"), ("M", r"\Sigma^{-1}")]),
    (r"with $f(w)=w^T A w$,", [("f(w)", "w^T A w")]),                    # quadform_techqa.md
    (r"so $\alpha := \lambda^{-1}(y - Xw)$.", [(r"\alpha", r"\lambda^{-1}(y - Xw)")]),
    # conditions and claims are no definitions
    ("If $i = k$, and when $i \\neq k$,", []),          # a case
    ("also assuming $p_l = 1$", []),                     # a value, softmax_ce_mnn.md
    (r"for $n=1,2,\dots,N$", []),                        # a range, gda_prml_amitrajan012.md
    (r"since $\log x = 1/x$", []),                        # a claim about a call of \log
    (r"$x^{(0)} = z^{(0)} = 0,$", []),                   # two signs: newton_invariance_neylon.md
    (r"$\alpha = g(t)(1-g(t)) > 0.$", []),               # another relation
    (r"$\nabla f(\beta) = 0$", []),                       # an operator, not a name
    (r"$\mathbb{E}(X^{2})=\mathbb{D}(X)+\mathbb{E}^{2}(X)$", []),  # kl_gauss_polonsky.md
    (r"$\partial_{ij} := \partial_{x_{ij}}$", []),        # a shorthand (read by the macros)
    # a name the prose sets to two things (softmax_ce_mathse3297525.md) is defined by neither
    (r"$J = -\sum_i p_i \log{q_i}$ ... consider one term, $J = p_i\log{q_i}$", []),
    # display math is the document's steps, never a prose definition
    ("$$L = -\\sum_i y_i \\log p_i$$ and \\[ M = A^T A \\]", []),
    (r"a price of \$5 = 5 dollars", []),                 # an escaped dollar is no math
]


@pytest.mark.parametrize(("prose", "found"), TABLE, ids=[t[0][:40] for t in TABLE])
def test_inline_definitions(prose: str, found: list[tuple[str, str]]) -> None:
    chains = inline_definitions(prose)
    assert [(c.steps[0].text, c.steps[1].text) for c in chains] == found
    for chain in chains:
        assert chain.line == 1 and [s.relation for s in chain.steps] == ["", "="]


def test_a_definition_keeps_its_line() -> None:
    chains = inline_definitions("text\n\nmore, where $M = A^T A$\n")
    assert [c.line for c in chains] == [3]


SOFTMAX = (r"Softmax: \(\hat{y}_i = \frac{e^{z_i}}{\sum_{k=1}^{C} e^{z_k}}\)." "\n\n"
           r"$$\frac{\partial \hat{y}_i}{\partial z_i} = \hat{y}_i (1 - \hat{y}_i)$$" "\n\n"
           r"$$\frac{\partial \hat{y}_i}{\partial z_i} = \hat{y}_i (1 + \hat{y}_i)$$" "\n")


@pytest.mark.parametrize(("text", "statuses"), [
    # the prose's softmax defines \hat{y}: the right derivative is proved, the slip refuted
    (SOFTMAX, ["start", "proved", "start", "refuted"]),
    # without the prose, nothing says what \hat{y} and z are: neither step is read
    (SOFTMAX.split(".\n\n", 1)[1], ["unparsed", "unparsed", "unparsed", "unparsed"]),
])
def test_checked_without_a_header_under_the_prose_definitions(text: str,
                                                              statuses: list[str]) -> None:
    result = verify.check_text(text, cache=False, points=5)
    got = [s.status.value for c in result.document.chains for s in c.steps]
    assert got == statuses
    if "Softmax" in text:
        assert any("inferred a definition from line 1" in s.message
                   for c in result.document.chains for s in c.steps)
