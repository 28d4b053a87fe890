"""The grading command's edges: usage and input errors (exit 2), a wrong answer key, a
submission whose grading crashes (an error row and exit 1, never a pass), and the per-student
reports (PDF where an engine is installed, a message where not)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.paths import ROOT
from verify.grade import grader
from verify.grade.assignment import load_assignment
from verify.grade.cli import EXIT, main
from verify.grade.reading import discover
from verify.grade.results import Outcome

ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
CLASS = ROOT / "tests" / "data" / "class"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def folder_with(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in names:
        shutil.copy(CLASS / name, folder / name)
    return folder


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run()[0] == EXIT["input"]
    assert run(str(ASSIGNMENT), str(tmp_path))[0] == EXIT["input"]          # no --out
    code, _, err = run(str(ASSIGNMENT), str(tmp_path / "none"), "--out", str(tmp_path))
    assert code == EXIT["input"] and "not a folder" in err
    code, _, err = run(str(ASSIGNMENT), str(tmp_path), "--out", str(tmp_path / "o"))
    assert code == EXIT["input"] and "no .tex or .md" in err
    code, _, err = run(str(tmp_path / "a.yaml"), str(tmp_path), "--out", str(tmp_path))
    assert code == EXIT["input"] and "assignment" in err


def test_a_wrong_answer_key_stops_before_grading(tmp_path: Path) -> None:
    raw = yaml.safe_load(ASSIGNMENT.read_text(encoding="utf-8"))
    raw["expected"] = "Sum((p[i, j] - y[i, j]) * x[i], (i, 1, N))"   # the 1/N forgotten
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(yaml.safe_dump(raw), encoding="utf-8")
    folder = folder_with(tmp_path, "ok_ada.md")
    code, _, err = run(str(wrong), str(folder), "--out", str(tmp_path / "out"))
    assert code == EXIT["input"]
    assert "expected result does not equal the problem" in err
    assert not (tmp_path / "out").exists()


def test_a_crash_while_grading_is_an_error_row_not_a_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process (the workers of the command cannot be patched): the checker raising
    is an error row with the reason, zero points, flagged; the other files are graded."""
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("checker exploded")

    monkeypatch.setattr(grader, "check_document", explode)
    folder = folder_with(tmp_path, "ok_ada.md", "empty.md")
    assignment = load_assignment(ASSIGNMENT)
    grades = {g.student: g for g in grader.grade_all(discover(folder), assignment)}
    assert grades["ok_ada"].outcome is Outcome.ERROR
    assert grades["ok_ada"].score == 0 and grades["ok_ada"].needs_review
    assert "checker exploded" in grades["ok_ada"].reason
    assert grades["empty"].outcome is Outcome.EMPTY


@pytest.mark.slow
def test_a_submission_over_its_time_limit_is_an_error_row_and_the_class_goes_on(
        tmp_path: Path) -> None:
    """A real limit: a per-line allowance no grading can meet.  The worker is killed, the
    row says which limit stopped it, the file read before the limit is graded, exit 1."""
    folder = folder_with(tmp_path, "ok_ada.md", "empty.md")
    out = tmp_path / "out"
    code, stdout, _ = run(str(ASSIGNMENT), str(folder), "--out", str(out), "--no-reports",
                          "--timeout", "0.001", "--no-cache")
    assert code == EXIT["failed"]
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert rows["ok_ada"]["outcome"] == "error"
    assert float(rows["ok_ada"]["score"]) == 0 and rows["ok_ada"]["needs_review"] == "yes"
    assert "time limit" in rows["ok_ada"]["reason"]
    assert rows["empty"]["outcome"] == "empty"
    assert "[review]" in stdout


@pytest.mark.slow
def test_reports_are_written_per_student(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "sign_final.md", "empty.md")
    out = tmp_path / "out"
    code, stdout, err = run(str(ASSIGNMENT), str(folder), "--out", str(out),
                            "--visibility", "visible")
    assert code == EXIT["ok"]
    assert (out / "reports" / "sign_final.tex").is_file()
    empty = (out / "reports" / "empty.tex").read_text(encoding="utf-8")   # it says why
    assert "Not graded normally (empty): empty file" in empty
    tex = (out / "reports" / "sign_final.tex").read_text(encoding="utf-8")
    assert "graded 5.5/10" in tex and "sign is flipped" in tex
    if shutil.which("pdflatex"):
        assert (out / "reports" / "sign_final.pdf").is_file()
    else:
        assert "PDF reports skipped" in err
    data = json.loads((out / "gradescope" / "sign_final" / "results.json").read_text())
    assert {t["visibility"] for t in data["tests"]} == {"visible"}
    assert "sign_final" in stdout and "empty" in stdout


@pytest.mark.slow
def test_a_line_that_would_explode_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "tower.md").write_text("$$ \\nabla_{\\mathbf{w}_j} L $$\n\n$$ = 10^{10^{10}} $$\n",
                                     encoding="utf-8")
    out = tmp_path / "out"
    code, _, _ = run(str(ASSIGNMENT), str(folder), "--out", str(out), "--no-reports")
    assert code == EXIT["failed"]
    data = json.loads((out / "gradescope" / "tower" / "results.json").read_text())
    assert data["score"] == 0 and data["extra_data"]["needs_review"]
    assert "refused" in data["output"]


@pytest.mark.slow
def test_no_cache_with_two_jobs_reads_and_leaves_nothing(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """--no-cache: the run's two workers share judgements through a file of the run's own
    (removed with it); the default cache is neither read nor written, and no run file is left
    behind in the temporary directory."""
    default = tmp_path / "default-cache.sqlite"
    monkeypatch.setenv("DERIVATION_VERIFY_CACHE", str(default))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)   # TMPDIR is read again
    folder = folder_with(tmp_path, "ok_ada.md", "sign_final.md", "empty.md")
    out = tmp_path / "out"
    code, _, _ = run(str(ASSIGNMENT), str(folder), "--out", str(out), "--no-reports",
                     "--no-cache", "--jobs", "2")
    assert code == EXIT["ok"]
    assert not default.exists()
    assert list(scratch.iterdir()) == []
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert float(rows["ok_ada"]["score"]) == 10 and rows["empty"]["outcome"] == "empty"
    assert float(rows["sign_final"]["score"]) < 10
