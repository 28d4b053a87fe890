"""The LaTeX report: what it contains, and that untrusted LaTeX never reaches TeX as code.

These tests need no LaTeX engine; tests/test_report_pdf.py compiles."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.paths import DATA, ROOT
from verify.core.errors import Location
from verify.model.verdict import ChainResult, DocumentResult, Status, StepVerdict
from verify.report import clean as cleaning
from verify.report import layout, sanitize
from verify.report.clean import clean
from verify.report.demo import ALIGNED, LONG_ROW, OCR_ROW, WIDE_ROW, demo_result
from verify.report.escape import escape_code, escape_text
from verify.report.sanitize import check
from verify.report.tex import STEP_MARKER, collect_versions, render_document

HOSTILE_STEPS = sorted((DATA / "hostile" / "steps").glob("*.tex"))
# Control words that must never reach TeX from a document: file access, commands, redefinition.
DANGEROUS = re.compile(r"\\(input|include|write|openout|openin|read|catcode|csname|def|edef|"
                       r"gdef|xdef|let|special|usepackage|newcommand|renewcommand|immediate|"
                       r"pdfobj|closeout|closein|endcsname|expandafter|string|documentclass)"
                       r"(?![A-Za-z])")


def _body(tex: str) -> str:
    """The report between \\begin{document} and its final \\end{document}."""
    start = tex.index(r"\begin{document}") + len(r"\begin{document}")
    return tex[start:tex.rindex(r"\end{document}")]


def _step_lines(tex: str) -> dict[str, str]:
    """Each step's line as written (its reading's line, marked too, comes after it)."""
    lines: dict[str, str] = {}
    for line in tex.splitlines():
        if STEP_MARKER in line:
            lines.setdefault(line.rsplit(STEP_MARKER, 1)[1], line)
    return lines


def _hostile_result(steps: list[str]) -> DocumentResult:
    """A document whose every string is hostile: steps, title, path, notes, messages..."""
    evil = r"\input{/etc/passwd}\write18{touch x}%$#&_^~{"
    verdicts = tuple(StepVerdict(Location(f"a{evil}.tex", n + 1, evil), n, latex, status,
                                 evil, note=evil, diagnosis=evil, sympy=evil,
                                 reading=evil)
                     for n, (latex, status) in enumerate(zip(steps, _cycle(len(steps)),
                                                             strict=True)))
    return DocumentResult(path=f"{evil}.tex", title=evil,
                          chains=(ChainResult(evil, verdicts, where=(evil,), summary=evil),),
                          seed=1, sizes=({evil: 2},), problems=(evil,),
                          versions={evil: evil})


def _cycle(count: int) -> list[Status]:
    statuses = list(Status)
    return [statuses[n % len(statuses)] for n in range(count)]


# --- the content ----------------------------------------------------------------------------

def test_every_step_and_subclaim_appears_once_in_order() -> None:
    tex = render_document(demo_result(), date="2025-01-01")
    marked = [line.rsplit(STEP_MARKER, 1)[1] for line in tex.splitlines()
              if STEP_MARKER in line]
    # A step's reading is on a line of its own with the step's marker, right after it.
    numbers = [n for i, n in enumerate(marked) if i == 0 or marked[i - 1] != n]
    assert numbers == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8",
                       "2.1", "2.1a", "2.1b", "2.2", "2.3"]
    assert len(marked) == len(numbers) + 4
    for number in numbers:
        kind = "Claim" if number[-1].isalpha() else "Step"
        assert len(re.findall(rf"\\textbf{{{kind} {re.escape(number)}}}", tex)) == 1


def test_each_status_has_its_colour_mark_and_word() -> None:
    tex = render_document(demo_result())
    for status in Status:
        assert rf"\begin{{stepbox}}{{{status.value}}}" in tex
        assert rf"\MakeUppercase{{{status.value}}}" in tex
        assert rf"\definecolor{{{status.value}}}" in tex


def test_header_has_document_seed_sizes_versions_date_and_counts() -> None:
    result = demo_result()
    tex = render_document(result, {"tool": "9.9.9", "sympy": "1.14.0", "jax": "0.10.2"},
                          date="2031-02-03").replace(r"\allowbreak{}", "")
    for text in ("derivations/003\\_softmax\\_gradient.tex", "2031-02-03", "20240917",
                 "$K=3$, $N=2$, $n=2$", "derivation-verify 9.9.9", "SymPy 1.14.0",
                 "JAX 0.10.2", "3 of 12 steps refuted."):
        assert text in tex
    counts = result.counts()
    for status in (Status.PROVED, Status.SUPPORTED, Status.REFUTED, Status.UNKNOWN,
                   Status.UNPARSED):
        assert re.search(rf"{{\\textbf{{{status.value}}}}} & {counts[status]} &", tex)


def test_versions_default_to_the_installed_packages() -> None:
    versions = collect_versions({"sympy": "1.0"})
    assert versions["SymPy"] == "1.0"
    assert versions["derivation-verify"] and versions["JAX"]


def test_labels_are_shown_and_tags_and_labels_stripped_from_the_mathematics() -> None:
    tex = render_document(demo_result())
    lines = _step_lines(tex)
    assert r"\tag" not in lines["1.1"] and r"\label" not in lines["1.8"]
    assert "(eq:final)" in tex and "(1)" in tex and "(12)" in tex and "((12))" not in tex


def test_refuted_step_shows_counterexample_diagnosis_and_values() -> None:
    tex = render_document(demo_result())
    step = tex[tex.index(r"\textbf{Step 1.5}"):tex.index(r"\textbf{Step 1.6}")]
    assert "Diagnosis:" in step and "factor -1" in step
    assert "at $K=3$; index $i=1$, $j=2$" in step
    assert "$z_{1} = 0.25$" in step and "$x_{1} = 1.25$" in step
    assert "value & $-0.7734$ & $0.7734$ & $1.5468$" in step
    assert "step 1.4" in step           # the step it was compared with names its column


def test_vector_counterexample_lists_components_and_labels() -> None:
    tex = render_document(demo_result())
    step = tex[tex.index(r"\textbf{Step 2.3}"):tex.rindex(r"\end{document}")]
    assert "component 1 & $0.3212$ & $0.6424$" in step
    assert "component 2 & $-0.8815$ & $-1.763$" in step
    assert "label $y_{1}=2$, $y_{2}=1$" in step and "$w_{2,2} = 0.125$" in step
    assert "Checked against:}{step 2.1" in step


def test_unparsed_unknown_and_assumption_explain_themselves() -> None:
    tex = render_document(demo_result())
    assert r"\detail{Could not read:}{line 44, column 71" in tex
    assert r"\detail{Undecided:}{the symbolic check timed out" in tex
    assert r"\detail{Holds only under:}{y is one-hot: its components sum to 1}" in tex


def test_subclaims_sit_under_their_step() -> None:
    tex = render_document(demo_result())
    step, claim_a, claim_b, after = (tex.index(rf"\textbf{{{name}}}") for name in
                                     ("Step 2.1", "Claim 2.1a", "Claim 2.1b", "Step 2.2"))
    assert step < claim_a < claim_b < after
    assert r"\begin{stepbox}{proved}{\ding{52}}{8mm}" in tex      # indented under the step


def test_chain_right_for_wrong_reasons_is_flagged() -> None:
    assert "Right for the wrong reasons" in render_document(demo_result())


def test_reading_is_typeset_under_its_step_and_no_sympy_form_is() -> None:
    result = demo_result()
    tex = render_document(result)
    read = [line for line in tex.splitlines() if "Read as:" in line]
    with_reading = [s for s in result.all_steps() for s in (s, *s.subclaims) if s.reading]
    assert len(read) == len(with_reading) == 4
    assert all(STEP_MARKER in line and r"\stepmath{" in line for line in read)
    assert r"\stepmath{x_{i} \cdot \left(g_{j}\left(\boldsymbol{z}\right) - y_{j}\right)}" in tex
    assert "Sum(" not in tex and "Deriv(" not in tex and "Appendix" not in tex


def test_a_reading_is_verbatim_when_the_step_is_forced_or_refused() -> None:
    step = StepVerdict(Location("a.tex", 1), 0, "x", Status.START, "start",
                       reading=r"\input{/etc/passwd} x")
    chain = ChainResult("c", (step,))
    result = DocumentResult("a.tex", "t", (chain,), 0, ())
    line = next(line for line in render_document(result).splitlines() if "Read as:" in line)
    assert r"\texttt{" in line and r"\input{" not in line.replace(r"\textbackslash{}", "")
    forced = render_document(demo_result(), verbatim={"1.8": "TeX failed"})
    line = next(line for line in forced.splitlines() if "Read as:" in line and
                line.endswith(f"{STEP_MARKER}1.8"))
    assert r"\texttt{" in line


def test_start_of_chain_is_not_counted_as_a_verdict() -> None:
    result = demo_result()
    tex = render_document(result)
    total = sum(n for status, n in result.counts().items() if status is not Status.START)
    assert rf"& checked & {total} &" in tex


def test_empty_document_renders() -> None:
    tex = render_document(DocumentResult("empty.tex", "", (), 0, ()))
    assert "No step was checked." in tex and tex.rstrip().endswith(r"\end{document}")


# --- cleaning and the seeds' damage -----------------------------------------------------------

def test_ocr_damaged_seed_003_row_is_repaired_and_typeset() -> None:
    cleaned = clean(OCR_ROW)
    assert cleaned == r"=\left(-y_j+g_j(\boldsymbol{z})\cdot\sum_{k=1}^Ky_k \right)\cdot x_i"
    assert check(cleaned) is None
    assert _step_lines(render_document(demo_result()))["1.6"].startswith(r"\stepmath{")


@pytest.mark.parametrize(("damaged", "repaired"), [
    ("\x0crac{1}{2}", r"\frac{1}{2}"), ("\text{ if }", r"\text{ if }"),
    ("\x08eta + \x07lpha", r"\beta + \alpha"), ("a \neq b", r"a \neq b"),
    ("rac{1}{2}", r"\frac{1}{2}"), (r"\text{height} + weight", r"\text{height} + weight"),
])
def test_escape_damage_repair(damaged: str, repaired: str) -> None:
    assert cleaning.repair(damaged) == repaired


def test_clean_strips_delimiters_tags_and_renames_environments() -> None:
    assert clean(r"$$ a = b \tag{3} $$") == "a = b"
    assert clean(r"\begin{align*} a &= b \\ &= c \label{x} \end{align*}") == \
        r"\begin{aligned} a &= b \\ &= c \end{aligned}"
    assert clean(r"\begin{split} a &= b \\[4pt] &= c \end{split}") == \
        r"\begin{aligned} a &= b \\[4pt] &= c \end{aligned}"
    assert clean("a &= b \\\\ &= c") == r"\begin{aligned}a &= b \\ &= c\end{aligned}"
    assert clean("a \\\\ [0, 1]") == r"\begin{gathered}a \\{}[0, 1]\end{gathered}"
    assert "\n" not in clean("a\n\nb")     # a blank line in mathematics is an error


# --- the whitelist ----------------------------------------------------------------------------

@pytest.mark.parametrize("latex", [
    r"\frac{\partial}{\partial \Theta_{ij}} \mathcal{J}(\boldsymbol{\Theta})",
    r"\sum_{\substack{k=1\\k\neq j}}^{K} y_{k} \cdot \frac{1}{g_{k}(z)}",
    r"\mathbf{w}_k^\top \mathbf{x} + \hat{y}_k^{(i)} - 1_{\{y^{(i)}=k\}}",
    r"\begin{cases} 1 & k=j \\ 0 & \text{otherwise, if $k \neq j$}\end{cases}",
    r"\left. \frac{a}{b}\right|_{x=0} + \Bigl\{ a \Bigr\} + \big( b \big)",
    r"\underbrace{\sum_{k=1}^K y_{ik}}_{=1} \quad \text{[Apply chain rule]}",
    r"\begin{pmatrix} a \\ b \end{pmatrix}^\top \begin{array}{c|c} 1 & 2 \end{array}",
    r"\operatorname{softmax}(\mathbf{z})_k = \frac{\exp(z_k)}{\sum_{l} \exp(z_l)}",
    r"\sum\limits_{i=1}^N \log \sigma(x_i)' \approx \frac12 \sqrt[3]{x}",
    LONG_ROW, WIDE_ROW, ALIGNED,
])
def test_whitelist_accepts_the_seeds_mathematics(latex: str) -> None:
    assert check(clean(latex)) is None


@pytest.mark.parametrize(("latex", "reason"), [
    (r"\input{/etc/passwd}", r"\input"), (r"x^^5cinput", "^^"), (r"\csname x\endcsname", "csname"),
    (r"x % comment", "'%'"), (r"} \input{x} {", "closing brace"), (r"\left( a", "unclosed"),
    (r"x^a^b", "double superscript"), (r"\frac{a}", "missing an argument"),
    (r"\text{a_b}", "inside \\text"), (r"\text{\input{x}}", "inside \\text"),
    (r"\begin{verbatim}", "environment verbatim"), (r"a & b", None),
    (r"\frac{a & b}{c}", "alignment mark"), (r"\begin{array}{c@{x}} a \end{array}", "array"),
    (r"\middle| x", "middle"), (r"x\limits", "operator"), (r"\hat\sum x", "missing"),
    ("x \u2603", "U+2603"), ("x \x1b[31m", "U+001B"), ("{" * 60 + "}" * 60, "nested"),
    ("x" * 5000, "longer than"), ("", "empty"),
])
def test_whitelist_refuses(latex: str, reason: str | None) -> None:
    problem = check(clean(latex))
    if reason is None:
        assert problem is None
    else:
        assert problem is not None and reason in problem


def test_broken_rows_are_aligned_and_pass_the_whitelist() -> None:
    for latex in (WIDE_ROW, LONG_ROW):
        rows = layout.broken(clean(latex))
        assert rows.startswith(r"\begin{aligned}&") and rows.count(r"\\") >= 1
        assert check(rows) is None
    assert layout.broken("= x + y") == "= x + y"          # nothing to break, or no need


def test_long_equation_breaks_between_terms_not_inside_parentheses() -> None:
    rows = layout.broken(clean(LONG_ROW))
    # The outer \left( ... \right) pair is split with invisible delimiters sized alike.
    assert r"\right." in rows and r"\left.\vphantom" in rows
    assert "(1 \\\\" not in rows


# --- hostile LaTeX ----------------------------------------------------------------------------

def test_hostile_fixtures_exist() -> None:
    assert len(HOSTILE_STEPS) >= 20


@pytest.mark.parametrize("path", HOSTILE_STEPS, ids=lambda p: p.stem)
def test_hostile_step_is_shown_verbatim_with_a_note(path: Path) -> None:
    latex = path.read_text(encoding="utf-8")
    tex = render_document(_hostile_result([latex]))
    line = _step_lines(tex)["1"]
    assert line.startswith(r"\stepcode{"), line
    assert "Shown as written:" in tex


def test_no_dangerous_control_word_reaches_the_report() -> None:
    steps = [p.read_text(encoding="utf-8") for p in HOSTILE_STEPS]
    body = _body(render_document(_hostile_result(steps)))
    assert DANGEROUS.search(body) is None, DANGEROUS.search(body)
    assert "^^" not in body and "%$" not in body


def test_every_string_from_the_document_is_escaped() -> None:
    evil = r"\input{/etc/passwd}%"
    result = replace(demo_result(), title=evil, path=evil, problems=(evil,))
    body = _body(render_document(result))
    assert r"\input" not in body
    assert r"\textbackslash{}input\{/etc/passwd\}\%" in body


@given(st.text(max_size=200))
def test_escaped_text_is_inert(text: str) -> None:
    escaped = escape_text(text) + escape_code(text)
    words = set(re.findall(r"\\([A-Za-z]+)", escaped))
    assert words <= {"textbackslash", "textasciicircum", "textasciitilde", "textless",
                     "textgreater", "textbar", "textquotedbl", "ldots", "texttimes",
                     "textperiodcentered", "allowbreak", "neq", "leq", "geq", "to", "approx",
                     "infty", "partial", "nabla", "sum", "in", "pm", "equiv"} | sanitize.GREEK
    stripped = re.sub(r"\\[A-Za-z]+(\{\})?|\\[{}$&%#_]|\$\\[A-Za-z]+\$", "", escaped)
    assert not set(stripped) & set("\\{}$&%#^")    # ~ is a no-break space, inert
    assert all(ch.isprintable() and (ch.isascii() or "\u00c0" <= ch <= "\u00ff")
               for ch in stripped)


_PIECES = [*"\\{}^_$%&#~[]()=+- abxyz01", r"\frac", r"\input", r"\left(", r"\right)",
           r"\begin{aligned}", r"\end{aligned}", r"\\", r"\text", r"\def", r"\catcode", r"\sum",
           r"\limits", "\x08", "\n", "oldsymbol", "ight"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_check_never_crashes_and_never_passes_a_dangerous_word(pieces: list[str]) -> None:
    cleaned = clean("".join(pieces))
    if check(cleaned) is None:
        # TeX reads a run of backslashes in pairs: '\\\\input' is the control symbol
        # '\\' then the letters 'input', not the primitive; drop the pairs before searching.
        assert DANGEROUS.search(cleaned.replace("\\\\", " ")) is None
        assert "^^" not in cleaned and "%" not in cleaned.replace(r"\%", "")


def test_setup_script_checks_every_package_the_report_loads() -> None:
    """scripts/setup-tex.sh decides whether to install from a list of .sty files; a package
    added to the template but not to that list would make the PDF fail on a fresh machine."""
    script = (ROOT / "scripts" / "setup-tex.sh").read_text()
    match = re.search(r"styles=\(([^)]*)\)", script, re.S)
    assert match is not None
    listed = set(match.group(1).split())
    loaded = {name for group in re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}",
                                           render_document(demo_result()))
              for name in group.split(",")}
    assert loaded <= listed, loaded - listed


@pytest.mark.parametrize(("message", "tex"), [
    (r"the sides differ at K=3, $y_{2} = 1$: before 2",
     r"the sides differ at K=3, $y_{2} = 1$: before 2"),
    (r"holds only when $j \neq k$", r"holds only when $j \neq k$"),
    # what the whitelist refuses stays text, escaped
    (r"at $\input{x}$", r"at \$\textbackslash{}input\{x\}\$"),
    (r"a lone $ sign", r"a lone \$ sign"),
])
def test_message_math_is_typeset_only_when_safe(message: str, tex: str) -> None:
    from verify.report.tex import message_tex
    assert message_tex(message) == tex
