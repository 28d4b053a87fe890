"""Internal errors are not evidence: a fault injected into each engine makes the step
``unknown`` with "internal error in <stage>: <type>" (never proved, supported, refuted or
unparsed), the run's summary says so and the command exits with its own code; a limit of the
input (too deep, SymPy giving up) stays what it was."""

from __future__ import annotations

import io
import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sympy as sp

import verify.check.concretize
import verify.check.numeric
import verify.check.symbolic
import verify.read.latex.document
import verify.verdict.combine
from tests.paths import ROOT, SCHEMA_PATH
from verify.cli import EXIT, main
from verify.model.verdict import DocumentResult, Status, StepVerdict
from verify.pipeline import Options, check_path

HEADER = textwrap.dedent("""\
    ---
    sizes: {K: [2, 3]}
    symbols:
      t: {}
      a: {}
    ---

    """)
RIGHT = "$$\n(t + 1)^2 \\\\\n= t^2 + 2 t + 1\n$$\n"
WRONG = "$$\n(t + 1)^2 \\\\\n= t^2 + 1\n$$\n"
SCHEMA = json.loads((SCHEMA_PATH).read_text())


def _raiser(error: type[Exception]) -> Callable[..., Any]:
    def fault(*args: object, **kwargs: object) -> Any:
        raise error("injected fault")
    return fault


# (stage in the message, the engine function to break, exception, document body)
FAULTS = [
    ("concretization", (verify.check.concretize.Concretizer, "value"), KeyError, RIGHT),
    ("exact test", (verify.check.symbolic, "identical"), TypeError, RIGHT),
    ("numeric test", (verify.check.numeric, "evaluate"), IndexError, RIGHT),
    ("diagnosis", (verify.verdict.combine, "diagnose"), AttributeError, WRONG),
    ("reading", (verify.read.latex.document, "parse_step"), KeyError, RIGHT),
    # NotImplementedError raised by our own code is a bug, not SymPy giving up.
    ("exact test", (verify.check.symbolic, "identical"), NotImplementedError, RIGHT),
]


def _document(tmp_path: Path, body: str, name: str = "doc.md") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def _checked(path: Path) -> list[StepVerdict]:
    return [s for s in check_path(path, Options()).all_steps() if s.status is not Status.START]


@pytest.mark.parametrize(("stage", "target", "error", "body"), FAULTS,
                         ids=[f"{f[0]}-{f[2].__name__}" for f in FAULTS])
def test_a_fault_in_an_engine_is_an_internal_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str,
        target: tuple[object, str], error: type[Exception], body: str) -> None:
    monkeypatch.setattr(*target, _raiser(error))
    path = _document(tmp_path, body)
    result = check_path(path, Options())
    steps = [s for s in result.all_steps() if s.status is not Status.START
             or s.internal_error is not None]
    # The reader fails on both lines; every other stage only on the claim.
    assert steps, result
    for step in steps:
        message = f"internal error in {stage}: {error.__name__}"
        assert step.status is Status.UNKNOWN, step
        assert step.message.endswith(message), step.message
        assert step.internal_error == message
    assert result.internal_errors()


def test_without_a_fault_the_same_documents_are_decided(tmp_path: Path) -> None:
    right, wrong = _checked(_document(tmp_path, RIGHT)), _checked(_document(tmp_path, WRONG,
                                                                            "wrong.md"))
    assert [s.status for s in right] == [Status.PROVED]
    assert [s.status for s in wrong] == [Status.REFUTED]
    assert all(s.internal_error is None for s in right + wrong)


def _sympy_gives_up(*args: object, **kwargs: object) -> Any:
    x = sp.Symbol("x")
    return sp.Poly(1 / x, x)   # SymPy's own refusal (a PolynomialError raised inside SymPy)


@pytest.mark.parametrize(("fault", "words"), [
    (_raiser(RecursionError), "too deeply nested"),
    (_sympy_gives_up, "beyond what the exact algebra can do (PolynomialError)"),
])
def test_a_limit_of_the_exact_test_leaves_the_step_undecided_not_internal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: Callable[..., Any],
        words: str) -> None:
    monkeypatch.setattr(verify.check.symbolic, "identical", fault)
    [step] = _checked(_document(tmp_path, RIGHT))
    assert step.status is Status.SUPPORTED and words in step.message, step.message
    assert step.internal_error is None


def test_a_limit_while_concretizing_is_unparsed_with_the_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify.check.concretize.Concretizer, "value", _raiser(RecursionError))
    [step] = _checked(_document(tmp_path, RIGHT))
    assert step.status is Status.UNPARSED and "too deeply nested" in step.message
    assert step.internal_error is None


# ---- the command line: the fault injected into the worker process --------------------------
SITECUSTOMIZE = textwrap.dedent("""\
    import os
    _stage = os.environ.get("VERIFY_TEST_FAULT")
    if _stage:
        def _fault(*args, **kwargs):
            raise KeyError("injected fault")
        if _stage == "exact test":
            import verify.check.symbolic
            verify.check.symbolic.identical = _fault
        elif _stage == "numeric test":
            import verify.check.numeric
            verify.check.numeric.evaluate = _fault
        elif _stage == "reading":
            import verify.read.latex.document
            verify.read.latex.document.parse_step = _fault
        elif _stage == "diagnosis":
            import verify.verdict.combine
            verify.verdict.combine.diagnose = _fault
        elif _stage == "concretization":
            import verify.check.concretize
            verify.check.concretize.Concretizer.value = _fault
    """)


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["exact test", "reading", "diagnosis"])
def test_the_command_exits_with_the_internal_error_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    monkeypatch.setenv("PYTHONPATH", str(hooks))
    monkeypatch.setenv("VERIFY_TEST_FAULT", stage)
    # A refuted step too: the internal error outranks it.
    path = _document(tmp_path, WRONG if stage == "diagnosis" else RIGHT + WRONG)
    out_json = tmp_path / "out.json"
    code, out = _run(str(path), "--no-cache", "--json", str(out_json))
    assert code == EXIT["internal"] == 3, out
    assert f"internal error in {stage}: KeyError" in out
    assert "INTERNAL ERROR" in out.splitlines()[-1]
    data = json.loads(out_json.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["documents"][0]["internal_errors"]
    monkeypatch.delenv("VERIFY_TEST_FAULT")
    code, out = _run(str(path), "--no-cache")
    assert code in (EXIT["ok"], EXIT["refuted"]) and "internal error" not in out


def test_an_internal_error_is_not_cached(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from verify.pipeline import check_document, read_document
    from verify.store.cache import VerdictCache
    path = _document(tmp_path, RIGHT)
    cache = VerdictCache(tmp_path / "cache.sqlite3")
    monkeypatch.setattr(verify.check.symbolic, "identical", _raiser(KeyError))
    broken = check_document(read_document(path), Options(), cache)
    assert broken.internal_errors()
    monkeypatch.undo()
    fixed = check_document(read_document(path), Options(), cache)
    assert [s.status for s in fixed.all_steps()] == [Status.START, Status.PROVED]
    cache.close()


def test_a_document_that_crashes_is_an_internal_error_not_an_input_error() -> None:
    from verify.pipeline import document_error
    crashed = document_error(Path("x.md"), KeyError("k"))
    assert crashed.internal_errors() and not crashed.problems
    assert "internal error in checking the document: KeyError" in crashed.internal[0]
    assert isinstance(crashed, DocumentResult)


def test_grading_flags_an_internal_error_for_review_and_gives_no_credit_for_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from verify.grade.assignment import load_assignment
    from verify.grade.claims import ClaimJudge
    from verify.grade.grader import grade_safely
    from verify.grade.results import Credit
    root = ROOT
    assignment = load_assignment(root / "assignments" / "softmax_gradient.yaml")
    monkeypatch.setattr(verify.check.symbolic, "identical", _raiser(KeyError))
    grade = grade_safely(root / "tests" / "data" / "class" / "ok_ada.md", assignment,
                         ClaimJudge(assignment.seed, assignment.points))
    assert grade.needs_review
    assert any("internal error in exact test: KeyError" in note for note in grade.notes)
    later = [s for s in grade.steps if s.number > 1]
    assert later and all(s.credit is Credit.UNDECIDED and s.points == 0 for s in later)


# ---- grading: the same fault in the grading workers, and in the answer key -------------------
def _grade(*argv: str) -> tuple[int, str, str]:
    from verify.grade.cli import main as grade_main
    out, err = io.StringIO(), io.StringIO()
    return grade_main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


GRADE_ROOT = ROOT
GRADE_ASSIGNMENT = GRADE_ROOT / "assignments" / "softmax_gradient.yaml"


@pytest.mark.slow
@pytest.mark.parametrize(("stage", "faulty"), [("exact test", True), ("exact test", False)])
def test_grading_exits_with_the_internal_error_code_when_a_worker_hits_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str, faulty: bool) -> None:
    """The fault is injected into the workers that grade (a sitecustomize on their path):
    exit 3, the summary says so, the row is flagged; without it the same class exits 0."""
    import csv
    import shutil

    from verify.grade.cli import EXIT as GRADE_EXIT
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    monkeypatch.setenv("PYTHONPATH", str(hooks))
    if faulty:
        monkeypatch.setenv("VERIFY_TEST_FAULT", stage)
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(GRADE_ROOT / "tests" / "data" / "class" / "ok_ada.md", folder / "ok_ada.md")
    code, out, _ = _grade(str(GRADE_ASSIGNMENT), str(folder), "--out", str(tmp_path / "out"),
                          "--no-reports", "--no-cache")
    with (tmp_path / "out" / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    if faulty:
        assert code == GRADE_EXIT["internal"] == 3, out
        assert out.splitlines()[-1].startswith("== INTERNAL ERROR") and "ok_ada" in \
            out.splitlines()[-1]
        assert row["needs_review"] == "yes"
    else:
        assert code == GRADE_EXIT["ok"], out
        assert "INTERNAL ERROR" not in out and row["needs_review"] == ""


def test_grading_exits_with_the_internal_error_code_when_the_answer_key_hits_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer key is checked in the command's own process: a fault there is no wrong key
    (exit 2) but an internal error (exit 3), and nothing is graded."""
    from verify.grade.cli import EXIT as GRADE_EXIT
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "a.md").write_text("$$ t $$\n", encoding="utf-8")
    monkeypatch.setattr(verify.check.symbolic, "identical", _raiser(KeyError))
    monkeypatch.setattr(verify.check.numeric, "evaluate", _raiser(KeyError))
    code, _, err = _grade(str(GRADE_ASSIGNMENT), str(folder), "--out", str(tmp_path / "out"),
                          "--no-cache")
    assert code == GRADE_EXIT["internal"], err
    assert "internal error in" in err and "INTERNAL ERROR" in err
    assert not (tmp_path / "out").exists()


def test_a_crash_of_the_grader_is_an_internal_error_and_a_limit_is_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from verify.grade import grader
    from verify.grade.assignment import load_assignment
    from verify.grade.claims import ClaimJudge
    from verify.grade.results import Outcome
    assignment = load_assignment(GRADE_ASSIGNMENT)
    path = GRADE_ROOT / "tests" / "data" / "class" / "ok_ada.md"
    judge = ClaimJudge(assignment.seed, assignment.points)
    for error, internal in ((KeyError, ("internal error in grading: KeyError",)),
                            (RecursionError, ())):
        monkeypatch.setattr(grader, "check_document", _raiser(error))
        grade = grader.grade_safely(path, assignment, judge)
        assert grade.outcome is Outcome.ERROR and grade.internal == internal
