"""Guards: inputs whose size would explode are refused before SymPy builds them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.paths import ROOT, TESTS
from verify.core.errors import Location
from verify.core.limits import EXPRESSION_DEPTH
from verify.model.document import Chain, Document, Step
from verify.model.verdict import Status
from verify.pipeline import Options, check_document
from verify.read.encoding import read_encoding
from verify.read.guards import check_expression, check_latex, guard_document

REFUSED_LATEX = [
    (r"10^{10^{10}}", "digits"),
    (r"2^{2^{2^{2^{2}}}}", "tower"),
    (r"9^{9^{9}}", "digits"),
    (r"(10^7)!", "digits"),
    (r"500!", "digits"),
    (r"\Gamma(10^{7})", "digits"),
    (r"\binom{10^{7}}{10^{6}}", "digits"),
    (r"\frac{1}{10^{-10^{10}}}", "digits"),
    (r"\left(10^{10}\right)^{10^{10}}", "digits"),
    (r"0.5^{10^{6}}", "digits"),
    (r"x^{1000}", "exponent"),
    (r"(a+b+c)^{100}", "exponent"),
    (r"e^{10^{10}}", "exponent"),
    ("1" * 101, "written with 101 digits"),
    ("x" * 4001, "longer than"),
    ("{" * 150 + "x" + "}" * 150, "nested deeper"),
    (r"\sqrt" * 150 + "x", "nested deeper"),
]

ACCEPTED_LATEX = [
    r"\frac{\partial L}{\partial w_k} = -\sum_{i=1}^N (y_{ik} - \hat y_{ik}) x_i",
    r"e^{-x^2}",
    r"2^{2^{2}}",
    r"x^{y^{z^{w}}}",
    r"10^{300}",
    r"3! + 10!",
    r"\binom{n}{k} + \binom{10^{7}}{5}",
    r"\sigma(z)(1 - \sigma(z))",
    r"\left( \sum_{k'=1}^{K} \exp(\mathbf{w}_{k'}^T \mathbf{z}) \right)^{-1}",
    r"}}}{{{",            # unbalanced: the front end reports it, not the guard
    r"\frac{1}{2}^{64}",
    "",
]


@pytest.mark.parametrize(("text", "why"), REFUSED_LATEX)
def test_check_latex_refuses_explosions(text: str, why: str) -> None:
    reason = check_latex(text)
    assert reason is not None and reason.startswith("refused: ") and why in reason


@pytest.mark.parametrize("text", ACCEPTED_LATEX)
def test_check_latex_accepts_derivations(text: str) -> None:
    assert check_latex(text) is None


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"0123456789.^{}()!_+-*/ x\\", r"\frac", r"\binom", r"\Gamma",
                                 r"\sqrt", r"\cdot", r"\left(", r"\right)", "10^{"]),
                max_size=300).map("".join))
def test_check_latex_never_raises_and_is_fast(text: str) -> None:
    _never_raises_and_is_fast(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_check_latex_on_any_text(text: str) -> None:
    _never_raises_and_is_fast(text)
    assert check_latex(text) is None or "could not read" not in (check_latex(text) or "")


def _never_raises_and_is_fast(text: str) -> None:
    started = time.perf_counter()
    result = check_latex(text)
    assert result is None or result.startswith("refused: ")
    assert time.perf_counter() - started < 0.5


x, y = sp.symbols("x y")

REFUSED_EXPRESSIONS = [
    (sp.Pow(10, sp.Integer(10**10), evaluate=False), "digits"),
    (sp.Pow(x, 100), "exponent"),
    (sp.Pow(x + y, sp.Integer(10) ** 30), "exponent"),
    (sp.factorial(sp.Integer(10**7), evaluate=False), "factorial"),
    (sp.binomial(sp.Integer(10**9), y, evaluate=False), "binomial"),
    (sp.Integer(10) ** 2000, "digits"),
    (sp.Rational(1, 3**3000), "digits"),
    (sp.exp(sp.exp(sp.exp(sp.exp(x)))), "tower"),
    (sp.Pow(x, sp.Pow(x, sp.Pow(x, sp.Pow(x, x)))), "tower"),
    (sp.Add(*sp.symbols("s0:20001")), "nodes"),
]


@pytest.mark.parametrize(("expr", "why"), REFUSED_EXPRESSIONS)
def test_check_expression_refuses_explosions(expr: sp.Basic, why: str) -> None:
    reason = check_expression(expr)
    assert reason is not None and why in reason


def test_check_expression_refuses_deep_nesting() -> None:
    deep: sp.Expr = x
    for _ in range(EXPRESSION_DEPTH + 5):
        deep = sp.Function("f")(deep)
    assert "deeper" in (check_expression(deep) or "")


@pytest.mark.parametrize("expr", [
    x**2 + 1, sp.exp(-x**2), sp.Pow(x, sp.Pow(x, x)), sp.Integer(10) ** 300, sp.factorial(x),
    sp.Sum(sp.Indexed("w", y) ** 2, (y, 1, 3)), sp.Rational(1, 2) ** 64, sp.Float("1e300"),
])
def test_check_expression_accepts_derivations(expr: sp.Basic) -> None:
    assert check_expression(expr) is None


def test_every_seed_step_passes_the_guards() -> None:
    root = ROOT / "derivations"
    for path in sorted(root.glob("*.yaml")):
        document = read_encoding(path)
        guarded = guard_document(document)
        assert guarded == document, path


def test_guard_document_makes_refused_steps_unparsed(tmp_path: Path) -> None:
    where = Location(str(tmp_path / "doc.yaml"), 3)
    a = sp.Symbol("a")
    steps = (Step(where, "a", a), Step(where, "10^{10^{10}}", sp.Pow(a, 10**6)),
             Step(where, "a", a))
    notation = read_encoding(_write_minimal(tmp_path)).notation
    document = Document(str(tmp_path / "doc.yaml"), "doc", notation, (Chain("main", steps),))
    guarded = guard_document(document)
    refused = guarded.chains[0].steps[1]
    assert refused.expr is None and refused.problem and "exponent" in refused.problem
    result = check_document(guarded, Options())
    statuses = [s.status for s in result.all_steps()]
    assert statuses == [Status.START, Status.UNPARSED, Status.PROVED]


def _write_minimal(folder: Path) -> Path:
    path = folder / "minimal.yaml"
    path.write_text("notation:\n  symbols:\n    a: {}\nchains: []\n")
    return path


def test_refused_definition_refuses_the_steps_using_it(tmp_path: Path) -> None:
    path = _write_minimal(tmp_path)
    document = read_encoding(path)
    notation = document.notation
    big = sp.Pow(sp.Symbol("a"), 10**6)
    definitions = dict(notation.definitions)
    from verify.model.notation import Definition, Notation
    definitions["H"] = Definition("H", "constant", (), big, "a**1000000")
    bad = Notation(notation.sizes, notation.indices, notation.symbols, definitions)
    where = Location(str(path), 1)
    steps = (Step(where, "H", sp.Symbol("H")), Step(where, "a", sp.Symbol("a")))
    guarded = guard_document(Document(str(path), "doc", bad, (Chain("main", steps),)))
    first, second = guarded.chains[0].steps
    assert first.expr is None and first.problem and "definition 'H'" in first.problem
    assert second.expr is not None


def test_every_seed_latex_step_passes_check_latex() -> None:
    """No false refusal on the derivations we have (179 steps when written)."""
    from verify.read.latex.source import split_document
    root = TESTS
    sources = [*sorted((root.parent / "examples" / "seeds").glob("*.md")),
               *sorted((root.parent / "derivations").glob("*.md")),
               *sorted((root / "data" / "latex").glob("*.[mt][de]*"))]
    steps = [step.text for path in sources
             for chain in split_document(path.read_text(), path.suffix) for step in chain.steps]
    assert len(steps) > 100
    assert [s for s in steps if check_latex(s) is not None] == []
