"""Fuzzing hostile names and TeX bombs (hypothesis, bounded example counts; VERIFY_FUZZ_SCALE
multiplies them, as in tests/read/test_fuzz.py).

* **File names**: a folder of entries with generated names (escape sequences, newlines, format
  characters, other scripts, leading dots, upper-case suffixes) and kinds (files, links inside
  and out, dangling links, folders, FIFOs): ``check DIR`` and grading list each document-named
  entry once (read, refused with why, or skipped as hidden), nothing outside is read, every
  message prints as one safe line, students' ids are distinct, and their reports get safe,
  distinct names inside the report folder.
* **TeX bombs**: mathematics built from the commands TeX typesets four times per level
  (``\\phantom``, ``\\vphantom``, ``\\boldsymbol``, ``\\text{$...$}``), nested and repeated: each
  one beyond the bounds is refused by the whitelist with the construct named, and a report of
  those it accepts compiles within the allowance."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.paths import ROOT
from verify.core.errors import Location
from verify.core.limits import (
    TYPESET_COSTLY_COMMANDS,
    TYPESET_COSTLY_NESTING,
    TYPESET_TEXT_MATH_NESTING,
)
from verify.core.printable import printable
from verify.grade.assignment import load_assignment
from verify.grade.outputs import gradescope_results
from verify.grade.reading import Submission, discover, read_submission, student_id
from verify.grade.results import Grade, Outcome
from verify.model.verdict import ChainResult, DocumentResult, Status, StepVerdict
from verify.pipeline import discover as discover_documents
from verify.read.files import NOTATION_SIDECAR
from verify.read.suffixes import CHECKED_SUFFIXES, GRADED_SUFFIXES, document_suffix
from verify.report.clean import clean
from verify.report.pdf import write_reports
from verify.report.sanitize import check

SCALE = int(os.environ.get("VERIFY_FUZZ_SCALE", "1"))
SECRET = "the text of a file outside the folder"
GOOD = "$$ a + a $$\n$$ 2 a $$\n"
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex missing")


# ---- hostile file names ---------------------------------------------------------------------
KINDS = ("file", "link_in", "link_out", "dangling", "dir", "fifo")
REFUSAL = {"link_out": "outside its folder", "dangling": "link to nothing", "dir": "a folder",
           "fifo": "special file"}
_stems = st.text(st.characters(codec="utf-8", exclude_characters="/\0"),  # no surrogates
                 min_size=1, max_size=30)
_suffixes = st.sampled_from([".md", ".tex", ".MD", ".Tex", ".yaml", NOTATION_SIDECAR,
                             ".markdown", ".txt", ""])
names = st.tuples(_stems, _suffixes).map("".join).filter(
    lambda n: n not in (".", "..", "good.md") and len(n.encode()) <= 200)
entries = st.lists(st.tuples(names, st.sampled_from(KINDS)), min_size=1, max_size=8,
                   unique_by=lambda entry: entry[0])


def make_folder(root: Path, chosen: list[tuple[str, str]]) -> Path:
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(SECRET)
    folder = root / "class"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD)
    for name, kind in chosen:
        path = folder / name
        if kind == "file":
            path.write_text(GOOD)
        elif kind == "link_in":
            path.symlink_to("good.md")
        elif kind == "link_out":
            path.symlink_to(outside / "secret.md")
        elif kind == "dangling":
            path.symlink_to(folder / "nothing-here.md")
        elif kind == "dir":
            path.mkdir()
        else:
            os.mkfifo(path)
    return folder


def is_document(name: str, suffixes: tuple[str, ...]) -> bool:
    return document_suffix(Path(name), suffixes) is not None and \
        not name.endswith(NOTATION_SIDECAR)


def one_safe_line(text: str) -> bool:
    shown = printable(text)
    return shown.isprintable() and "\n" not in shown and "\x1b" not in shown


@settings(max_examples=60 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(entries)
def test_hostile_names_each_get_one_place_and_nothing_outside_is_read(
        chosen: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as root:
        folder = make_folder(Path(root), chosen)
        files, problems = discover_documents([folder])
        assert all(folder.resolve() in p.resolve().parents for p in files)
        assert all(p.read_text() == GOOD for p in files if p.is_file())   # never SECRET
        assert all(one_safe_line(p) for p in problems)
        for name, kind in chosen:
            path = folder / name
            if not is_document(name, CHECKED_SUFFIXES):
                continue
            listed = path in files
            said = [p for p in problems if p.startswith(f"{path}: not read: ")]
            if name.startswith("."):
                assert not listed and not said, name                 # skipped as hidden
            elif kind in REFUSAL:
                assert not listed and len(said) == 1 and REFUSAL[kind] in said[0], (name, said)
            else:
                assert listed and not said, (name, problems)


@settings(max_examples=25 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(entries)
def test_hostile_names_grade_to_distinct_rows_and_safe_report_names(
        chosen: list[tuple[str, str]]) -> None:
    assignment = load_assignment(ASSIGNMENT)
    with tempfile.TemporaryDirectory() as root:
        folder = make_folder(Path(root), chosen)
        listed = discover(folder)
        expected = {folder / n for n, _ in chosen
                    if is_document(n, GRADED_SUFFIXES) and not n.startswith(".")}
        assert set(listed) == expected | {folder / "good.md"}
        ids = [student_id(p) for p in listed]
        assert len(set(ids)) == len(ids)
        kinds = dict(chosen)
        results = []
        for path in listed:
            if kinds.get(path.name) in REFUSAL:
                grade = read_submission(path, assignment)
                assert isinstance(grade, Grade) and grade.outcome is Outcome.UNREADABLE
                assert REFUSAL[kinds[path.name]] in grade.reason
                assert SECRET not in json.dumps(gradescope_results(grade))
            results.append(DocumentResult(str(path), student_id(path), (), 0, (), ()))
        out = Path(root) / "reports"
        with pytest.MonkeyPatch.context() as patch:       # the .tex alone: no compile
            patch.setattr("verify.report.pdf.shutil.which", lambda name: None)
            reports = write_reports(results, out)
        stems = [r.tex_path.name for r in reports]
        assert len(set(stems)) == len(stems) == len(results)
        assert all(re.fullmatch(r"[A-Za-z0-9._-]+\.tex", s) for s in stems), stems
        assert all(r.tex_path.parent == out for r in reports)
        assert sorted(p.name for p in out.iterdir()) == sorted(stems)


def test_a_grade_of_a_submission_read_through_a_link_inside_is_a_submission() -> None:
    with tempfile.TemporaryDirectory() as root:
        folder = make_folder(Path(root), [("in.md", "link_in")])
        assert isinstance(read_submission(folder / "in.md", load_assignment(ASSIGNMENT)),
                          Submission)


# ---- TeX bombs ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Math:
    """Generated mathematics and what it holds of the costly commands."""

    latex: str
    depth: int = 0        # costly commands nested
    count: int = 0        # costly commands in all
    text_math: int = 0    # mathematics inside \text nested


def _costly(kind: str, inner: Math) -> Math:
    in_text = kind in ("text", "mbox")
    body = f"${inner.latex}$" if in_text else inner.latex
    return Math(rf"\{kind}{{{body}}}", inner.depth + 1, inner.count + 1,
                inner.text_math + in_text)


def _plain(form: str, inner: Math) -> Math:
    return Math(form % inner.latex, inner.depth, inner.count, inner.text_math)


def _sum(parts: list[Math]) -> Math:
    return Math(" + ".join(p.latex for p in parts), max(p.depth for p in parts),
                sum(p.count for p in parts), max(p.text_math for p in parts))


_COSTLY_KINDS = st.sampled_from(["phantom", "vphantom", "boldsymbol", "text", "mbox"])
_PLAIN_FORMS = st.sampled_from([r"\frac{%s}{2}", r"\sqrt{%s}", r"\left(%s\right)", "{%s}^{2}"])
_leaves = st.sampled_from(["a", "b", "x_{1}", "2", r"\alpha"]).map(Math)
# Random trees of costly, plain and summed parts...
_trees = st.recursive(_leaves, lambda inner: st.one_of(
    st.tuples(_COSTLY_KINDS, inner).map(lambda t: _costly(*t)),
    st.tuples(_PLAIN_FORMS, inner).map(lambda t: _plain(*t)),
    st.lists(inner, min_size=2, max_size=5).map(_sum)), max_leaves=60)


@st.composite
def _bombs(draw: st.DrawFn) -> Math:
    """... and bombs: a tower of costly commands (up to twice the bound), repeated (up to
    twice the count), under a plain form or two."""
    math = draw(_trees)
    for kind in draw(st.lists(_COSTLY_KINDS, min_size=1, max_size=2 * TYPESET_COSTLY_NESTING)):
        math = _costly(kind, math)
    math = _sum([math] * draw(st.integers(1, 2 * TYPESET_COSTLY_COMMANDS)))
    for form in draw(st.lists(_PLAIN_FORMS, max_size=2)):
        math = _plain(form, math)
    return math


maths = st.one_of(_trees, _bombs())


def beyond(math: Math) -> str | None:
    """Which bound ``math`` exceeds, as the whitelist's refusal words it."""
    if math.depth > TYPESET_COSTLY_NESTING:
        return "nested more than"
    if math.text_math > TYPESET_TEXT_MATH_NESTING:
        return r"mathematics inside \text nested more than"
    if math.count > TYPESET_COSTLY_COMMANDS:
        return f"more than {TYPESET_COSTLY_COMMANDS} commands such as"
    return None


@settings(max_examples=300 * SCALE, deadline=None)
@given(maths)
def test_a_tex_bomb_beyond_the_bounds_is_refused_with_the_construct_named(math: Math) -> None:
    exceeded = beyond(math)
    problem = check(clean(f"y = {math.latex}"))
    if exceeded is not None:
        assert problem is not None, math
        assert any(words in problem for words in (
            "nested more than", "commands such as", "longer than")), problem


@pytest.mark.slow
@needs_tex
@settings(max_examples=4 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(maths, min_size=4, max_size=12))
def test_a_report_of_generated_bombs_compiles_within_the_allowance(parts: list[Math]) -> None:
    allowance = 5.0
    steps = tuple(StepVerdict(Location("bombs.md", n + 1), n, f"= {m.latex}", Status.SUPPORTED,
                              "agree") for n, m in enumerate(parts))
    result = DocumentResult("bombs.md", "bombs", (ChainResult("chain 1", steps),), 0, ())
    with tempfile.TemporaryDirectory() as root:
        start = time.monotonic()
        [report] = write_reports([result], Path(root), timeout=allowance)
        assert report.pdf_path is not None, report.message
        assert time.monotonic() - start < 2 * allowance
        # No step TeX failed on: the whitelist shows the bombs as written before TeX sees them.
        assert report.verbatim == {}, report.verbatim
