"""Reports are bounded: TeX expansion bombs are refused by the whitelist (shown verbatim, the
rest of the report typeset), a compile has seconds, not a minute, a failed compile keeps its
log beside the .tex, and titles, notes and lines of the .tex are bounded."""

from __future__ import annotations

import inspect
import shutil
import time
from pathlib import Path

import pytest

from tests.paths import DATA
from verify.core.errors import Location
from verify.core.limits import (
    REPORT_COMPILE_SECONDS,
    REPORT_LINE_CHARS,
    REPORT_NOTE_CHARS,
    REPORT_TITLE_CHARS,
    TYPESET_COSTLY_COMMANDS,
)
from verify.model.verdict import ChainResult, DocumentResult, Status, StepVerdict
from verify.report.clean import clean
from verify.report.layout import broken
from verify.report.pdf import compile_pdf, write_reports
from verify.report.sanitize import check
from verify.report.tex import STEP_MARKER, render_document, wrapped

BOMBS = DATA / "hostile" / "steps"
needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex missing")
ALLOWANCE = 5.0        # seconds per compile in these tests: the whitelist keeps TeX far below


def _nested(command: str, depth: int, inner: str = "x") -> str:
    return ("\\" + command + "{") * depth + inner + "}" * depth


def _document(steps: list[str], title: str = "bounds", note: str = "") -> DocumentResult:
    verdicts = tuple(StepVerdict(Location("bounds.tex", n + 1), n, latex, Status.SUPPORTED,
                                 "agree", note=note)
                     for n, latex in enumerate(steps))
    return DocumentResult("bounds.tex", title, (ChainResult("c", verdicts),), 1, ({"K": 2},))


def _step_lines(tex: str) -> dict[str, str]:
    lines: dict[str, str] = {}
    for line in tex.splitlines():
        if STEP_MARKER in line:
            lines.setdefault(line.rsplit(STEP_MARKER, 1)[1], line)
    return lines


# --- expansion bombs: the whitelist -------------------------------------------------------------

# (step, what the refusal names).  The first three ran pdflatex past its minute.
REFUSED = [
    ("x = " + _nested("phantom", 12), "nested more than 3 deep"),
    ("x = " + _nested("vphantom", 39), "nested more than 3 deep"),
    ("x = " + "\\text{$" * 19 + "x" + "$}" * 19, "mathematics inside \\text nested"),
    ("x = " + _nested("phantom", 4), "nested more than 3 deep"),
    ("x = " + _nested("boldsymbol", 4), "nested more than 3 deep"),
    ("x = \\text{a $\\phantom{\\boldsymbol{\\phantom{y}}}$}", "nested more than 3 deep"),
    ("x = \\text{$\\text{$\\text{$y$}$}$}", "mathematics inside \\text nested"),
    ("x = " + "\\vphantom{x}" * (TYPESET_COSTLY_COMMANDS + 1), "more than 24 commands"),
    ("x = " + "\\text{a}" * (TYPESET_COSTLY_COMMANDS + 1), "more than 24 commands"),
]
# The most the whitelist lets through, and ordinary steps that use these commands.
ACCEPTED = [
    "x = " + _nested("phantom", 3) * 8,
    "x = " + "\\text{a $\\text{b $\\boldsymbol{c}$}$}" * 8,
    "x = " + "\\vphantom{x}" * TYPESET_COSTLY_COMMANDS,
    r"f(x) = \begin{cases} 1 & \text{if $x > 0$} \\ 0 & \text{otherwise} \end{cases}",
    r"\boldsymbol{w}^\top \boldsymbol{x} + \phantom{-} b",
]


@pytest.mark.parametrize(("latex", "reason"), REFUSED, ids=range(len(REFUSED)))
def test_expansion_bombs_are_refused_with_the_construct_named(latex: str, reason: str) -> None:
    problem = check(clean(latex))
    assert problem is not None and reason in problem, problem


@pytest.mark.parametrize("latex", ACCEPTED, ids=range(len(ACCEPTED)))
def test_bounded_use_of_costly_commands_is_typeset(latex: str) -> None:
    assert check(clean(latex)) is None


@pytest.mark.parametrize("name", ["phantom_bomb", "vphantom_bomb", "text_math_bomb"])
def test_the_bomb_fixtures_are_refused(name: str) -> None:
    latex = (BOMBS / f"{name}.tex").read_text(encoding="utf-8")
    assert len(latex) < 500 and check(clean(latex)) is not None


def test_a_refused_bomb_is_verbatim_and_only_it() -> None:
    tex = render_document(_document(["a = b", REFUSED[0][0], "b = c"]))
    lines = _step_lines(tex)
    assert lines["2"].startswith(r"\stepcode{")
    assert lines["1"].startswith(r"\stepmath{") and lines["3"].startswith(r"\stepmath{")
    assert "Shown as written: commands such as" in tex


def test_rows_the_whitelist_refuses_are_not_typeset() -> None:
    """Each row of a broken \\left( ... \\right) repeats the group in a \\vphantom: one level
    of nesting more, and the group again per row.  Refused rows leave the equation whole."""
    terms = " + ".join(f"b_{{{i}}} x^{{{i}}} y^{{{i}}}" for i in range(12))
    latex = r"f = \left( " + _nested("phantom", 3, "a") + " + " + terms + r" \right)"
    assert check(latex) is None and broken(latex) != latex and check(broken(latex)) is not None
    line = _step_lines(render_document(_document([latex])))["1"]
    assert line.startswith(r"\stepmath{" + latex + "}{" + latex + "}")


# --- titles, notes and lines --------------------------------------------------------------------

def test_a_title_of_99000_backslashes_is_cut_and_no_line_is_long() -> None:
    tex = render_document(_document(["a = b"], title="\\" * 99_000, note="n" * 50_000))
    assert f"({99_000 - REPORT_TITLE_CHARS:,} more characters)" in tex
    assert f"({50_000 - REPORT_NOTE_CHARS:,} more characters)" in tex
    assert len(tex) < 50_000
    assert max(len(line) for line in tex.splitlines()) <= REPORT_LINE_CHARS


@pytest.mark.parametrize("line", [
    r"\textbackslash{}" * 2000, r"{\large " + r"a\{b\} " * 1500 + "}",
    r"\item a\_b " * 900 + "}", "word " * 2000, r"\textbackslash{}" * 300 + "x" * 5000,
])
def test_wrapping_changes_nothing_tex_reads(line: str) -> None:
    """Breaks come after a brace (the line then ends in %) or replace a single space (a line's
    end reads as one); no line starts with a space, which TeX would skip."""
    text = wrapped(line)
    assert text.replace("%\n", "").replace("\n", " ") == line
    pieces = text.split("\n")
    assert len(pieces) > 1 and not any(p.startswith(" ") for p in pieces)
    assert all(p.endswith("}%") or not p.endswith("%") for p in pieces)
    assert max(len(p) for p in pieces[:-1]) <= REPORT_LINE_CHARS + 1


@pytest.mark.parametrize("line", [
    "x" * (REPORT_LINE_CHARS + 10), r"\textbf{a} " * 900 + r"% a comment {x} y",
    r"\stepcode{" + r"\textbackslash{}" * 1000 + "}" + STEP_MARKER + "3",
])
def test_lines_that_cannot_be_wrapped_are_left_whole(line: str) -> None:
    assert wrapped(line) == line


def test_the_compile_allowance_is_seconds() -> None:
    assert 1 <= REPORT_COMPILE_SECONDS <= 30
    for function in (compile_pdf, write_reports):
        assert inspect.signature(function).parameters["timeout"].default == \
            REPORT_COMPILE_SECONDS


# --- compiling ----------------------------------------------------------------------------------

@pytest.mark.slow
@needs_tex
def test_bombs_leave_the_report_typeset_within_seconds(tmp_path: Path) -> None:
    steps = ["a = b"] + [latex for latex, _ in REFUSED] + ACCEPTED
    start = time.monotonic()
    [report] = write_reports([_document(steps, title="\\" * 99_000)], tmp_path,
                             timeout=ALLOWANCE)
    assert report.pdf_path is not None, report.message
    assert time.monotonic() - start < 2 * ALLOWANCE
    assert "*" not in report.verbatim and not report.verbatim, report.verbatim


@pytest.mark.slow
@needs_tex
def test_a_failed_compile_keeps_its_log_beside_the_tex(tmp_path: Path) -> None:
    tex = tmp_path / "broken.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\undefinedthing\\end{document}")
    result = compile_pdf(tex, timeout=ALLOWANCE)
    log = tmp_path / "broken.log"
    assert not result.ok and log.is_file() and "broken.log" in result.message
    assert "undefinedthing" in log.read_text(errors="replace")


@pytest.mark.slow
@needs_tex
def test_a_stopped_compile_keeps_its_log_and_says_where(tmp_path: Path) -> None:
    tex = tmp_path / "loop.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\def\\x{\\x}\\x\\end{document}")
    result = compile_pdf(tex, timeout=1)
    assert not result.ok and "did not finish within 1 s" in result.message
    assert (tmp_path / "loop.log").is_file() and "loop.log" in result.message
