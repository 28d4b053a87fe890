r"""Definitions written in the prose's inline math (verify/read/latex/source.inline_definitions),
which inference reads where a document has no header (verify/read/inferred.defined_by_lines):
a table of prose -> the definitions found (from real notes: tests/data/real/), the conditions
and claims that are no definitions, and documents without a header checked under them."""

from __future__ import annotations

import pytest

import verify
from verify.read.latex.source import inline_definitions, stated

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
    # trace_axb_newbetuts.md: a chain of values, the first the definition
    (r"The cost function writes $\phi(\mathbf{X}) = \mathrm{tr}(\mathbf{AXB}) = "
     r"\mathrm{tr}(\mathbf{BAX})$", [(r"\phi(\mathbf{X})", r"\mathrm{tr}(\mathbf{AXB})")]),
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


# Shapes the prose states (verify/read/latex/source.stated): (prose, (base, kind, dims,
# member) for each statement).  Rows marked "real" are copied from tests/data/real/.
STATED: list[tuple[str, list[tuple[str, str, tuple[str, ...], bool]]]] = [
    # frob_norm_yusukey01.md (real)
    (r"The Frobenius norm of a matrix \(X \in \mathbb{R}^{m \times n}\) is defined as:",
     [("X", "matrix", ("m", "n"), False)]),
    (r"Note: for any matrix \(A\),", [("A", "matrix", (), False)]),
    (r"a \(m \times n\) matrix, \(x \in \mathbb{R}^m\), and \(y \in \mathbb{R}^n\).",
     [("x", "vector", ("m",), False), ("y", "vector", ("n",), False)]),
    # softmax_jac_techqa3848588.md (real)
    (r"where $x \in \mathbb{R}^n$ is a vector", [("x", "vector", ("n",), False)]),
    # frob_xat_newbetuts229422.md (real): a list of names
    (r"Recall that if $A,B \in \mathbb{R}^{m \times n}$ then",
     [("A", "matrix", ("m", "n"), False), ("B", "matrix", ("m", "n"), False)]),
    # spellings of the reals, a column n x 1, a bold name, a member of a family, a scalar
    (r"$\mathbf{w} \in \R^{d}$, $\theta \in \mathbb R^n$, $x \in \mathbb{R}^{n\times 1}$",
     [("w", "vector", ("d",), False), ("\\theta", "vector", ("n",), False),
      ("x", "vector", ("n",), False)]),
    (r"each $\mathbf{x}_i \in \mathbb{R}^d$, and $\lambda \in \mathbb{R}$",
     [("x", "vector", ("d",), True), ("\\lambda", "scalar", (), False)]),
    # gda_neylon.md (real): names in several formulas, a comma inside one, a line break
    ("First I'll show that, given column vectors $a$ and $b,$ and symmetric matrix\n$C,$",
     [("a", "vector", (), False), ("b", "vector", (), False), ("C", "matrix", (), False)]),
    ("Finally, I'll mention that, when a matrix $A$ is invertibe,", [("A", "matrix", (), False)]),
    # "and" joins formulas, never names: no d of "and"
    (r"vectors \(u\) and \(v\)", [("u", "vector", (), False), ("v", "vector", (), False)]),
    # no statement: a row 1 x n, a dimension that is no letter, a set that is not the reals,
    # a sum's range
    (r"$z \in \mathbb{R}^{1 \times n}$, $u \in \mathbb{R}^{N_{out}}$, $y \in \{0, 1\}$, "
     r"$\sum_{i \in [n]} x_i$", []),
]


@pytest.mark.parametrize(("prose", "expected"), STATED, ids=[row[0][:40] for row in STATED])
def test_stated_shapes(prose: str, expected: list[tuple[str, str, tuple[str, ...], bool]]
                       ) -> None:
    found = [(s.base, s.kind, s.dims, s.member) for s in stated(prose)
             if s.kind in ("scalar", "vector", "matrix")]
    assert found == expected


@pytest.mark.parametrize(("prose", "qualities"), [
    ("given column vectors $a$ and $b,$ and symmetric matrix\n$C,$",
     {"a": ("column",), "b": ("column",), "C": ("symmetric",)}),
    ("when a matrix $A$ is invertibe,", {"A": ("invertibe",)}),
    ("an orthogonal, symmetric matrix $Q$", {"Q": ("orthogonal", "symmetric")}),
    ("the positive definite matrix $H$", {"H": ("positive-definite",)}),
    # a word that merely contains a quality is none
    ("the unitarity of a matrix $U$", {"U": ()}),
])
def test_stated_qualities(prose: str, qualities: dict[str, tuple[str, ...]]) -> None:
    """What the words say of a matrix or a vector beyond its kind, before it or after it."""
    assert {s.base: s.qualities for s in stated(prose)} == qualities


def test_stated_shapes_are_checked_under() -> None:
    """A document without a header whose prose gives the shapes: read under them, its slip
    refuted, each inference naming the words it came from."""
    text = ("Let $X \\in \\mathbb{R}^{n \\times d}$, $w \\in \\mathbb{R}^d$ and $y \\in "
            "\\mathbb{R}^n$.\n\n$$\\nabla_w \\frac{1}{2}\\|Xw - y\\|^2 = X^T(Xw - y) = X^T X w - "
            "X^T y = X^T X w + X^T y$$\n")
    document = verify.check_text(text, cache=False).document
    assert [s.status.value for s in document.chains[0].steps] == \
        ["start", "proved", "proved", "refuted"]
    assert document.inferred is not None
    reasons = {d.name: d.reason for d in document.inferred.declarations}
    assert "stated a matrix on line 1 ($X \\in \\mathbb{R}^{n \\times d}$)" in reasons["X"]


def test_an_entry_written_with_its_argument_is_defined_by_the_prose() -> None:
    """``where $y_i(x) = \\frac{\\exp(x_i)}{\\sum_j \\exp(x_j)}$`` (logsoftmax_mnn.md, real)
    defines y_i; x, alone only as the call's argument, is the vector of its entries."""
    text = ("where $y_i(x) = \\frac{\\exp(x_i)}{\\sum_j \\exp(x_j)}$ are the probabilities.\n\n"
            "$$\\sum_i y_i(x) \\log y_i(x) = \\sum_i y_i(x) \\left(x_i - \\log \\sum_j "
            "\\exp(x_j)\\right) = \\sum_i y_i(x) x_i$$\n")
    document = verify.check_text(text, cache=False).document
    assert [s.status.value for s in document.chains[0].steps] == ["start", "proved", "refuted"]
    assert document.inferred is not None
    reasons = {d.name: d.reason for d in document.inferred.declarations}
    assert "the definition in its prose, y_i = ..." in reasons["y"]
    assert "alone only as a call's argument" in reasons["x"]


# Kinds of values the words give a name (verify/read/latex/source.stated).
KINDS: list[tuple[str, list[tuple[str, str]]]] = [
    # softmax_ce_postnetwork.md (real)
    (r"Cross-Entropy Loss: \(L = -\sum_{i=1}^{C} y_i \log \hat{y}_i\), where \(y_i\) is "
     "one-hot.", [("y", "onehot")]),
    # softmax_ce_mathse3297525.md (real)
    (r"In the last line we use the sum of the probabilities $p_j,1\leq j\leq n$ is equal to $1$.",
     [("p", "distribution")]),
    (r"the one-hot label $\mathbf{y}$, and $q$ is a probability distribution",
     [("y", "onehot"), ("q", "distribution")]),
    (r"$y$ is a one-hot vector", [("y", "onehot")]),
    # not said of one name: a formula that is more than a name, prose about notation
    (r"$L = y$ is one-hot", []),
    (r"I found a one hot vector notation that might work.", []),        # real
]


@pytest.mark.parametrize(("prose", "expected"), KINDS, ids=[row[0][:40] for row in KINDS])
def test_stated_kinds(prose: str, expected: list[tuple[str, str]]) -> None:
    assert [(s.base, s.kind) for s in stated(prose)
            if s.kind in ("onehot", "distribution")] == expected


def test_one_hot_in_the_words_settles_the_cross_entropy() -> None:
    """'where \\(y_i\\) is one-hot' (softmax_ce_postnetwork.md, real): y is read one-hot, so
    the step that needs \\sum_i y_i = 1 is decided (not unknown as a guess), and its slip
    refuted."""
    text = ("Loss: \\(L = -\\sum_{i=1}^{C} y_i \\log \\hat{y}_i\\), where \\(y_i\\) is one-hot "
            "and \\(\\hat{y}_i = \\frac{e^{z_i}}{\\sum_{k=1}^{C} e^{z_k}}\\).\n\n"
            "$$\\frac{\\partial L}{\\partial z_j} = -\\sum_{i=1}^{C} y_i (\\delta_{ij} - "
            "\\hat{y}_j) = \\hat{y}_j - y_j = \\hat{y}_j + y_j$$\n")
    document = verify.check_text(text, cache=False).document
    assert [s.status.value for s in document.chains[0].steps] == \
        ["start", "proved", "proved", "refuted"], [s.message for s in document.chains[0].steps]
    assert document.inferred is not None
    reasons = {d.name: d.reason for d in document.inferred.declarations}
    assert reasons["y"].startswith("y inferred one-hot from line 1")
