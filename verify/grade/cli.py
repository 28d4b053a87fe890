"""``python -m verify grade ASSIGNMENT SUBMISSIONS/ --out DIR``: grade a folder of submissions.

Two more forms, for Gradescope: ``grade ASSIGNMENT --gradescope-autograder DIR`` writes an
autograder folder to upload (:mod:`verify.grade.autograder`), and ``grade ASSIGNMENT
SUBMISSION/ --gradescope-results FILE`` (what its ``run_autograder`` calls) grades the one
student's file in SUBMISSION/ into Gradescope's ``results.json``.

Reached through :mod:`verify.cli` (the only entry point); :func:`grade_class` and
:func:`write_outputs` are the command without its arguments, which the Python API
(:func:`verify.grade_submissions`) calls too.

Writes into DIR: ``gradebook.csv``, ``gradescope/<student>/results.json``, ``summary.md``,
``summary.csv``, ``summary.png`` and ``reports/<student>.tex`` (and ``.pdf`` where a LaTeX
engine is installed).  Every submission is graded before exiting; one that cannot be read
gets a row saying why.  DIR must be absent, empty, or (with ``--overwrite``) the results of an
earlier run, which are then replaced whole: everything is written into a new folder beside it,
renamed into place at the end, so no student file of another run is left behind and a failure
half-way leaves the old results as they were.

Exit codes (``EXIT``): 0 every submission graded (whatever the students' scores), 1 the batch
completed but grading failed for some submission (an ``error`` row, to review by hand), 2 usage
or input error (the assignment, the folder, or an assignment whose expected result does not
equal its problem), 3 an internal error of the checker (a bug of ours, not the students': on
some submission, which is flagged for review and whose undecided lines earned nothing, or on
the answer key; it outranks the others, as for ``python -m verify``).
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from verify.core.atomic import write_text_atomic
from verify.core.errors import InputError
from verify.core.printable import printable
from verify.grade.assignment import Assignment, load_assignment
from verify.grade.autograder import write_autograder
from verify.grade.claims import ClaimJudge, holds
from verify.grade.grader import self_check
from verify.grade.outputs import (
    VISIBILITIES,
    first_wrong_text,
    gradescope_results,
    write_gradebook,
    write_gradescope,
    write_student_reports,
)
from verify.grade.parallel import grade_in_workers
from verify.grade.progress import Progress
from verify.grade.reading import discover, error_grade
from verify.grade.results import Grade, Outcome
from verify.grade.summary import write_summary
from verify.model.reading import spelled
from verify.read.files import list_documents, skipped_notes
from verify.read.suffixes import GRADED_SUFFIXES
from verify.run.runner import RunSettings
from verify.run.settings import add_run_options, parse_arguments, settings_from_args, versions
from verify.store.cache import VerdictCache

EXIT = {"ok": 0, "failed": 1, "input": 2, "internal": 3}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m verify grade",
        description="Grade a folder of derivations (.tex, .md; one student per file, the "
                    "student id is the file name without its suffix) against an assignment.")
    parser.add_argument("assignment", type=Path, help="the assignment (.yaml)")
    parser.add_argument("submissions", type=Path, nargs="?", help="folder of submissions")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="folder for the gradebook, Gradescope results, summary, reports")
    gradescope = parser.add_argument_group("Gradescope autograder")
    gradescope.add_argument("--gradescope-autograder", type=Path, metavar="DIR",
                            help="write an autograder for the assignment into DIR (absent or "
                                 "empty): setup.sh, run_autograder, the assignment, a wheel "
                                 "of this tool and its pins; no submissions are graded")
    gradescope.add_argument("--gradescope-results", type=Path, metavar="FILE",
                            help="grade the one .tex or .md file in SUBMISSIONS (searched "
                                 "in its subfolders too) and write its Gradescope results to "
                                 "FILE (what run_autograder does)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace DIR whole when it holds the results of an earlier run")
    parser.add_argument("--no-reports", action="store_true",
                        help="skip the per-student LaTeX/PDF reports")
    parser.add_argument("--visibility", choices=VISIBILITIES, default="after_published",
                        help="Gradescope visibility of the results (default after_published)")
    parser.add_argument("--quiet", action="store_true", help="print only the class totals")
    add_run_options(parser, "submissions")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    args = parse_arguments(build_parser(), sys.argv[1:] if argv is None else argv, out, err)
    if isinstance(args, int):
        return args
    usage = _usage_problem(args)
    if usage:
        print(f"python -m verify grade: {usage}", file=err)
        return EXIT["input"]
    try:
        assignment = load_assignment(args.assignment)
    except InputError as error:
        print(printable(f"assignment: {error}"), file=err)
        return EXIT["input"]
    if args.gradescope_autograder is not None:
        return _write_autograder(args, assignment, out, err)
    if not args.submissions.is_dir():
        print(printable(f"{args.submissions}: not a folder"), file=err)
        return EXIT["input"]
    if args.gradescope_results is not None:
        return _gradescope_results(args, assignment, err)
    refused = out_folder_problem(args.out, args.overwrite)
    if refused:   # before grading: a class graded for nothing is an hour lost
        print(f"--out {refused}", file=err)
        return EXIT["input"]
    paths = discover(args.submissions)
    for note in skipped_notes([args.submissions], GRADED_SUFFIXES, "grade", recursive=False):
        print(printable(note), file=err)   # hidden files: not submissions (verify.read.files)
    if not paths:
        print(printable(f"{args.submissions}: no .tex or .md submissions"), file=err)
        return EXIT["input"]
    try:
        settings = settings_from_args(args, lambda warning: print(warning, file=err))
    except ValueError as error:
        print(error, file=err)
        return EXIT["input"]
    graded = grade_class(assignment, paths, settings, Progress(err))
    if graded.key_problem:
        print(graded.key_problem, file=err)
        if graded.key_internal:
            print(f"INTERNAL ERROR (a bug of the checker) in the answer key: "
                  f"{'; '.join(graded.key_internal)}", file=err)
        return EXIT["internal"] if graded.key_internal else EXIT["input"]
    grades = list(graded.grades)
    for message in write_outputs(args.out, assignment, grades, args.visibility,
                                 not args.no_reports, args.overwrite, jobs=settings.jobs):
        print(printable(message), file=err)
    print_grades(grades, out, args.quiet)
    return exit_code(grades)


def _usage_problem(args: argparse.Namespace) -> str:
    """Which of the three forms the arguments are, and what is missing or extra ("" when
    they make one)."""
    if args.gradescope_autograder is not None:
        if args.submissions is not None or args.out is not None or \
                args.gradescope_results is not None:
            return "--gradescope-autograder DIR takes the assignment alone (no submissions, " \
                   "--out or --gradescope-results)"
        return ""
    if args.submissions is None:
        return "the folder of submissions is missing"
    if args.gradescope_results is not None:
        return "--gradescope-results FILE writes no --out folder" if args.out is not None \
            else ""
    return "" if args.out is not None else "--out DIR is required"


def _write_autograder(args: argparse.Namespace, assignment: Assignment, out: TextIO,
                      err: TextIO) -> int:
    """``--gradescope-autograder DIR``: the folder to upload, once the answer key holds."""
    problem, internal = _check_key(assignment, None)
    if problem:   # an autograder with a wrong key would fail every student
        print(printable(problem), file=err)
        return EXIT["internal"] if internal else EXIT["input"]
    folder = args.gradescope_autograder
    try:
        written = write_autograder(folder, assignment, args.visibility, args.timeout)
    except (OSError, ValueError) as error:
        print(printable(f"--gradescope-autograder {error}"), file=err)
        return EXIT["input"]
    print(printable(f"autograder for {assignment.title} written to {folder} "
                    f"({len(written)} files): zip its contents and upload them to Gradescope "
                    f"(its README.md says how)"), file=out)
    return EXIT["ok"]


def _gradescope_results(args: argparse.Namespace, assignment: Assignment, err: TextIO) -> int:
    """``--gradescope-results FILE``: one student's upload graded into Gradescope's format.
    An upload with no file to grade, or several, gets results that say so (zero points: the
    student can upload again), never a grade of a file chosen for them."""
    listing = list_documents(args.submissions, GRADED_SUFFIXES, recursive=True)
    found = sorted([*listing.files, *(path for path, _ in listing.refused)])
    code = EXIT["failed"]
    if len(found) != 1:
        names = ", ".join(str(p.relative_to(args.submissions)) for p in found)
        words = ("No .tex or .md file was submitted" if not found else
                 f"{len(found)} .tex or .md files were submitted ({names})")
        reason = f"{words}: upload your derivation as one .tex or .md file."
        grade = error_grade(args.submissions / "submission", assignment, reason)
        data = gradescope_results(grade, args.visibility)
    else:
        try:
            settings = settings_from_args(args, lambda warning: print(warning, file=err))
        except ValueError as error:
            print(error, file=err)
            return EXIT["input"]
        graded = grade_class(assignment, found, settings)
        if graded.key_problem:
            print(printable(graded.key_problem), file=err)
            grade = error_grade(found[0], assignment, "the autograder's answer key is wrong "
                                "(not your submission's fault): tell your instructor")
            data = gradescope_results(grade, args.visibility)
            code = EXIT["internal"] if graded.key_internal else EXIT["input"]
        else:
            data = gradescope_results(graded.grades[0], args.visibility)
            code = exit_code(graded.grades)
    target = args.gradescope_results
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target, json.dumps(data, indent=2) + "\n", within=target.parent)
    return code


@dataclass(frozen=True)
class ClassGrades:
    """A class graded: every submission's grade in order, or, when the answer key is wrong
    (its expected result does not equal its problem), no grades and ``key_problem``."""

    grades: tuple[Grade, ...]
    key_problem: str = ""
    key_internal: tuple[str, ...] = ()   # internal errors of the checker behind key_problem


def grade_class(assignment: Assignment, paths: Sequence[Path], settings: RunSettings,
                progress: Callable[[int, int, str], None] | None = None) -> ClassGrades:
    """Every submission graded in killable workers; the answer key is checked while the
    workers start, and a wrong key stops everything."""
    key_internal: list[str] = []

    def check_key() -> str:
        problem, internal = _check_key(assignment, settings.cache_path)
        key_internal.extend(internal)
        return problem
    grades = grade_in_workers(paths, assignment, settings, progress, meanwhile=check_key)
    if isinstance(grades, str):
        return ClassGrades((), grades, tuple(key_internal))
    return ClassGrades(tuple(grades))


def exit_code(grades: Sequence[Grade]) -> int:
    """3 when the checker hit an internal error on any submission (it outranks the others:
    no grade of that run should be trusted blindly), else 1 when some row is an error, else 0."""
    if any(g.internal for g in grades):
        return EXIT["internal"]
    return EXIT["failed"] if any(g.outcome is Outcome.ERROR for g in grades) else EXIT["ok"]


def _check_key(assignment: Assignment,
               cache_path: Path | None = None) -> tuple[str, tuple[str, ...]]:
    """The expected result must equal the problem: otherwise every student would be wrong.
    Its judgement is kept in the run's verdict cache like any other.  Returns the problem
    ("" when the key holds) and the internal errors of the checker behind it."""
    cache = VerdictCache(cache_path) if cache_path is not None else None
    try:
        judgement = self_check(assignment, ClaimJudge(assignment.seed, assignment.points,
                                                      cache))
    finally:
        if cache is not None:
            cache.close()
    verdict = holds(judgement)
    if verdict:
        return "", ()
    words = "does not equal" if verdict is False else "could not be shown equal to"
    message = spelled(judgement.message, judgement.counterexample, assignment.notation)[0]
    internal = (judgement.internal_error,) if judgement.internal_error is not None else ()
    return (f"{assignment.path}: the expected result {words} the problem: {message}",
            internal)


RESULTS_MARK = "gradebook.csv"   # what every run writes: a folder holding it is a run's results


def out_folder_problem(folder: Path, overwrite: bool) -> str:
    """Why the results cannot go into ``folder`` ("" when they can).  An absent or empty folder
    is fine; one holding an earlier run's results only with ``overwrite`` (their students'
    files would otherwise mix with this run's, ready to be uploaded); one holding anything
    else never, as replacing it whole would delete files that are not ours."""
    if not folder.exists():
        return ""
    if not folder.is_dir():
        return f"{folder}: not a folder"
    if not any(folder.iterdir()):
        return ""
    if not (folder / RESULTS_MARK).is_file():
        return (f"{folder}: holds files that are not the results of a grading run (no "
                f"{RESULTS_MARK}); give an empty or new folder")
    if not overwrite:
        return (f"{folder}: holds the results of another run; pass --overwrite to replace "
                f"them whole, or give an empty or new folder")
    return ""


def write_outputs(folder: Path, assignment: Assignment, grades: Sequence[Grade],
                  visibility: str = "after_published", reports: bool = True,
                  overwrite: bool = False, jobs: int = 1) -> list[str]:
    """The gradebook, Gradescope results, class summary and (``reports``) the per-student
    reports, replacing ``folder`` whole (see :func:`out_folder_problem`; ValueError when it
    may not be); returns the reports' messages (a missing LaTeX engine).  Everything is
    written into a new folder beside it and renamed into place at the end: a failure on the
    way leaves ``folder`` as it was.  ``jobs``: the run's ``--jobs``, which bounds the reports
    compiled at a time (two at least)."""
    folder = folder.resolve()   # "." has no name to put a folder beside
    refused = out_folder_problem(folder, overwrite)
    if refused:
        raise ValueError(refused)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.{secrets.token_hex(4)}.partial"
    staging.mkdir()
    try:
        messages = _write_into(staging, assignment, grades, visibility, reports, jobs)
        if folder.exists():
            # Two renames: a directory cannot be renamed over a non-empty one.  Between them
            # the old results are in ``retired``, never lost.
            retired = staging.with_suffix(".old")
            folder.rename(retired)
            staging.rename(folder)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return messages


def _write_into(folder: Path, assignment: Assignment, grades: Sequence[Grade],
                visibility: str, reports: bool, jobs: int) -> list[str]:
    write_gradebook(folder / RESULTS_MARK, grades)
    write_gradescope(folder / "gradescope", grades, visibility)
    write_summary(folder, grades, assignment.title)
    if not reports:
        return []
    return list(write_student_reports(folder / "reports", grades, versions(), jobs))


def print_grades(grades: list[Grade], out: TextIO, quiet: bool) -> None:
    if not quiet:
        width = max(len(g.student) for g in grades)
        for grade in grades:
            detail = first_wrong_text(grade) and f"first wrong: {first_wrong_text(grade)}"
            if grade.outcome is not Outcome.GRADED:
                detail = f"{grade.outcome.value}: {grade.reason}"
            flag = " [review]" if grade.needs_review else ""
            print(printable(f"{grade.student:<{width}}  {grade.score:>6g} / "
                            f"{grade.maximum:g}  {detail}{flag}"), file=out)
    graded = [g for g in grades if g.outcome is Outcome.GRADED]
    mean = sum(g.score for g in graded) / len(graded) if graded else 0.0
    print(f"== {len(grades)} submissions, {len(graded)} graded, mean {mean:.2f}; "
          f"{sum(g.needs_review for g in grades)} to review", file=out)
    broken = [g.student for g in grades if g.internal]
    if broken:
        print(printable(f"== INTERNAL ERROR (a bug of the checker, not of the submissions) "
                        f"while grading {len(broken)} submission(s): {', '.join(broken)}; "
                        "their rows are flagged for review"), file=out)
