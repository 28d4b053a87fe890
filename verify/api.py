r"""The Python API: check documents and grade a class from Python, and get typed results that
render themselves in a notebook.

    import verify
    result = verify.check_text(text, notation={"sizes": {"N": [1, 2]}, ...})
    result.document.chains[0].steps[1].status        # Status.REFUTED
    verify.check_files("derivations/", jobs=2)       # files and folders, in workers
    verify.grade_submissions("assignment.yaml", "submissions/", out="graded/")

:func:`check_files` runs exactly what ``python -m verify check`` runs (worker processes with their
time and memory limits, the verdict cache); :func:`check_text` checks text in this process,
read and guarded as a file would be, with the engines' own deadlines but no wall-clock limit
of its own (write untrusted text in bulk to files and use :func:`check_files`);
:func:`grade_submissions` is ``python -m verify grade``.  Options are checked as the
command line checks them (:mod:`verify.run.settings`); a value it would refuse raises
:class:`ValueError`.

The results are the pipeline's frozen records (:class:`DocumentResult` > :class:`ChainResult`
> :class:`StepVerdict` with its :class:`Evidence`, :class:`Counterexample`, diagnosis and
reading), wrapped in :class:`CheckResult` and :class:`GradeResult`, which add the command's
exit code, its text (``str()``) and ``_repr_html_`` / ``_repr_latex_`` for Jupyter
(:mod:`verify.report.notebook`).
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from verify.model.verdict import (
    ChainResult,
    CheckRecord,
    Counterexample,
    DocumentResult,
    Evidence,
    Status,
    StepVerdict,
)
from verify.run.runner import DEFAULT_MEMORY_MB, DEFAULT_SECONDS_PER_STEP

if TYPE_CHECKING:
    from verify.grade.results import Grade
    from verify.model.notation import Notation
    from verify.pipeline import Options
    from verify.run.runner import RunSettings

__all__ = [
    "ChainResult",
    "CheckRecord",
    "CheckResult",
    "Counterexample",
    "DocumentResult",
    "Evidence",
    "GradeResult",
    "Status",
    "StepVerdict",
    "check_files",
    "check_text",
    "grade_submissions",
]

PathLike = str | os.PathLike[str]
Sizes = Mapping[str, Sequence[int]]


@dataclass(frozen=True)
class CheckResult:
    """The documents of one call, in order, and the problems of paths that did not exist."""

    documents: tuple[DocumentResult, ...]
    problems: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[DocumentResult]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, number: int) -> DocumentResult:
        return self.documents[number]

    @property
    def document(self) -> DocumentResult:
        """The only document (of :func:`check_text`, or of :func:`check_files` on one file)."""
        if len(self.documents) != 1:
            raise ValueError(f"{len(self.documents)} documents, not one: use .documents")
        return self.documents[0]

    def steps(self) -> list[StepVerdict]:
        """Every step of every chain of every document, in order (sub-claims under theirs)."""
        return [step for document in self.documents for step in document.all_steps()]

    @property
    def refuted(self) -> bool:
        return any(document.refuted for document in self.documents)

    def internal_errors(self) -> list[str]:
        return [error for document in self.documents for error in document.internal_errors()]

    def exit_code(self, strict: bool = False) -> int:
        """What ``python -m verify check`` would exit with (``verify.cli.EXIT``)."""
        from verify.cli import exit_code
        return exit_code(self.documents, bool(self.problems), strict)

    def __str__(self) -> str:
        """The command's text: a line per step, a summary line per document."""
        from verify.cli import print_document
        out = io.StringIO()
        for problem in self.problems:
            print(problem, file=out)
        for document in self.documents:
            print_document(document, out, reading=True)
        return out.getvalue()

    def _repr_html_(self) -> str:
        from verify.report.notebook import documents_html, escape_html
        problems = "".join(f"<p>{escape_html(p)}</p>" for p in self.problems)
        return problems + documents_html(self.documents)

    def _repr_latex_(self) -> str:
        from verify.report.notebook import documents_latex
        return documents_latex(self.documents)


@dataclass(frozen=True)
class GradeResult:
    """A class graded: every submission's :class:`verify.grade.results.Grade` in order, or,
    when the answer key is wrong (its expected result does not equal its problem), no
    grades and ``key_problem`` (with ``key_internal`` when a bug of the checker is behind
    it).  ``messages``: what writing the outputs had to say (no LaTeX engine, say)."""

    title: str
    grades: tuple[Grade, ...]
    key_problem: str = ""
    key_internal: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Grade]:
        return iter(self.grades)

    def __len__(self) -> int:
        return len(self.grades)

    def __getitem__(self, student: int | str) -> Grade:
        """A grade by position or by student id."""
        if isinstance(student, int):
            return self.grades[student]
        for grade in self.grades:
            if grade.student == student:
                return grade
        raise KeyError(student)

    def exit_code(self) -> int:
        """What ``python -m verify grade`` would exit with (``verify.grade.cli.EXIT``)."""
        from verify.grade.cli import EXIT, exit_code
        if self.key_problem:
            return EXIT["internal"] if self.key_internal else EXIT["input"]
        return exit_code(self.grades)

    def __str__(self) -> str:
        from verify.grade.cli import print_grades
        if self.key_problem:
            return self.key_problem + "\n"
        out = io.StringIO()
        print_grades(list(self.grades), out, quiet=False)
        return out.getvalue()

    def _repr_html_(self) -> str:
        from verify.report.notebook import document_html, escape_html
        if self.key_problem:
            return f"<p>{escape_html(self.key_problem)}</p>"
        rows = []
        for grade in self.grades:
            detail = grade.reason or _first_wrong(grade)
            rows.append(f"<tr><td>{escape_html(grade.student)}</td>"
                        f"<td>{grade.score:g} / {grade.maximum:g}</td>"
                        f"<td>{escape_html(grade.outcome.value)}</td>"
                        f"<td>{escape_html(detail)}</td>"
                        f"<td>{'review' if grade.needs_review else ''}</td></tr>")
        details = [f"<details><summary>{escape_html(g.student)}</summary>"
                   f"{document_html(g.result)}</details>"
                   for g in self.grades if g.result is not None]
        return (f"<h4>{escape_html(self.title)}</h4><table><thead><tr><th>student</th>"
                "<th>score</th><th>outcome</th><th>first wrong or reason</th><th></th></tr>"
                f"</thead><tbody>{''.join(rows)}</tbody></table>" + "".join(details))

    def _repr_latex_(self) -> str:
        from verify.report.escape import escape_text
        if self.key_problem:
            return f"$$\\text{{{escape_text(self.key_problem)}}}$$"
        rows = [f"\\text{{{escape_text(g.student)}}} & {g.score:g} / {g.maximum:g} & "
                f"\\text{{{escape_text(g.outcome.value)}}} & "
                f"\\text{{{escape_text(g.reason or _first_wrong(g))}}}" for g in self.grades]
        return "$$\\begin{array}{lrll}\n" + " \\\\\n".join(rows) + "\n\\end{array}$$"


def _first_wrong(grade: Grade) -> str:
    from verify.grade.outputs import first_wrong_text
    text = first_wrong_text(grade)
    return f"first wrong: {text}" if text else ""


# ---- checking -----------------------------------------------------------------------------
def check_files(*paths: PathLike, seed: int = 0, sizes: Sizes | None = None, points: int = 20,
          jobs: int = 1, timeout: float = DEFAULT_SECONDS_PER_STEP,
          memory_mb: int = DEFAULT_MEMORY_MB, cache: bool | PathLike = True,
          scheduler: str | None = None) -> CheckResult:
    """Check files (``.yaml`` encodings, ``.tex``, ``.md``) and folders of them, as
    ``python -m verify check`` does: each document in a worker process that is killed past
    ``timeout`` seconds per step or ``memory_mb``; ``jobs`` workers; ``cache`` True for the
    default verdict cache, a path, or False; ``scheduler`` a Dask scheduler's address.  A path
    that does not exist is a problem of the result; the others are still checked."""
    from verify.pipeline import discover
    from verify.run.runner import check_all
    options = _options(seed, sizes, points)
    settings = _settings(jobs, timeout, memory_mb, cache, scheduler)
    files, missing = discover(Path(p) for p in paths)
    if not files and not missing:
        missing = ["no .yaml, .tex or .md files found"]
    results = check_all(files, options, settings) if files else []
    return CheckResult(tuple(results), tuple(missing))


def check_text(text: str, *, notation: Mapping[str, Any] | str | None = None,
               suffix: Literal[".md", ".tex"] = ".md", name: str = "text", seed: int = 0,
               sizes: Sizes | None = None, points: int = 20,
               cache: bool | PathLike = True) -> CheckResult:
    """Check a derivation given as text: Markdown (``suffix=".md"``) or LaTeX (``".tex"``),
    with its notation in its own header (front matter, a ``% verify-notation:`` block) or
    given here (``notation``: the header's mapping, or its YAML text), or both (the text's
    header extends the one given).  ``name`` (with ``suffix``) is the document's path in the
    results.  Checked in this process (see the module's note on limits)."""
    from verify.core.atomic import temporary_folder
    from verify.core.errors import InputError, Location
    from verify.core.limits import DOCUMENT_CHARS
    from verify.pipeline import check_document, document_error
    from verify.read.guards import guard_document
    from verify.read.inferred import document_inferring
    options = _options(seed, sizes, points)
    cache_path = _settings(1, DEFAULT_SECONDS_PER_STEP, 0, cache, None).cache_path
    shown = f"{name}{suffix}"
    if len(text.encode("utf-8", "surrogatepass")) > DOCUMENT_CHARS:
        return CheckResult((DocumentResult(shown, name, (), seed, (), (
            f"{Location(shown)}: cannot read: larger than {DOCUMENT_CHARS} bytes",)),))
    try:
        base = _notation(notation, shown)
    except InputError as error:     # its message names the place already
        return CheckResult((DocumentResult(shown, name, (), seed, (), (str(error),)),))
    # The file name the reader sees lies in an empty folder: no sidecar notation is found
    # beside it, whatever the current folder holds.
    # (Deleted however the block ends; one a killed run left is deleted by the next.)
    with temporary_folder("verify-text") as folder:
        try:
            document = guard_document(document_inferring(
                text, folder / f"{name}{suffix}", base, shown))
        except MemoryError:
            raise
        except Exception as error:   # an input error, or a bug of ours: never a pass
            return CheckResult((document_error(Path(shown), error),))
    verdicts = _open_cache(cache_path)
    try:
        result = check_document(document, options, verdicts)
    except MemoryError:
        raise
    except Exception as error:
        result = document_error(Path(shown), error)
    finally:
        if verdicts is not None:
            verdicts.close()
    return CheckResult((result,))


def _notation(notation: Mapping[str, Any] | str | None, shown: str) -> Notation | None:
    if notation is None:
        return None
    from verify.core.errors import Location
    from verify.read.encoding import load_yaml, strip_line_marks
    from verify.read.notation import parse_notation
    raw = strip_line_marks(load_yaml(notation, shown)) if isinstance(notation, str) else notation
    return parse_notation(raw, Location(shown))


def _open_cache(path: Path | None) -> Any:
    from verify.store.cache import open_cache
    return open_cache(path)


def _options(seed: int, sizes: Sizes | None, points: int) -> Options:
    from verify.run.settings import make_options
    return make_options(seed, sizes, points)


def _settings(jobs: int, timeout: float, memory_mb: int, cache: bool | PathLike,
              scheduler: str | None) -> RunSettings:
    from verify.run.settings import make_settings
    chosen = cache if isinstance(cache, bool) else Path(cache)
    return make_settings(jobs, timeout, memory_mb, chosen, scheduler, _warn)


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=4)


# ---- grading ------------------------------------------------------------------------------
def grade_submissions(assignment: PathLike, submissions: PathLike, *, out: PathLike | None = None,
          reports: bool = True, visibility: str = "after_published", jobs: int = 1,
          timeout: float = DEFAULT_SECONDS_PER_STEP, memory_mb: int = DEFAULT_MEMORY_MB,
          cache: bool | PathLike = True, scheduler: str | None = None,
          overwrite: bool = False) -> GradeResult:
    """Grade a folder of submissions (``.tex``, ``.md``, one student per file) against an
    assignment (``.yaml``), as ``python -m verify grade`` does; with ``out``, write the
    gradebook, Gradescope results, summary and (``reports``) per-student reports there.
    ``out`` must be absent, empty, or (with ``overwrite``) an earlier run's results, which are
    then replaced whole; anything else raises :class:`ValueError` before grading.
    A malformed assignment raises :class:`verify.core.errors.InputError`; a missing or empty
    folder raises :class:`ValueError`; a wrong answer key is the result's ``key_problem``."""
    from verify.grade.assignment import load_assignment
    from verify.grade.cli import grade_class, out_folder_problem, write_outputs
    from verify.grade.outputs import VISIBILITIES
    from verify.grade.reading import discover
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility: one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    settings = _settings(jobs, timeout, memory_mb, cache, scheduler)
    refused = out_folder_problem(Path(out), overwrite) if out is not None else None
    if refused:
        raise ValueError(refused)
    loaded = load_assignment(Path(assignment))
    folder = Path(submissions)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder")
    paths = discover(folder)
    if not paths:
        raise ValueError(f"{folder}: no .tex or .md submissions")
    graded = grade_class(loaded, paths, settings)
    messages: list[str] = []
    if out is not None and not graded.key_problem:
        messages = write_outputs(Path(out), loaded, graded.grades, visibility, reports,
                                 overwrite, jobs=settings.jobs)
    return GradeResult(loaded.title, graded.grades, graded.key_problem, graded.key_internal,
                       tuple(messages))
