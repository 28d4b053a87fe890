"""The public API (verify/__init__.py, verify/api.py): what it checks, what it refuses, how
its results render in a notebook, and that importing it stays cheap."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import verify
from tests.paths import DERIVATIONS, ROOT

NOTATION: dict[str, Any] = {"symbols": {"a": {}, "b": {}}}
SQUARE = r"""
$$ (a + b)^2 = a^2 + 2 a b + b^2 \tag{1}$$
$$ = a^2 + b^2 \tag{2}$$
"""
HOSTILE = SQUARE + r"""
$$ = <script>alert(1)</script> \& a & b \tag{3}$$
"""


def test_every_public_name_resolves_and_import_is_cheap() -> None:
    for name in verify.__all__:
        assert getattr(verify, name) is not None
    done = subprocess.run([sys.executable, "-c", "import sys, verify; "
                           "print(sorted(m for m in ('sympy', 'jax', 'verify.api') "
                           "if m in sys.modules))"], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.parametrize(("text", "notation", "statuses"), [
    (SQUARE, NOTATION, ["start", "proved", "refuted"]),
    (SQUARE, "symbols: {a: {}, b: {}}", ["start", "proved", "refuted"]),
    ("---\nsymbols: {a: {}, b: {}}\n---\n" + SQUARE, None, ["start", "proved", "refuted"]),
    (SQUARE, None, ["start", "proved", "refuted"]),   # no notation: inferred (a, b scalars)
])
def test_check_text_reads_the_notation_given_or_its_own(text: str, notation: Any,
                                                        statuses: list[str]) -> None:
    result = verify.check_text(text, notation=notation, cache=False)
    assert [s.status.value for s in result.steps()] == statuses
    assert result.exit_code() == (1 if "refuted" in statuses else 2 if notation is None else 0)


def test_a_refuted_step_carries_evidence_counterexample_and_reading() -> None:
    step = verify.check_text(SQUARE, notation=NOTATION, cache=False).steps()[2]
    assert isinstance(step, verify.StepVerdict) and step.status is verify.Status.REFUTED
    assert step.reading == "a^{2} + b^{2}"
    assert isinstance(step.counterexample, verify.Counterexample)
    assert isinstance(step.evidence, verify.Evidence) and step.evidence.seed == 0
    assert step.location.path == "text.md" and step.location.line == 3


@pytest.mark.slow
def test_check_text_agrees_with_check_on_the_same_file(tmp_path: Path) -> None:
    source = DERIVATIONS / "least_squares.md"
    from_text = verify.check_text(source.read_text(), name="least_squares", cache=False)
    from_file = verify.check_files(source, cache=False)
    assert [(s.status, s.reading) for s in from_text.steps()] == \
        [(s.status, s.reading) for s in from_file.steps()]


@pytest.mark.slow
def test_check_reports_missing_paths_and_goes_on(tmp_path: Path) -> None:
    shutil.copy(DERIVATIONS / "least_squares.md", tmp_path / "ls.md")
    result = verify.check_files(tmp_path / "ls.md", tmp_path / "none.md", cache=False)
    assert len(result) == 1 and "no such file" in result.problems[0]
    assert result.exit_code() == 2


@pytest.mark.parametrize("options", [
    {"seed": -1}, {"points": 0}, {"points": 1001}, {"sizes": {"K": [0]}},
    {"sizes": {"K": [7]}}, {"cache": False, "seed": True},
])
def test_options_the_command_line_refuses_raise(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        verify.check_text(SQUARE, notation=NOTATION, **options)


def test_html_escapes_hostile_text_and_shows_every_step() -> None:
    result = verify.check_text("---\ntitle: A & B <script>x</script>\nsymbols: {a: {}, b: {}}"
                               "\n---\n" + HOSTILE, cache=False)
    page = result._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "A &amp; B" in page
    assert page.count("<tr style=") == len(result.steps()) == 4
    for mark in ("\u2714", "\u2718", "\u25cb"):       # proved, refuted, unparsed
        assert mark in page
    assert r"\(a^{2} + b^{2}\)" in page               # the reading, typeset
    assert "counterexample:" in page
    # the unreadable step's message quotes the student's text: never typeset
    unread = next(row for row in page.splitlines() if 'title="unparsed"' in row)
    assert 'class="tex2jax_ignore mathjax_ignore"' in unread


def test_latex_escapes_hostile_text() -> None:
    result = verify.check_text("---\ntitle: A & B\nsymbols: {a: {}, b: {}}\n---\n" + HOSTILE,
                               cache=False)
    latex = result._repr_latex_()
    assert latex.startswith("$$\\begin{array}") and latex.endswith("\\end{array}$$")
    assert r"A \& B" in latex and "counterexample:" in latex
    assert r"{a^{2} + b^{2}}" in latex


@pytest.mark.slow
def test_grade_from_python_matches_the_command(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in ("ok_ada.md", "sign_final.md"):
        shutil.copy(ROOT / "tests" / "data" / "class" / name, folder / name)
    graded = verify.grade_submissions(ROOT / "assignments" / "softmax_gradient.yaml", folder,
                          out=tmp_path / "out", reports=False, cache=False)
    assert [g.student for g in graded] == ["ok_ada", "sign_final"]
    assert graded["ok_ada"].score == graded["ok_ada"].maximum
    assert graded["sign_final"].score < graded["sign_final"].maximum
    assert graded.exit_code() == 0 and (tmp_path / "out" / "gradebook.csv").is_file()
    assert "sign_final" in graded._repr_html_() and "2 submissions" in str(graded)
    with pytest.raises(ValueError):
        verify.grade_submissions(ROOT / "assignments" / "softmax_gradient.yaml", tmp_path / "none")
    # the same folder again: refused before grading unless the earlier results may be replaced
    with pytest.raises(ValueError, match="overwrite"):
        verify.grade_submissions(ROOT / "assignments" / "softmax_gradient.yaml", folder,
                                 out=tmp_path / "out", reports=False, cache=False)
    (tmp_path / "out" / "stale_student.txt").write_text("from another run")
    again = verify.grade_submissions(ROOT / "assignments" / "softmax_gradient.yaml", folder,
                                     out=tmp_path / "out", reports=False, cache=False,
                                     overwrite=True)
    assert again.exit_code() == 0 and not (tmp_path / "out" / "stale_student.txt").exists()
