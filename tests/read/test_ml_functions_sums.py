r"""Issue 13's functions, absolute values, sums and TeX habits: LaTeX in, reading out.

The lines are taken from the real corpus (tests/data/corpus/, the file named in the comment)
where it has them.  Each construct has its refusal: the variant with two readings is unparsed,
with a message in LaTeX that says why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp
import yaml

from verify.core.errors import Location
from verify.model import expr as E
from verify.model.notation import Notation
from verify.pipeline import Options, check_path
from verify.read.latex.names import build_lexicon
from verify.read.latex.step import parse_step
from verify.read.notation import parse_notation

NOTATION_YAML = r"""
sizes: {C: [2, 3], n: [2, 3]}
indices: {i: C, j: C, k: C, l: n}
symbols:
  t: {}
  x: {}
  a: {shape: [C]}
  y: {shape: [C]}
  w: {shape: [n]}
  A: {shape: [n, n]}
definitions:
  sigma: {params: [v], body: "1/(1+exp(-v))", latex: ['\sigma']}
  p: {index: [j], body: "exp(a[j]) / Sum(exp(a[k]), (k, 1, C))", latex: ['p']}
"""


@pytest.fixture(scope="module")
def notation() -> Notation:
    return parse_notation(yaml.safe_load(NOTATION_YAML), Location("test"))


i, j, k, l = (E.index_symbol(n) for n in "ijkl")  # noqa: E741
C = E.size_symbol("C")
t, x = E.value_symbol("t"), E.value_symbol("x")
a, y, p = E.family("a"), E.family("y"), E.family("p")
sigma = sp.Function("sigma")


def _skip(left: sp.Expr, right: sp.Expr) -> sp.Expr:
    return 1 - sp.KroneckerDelta(left, right, evaluate=False)


READINGS: list[tuple[str, sp.Expr]] = [
    # standard functions without a declaration (tanh_deeplearningai.md, tanh_emathzone.md)
    (r"\tanh(x)", sp.tanh(x)),
    (r"\tanh x", sp.tanh(x)),
    (r"\tanh^2 x", sp.tanh(x) ** 2),
    (r"1 - \tanh^{2}(t)", 1 - sp.tanh(t) ** 2),
    (r"\frac{1}{\cosh^2(x)}", 1 / sp.cosh(x) ** 2),
    (r"\frac{2}{(2\cosh(x))^2}", 2 / (2 * sp.cosh(x)) ** 2),
    (r"2\sinh x \cosh x", 2 * sp.sinh(x) * sp.cosh(x)),
    (r"\text{sech}^2(x)", 1 / sp.cosh(x) ** 2),
    (r"\operatorname{tanh}(t) + \mathrm{cosh}(t)", sp.tanh(t) + sp.cosh(t)),
    (r"\sqrt{t^2 + 1}", sp.sqrt(t ** 2 + 1)),
    # a declared function spelled as a command, its one argument without brackets
    (r"\sigma x", sigma(x)),
    (r"\sigma^2 x + t", sigma(x) ** 2 + t),
    # absolute values of scalars
    (r"|x|", sp.Abs(x)),
    (r"|t - x|^2", sp.Abs(t - x) ** 2),
    (r"\left| t \right| |x|", sp.Abs(t) * sp.Abs(x)),
    (r"|t| + |x|", sp.Abs(t) + sp.Abs(x)),
    (r"\lvert a_j \rvert", sp.Abs(a[j])),
    (r"|(|t| - x)|", sp.Abs(sp.Abs(t) - x)),
    # \frac{d}{{dx}} and en dashes as minus signs (tanh_emathzone.md)
    (r"\frac{d}{{dx}}\tanh x", E.Deriv(sp.tanh(x), x)),
    ("\\frac{{{e^x} \u2013 {e^{ \u2013 x}}}}{{{e^x} + {e^{ \u2013 x}}}}",
     (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x))),
    ("t \u2212 x", t - x),
    # sums: the range from the index's declaration (softmax_ce_zakariapz.md)
    (r"-\sum_j^C y_j \log p_j", -sp.Sum(y[j] * sp.log(p[j]), (j, 1, C))),
    (r"\frac{\exp( a_j)}{\sum_k^C \exp(a_k)}", sp.exp(a[j]) / sp.Sum(sp.exp(a[k]), (k, 1, C))),
    (r"\sum_{k}^{C} a_k", sp.Sum(a[k], (k, 1, C))),
    # one index left out (softmax_ce_sunhaozhe.md)
    (r"- y_k (1 - p_k) + \sum_{i\neq k} y_i p_k",
     -y[k] * (1 - p[k]) + sp.Sum(_skip(i, k) * y[i] * p[k], (i, 1, C))),
    (r"y_k - \sum_{i \ne k}^{C} y_i", y[k] - sp.Sum(_skip(i, k) * y[i], (i, 1, C))),
    # a double sum over declared ranges
    (r"\sum_{i,j} y_i a_j", sp.Sum(sp.Sum(y[i] * a[j], (j, 1, C)), (i, 1, C))),
    # \sum without limits: the one letter of its summand found nowhere else in the step
    # (softmax_ce_bieber.md)
    (r"\frac{e^{a_i}}{\sum e^{a_k}}", sp.exp(a[i]) / sp.Sum(sp.exp(a[k]), (k, 1, C))),
    (r"\frac{\sum e^{a_k} \cdot e^{a_i} - e^{a_i} \cdot e^{a_i}}{(\sum e^{a_k})^2}",
     (sp.Sum(sp.exp(a[k]) * sp.exp(a[i]), (k, 1, C)) - sp.exp(a[i]) ** 2)
     / sp.Sum(sp.exp(a[k]), (k, 1, C)) ** 2),
]


@pytest.mark.parametrize(("latex", "expected"), READINGS, ids=[c[0] for c in READINGS])
def test_reads(notation: Notation, latex: str, expected: sp.Expr) -> None:
    result = parse_step(latex, notation, build_lexicon(notation))
    assert result.problem is None, result.problem
    assert result.expr == expected, f"{result.expr} != {expected}"


REFUSALS: list[tuple[str, str]] = [
    (r"\tanh x t", r"the argument of \tanh without brackets is ambiguous"),
    (r"\sigma x t", r"the argument of \sigma without brackets is ambiguous"),
    (r"\text{sech} x t", r"the argument of \sech without brackets is ambiguous"),
    (r"\tanh^{-1}(x)", "ambiguous"),
    (r"\cosh^{-1} x", "ambiguous"),
    (r"||t| - |x||", "a norm"),   # ||w|| is a norm now (tests/read/test_traces_norms.py)
    (r"|w|", "bars around a vector"),
    (r"|a w^T|", "a determinant needs a square matrix"),   # C-by-n; |A| of a square A is det A
    (r"|t| x |x|", "pair up in two ways"),
    (r"t | x", "not closed"),
    (r"\sum_j^{C-1} y_j", r"without a lower limit, and C-1 is not the declared range 1..C"),
    (r"\sum_l^{C} w_l", "is not the declared range 1..n of l"),
    (r"\sum^{C} y_j", "with an upper limit only"),
    (r"-\sum t a_i \frac{1}{y_i} \frac{dy_i}{d{a_j}}", r"its index could be i or j"),
    (r"\sum y_i + y_i", "no index letter occurs only in its summand"),
    (r"\underbrace{\sum a_k}_{=1} + t", r"\sum without limits is read only in a whole step"),
    (r"\frac{1}{\cancel{t}} \cancel{t} x", "a struck-out term is a note to the reader"),
]


@pytest.mark.parametrize(("latex", "why"), REFUSALS, ids=[c[0] for c in REFUSALS])
def test_refuses(notation: Notation, latex: str, why: str) -> None:
    result = parse_step(latex, notation, build_lexicon(notation))
    if result.problem is None:   # a brace's sub-claim carries its own problem
        problems = [claim.problem for claim in result.subclaims if claim.problem]
        assert problems, f"{latex!r} was read as {result.expr}"
        assert why in problems[0]
        return
    assert why in result.problem, result.problem
    assert "Sum(" not in result.problem and "Abs(" not in result.problem   # LaTeX only


# Both engines and the concretizer on the new functions: (first line, second, status).
CHECKS = [
    (r"\tanh(x)", r"\frac{e^x - e^{-x}}{e^x + e^{-x}}", "proved"),
    (r"\frac{d}{dx} \tanh(x)", r"\frac{1}{\cosh^2(x)}", "proved"),
    (r"\frac{d}{dx} \tanh(x)", r"\frac{2}{(2\cosh(x))^2}", "refuted"),   # the post's slip
    (r"\frac{d}{{dx}}\left( {\tanh x} \right)", r"\text{sech}^2(x)", "proved"),
    (r"\cosh(t) + \sinh(t)", r"e^{t}", "proved"),
    (r"\frac{d}{dt} \sinh(t)", r"\cosh t", "proved"),
    (r"|x|^2", r"x^2", "proved"),
    (r"|t - x|", r"t - x", "refuted"),
    (r"\frac{d}{dt} |t|", r"\frac{t}{|t|}", "supported"),
    (r"\frac{e^{a_i}}{\sum e^{a_k}}", r"p_i", "proved"),
    (r"\sum_j^C y_j (p_i -\delta_{ij})", r"p_i \sum_j y_j - y_i", "proved"),
    (r"- y_k (1 - p_k) + \sum_{i\neq k} y_i p_k", r"- y_k + \sum_i y_i p_k", "proved"),
    (r"\sum_{i,j} y_i a_j", r"\sum_{i=1}^{C} y_i \sum_{j=1}^{C} a_j", "proved"),
    (r"\sum_{i,j} y_i a_j", r"\sum_{i=1}^{C} y_i a_i", "refuted"),
]


@pytest.mark.parametrize(("first", "second", "status"), CHECKS,
                         ids=[c[0] + " = " + c[1] for c in CHECKS])
def test_checks(tmp_path: Path, first: str, second: str, status: str) -> None:
    path = tmp_path / "case.md"
    path.write_text(f"---\n{NOTATION_YAML}---\n\n$$\n{first} \\\\\n= {second}\n$$\n")
    step = check_path(path, Options(seed=0)).chains[0].steps[-1]
    assert step.status.value == status, step.message


MAX_MIN = r"""---
sizes: {n: [2, 3]}
symbols: {a: {}, b: {}, v: {shape: [n]}}
---
$$\max(a, b) + \min(a, b) = a + b = \max(a, b) - \min(a, b)$$

$$\max(0, a) - \max(0, -a) = a$$

$$\max(a) = a$$

$$\max_i v_i = \max(v, a)$$
"""


def test_max_and_min_of_two_scalars(tmp_path: Path) -> None:
    r"""\max(a, b), \min(a, b) read as (a + b \pm |a - b|)/2: the identity max + min = a + b
    proved, its slip refuted, ReLU's max(0, a) - max(0, -a) = a proved; a max of one value,
    over an index or of a vector refused, saying why."""
    path = tmp_path / "maxmin.md"
    path.write_text(MAX_MIN, encoding="utf-8")
    result = check_path(path, Options(seed=0))
    statuses = [[s.status.value for s in c.steps] for c in result.chains]
    assert statuses[:2] == [["start", "proved", "refuted"], ["start", "proved"]], statuses
    messages = [s.message for c in result.chains[2:] for s in c.steps
                if s.status.value == "unparsed"]
    assert sum("read of two values only" in m for m in messages) == 2, messages   # max(a), max_i
    assert any("of a vector or a matrix is not read" in m for m in messages), messages
