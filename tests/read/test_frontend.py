"""The LaTeX/Markdown front end end to end: documents in, Documents out, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from tests.paths import DATA, ROOT, seed_text
from verify.core.errors import Location
from verify.model import expr as E
from verify.read.latex.document import read_latex_document
from verify.read.notation import parse_notation

DATA = DATA / "latex"
EXAMPLES = ROOT / "examples" / "seeds"


def test_tex_comment_header_and_environments() -> None:
    doc = read_latex_document(DATA / "aligned.tex")
    assert doc.problems == ()
    assert [len(c.steps) for c in doc.chains] == [3, 2, 2, 2]
    a = E.value_symbol("a")
    assert [s.expr for s in doc.chains[0].steps] == [a, a, a]
    assert doc.chains[0].steps[2].location == Location(str(DATA / "aligned.tex"), 14,
                                                       "(eq:first)")


def test_broken_document_reports_each_step_with_location() -> None:
    doc = read_latex_document(DATA / "broken.md", display_path="broken.md")
    steps = [s for c in doc.chains for s in c.steps]
    assert [s.expr for s in steps] == [None, None, None]
    problems = [s.problem or "" for s in steps]
    # The unbalanced brace swallows the '=': the whole block is one unreadable step.
    assert problems[0].startswith("broken.md:12: unbalanced LaTeX")
    assert problems[1].startswith("broken.md:14: '\\b' of '\\boldsymbol' was eaten")
    assert problems[2].startswith("broken.md:17: undeclared symbol q")


def test_sidecar_and_base_notation() -> None:
    base = parse_notation({"symbols": {"b": {}}}, Location("assignment.yaml"))
    doc = read_latex_document(DATA / "sidecar.tex", base_notation=base)
    assert doc.problems == ()
    a, b = E.value_symbol("a"), E.value_symbol("b")
    assert [s.expr for s in doc.chains[0].steps] == [a + b, a + b]
    alone = read_latex_document(DATA / "sidecar.tex")
    assert "undeclared symbol b" in (alone.chains[0].steps[0].problem or "")


def test_missing_file_and_no_notation(tmp_path: Path) -> None:
    missing = read_latex_document(tmp_path / "nope.md")
    assert missing.chains == () and "cannot read" in missing.problems[0]
    bare = tmp_path / "bare.md"
    bare.write_text("$$x = y$$\n")
    doc = read_latex_document(bare)
    assert "no notation declared" in doc.problems[0]
    assert doc.chains[0].steps[0].problem is not None


def test_bad_front_matter_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\nsymbols: [1, 2\n---\n$$a$$\n")
    doc = read_latex_document(path)
    assert any("malformed YAML" in p for p in doc.problems)


def test_dots_pattern_document() -> None:
    doc = read_latex_document(DATA / "plain.md")
    first, second = doc.chains[0].steps
    k, K = E.index_symbol("k"), E.size_symbol("K")
    assert first.expr == sp.Sum(E.family("y")[k], (k, 1, K)) == second.expr


@pytest.mark.parametrize("name", [  # the fast tier reads seed 003, the shortest
    pytest.param(p.name, marks=() if p.name.startswith("003") else pytest.mark.slow)
    for p in sorted(EXAMPLES.glob("00[0-3]*.md"))])
def test_seed_origins_match_the_seed_lines(name: str) -> None:
    doc = read_latex_document(EXAMPLES / name)
    seed = seed_text(name.removesuffix(".md")).split("\n")
    assert doc.chains and all(chain.steps for chain in doc.chains)
    for chain in doc.chains:
        for step in chain.steps:
            assert step.origin is not None
            assert step.latex.split("\n")[0][:20] in seed[step.origin.line - 1]


def test_seed_004_garbage_is_reported_line_by_line() -> None:
    doc = read_latex_document(EXAMPLES / "004_437e47ed1761f121.md")
    unread = [s for c in doc.chains for s in c.steps if s.expr is None]
    assert len(unread) >= 15
    assert all(s.problem and s.location.line > 0 for s in unread)


def test_constructs_across_steps_and_sections() -> None:
    doc = read_latex_document(DATA / "constructs.md", display_path="constructs.md")
    assert doc.problems == ()
    let, bad_let, prime, section, case = doc.chains
    j, k = E.index_symbol("j"), E.index_symbol("k")
    w, G, F, a = E.family("w"), E.family("G"), E.value_symbol("F"), E.value_symbol("a")
    # 'Let G(w) be dF/dw_j as above': G[j] := D(F, w[j]), the rest of the prose as the note.
    assert [s.expr for s in let.steps] == [G[j], E.Deriv(F, w[j])]
    assert "as above" in let.steps[1].note
    # 'Let a be 2' names a symbol, not a definition: reported, never taken as a definition.
    assert bad_let.steps[0].expr is None
    assert "a definition in prose" in (bad_let.steps[0].problem or "")
    # The first step's F is undeclared, its variable w_k is still what (...)' means.
    assert prime.steps[0].expr is None
    assert prime.steps[1].expr == E.Deriv(F + a, w[k])
    assert "derivative by w[k]" in prime.steps[1].note
    # The section's own 'a' shadows the document's, without a clash problem.
    assert [s.expr for s in section.steps] == [E.value_symbol("b")] * 2
    assert section.notation is not None and "a is renamed" in section.note
    assert let.notation is None
    # A section with conditions only: the document's notation, the chain checked where j != k.
    assert case.where == (sp.Ne(j, k, evaluate=False),) and case.where_text == ("j != k",)
    assert case.notation is None and case.steps[0].expr == sp.KroneckerDelta(j, k)


@pytest.mark.parametrize(("sections", "why"), [
    ("[{lines: [3, 1]}]", "section 'lines' must be [first, last]"),
    ("[{lines: [1, 2], colour: red}]", "a section is a mapping of"),
    ("[{lines: [1, 2], notation: {symbols: {q: {shape: [Q]}}}}]", "undeclared size 'Q'"),
    ("[{lines: [1, 2], where: 'k != j'}]", "a section's 'where' must be a list"),
    ("[{lines: [1, 2], where: ['q != 1']}]", "undeclared symbol 'q'"),
])
def test_bad_sections_are_problems(tmp_path: Path, sections: str, why: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(f"---\nsymbols: {{a: {{}}}}\nsections: {sections}\n---\n$$a$$\n")
    doc = read_latex_document(path)
    assert any(why in p for p in doc.problems), doc.problems
    assert doc.chains[0].steps[0].expr == E.value_symbol("a")


def test_seed_001_logistic_section_reads_its_own_names() -> None:
    doc = read_latex_document(EXAMPLES / "001_a92e6727470740bd.md")
    assert doc.problems == ()
    chain = next(c for c in doc.chains if c.notation is not None)
    first = chain.steps[0]
    assert first.expr == E.value_symbol("Llog")
    assert "yb" in str(chain.steps[1].expr)


def test_documented_complete_header_is_valid(tmp_path: Path) -> None:
    """The 'complete example' of docs/latex-frontend.md declares without a problem."""
    page = (ROOT / "docs" / "latex-frontend.md").read_text()
    header = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.md"
    path.write_text(header + "$$L^{\\text{Softmax}} = L(W)$$\n")
    doc = read_latex_document(path)
    assert doc.problems == ()
    assert [s.expr for s in doc.chains[0].steps] == [E.value_symbol("L")] * 2
