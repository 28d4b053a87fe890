"""Compiling reports: they compile, read right, and hostile LaTeX neither reads nor writes
files nor runs commands.  Needs pdflatex and pdftotext (scripts/setup-tex.sh installs both)."""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.paths import DATA
from verify.core.errors import Location
from verify.model.verdict import ChainResult, DocumentResult, Status, StepVerdict
from verify.report.clean import clean
from verify.report.demo import demo_result
from verify.report.pdf import compile_pdf, write_reports
from verify.report.sanitize import check

HOSTILE = DATA / "hostile"
needs_tex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="pdflatex/pdftotext missing: run scripts/setup-tex.sh (CI does, via scripts/dev test)")


def _text(pdf_path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _passwd_leaked(text: str) -> bool:
    """Would the PDF's text show /etc/passwd's content?"""
    return "root:" in text or "/bin/bash" in text or "/usr/sbin/nologin" in text


def _pdf_content(pdf_path: Path) -> bytes:
    """Every byte of the PDF, its compressed streams inflated: an embedded file or an action
    hides there, not in the text."""
    data = pdf_path.read_bytes()
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return b"".join(parts)


def _files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def _document(steps: list[str], path: str = "hostile.tex") -> DocumentResult:
    verdicts = tuple(StepVerdict(Location(path, n + 1), n, latex, Status.SUPPORTED, "agree")
                     for n, latex in enumerate(steps))
    return DocumentResult(path, "hostile", (ChainResult("c", verdicts),), 1, ({"K": 2},))


# --- a real report ----------------------------------------------------------------------------

@pytest.mark.slow
@needs_tex
def test_report_compiles_and_every_step_appears_once_with_its_status(tmp_path: Path) -> None:
    result = demo_result()
    [report] = write_reports([result], tmp_path, {"sympy": "1.14.0"}, date="2030-01-02")
    assert report.pdf_path is not None and report.pdf_path.is_file(), report.message
    assert report.verbatim == {}              # every demo step compiled as mathematics
    text = _text(report.pdf_path)
    for chain_number, chain in enumerate(result.chains, start=1):
        for step in chain.steps:
            number = f"{chain_number}.{step.index + 1}"
            _assert_once(text, "Step", number, step.status)
            for letter, sub in zip("abc", step.subclaims, strict=False):
                _assert_once(text, "Claim", number + letter, sub.status)
    for fact in ("2030-01-02", "20240917", "SymPy 1.14.0", "3 of 12 steps refuted.",
                 "Right for the wrong reasons", "Diagnosis:", "component 2", "Holds only under:",
                 "Could not read:", "Read as:"):
        assert fact in text, fact


def _assert_once(text: str, kind: str, number: str, status: Status) -> None:
    lines = re.findall(rf"^.*\b{kind} {re.escape(number)}(?![\d.a-z]).*$", text, re.M)
    assert len(lines) == 1, (number, lines)
    assert status.value.upper() in lines[0], (number, lines[0])


@pytest.mark.slow
@needs_tex
def test_report_written_beside_its_tex_with_a_safe_unique_name(tmp_path: Path) -> None:
    first = demo_result()
    second = DocumentResult("other/003 softmax gradient.tex", "", (), 1, ())
    reports = write_reports([first, first, second], tmp_path / "out")
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert names == {f"003_softmax_gradient{suffix}.{ext}" for suffix in ("", "-2", "-3")
                     for ext in ("tex", "pdf")}
    assert all(r.pdf_path is not None for r in reports)


@pytest.mark.slow
@needs_tex
def test_a_step_tex_rejects_after_the_whitelist_is_shown_verbatim(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    # Pretend the whitelist passed something TeX cannot typeset: the report still compiles.
    monkeypatch.setattr("verify.report.tex.check", lambda latex: None)
    result = _document(["= a + b", r"= \frac{a}", "= a + b"])
    [report] = write_reports([result], tmp_path)
    assert report.pdf_path is not None, report.message
    assert list(report.verbatim) == ["2"]
    assert "LaTeX could not typeset it" in report.verbatim["2"]
    assert "Shown as written: LaTeX could not typeset it" in " ".join(
        _text(report.pdf_path).split())


@pytest.mark.slow
@needs_tex
def test_every_step_the_whitelist_accepts_compiles(tmp_path: Path) -> None:
    """Random strings of whitelisted pieces: those the checker accepts must compile as they
    are, with no step falling back to verbatim."""
    pieces = [r"\frac", r"\sum", r"\left(", r"\right)", r"\left.", r"\right|", "{", "}", "^",
              "_", "x", "1", "+", "=", r"\cdot", r"\mathbf", r"\text", "{a b}", r"\sqrt", "[2]",
              r"\begin{aligned}", r"\end{aligned}", "&", r"\\", r"\begin{cases}",
              r"\end{cases}", r"\hat", r"\limits", r"\not", r"\big(", r"\operatorname",
              r"\underbrace", r"\substack", "'", " ", r"\partial", r"\Theta", r"\middle|",
              r"\begin{array}{cc}", r"\end{array}", r"\overset", r"\binom", r"\colon", "$",
              r"\{", r"\prime", r"\displaystyle", r"\vphantom", r"\max", r"\mid"]
    rng = random.Random(7)
    accepted: list[str] = []
    while len(accepted) < 80:
        latex = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        if check(clean(latex)) is None:
            accepted.append(latex)
    [report] = write_reports([_document(accepted)], tmp_path)
    assert report.pdf_path is not None and report.verbatim == {}, report.verbatim


@pytest.mark.slow
@needs_tex
def test_a_runaway_compile_is_stopped(tmp_path: Path) -> None:
    tex = tmp_path / "loop.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\def\\x{\\x}\\x\\end{document}")
    result = compile_pdf(tex, timeout=2)
    assert not result.ok and "did not finish within 2 s" in result.message


def test_without_an_engine_the_tex_is_written_and_the_message_says_how(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("verify.report.pdf.shutil.which", lambda name: None)
    [report] = write_reports([demo_result()], tmp_path)
    assert report.tex_path.is_file() and report.pdf_path is None
    assert "scripts/setup-tex.sh" in report.message and "apt-get install" in report.message
    result = compile_pdf(report.tex_path)
    assert not result.ok and result.pdf_path is None and "setup-tex.sh" in result.message


# --- hostile documents ------------------------------------------------------------------------

@pytest.mark.slow
@needs_tex
def test_hostile_steps_compile_safely(tmp_path: Path) -> None:
    """Defence (a): every hostile step is typeset verbatim; the report compiles, shows them,
    and nothing is read, written or run."""
    canary = tmp_path / "canary"
    steps = [p.read_text(encoding="utf-8").replace("@CANARY@", str(canary))
             for p in sorted((HOSTILE / "steps").glob("*.tex"))]
    out = tmp_path / "out"
    before = _files(tmp_path)
    [report] = write_reports([_document(steps)], out)
    assert report.pdf_path is not None, report.message
    assert not canary.exists()
    assert {p for p in _files(tmp_path) - before if out not in p.parents} == {out}
    text = _text(report.pdf_path)
    assert not _passwd_leaked(text) and b"root:" not in _pdf_content(report.pdf_path)
    assert text.count("Shown as written") == len(steps)
    assert "input{/etc/passwd}" in text       # shown as text, for the reader to see


@pytest.mark.slow
@needs_tex
@pytest.mark.parametrize("path", sorted((HOSTILE / "documents").glob("*.tex")),
                         ids=lambda p: p.stem)
def test_hostile_document_compiled_raw_is_contained(tmp_path: Path, path: Path) -> None:
    """Defence (b), the compiler's lock, tested alone: whole hostile documents handed to
    compile_pdf with no whitelist in front.  Each compiles harmlessly or is refused with
    a message saying why; no file outside the output directory is read or written, no
    command runs."""
    canary = tmp_path / "canary"
    out = tmp_path / "out"
    out.mkdir()
    tex = out / path.name
    tex.write_text(path.read_text().replace("@CANARY@", str(canary)))
    before = _files(tmp_path)
    result = compile_pdf(tex, timeout=30)
    assert not canary.exists() and not canary.with_suffix(".tex").exists()
    assert {p for p in _files(tmp_path) - before if out not in p.parents} == set()
    assert not (tmp_path / "canary.txt").exists()
    if result.ok:
        assert result.pdf_path is not None
        assert not _passwd_leaked(_text(result.pdf_path))
        content = _pdf_content(result.pdf_path)
        assert b"root:" not in content and b"/Launch" not in content
        assert b"/JavaScript" not in content
    else:
        assert result.message.startswith("pdflatex failed") and result.pdf_path is None
        assert re.search(r"can't (write on|find) file|not found|disabled in reports",
                         result.message), result.message


@pytest.mark.slow
@needs_tex
@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="no /etc/passwd to leak")
def test_the_lock_is_what_stops_the_leak(tmp_path: Path) -> None:
    """Control: the same \\input{/etc/passwd} compiled without the lock does leak, so the
    test above is not passing by accident."""
    tex = tmp_path / "leak.tex"
    tex.write_text((HOSTILE / "documents" / "input_passwd.tex").read_text())
    env = {**os.environ, "openin_any": "a"}
    subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", tex.name],
                   cwd=tmp_path, env=env, capture_output=True, timeout=60, check=False)
    assert _passwd_leaked(_text(tmp_path / "leak.pdf"))
    # And pdfTeX's \pdfobj reads the file whatever openin_any says: only the lockdown of the
    # primitive stops it.
    tex = tmp_path / "embed.tex"
    tex.write_text((HOSTILE / "documents" / "pdfobj_file.tex").read_text())
    subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", tex.name],
                   cwd=tmp_path, env={**os.environ, "openin_any": "p"}, capture_output=True,
                   timeout=60, check=False)
    assert b"root:" in _pdf_content(tmp_path / "embed.pdf")
