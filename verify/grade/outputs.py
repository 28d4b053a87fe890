"""Per-student outputs: the gradebook CSV, a Gradescope ``results.json`` each, the reports.

Gradescope's autograder format (``/autograder/results/results.json``): top-level ``score``,
``output``, ``output_format``, ``test_output_format``, ``visibility``, ``stdout_visibility``,
``execution_time``, ``extra_data`` and ``tests``, each test with ``name``, ``number``, ``score``,
``max_score``, ``status`` (``passed``/``failed``), ``output``, ``output_format`` and
``visibility``.  The top-level ``score`` is given, so
it is the grade (Gradescope would otherwise add up the tests; the penalty test is negative).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from verify.core.atomic import atomic_file, write_text_atomic
from verify.core.limits import SPREADSHEET_CELL_CHARS
from verify.grade import markdown
from verify.grade.results import Grade, Outcome
from verify.model.verdict import DocumentResult

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
OUTPUT_FORMAT = "md"   # Gradescope's Markdown: see verify.grade.markdown for why
GRADEBOOK_COLUMNS = ("student", "score", "maximum", "outcome", "first_wrong_step", "diagnoses",
                     "feedback", "final_right_reasoning_wrong", "needs_review", "reason")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_names(grades: Sequence[Grade]) -> dict[str, str]:
    """A folder name per student (letters, digits, ``._-``), unique: file stems may repeat
    (``ann.md`` and ``ann.tex``) or hold characters a folder should not."""
    used: set[str] = set()
    names = {}
    for grade in grades:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", grade.student).strip("._") or "student"
        name, number = base, 2
        while name in used:
            name, number = f"{base}-{number}", number + 1
        used.add(name)
        names[grade.path] = name
    return names


# ---- gradebook ----------------------------------------------------------------------------
def first_wrong_text(grade: Grade) -> str:
    step = grade.first_wrong
    return f"step {step.number} (line {step.line})" if step else ""


def diagnoses_text(grade: Grade) -> str:
    return "; ".join(f"step {step.number}: {d.text}" for step, d in grade.diagnoses())


def feedback_text(grade: Grade) -> str:
    """The instructor's words that applied, with what each cost."""
    return "; ".join(f"step {step.number}: {f.message}" + (f" (-{f.penalty:g})" if f.penalty
                                                           else "")
                     for step, f in grade.feedback())


def gradebook_row(grade: Grade) -> dict[str, str | float]:
    return {"student": grade.student, "score": grade.score, "maximum": grade.maximum,
            "outcome": grade.outcome.value, "first_wrong_step": first_wrong_text(grade),
            "diagnoses": diagnoses_text(grade), "feedback": feedback_text(grade),
            "final_right_reasoning_wrong": "yes" if grade.final_right_reasoning_wrong else "",
            "needs_review": "yes" if grade.needs_review else "",
            "reason": reason_text(grade)}


def reason_text(grade: Grade) -> str:
    """Why the row is what it is: the reason it was not graded normally, the notes, and each
    reason to review it by hand (per line), each said once."""
    items = [grade.reason] + [n for n in grade.notes if not n.startswith("review:")]
    items += [f"review: {r}" for r in grade.review_reasons if r not in grade.reason]
    return "; ".join(dict.fromkeys(i for i in items if i))


def write_gradebook(path: Path, grades: Sequence[Grade]) -> None:
    with atomic_file(path, newline="") as handle:
        write_csv(handle, GRADEBOOK_COLUMNS, [gradebook_row(g) for g in grades])


def write_csv(handle: TextIO, columns: Sequence[str],
              rows: Sequence[Mapping[str, str | float | int]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(columns))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: str | float | int) -> str | float | int:
    """A spreadsheet reads a cell starting with = + - @ as a formula: student text (a file
    name, a term of their line) is kept as text by a leading apostrophe.  A text longer than
    a spreadsheet's cell holds is cut at :data:`SPREADSHEET_CELL_CHARS`, and says so."""
    if not isinstance(value, str):
        return value
    if len(value) > SPREADSHEET_CELL_CHARS:
        value = (f"{value[:SPREADSHEET_CELL_CHARS]} ... "
                 f"({len(value) - SPREADSHEET_CELL_CHARS} more characters)")
    return "'" + value if value.startswith(_FORMULA_START) else value


# ---- Gradescope ---------------------------------------------------------------------------
def gradescope_results(grade: Grade, visibility: str = "after_published") -> dict[str, Any]:
    """The outputs are Markdown (``md``) with the mathematics as plain text in code spans
    (:mod:`verify.grade.markdown`: no format Gradescope documents typesets LaTeX); the LaTeX
    itself is kept in ``extra_data``."""
    tests = [{"name": part.name, "number": str(number), "score": _round(part.points),
              "max_score": _round(part.maximum), "status": "passed" if part.passed else "failed",
              "output": markdown.paragraphs(part.output.split("\n")),
              "output_format": OUTPUT_FORMAT, "visibility": visibility}
             for number, part in enumerate(grade.parts, 1)]
    lines, review = _overall(grade)
    return {
        "score": _round(grade.score),
        "max_score": grade.maximum,
        "execution_time": max(1, round(grade.seconds)),
        "output": markdown.paragraphs(lines, review),
        "output_format": OUTPUT_FORMAT,
        "test_output_format": OUTPUT_FORMAT,
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"outcome": grade.outcome.value,
                       "first_wrong_step": first_wrong_text(grade),
                       "diagnoses": [{"step": s.number, "line": s.line, "kind": d.kind.value,
                                      "text": d.text} for s, d in grade.diagnoses()],
                       "feedback": [{"step": s.number, "line": s.line, "kind": f.kind,
                                     "message": f.message, "penalty": _round(f.penalty)}
                                    for s, f in grade.feedback()],
                       "needs_review": grade.needs_review,
                       "review": list(grade.review_reasons)},
    }


def _round(value: float) -> float:
    return round(value, 3) + 0.0   # + 0.0: no "-0.0" (a penalty of nothing)


def _overall(grade: Grade) -> tuple[list[str], list[str]]:
    """The submission's feedback as lines, and the reasons to review it (a list)."""
    lines = [f"{grade.score:g} / {grade.maximum:g} points."]
    if grade.outcome is not Outcome.GRADED:
        lines.append(f"Not graded normally ({grade.outcome.value}): {grade.reason}")
    # names written in other letters and read as the assignment's (verify.grade.mapping)
    lines += [f"We {n.removeprefix('mapped: ')}." for n in grade.notes if n.startswith("mapped: ")]
    if grade.first_wrong is not None:
        lines.append(f"First wrong step: {first_wrong_text(grade)}.")
    if grade.final_right_reasoning_wrong:
        lines.append("The final result is right, but the reasoning is wrong: a step before it "
                     "does not follow.")
    lines += [f"Step {s.number}: {d.text}." for s, d in grade.diagnoses()]
    lines += [f"Step {s.number}, from your instructor: {f.message}" for s, f in grade.feedback()]
    if grade.needs_review:
        lines.append("To be reviewed by hand (the grade may change):")
        return lines, list(grade.review_reasons)
    return lines, []


def write_gradescope(folder: Path, grades: Sequence[Grade],
                     visibility: str = "after_published") -> list[Path]:
    names = safe_names(grades)
    written = []
    for grade in grades:
        target = folder / names[grade.path] / "results.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, json.dumps(gradescope_results(grade, visibility), indent=2)
                          + "\n", within=folder)
        written.append(target)
    return written


# ---- reports ------------------------------------------------------------------------------
def write_student_reports(folder: Path, grades: Sequence[Grade],
                          versions: Mapping[str, str], jobs: int = 1) -> list[str]:
    """The LaTeX report (and its PDF where an engine is installed) of every student, graded or
    not (an unreadable or failed submission's report says why, line by line where there are
    lines), several compiled at a time (:func:`verify.report.pdf.compile_jobs` of ``jobs``,
    the run's ``--jobs``); the messages to show (once each: a missing engine is said once,
    not per student)."""
    try:
        from verify.report.pdf import compile_jobs, write_reports
    except ImportError as error:
        return [f"reports skipped: the report module is not available ({error})"]
    results = [report_result(g) for g in grades]
    if not results:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    messages = []
    for report in write_reports(results, folder, versions, jobs=compile_jobs(jobs)):
        if report.pdf_path is None:
            missing = "no LaTeX engine" in report.message
            messages.append(f"PDF reports skipped: {report.message}" if missing else
                            f"{report.tex_path.name}: no PDF: {report.message}")
    return list(dict.fromkeys(messages))  # the missing engine said once, not per student


def report_result(grade: Grade) -> DocumentResult:
    """What a student's report shows: the checked document with the grader's words on it, the
    outcome and every reason to review it by hand among its problems; a submission that never
    reached the checker (empty, failed) gets a report of its reason alone."""
    said = [f"Not graded normally ({grade.outcome.value}): {grade.reason}"
            if grade.outcome is not Outcome.GRADED else ""]
    said += [f"To be reviewed by hand: {r}" for r in grade.review_reasons]
    problems = tuple(p for p in said if p)
    if grade.result is None:
        return DocumentResult(grade.path, grade.student, (), 0, (), problems,
                              internal=grade.internal)
    return replace(grade.result, problems=grade.result.problems + problems)
