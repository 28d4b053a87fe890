"""The reading: a bound expression written back as LaTeX (verify/model/reading.py), and where it is
shown.  A table of node -> LaTeX; a round trip through our own reader over every seed step
(the rendering must read back as an equal expression); a scan of every seed's output for
SymPy or encoding syntax; the golden ``--show-reading`` output of one document."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

from tests.helpers import NOTATION, chain_document
from tests.paths import DATA, ROOT
from verify.check.claims import Claim, DocumentChecker
from verify.cli import main
from verify.core.limits import READING_NODES
from verify.model import expr as E
from verify.model.document import Document
from verify.model.notation import Notation
from verify.model.reading import SHORTENED, plain, reading, spelled_names
from verify.model.verdict import DocumentResult, Status
from verify.pipeline import Options, check_document, judge_claims, read_document
from verify.read.encoding import encoding_from_mapping
from verify.read.latex.names import build_lexicon
from verify.read.latex.step import parse_step
from verify.report.sanitize import check as typesettable

SEEDS = sorted([*ROOT.glob("derivations/*.yaml"), *ROOT.glob("derivations/*.md"),
                *(DATA / "latex").glob("*.md"), *(DATA / "latex").glob("*.tex")])

SPELLED: dict[str, Any] = {
    **NOTATION,
    "indices": {**NOTATION["indices"], "kp": "K"},
    "symbols": {**NOTATION["symbols"],
                "w": {"family": ["K"], "shape": ["n"], "latex": [r"\mathbf{w}", "w"]},
                "x": {"family": ["N"], "shape": ["n"], "latex": [r"\mathbf{x}^{(i)}"]},
                "lam": {"kind": "positive", "latex": [r"\lambda"]},
                "evil": {"latex": [r"\input{/etc/passwd}"]}},
    "definitions": {**NOTATION["definitions"],
                    "sigma": {**NOTATION["definitions"]["sigma"], "latex": [r"\sigma"]},
                    "L": {**NOTATION["definitions"]["L"], "latex": ["L(W)", "L"]}},
}

# (encoding, the reading): every node type of verify/model/expr.py and the SymPy nodes bound
# expressions use, with the brackets precedence needs.
TABLE = [
    ("t", "t"),
    ("lam", r"\lambda"),
    ("x1", r"\mathrm{x1}"),                          # no spelling: upright, never x_1
    ("evil", r"\mathrm{evil}"),                      # a spelling that is not a name: unused
    ("w[k]", r"\mathbf{w}_{k}"),
    ("w[kp, l]", r"\mathbf{w}_{k',l}"),              # kp is written k'
    ("x[i]", r"\mathbf{x}^{(i)}"),                   # the sample superscript of the spelling
    ("x[i, l]", r"\mathbf{x}^{(i)}_{l}"),
    ("y[i, k]", "y_{i,k}"),
    ("C[l, l]", "C_{l,l}"),
    ("L", "L(W)"),                                   # a constant spelled with its arguments
    ("p[k, i]", "p_{k,i}"),
    ("sigma(z, k)", r"\sigma\left(z, k\right)"),
    ("t + 1", "t + 1"),
    ("1 - t", "1 - t"),
    ("-t", "-t"),
    ("2 * t * u", r"2 \cdot t \cdot u"),
    ("t / u", r"\frac{t}{u}"),
    ("-t / (2 * u)", r"-\frac{t}{2 \cdot u}"),
    ("(t + u) * v", r"v \cdot \left(t + u\right)"),
    ("t ** 2", "t^{2}"),
    ("(t + u) ** 2", r"\left(t + u\right)^{2}"),
    ("(-2) ** t", r"\left(-2\right)^{t}"),
    ("t ** (u + 1)", "t^{u + 1}"),
    ("sqrt(t)", r"\sqrt{t}"),
    ("log(t) ** 2", r"\log\left(t\right)^{2}"),       # f(x)^2, never f^2(x)
    ("exp(t)", r"\exp\left(t\right)"),                # never e^{t}: e may be a name
    ("log(t)", r"\log\left(t\right)"),
    ("1/2", r"\frac{1}{2}"),
    ("0.009", r"\frac{9}{1000}"),
    ("pi * t", r"\pi \cdot t"),
    ("Sum(y[i, k], (k, 1, K))", r"\sum_{k=1}^{K} y_{i,k}"),
    ("Sum(t + y[i, k], (k, 1, K))", r"\sum_{k=1}^{K} \left(t + y_{i,k}\right)"),
    ("Sum(y[i, k], (k, 1, K)) - t", r"\left(\sum_{k=1}^{K} y_{i,k}\right) - t"),
    ("t - Sum(y[i, k], (k, 1, K))", r"t - \sum_{k=1}^{K} y_{i,k}"),
    ("t * Sum(y[i, k], (k, 1, K))", r"t \cdot \sum_{k=1}^{K} y_{i,k}"),
    ("Sum(Sum(y[i, k], (k, 1, K)), (i, 1, N))",
     r"\sum_{i=1}^{N} \sum_{k=1}^{K} y_{i,k}"),
    ("Prod(t, (i, 1, N))", r"\prod_{i=1}^{N} t"),
    ("delta(j, k)", r"\delta_{j,k}"),
    ("delta(lab[i], k)", r"1_{\{\mathrm{lab}_{i} = k\}}"),
    ("cases((t, j == k), (0, True))",
     r"\begin{cases} t & \text{if } j = k \\ 0 & \text{otherwise} \end{cases}"),
    ("dot(w[k], x[i])", r"\mathbf{w}_{k}^{\top} \mathbf{x}^{(i)}"),
    ("dot(x[i], w[k])", r"\left(\mathbf{x}^{(i)}\right)^{\top} \mathbf{w}_{k}"),
    ("dot(w[k], x[i]) ** 2", r"\left(\mathbf{w}_{k}^{\top} \mathbf{x}^{(i)}\right)^{2}"),
    ("dot(w[k] - x1, x1)",
     r"\left(\mathbf{w}_{k} - \mathrm{x1}\right)^{\top} \mathrm{x1}"),
    ("mat(C, x1)", r"C \mathrm{x1}"),
    ("mat(C + T(C), x1)", r"\left(C + C^{\top}\right) \mathrm{x1}"),
    ("mat(mat(C, C), x1)", r"C C \mathrm{x1}"),
    ("T(C)", r"C^{\top}"),
    ("inv(C)", "C^{-1}"),
    ("T(inv(C))", r"\left(C^{-1}\right)^{\top}"),
    ("D(L, w[k])", r"\nabla_{\mathbf{w}_{k}} L(W)"),
    ("D(t ** 2, t)", r"\frac{\partial t^{2}}{\partial t}"),
    ("D(t * u, t)", r"\frac{\partial}{\partial t} \left(t \cdot u\right)"),
    ("D(t * u, t) * v", r"v \cdot \frac{\partial}{\partial t} \left(t \cdot u\right)"),
    ("D(t * u, t) - v", r"\left(\frac{\partial}{\partial t} \left(t \cdot u\right)\right) - v"),
    ("D(L, w[k, l])", r"\frac{\partial L(W)}{\partial \mathbf{w}_{k,l}}"),
    ("vec(w[k, l], (k, 1, K))",
     r"\begin{pmatrix} \mathbf{w}_{1,l} \\ \mathbf{w}_{2,l} \\ \vdots \\ \mathbf{w}_{K,l} "
     r"\end{pmatrix}"),
    ("[t, u]", r"\begin{pmatrix} t \\ u \end{pmatrix}"),
]


def _notation() -> Notation:
    document = encoding_from_mapping(chain_document("t", notation=SPELLED), "t.yaml")
    return document.notation


def _expr(text: str) -> sp.Expr:
    document = encoding_from_mapping(chain_document(text, notation=SPELLED), "t.yaml")
    expr = document.chains[0].steps[0].expr
    assert expr is not None, document.chains[0].steps[0].problem
    return expr


@pytest.mark.parametrize(("encoding", "latex"), TABLE, ids=[t[0] for t in TABLE])
def test_each_node_is_written_in_the_documents_latex(encoding: str, latex: str) -> None:
    shown = reading(_expr(encoding), _notation())
    assert shown == latex
    assert typesettable(latex) is None, latex      # the report typesets it


def test_a_huge_expression_is_shortened_with_a_stated_marker() -> None:
    huge = sp.Add(*(sp.Symbol("t") ** k for k in range(1, 5 * READING_NODES)), evaluate=False)
    shown = reading(huge, _notation())
    assert shown is not None and shown.endswith(SHORTENED) and r"\cdots" in shown
    assert len(shown) < 20 * READING_NODES
    assert not reading(_expr("t + u"), _notation()).endswith(SHORTENED)  # type: ignore[union-attr]


def test_no_expression_has_no_reading() -> None:
    assert reading(None, _notation()) is None


def test_plain_uses_no_spelling_so_cached_texts_do_not_depend_on_them() -> None:
    assert plain(_expr("dot(w[kp], x[i])")) == r"$w_{k'}^{\top} x_{i}$"
    assert plain(sp.Ne(E.index_symbol("j"), E.index_symbol("k"))) == r"$j \neq k$"


LAYERED: dict[str, Any] = {
    **NOTATION,
    "indices": {"j": "n"},
    "symbols": {"a1": {"shape": ["n"], "latex": ["a^{L-1}"]},
                "W": {"shape": ["n", "n"], "latex": ["W^L"]},
                "cost": {"latex": ["Cost"]}},
    "definitions": {},
}


@pytest.mark.parametrize(("message", "shown"), [
    # a reason cached spelling-free names a declared vector's entries by its encoding name
    (r"the derivative by $\mathrm{a1}_{1}$", r"the derivative by $a^{L-1}_{1}$"),
    (r"$\mathrm{W}_{1,2}$ and $\mathrm{cost}$", r"$W^L_{1,2}$ and $\mathit{Cost}$"),
    # a name the notation does not declare is left as it is written
    (r"$\mathrm{zz}_{1}$ is unknown", r"$\mathrm{zz}_{1}$ is unknown"),
    ("no names at all", "no names at all"),
])
def test_a_plain_message_names_declared_names_in_the_documents_spelling(
        message: str, shown: str) -> None:
    document = encoding_from_mapping(chain_document("cost", notation=LAYERED), "t.yaml")
    assert spelled_names(message, document.notation) == shown


# ---- round trip: our reader reads each seed step's reading as the same expression ----------
def _documents() -> list[Document]:
    return [read_document(path) for path in SEEDS]


def _lexicon_for(document: Document, chain: Any) -> Any:
    """The lexicon the chain's names are read with: its own additions shadow the document's
    (as a section's notation does in the LaTeX front end)."""
    notation = document.notation_of(chain)
    own = frozenset(n for n in [*notation.symbols, *notation.definitions]
                    if chain.notation is not None and n not in document.notation.symbols
                    and n not in document.notation.definitions)
    return build_lexicon(notation, own)


# Readings our LaTeX reader refuses (it reads them as nothing, never as something else).
# The transpose of a bracket, (C^{-1})^{\top} in seed 002, was the last; counted so that a
# change either way is seen.
EXPECTED_UNREAD = 0


@pytest.mark.slow
def test_every_seed_reading_reads_back_as_an_equal_expression() -> None:
    claims: list[Claim] = []
    unread: list[str] = []
    for document in _documents():
        for chain in document.chains:
            notation = document.notation_of(chain)
            lexicon = _lexicon_for(document, chain)
            for step in chain.steps:
                if step.expr is None:
                    continue
                shown = reading(step.expr, notation)
                assert shown is not None
                parsed = parse_step(shown, notation, lexicon)
                if parsed.expr is None:
                    unread.append(f"{step.location}: {shown} ({parsed.problem})")
                    continue
                free = {s.name for s in step.expr.free_symbols | parsed.expr.free_symbols}
                where = tuple(w for w in chain.where
                              if {s.name for s in w.free_symbols} <= free)
                claims.append(Claim(f"{step.location}#{len(claims)}", step.location,
                                    step.expr, parsed.expr, notation, where))
    judgements = judge_claims([(c, True) for c in claims], DocumentChecker(0, 5), None).by_key
    wrong = {key: j.message for key, j in judgements.items()
             if j.status not in (Status.PROVED, Status.SUPPORTED)}
    assert wrong == {}
    assert len(claims) >= 140
    assert len(unread) == EXPECTED_UNREAD, unread


# ---- no SymPy or encoding syntax where a user reads -----------------------------------------
SYNTAX = re.compile(
    r"\b(?:MatProd|Transposed|VecOf|MatOf|Dot|MatInv|Deriv|KroneckerDelta|Indexed|IndexedBase|"
    r"Piecewise|Sum|Product|Derivative|Symbol|Integer|Rational|Eq|Ne|Tuple|ImmutableMatrix)\(|"
    r"(?<![\\\w])(?:dot|mat|vec|inv|delta|cases|exp|log|sqrt)\(|\*\*|!=|"
    r"(?<!\\)\b[A-Za-z]\w*\[[^\]]*\]")   # w[k]: encoding-language indexing
# The concretizer's variable names (y1_2, y_1_2, w_1_2, lab_1_is_3), where the checker names a
# point: a counterexample's description and a diagnosis (our renderer braces every index; a
# message quoting the user's line may hold their w_1, which is theirs to write).
CONCRETE = re.compile(r"(?<![\\\w{])[A-Za-z][A-Za-z0-9]*(?:_[0-9]+)+(?:_is_[0-9]+)?\b")


@pytest.fixture(scope="module")
def seed_results() -> list[DocumentResult]:
    return [check_document(document, Options(points=5)) for document in _documents()]


@pytest.mark.slow
def test_no_message_diagnosis_or_reading_shows_sympy_or_encoding_syntax(
        seed_results: list[DocumentResult]) -> None:
    texts: list[str] = []
    points: list[str] = []      # what names a point: counterexamples, diagnoses
    for result in seed_results:
        texts += result.problems
        for chain in result.chains:
            texts.append(chain.summary)
            for step in chain.steps:
                for shown in (step, *step.subclaims):
                    texts += [shown.message, shown.diagnosis, shown.reading or ""]
                    if shown.evidence is not None:
                        texts += shown.evidence.assumptions
                    if shown.counterexample is not None:
                        points.append(shown.counterexample.describe())
                        assert points[-1] in shown.message
                    points.append(shown.diagnosis)
    assert len(texts) > 400 and sum(1 for p in points if p) > 10
    found = [(m.group(0), t) for t in texts for m in [SYNTAX.search(t)] if m]
    found += [(m.group(0), t) for t in points for m in [CONCRETE.search(t)] if m]
    assert found == []


def test_the_syntax_scan_catches_what_it_is_for() -> None:
    for bad in ("MatProd(Transposed(X), Y)", "VecOf(b, k, 1, K)", "write dot(a, b)",
                "mat(A, B)", "w[k] + 1", "k != j", "x**2", "KroneckerDelta(j, k)"):
        assert SYNTAX.search(bad), bad
    for bad in ("the sides differ at K=2, N=2, n=2, k=1, y1_2=1, y_1_2=1, y_2_1=1: before",
                "at w_1_2 = 0.3", "lab_1_is_3=1", "the label indicator y1_2 is 0"):
        assert CONCRETE.search(bad), bad
    for good in (r"\mathbf{w}_{k}^{\top} \mathbf{x}", r"\exp\left(t\right)", r"$j \neq k$",
                 r"\delta_{j,k}", r"\left[ a \right]", "the sides differ at K=3",
                 r"at K=2, k'=1, $y_{1,2} = 1$, $\mathbf{w}_{1,2} = 0.3$: before 1, after 2",
                 r"$1_{\{\mathrm{lab}_{1} = 3\}} = 1$", r"$y_{j} = 0$"):
        assert SYNTAX.search(good) is None and CONCRETE.search(good) is None, good


@pytest.mark.slow
def test_every_readable_step_has_a_reading_and_no_unreadable_one_has(
        seed_results: list[DocumentResult]) -> None:
    for result, document in zip(seed_results, _documents(), strict=True):
        for chain_result, chain in zip(result.chains, document.chains, strict=True):
            for verdict, step in zip(chain_result.steps, chain.steps, strict=True):
                if verdict.status is Status.UNPARSED:
                    assert verdict.reading is None
                else:
                    assert step.expr is not None and verdict.reading is not None


# ---- where the reading is shown ----------------------------------------------------------------
@pytest.mark.slow
def test_show_reading_output_is_golden() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["derivations/least_squares.md", "--show-reading", "--no-cache"], out, err)
    assert code == 0
    text = re.sub(r", [0-9.]+s\)$", ")", out.getvalue(), flags=re.M)
    assert text == (DATA / "reading" / "least_squares.txt").read_text()


def test_json_carries_the_reading_and_null_for_an_unreadable_step(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("---\nsymbols: {t: {}}\n---\n$$t^2 = t \\cdot t = \\frac{t}{$$\n")
    target = tmp_path / "out.json"
    main([str(source), "--json", str(target), "--no-cache", "--quiet"], io.StringIO(),
         io.StringIO())
    steps = json.loads(target.read_text())["documents"][0]["chains"][0]["steps"]
    assert [s["reading"] for s in steps] == ["t^{2}", "t^{2}", None]
