"""Diagnoses are written in mathematics: LaTeX between dollars from the expression model, never
SymPy's syntax (``Sum(``, ``Dot(``, ``x[i]``, ``**``); on the terminal, plain readable text
without a LaTeX command left.  Every refuted step of the repository's real derivations is
scanned (slow: it checks them all), besides tables of texts and candidates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp

from tests.helpers import NOTATION
from verify.core.errors import Location
from verify.model.verdict import Status
from verify.pipeline import Options, check_path
from verify.read.dsl import Scope, parse_expression
from verify.read.notation import parse_notation
from verify.verdict.candidates import candidates
from verify.verdict.words import readable

ROOT = Path(__file__).resolve().parents[2]
HERE = Location("test")
SYMPY = re.compile(r"\b(?:Sum|Dot|MatProd|Transposed|MatInv|Deriv|VecOf|Trace|Norm|Indexed|"
                   r"IndexedBase|KroneckerDelta|Piecewise|Symbol|Integer|Rational|Mul|Add|Pow|"
                   r"Eq|Ne|Function)\(|\*\*|[A-Za-z0-9_]\[")


def sympy_syntax(text: str) -> list[str]:
    """Pieces of ``text`` in SymPy's syntax (a LaTeX bracket, ``\\left[``, is none)."""
    return SYMPY.findall(re.sub(r"\\(?:left|right|bigl|bigr|Bigl|Bigr)[\[\]]", "", text))


def shown_well(text: str) -> list[str]:
    """What is wrong with a diagnosis as shown: SymPy syntax, unbalanced dollars, a LaTeX
    command left in its terminal form."""
    found = [f"SymPy syntax {piece!r}" for piece in sympy_syntax(text)]
    if text.count("$") % 2:
        found.append("unbalanced $")
    plain = readable(text)
    found += [f"LaTeX left on the terminal: {m!r}" for m in re.findall(r"\\[A-Za-z]+", plain)]
    found += [f"SymPy syntax on the terminal {piece!r}" for piece in sympy_syntax(plain)]
    return found


def documents() -> list[Path]:
    found = sorted(p for p in (ROOT / "derivations").iterdir()
                   if p.suffix in (".md", ".yaml", ".tex"))
    found += sorted((ROOT / "tests/data/real").glob("*.md"))
    found += sorted((ROOT / "tests/data/corpus").glob("*.md"))
    return [p for p in found if p.name != "README.md"]


@pytest.mark.slow
def test_no_diagnosis_of_a_real_derivation_is_in_sympy_syntax() -> None:
    problems, diagnosed = [], 0
    for path in documents():
        for chain in check_path(path, Options()).chains:
            for step in chain.steps:
                for verdict in (step, *step.subclaims):
                    if verdict.status is Status.REFUTED and verdict.diagnosis:
                        diagnosed += 1
                        problems += [f"{path.name}:{verdict.location.line}: {p}: "
                                     f"{verdict.diagnosis}" for p in shown_well(verdict.diagnosis)]
    assert diagnosed >= 20   # the scan saw diagnoses (the figure is bench/diagnoses.py's)
    assert problems == []


READABLE = [
    (r"a factor $\frac{1}{N}$ was lost (or $N$ added)", "a factor 1/N was lost (or N added)"),
    (r"it holds only when $j \neq k$: the case $j = k$ is missing",
     "it holds only when j ≠ k: the case j = k is missing"),
    (r"a transpose too many: $C^{\top}$ should be $C$", "a transpose too many: Cᵀ should be C"),
    (r"the term $-\frac{1}{N} \sum_{i=1}^{N} y_{i,k} \mathbf{x}_{i}$ is missing",
     "the term -1/N Σ_(i=1)^N y_(i,k) x_i is missing"),
    (r"the inner derivative $\frac{\partial}{\partial \mathbf{w}_{k}} \mathbf{w}_{k}^{\top} "
     r"\mathbf{x}_{1}$", "the inner derivative ∂/(∂ w_k) w_kᵀ x_1"),
    (r"$\sigma\left(\begin{pmatrix} z_{1} \\ z_{2} \end{pmatrix}, j\right)$", "σ((z_1, z_2), j)"),
    (r"$\exp\left(-x\right)$ and $\lambda$, no math here", "exp(-x) and λ, no math here"),
    # counterexamples: each variable as the document writes it, a label's class once bracketed
    (r"at K=2, $t = -1.3$, $\mathbf{w}_{1,2} = 0.3$: before 1, after 2",
     "at K=2, t = -1.3, w_(1,2) = 0.3: before 1, after 2"),
    (r"at $1_{\{y^{(1)} = 2\}} = 1$, $y^{(2)}_{k} = 0$", "at 1_{y^(1) = 2} = 1, y^(2)_k = 0"),
    # y and \hat{y} are two names: the accent stays (it was dropped: "(1 - y)/(1 - y)")
    (r"the term $\frac{1 - y}{1 - \hat{y}}$ at $\hat{y} = 0.4$, $\bar{x} = 1$, "
     r"$\hat{\theta}_{j} = 2$, $\hat{xy} = 3$",
     "the term (1 - y)/(1 - ŷ) at ŷ = 0.4, x̄ = 1, θ̂_j = 2, hat(xy) = 3"),
    # a root keeps its argument apart ("sqrttr(Xᵀ X)" before)
    (r"$\frac{1}{2 \cdot \sqrt{\operatorname{tr}\left(X^{\top} X\right)}}$ and "
     r"$\sqrt{x}$", "1/(2 · √(tr(Xᵀ X))) and √x"),
]


@pytest.mark.parametrize(("latex", "plain"), READABLE, ids=[r[1] for r in READABLE])
def test_the_terminal_reads_a_diagnosis_as_plain_text(latex: str, plain: str) -> None:
    assert readable(latex) == plain


LINES = [
    ("D(L, w[k])", "Sum(x[i] * (p[k, i] - y[i, k]), (i, 1, N))"),
    ("Sum(x[i] * (p[k, i] - y[i, k]), (i, 1, N)) / N", "Sum(x[i] * p[k, i], (i, 1, N)) / N"),
    ("D(exp(dot(w[k], x1)), w[k])", "exp(dot(w[k], x1))"),
    ("D(dot(x1, mat(C, w[k])), w[k])", "mat(C, x1)"),
    ("Sum(y1[k] * dot(w[k], x1), (k, 1, K))", "Sum(y1[k] * dot(w[j], x1), (k, 1, K))"),
    ("D(t**2 * exp(t), t)", "t**2 * exp(t) + lam"),
]


@pytest.mark.parametrize(("before", "after"), LINES, ids=[f"{b} vs {a}" for b, a in LINES])
def test_every_candidate_is_written_in_mathematics(before: str, after: str) -> None:
    notation = parse_notation(NOTATION, HERE)
    scope = Scope.for_document(notation)
    found = candidates(parse_expression(before, scope, HERE), parse_expression(after, scope, HERE),
                       notation, ("y1",))
    assert len(found) > 5
    assert [(c.kind, c.text, shown_well(c.text)) for c in found if shown_well(c.text)] == []


def test_the_scan_sees_sympy_syntax() -> None:
    """The scan itself: SymPy's printing of a real term is caught, its LaTeX is not."""
    x = sp.IndexedBase("x")[sp.Symbol("i")]
    assert sympy_syntax(f"the term {sp.Sum(x, (sp.Symbol('i'), 1, 3))} changed sign")
    assert sympy_syntax(f"the term {sp.Symbol('t') ** 2}")
    assert sympy_syntax(r"the term $\left[x_{i}\right]$") == []


def test_the_terminal_prints_a_counterexample_as_plain_text() -> None:
    """What ``python -m verify`` prints for a refuted step (``str`` of a result is the command's
    text): the point as ``t = ...``, never ``$t = ...$``; the JSON keeps the LaTeX."""
    from verify.api import check_text
    text = "---\nsymbols: {t: {}}\n---\n$$ \\frac{d}{dt} t^3 = 3 t^2 = 3 t $$\n"
    result = check_text(text, cache=False)
    wrong = result.document.chains[0].steps[-1]
    assert wrong.status is Status.REFUTED and "$t = " in wrong.message
    printed = [line for line in str(result).splitlines() if ": refuted — " in line]
    assert len(printed) == 1 and "t = " in printed[0]
    assert "$" not in printed[0] and shown_well(printed[0]) == []
