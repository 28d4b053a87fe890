"""One test per normalisation rule, plus damage detection and the depth helpers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.read.latex import normalize as N

RULE_CASES = [
    # tanh_emathzone.md: the page's minus signs are en dashes; a range in a subscript is left
    (N.unicode_minus, "{{e^x} \u2013 {e^{ \u2013 x}}} + a \u2212 b + x_{1\u2013n}",
     "{{e^x} - {e^{ - x}}} + a - b + x_{1\u2013n}"),
    # a Greek letter is its command (a space before a Latin letter), scripts are ^{..}, _{..}
    (N.unicode_symbols, "αx + β_k + x² + A⁻¹ + w₁₀ + Σ + εφ + x·y + x×y + √2 + Aᵀ",
     r"\alpha x + \beta_k + x^{2} + A^{-1} + w_{10} + \Sigma + \varepsilon\varphi + x\cdot y"
     r" + x\times y + \sqrt2 + A^{T}"),
    # primes typed as a prime or as a right single quotation mark (sigmoid_heaton.md, real)
    (N.unicode_symbols, "f′(x) + s’(x) + g″(x)", "f'(x) + s'(x) + g''(x)"),
    (N.strip_sizing, r"\left( a \right) \Bigl\{ b \Bigr\} \big[ c \big] \left. d \right|",
     r" ( a  )  \{ b  \}  [ c  ]   d  |"),
    (N.strip_spacing, r"a\,b\;c\!d\ e~f\quad g\qquad h\displaystyle i", "a b c d e f  g  h  i"),
    # a fresh real post ends a row with X^Ty \text{,}; \text{a} stays
    (N.strip_spacing, r"X^Ty \text{,} + \text{ . } + \mbox{} + \text{a}",
     r"X^Ty   +   +   + \text{a}"),
    # trace_axb_newbetuts.md: \langle \color{blue}{{\bf A}^\top {\bf B}^\top}, {\bf X} \rangle
    (N.strip_color, r"\color{blue}{A^T} + \textcolor{red}{x} + \color[rgb]{1,0,0}{y}",
     r"{A^T} + {x} + {y}"),
    (N.frac_variants, r"\dfrac{a}{b} \tfrac{c}{d} a \ast b f^{\prime}",
     r"\frac{a}{b} \frac{c}{d} a \cdot b f'"),
    # softmax_ce_mnn.md: \sum_{j \not= k}
    (N.not_equal, r"\sum_{j \not= k} + \sum_{j\not=k}", r"\sum_{j \neq  k} + \sum_{j\neq k}"),
    # softmax_jac_mnn.md, softmax_ce_mnn.md: \partial y_i / \partial x_k =& ...; one name
    # over one name, then a sign, a relation or a bracket; else left (and refused as written)
    (N.slash_derivatives, r"\partial y_i / \partial x_k =& (\partial \ell/\partial x_{k})",
     r"\frac{\partial y_i}{\partial x_k} =& (\frac{\partial \ell}{\partial x_{k}})"),
    (N.slash_derivatives, r"\partial f / \partial x\, g + 2\partial y/\partial x + "
                          r"\partial (a+b)/\partial x",
     r"\partial f / \partial x\, g + 2\partial y/\partial x + \partial (a+b)/\partial x"),
    (N.strip_fonts, r"\mathbf{w}_k \boldsymbol{\Theta} \mathcal{J} \vec{x} \bm z \mathrm{softmax}"
                    r" \cdot\mathbf{x}_i a^\top\mathbf{x}",
     r"w_k \Theta J x z \operatorname{softmax} \cdot x_i a^\top x"),
    # a fresh real post's bold accented names: \mathbb{\hat{y}}, \boldsymbol{\hat{y}}_i
    (N.strip_fonts, r"\mathbb{\hat{y}} + \boldsymbol{\hat{y}}_i + \mathbf{\hat{\theta}}",
     r"\hat{y} + \hat{y}_i + \hat{\theta}"),
    # trace_axb_newbetuts.md: plain TeX's switches, {\bf A} {\bf X}; {\rm d}, {\rm softmax}
    (N.font_switches, r"{\bf A} {\bf X}^\top {\bf e}_i x{\rm d}x + {\rm softmax}(z) + {\bf AB}"
                      r" + \bf x + {\cal L}",
     r"A X^\top e_i x dx + \operatorname{softmax}(z) +  (AB) + x + L"),
    # linreg_weirme.md: \boldsymbol {Xw-y}; bold over a product is the product, bracketed
    (N.bold_groups, r"\mathbf{AB} + \boldsymbol {Xw-y}^T + \mathbf{1} + \mathbf{0}_n"
                    r" + \bm{\Sigma^{-1}}",
     r" (AB) +  (Xw-y)^T + \mathbf{1} + \mathbf{0}_n +  (\Sigma^{-1})"),
    (N.unify_accents, r"\widehat{y} \hat y_k \hat{ \sigma } \overline{x} \hat {y_j}",
     r"\hat{y} \hat{y}_k \hat{\sigma} \bar{x} \hat{y}_{j}"),
    (N.unify_transpose, r"w^T z + w^{T} z + w^\top z + w^{\top} z + w^{\mathrm{T}} z"
                        r" + w^{\mathsf T} z + w^{\mathrm T} z + w^{\intercal} z + w^{Tz}"
                        r" + w^\text T z + w^{\text{T}} z + e^Tdx + A^TB",
     "w^{T} z + w^{T} z + w^{T} z + w^{T} z + w^{T} z + w^{T} z + w^{T} z + w^{T} z + w^{Tz}"
     " + w^{T} z + w^{T} z + e^{T}dx + A^{T}B"),
    (N.indicator_one, r"\mathbb{1}_{\{j=k\}} + \mathbf{1} _{k = j} + \mathds{1}_{\{k\}}(y)"
                      r" + \mathbf{1}_n + \mathbb{1} + \mathbf{1}^T x",
     r"1_{\{j=k\}} + 1_{k = j} + 1_{\{k\}}(y) + \mathbf{1}_n + \mathbb{1} + \mathbf{1}^T x"),
    # softmax_jac_techqa3848588.md: {\tt1}^Te, the vector of ones in typewriter type
    (N.ones_vector, r"{\tt1}^Te + {\bf 1} + \mathtt{1} + \boldsymbol{1} + \bm{1} + \mathbb{1}"
                    r" + {\tt 12} + \mathbf{1}",
     r"\mathbf{1}^Te + \mathbf{1} + \mathbf{1} + \mathbf{1} + \mathbf{1} + \mathbf{1}"
     r" + {\tt 12} + \mathbf{1}"),
    (N.vertical_bars, r"\lvert x \rvert + \vert y\vert + \Vert w \Vert + \vertex",
     r"| x | + | y| + \Vert w \Vert + \vertex"),
    # tanh_deeplearningai.md: \text{sech}^2(x); the words of the standard functions
    (N.function_words, r"\text{sech}^2(x) + \operatorname{tanh} x + \mathrm{ cosh }(x) + "
                       r"\text{tanh}x + \text{Cost}(x)",
     r"\sech^2(x) + \tanh x + \cosh(x) + \tanh x + \text{Cost}(x)"),
    # a fresh real README: "s=sigmoid(z)"; a word inside one (logsigmoid) or a name is left
    (N.plain_functions, r"sigmoid(z) + softmax_j(z) + \operatorname{sigmoid}(z) + logsigmoid(z)"
                        r" + sigmoid",
     r"\operatorname{sigmoid}(z) + \operatorname{softmax}_j(z) + \operatorname{sigmoid}(z) + "
     r"logsigmoid(z) + sigmoid"),
    (N.natural_log, r"\log(a) + \log_{2} b", r"\ln(a) + \log_{2} b"),
    (N.exp_power, r"e^{z_k} + e^x + \beta^{2} + e^{e^{e^{t}}} + \sum_{k=1}^ne^{z_k} + ne^x",
     r"\exp(z_k) + \exp(x) + \beta^{2} + \exp(\exp(\exp(t))) + \sum_{k=1}^n\exp(z_k) + ne^x"),
    # a fresh real post's residual vector: e^T e, e^{T}e (e^t stays Euler's number's power)
    (N.exp_power, r"e^T e + e^{T}e + e^t", r"e^T e + e^{T}e + \exp(t)"),
    # ridge_techqa3205293.md: {(X^T b - Y)^2 + ...} is a bracket; arguments stay groups
    (N.plain_groups, r"{(a-b)^2+c} + \frac{a}{b} + \frac d{dm} + \frac {a} {b} + x^{2} + "
                     r"\sqrt[3]{x} + {a \over b} + \text{ {0} } + \hat{y} {x y} + \frac{d}{{dx}}"
                     r" + {\sigma_{2}}^{2} + a{}b",
     r"((a-b)^2+c) + \frac{a}{b} + \frac d{dm} + \frac {a} {b} + x^{2} + "
     r"\sqrt[3]{x} + \frac{a }{ b} + \text{ {0} } + \hat{y} (x y) + \frac{d}{{dx}}"
     r" + \sigma_{2}^{2} + a b"),
    (N.trailing_punctuation, r"a + b.", "a + b"),
]


@pytest.mark.parametrize(("rule", "before", "after"), RULE_CASES,
                         ids=[case[0].__name__ for case in RULE_CASES])
def test_rule(rule: N.Rule, before: str, after: str) -> None:
    assert rule(before) == after


def test_every_rule_has_a_test() -> None:
    tested = {case[0] for case in RULE_CASES}
    assert {rule for _, rule in N.RULES} == tested


def test_row_break_survives_spacing() -> None:
    assert N.strip_spacing(r"k=1\\ k\neq j") == r"k=1\\ k\neq j"


@pytest.mark.parametrize(("text", "token"), [
    (r"g_j(oldsymbol{z})", "oldsymbol{"),
    ("(a\nght)", None),
    ("(a\night)", "ight)"),
    ("\x0crac{1}{2}", "'\\x0c'"),
])
def test_damage(text: str, token: str | None) -> None:
    found = N.detect_damage(text)
    assert (found[0] if found else None) == (token.strip() if token else None)


@pytest.mark.parametrize(("text", "ok"), [
    (r"\frac{a}{b}", True), (r"\frac{a}{b", False), (r"\left[ a \right)", True),
    (r"\begin{cases} a \end{cases}", True), (r"\end{cases}", False), (r"\{ a \}", True),
    (r"( a }", False),
])
def test_balanced(text: str, ok: bool) -> None:
    assert (N.balanced(text) is None) == ok


def test_split_depth0_ignores_nested() -> None:
    assert N.split_depth0(r"P(y=k) = \sum_{k=1} a = \begin{cases} x = 1 \end{cases}",
                          ("=",)) == ["P(y=k) ", r" \sum_{k=1} a ",
                                      r" \begin{cases} x = 1 \end{cases}"]


def test_read_group() -> None:
    assert N.read_group(r"{a{b}c}d", 0) == ("a{b}c", 7)
    assert N.read_group(r" \alpha", 0) == (r"\alpha", 7)
    assert N.read_group("x", 0) == ("x", 1)


def test_canonical_spelling() -> None:
    assert N.canonical_spelling(r"\boldsymbol{w}_{k}") == "w_{k}"
    assert N.canonical_spelling(r"\widehat{y}") == r"\hat{y}"


# ---- depth_walk: one regex scan, checked against the plain character-by-character walk ----
def _reference_depth_walk(text: str) -> list[tuple[int, int]]:
    """The definition, one character at a time (the first implementation)."""
    out: list[tuple[int, int]] = []
    depth, i = 0, 0
    while i < len(text):
        if text[i] == "\\":
            begin = re.compile(r"\\begin\s*\{([^}]*)\}").match(text, i)
            end = re.compile(r"\\end\s*\{([^}]*)\}").match(text, i)
            if begin:
                out.append((i, depth))
                depth += 1
                i = begin.end()
            elif end:
                depth = max(depth - 1, 0)
                out.append((i, depth))
                i = end.end()
            elif text[i + 1:i + 2] in ("{", "}") and i + 1 < len(text):
                if text[i + 1] == "{":
                    out.append((i, depth))
                    depth += 1
                else:
                    depth = max(depth - 1, 0)
                    out.append((i, depth))
                i += 2
            else:
                match = re.match(r"\\[A-Za-z]+|\\.", text[i:])
                out.append((i, depth))
                i += len(match.group(0)) if match else 1
            continue
        if text[i] in "{([":
            out.append((i, depth))
            depth += 1
        elif text[i] in "})]":
            depth = max(depth - 1, 0)
            out.append((i, depth))
        else:
            out.append((i, depth))
        i += 1
    return out


_PIECES = ["\\begin{cases}", "\\end{cases}", "\\begin {x}", "\\end{", "\\{", "\\}", "\\\\",
           "\\frac", "\\", "\\\n", "{", "}", "(", ")", "[", "]", "=", "a", " ", "\n", "&",
           "\\left(", "\\right]", "x_{i}", "\\begin", "\\endx{y}", "é"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
@settings(max_examples=400, deadline=None)
def test_depth_walk_matches_the_character_walk(text: str) -> None:
    assert list(N.depth_walk(text)) == _reference_depth_walk(text)


@pytest.mark.parametrize("text", [
    "", "\\", "a\\", "\\\\", "\\begin{a}x\\end{a}", "P(y=k) = \\sum_{k=1}^{K}",
    "\\left\\{ x \\right\\}", "]]x((", "\\begin{a} \\end", "\\\ny",
])
def test_depth_walk_cases(text: str) -> None:
    assert list(N.depth_walk(text)) == _reference_depth_walk(text)
