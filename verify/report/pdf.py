"""Compiling a report to PDF, locked down, and writing a set of reports.

The .tex embeds only whitelisted mathematics (:mod:`verify.report.sanitize`), but the compile is
locked down all the same, as a second line of defence:

* ``pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error``, stdin closed, so
  neither ``\\write18`` nor ``\\input|"cmd"`` runs anything and ``\\read`` cannot wait;
* ``openin_any=p`` and ``openout_any=p`` (kpathsea's *paranoid* mode: no absolute paths, no
  ``..``, no dot files, for reading and for writing), ``shell_escape=f``;
* pdfTeX's own file and PDF-action primitives (``\\pdfobj file``, ``\\pdfximage``,
  ``\\pdffiledump``, ``\\pdfmapfile``, ``\\pdfcatalog``, ``\\pdfannot``... and
  ``\\pdfprimitive``, which would reach the originals) are redefined to stop with an error
  before the document is read: they open files without asking kpathsea (``\\pdfobj file
  {/etc/passwd}`` embeds the file despite ``openin_any=p``), or put a launch or JavaScript
  action into the PDF;
* a private, fresh build directory (``TEXMFOUTPUT``), so nothing else that sits beside the
  report (a ``.sty`` of the same name as a package, a ``latexmkrc``) is ever read; only the
  PDF is moved out of it;
* a wall-clock timeout (the whole process group is killed), a memory limit, a CPU limit and a
  limit on the size of any file written (``setrlimit`` in the child).

``latexmk`` is not needed: a report has no cross references, so one pdflatex run is enough (a
second runs only when the log asks for it), and one program less reads configuration files.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from verify.core.atomic import temporary_folder, write_bytes_atomic, write_text_atomic
from verify.core.limits import REPORT_COMPILE_JOBS, REPORT_COMPILE_SECONDS, VERBATIM_RETRIES
from verify.model.verdict import DocumentResult
from verify.report.tex import STEP_MARKER, collect_versions, render_document

ENGINE = "pdflatex"
MEMORY_LIMIT = 1 << 30                # bytes of address space for the engine
FILE_LIMIT = 64 << 20                 # bytes of any one file it writes
INSTALL_HINT = ("no LaTeX engine (pdflatex) found: run scripts/setup-tex.sh, or as root "
                "`apt-get install --no-install-recommends texlive-latex-base "
                "texlive-latex-recommended texlive-fonts-recommended lmodern`, then compile "
                "the .tex again")


@dataclass(frozen=True)
class CompileResult:
    ok: bool
    pdf_path: Path | None
    message: str
    log_excerpt: str = ""


@dataclass(frozen=True)
class ReportFile:
    """One document's report: the .tex always, the .pdf when it compiled."""

    document: str
    tex_path: Path
    pdf_path: Path | None
    message: str
    verbatim: Mapping[str, str] = field(default_factory=dict)  # steps shown as written after
    #                                                              a TeX error, and why


def engine_available() -> bool:
    return shutil.which(ENGINE) is not None


def compile_pdf(tex_path: Path, timeout: float = REPORT_COMPILE_SECONDS) -> CompileResult:
    """Compile ``tex_path`` into ``<stem>.pdf`` beside it, locked down (see the module doc).
    When it fails, TeX's log is kept beside it as ``<stem>.log``: the message points there."""
    engine = shutil.which(ENGINE)
    if engine is None:
        return CompileResult(False, None, INSTALL_HINT)
    tex_path = tex_path.absolute()   # the PDF goes beside the path given, not a link's target
    if not tex_path.is_file():
        return CompileResult(False, None, f"no such file: {tex_path}")
    with temporary_folder("verify-tex") as build:
        source = build / "report.tex"
        shutil.copyfile(tex_path, source)
        outcome = _run(engine, source, timeout)
        if outcome is None and _wants_rerun(build / "report.log"):
            outcome = _run(engine, source, timeout)     # references settle on a second run
        if outcome is not None:
            return _failed(outcome, build / "report.log", tex_path)
        built = build / "report.pdf"
        log = _log_excerpt(build / "report.log")
        if not built.is_file():
            return _failed("pdflatex produced no PDF", build / "report.log", tex_path)
        target = tex_path.with_suffix(".pdf")
        write_bytes_atomic(target, built.read_bytes())   # replaces a link there, never follows
        return CompileResult(True, target, f"wrote {target}", log)


def _failed(outcome: str, log_path: Path, tex_path: Path) -> CompileResult:
    """A failed compile, its log copied beside the .tex (the build folder is deleted)."""
    kept = tex_path.with_suffix(".log")
    if log_path.is_file():
        write_bytes_atomic(kept, log_path.read_bytes())
        if "see the log" in outcome:      # the name only: the reason reaches the report
            outcome = outcome.replace("see the log", f"see the log {kept.name}")
        else:
            outcome += f" (log: {kept.name})"
    return CompileResult(False, None, outcome, _log_excerpt(log_path))


# Read from files without kpathsea's openin_any check, or write actions into the PDF.
DISABLED_PRIMITIVES = ("pdfobj", "pdfximage", "pdfrefximage", "pdffiledump", "pdfmdfivesum",
                       "pdffilesize", "pdffilemoddate", "pdfmapfile", "pdfmapline", "pdfcatalog",
                       "pdfannot", "pdfnames", "pdfstartlink", "pdfoutline", "pdfdest",
                       "pdfprimitive", "pdfinclusioncopyfonts", "pdfxform", "pdfrefobj")


def _lockdown() -> str:
    """TeX run before the document: each disabled primitive becomes an error naming it."""
    return "".join(rf"\def\{name}{{\errmessage{{\string\{name}\space is disabled in reports}}}}"
                   for name in DISABLED_PRIMITIVES)


def _run(engine: str, source: Path, timeout: float) -> str | None:
    """Run the engine in ``source``'s directory; None on success, else what went wrong."""
    command = [engine, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
               "-file-line-error", f"-jobname={source.stem}",
               _lockdown() + rf"\input{{{source.name}}}"]
    start = time.monotonic()
    with subprocess.Popen(command, cwd=source.parent, env=_environment(source.parent),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, preexec_fn=_limits(timeout),
                          start_new_session=True) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)   # the engine and anything it started
            process.communicate()
            return f"pdflatex did not finish within {timeout:g} s and was stopped"
    if process.returncode != 0:
        error = _first_error(source.with_suffix(".log"), output.decode(errors="replace"))
        return f"pdflatex failed ({time.monotonic() - start:.1f} s): {error}"
    return None


def _environment(build: Path) -> dict[str, str]:
    """The caller's environment with file access and shell escape locked down."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXMF", "openin_any",
                                                                     "openout_any", "shell_"))}
    env.update(openin_any="p", openout_any="p", shell_escape="f", shell_escape_commands="",
               TEXMFOUTPUT=str(build), TEXMFVAR=str(build / ".texmf-var"),
               max_print_line="200")
    return env


def _limits(timeout: float) -> Callable[[], None]:
    """A preexec_fn setting the child's resource limits (CPU time backs the wall clock)."""
    cpu = int(timeout) + 5

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _wants_rerun(log_path: Path) -> bool:
    return log_path.is_file() and "Rerun to get" in log_path.read_text(errors="replace")


_ERROR_LINE = re.compile(r"^(?:\./)?report\.tex:(\d+): (.*)$|^! (.*)$", re.M)


def _first_error(log_path: Path, output: str) -> str:
    text = log_path.read_text(errors="replace") if log_path.is_file() else output
    match = _ERROR_LINE.search(text)
    if match is None:
        return "see the log"
    if match.group(1):
        return f"line {match.group(1)}: {match.group(2)}"
    return match.group(3)


def _log_excerpt(log_path: Path, lines: int = 20) -> str:
    """The log from the first error on (or its last lines when there is none)."""
    if not log_path.is_file():
        return ""
    text = log_path.read_text(errors="replace").splitlines()
    first = next((n for n, line in enumerate(text) if _ERROR_LINE.match(line)), None)
    chosen = text[first:first + lines] if first is not None else text[-lines:]
    return "\n".join(chosen)


def error_step(tex: str, result: CompileResult) -> str | None:
    """The step whose mathematics the first TeX error is on, from the ``% step=`` marker that
    ends that line of ``tex``; None if the error is elsewhere."""
    match = re.search(r"line (\d+):", result.message)
    if match is None:
        return None
    lines = tex.splitlines()
    number = int(match.group(1))
    if not 1 <= number <= len(lines):
        return None
    line = lines[number - 1]
    marker = line.rfind(STEP_MARKER)
    return line[marker + len(STEP_MARKER):].strip() if marker >= 0 else None


def compile_jobs(jobs: int) -> int:
    """Reports compiled at a time for a run of ``jobs`` workers (``--jobs``): as many, and
    at least :data:`REPORT_COMPILE_JOBS` (the workers are gone when the reports are written)."""
    return max(jobs, REPORT_COMPILE_JOBS)


def write_reports(results: Iterable[DocumentResult], out_dir: Path,
                  versions: Mapping[str, str] | None = None, date: str | None = None,
                  timeout: float = REPORT_COMPILE_SECONDS,
                  jobs: int = REPORT_COMPILE_JOBS) -> list[ReportFile]:
    """Write ``<stem>.tex`` and, when an engine is present, ``<stem>.pdf`` for each document,
    in the order given.

    A step whose mathematics TeX rejects although the whitelist passed it is typeset verbatim
    and the report compiled again; after ``VERBATIM_RETRIES`` such steps every step is shown
    verbatim, which always compiles.  Up to ``jobs`` reports are written at a time (each in
    a thread that waits on its pdflatex): the names are chosen first, in order, and each
    report is its document's alone, so the files are those of one report after another."""
    out_dir.mkdir(parents=True, exist_ok=True)
    merged = collect_versions(versions)
    used: set[str] = set()
    work = [(result, out_dir / f"{_stem(result.path, used)}.tex") for result in results]
    if jobs <= 1 or len(work) <= 1:
        return [_write_one(result, tex_path, merged, date, timeout) for result, tex_path in work]
    with ThreadPoolExecutor(max_workers=min(jobs, len(work)),
                            thread_name_prefix="report") as pool:
        return list(pool.map(lambda job: _write_one(job[0], job[1], merged, date, timeout),
                             work))


def _write_one(result: DocumentResult, tex_path: Path, versions: Mapping[str, str],
               date: str | None, timeout: float) -> ReportFile:
    forced: dict[str, str] = {}
    while True:
        tex = render_document(result, versions, date, verbatim=forced)
        write_text_atomic(tex_path, tex)
        if not engine_available():
            return ReportFile(result.path, tex_path, None, INSTALL_HINT, forced)
        compiled = compile_pdf(tex_path, timeout)
        if compiled.ok:
            return ReportFile(result.path, tex_path, compiled.pdf_path, compiled.message, forced)
        step = error_step(tex, compiled)
        if step is None or step in forced or len(forced) >= VERBATIM_RETRIES:
            break
        forced[step] = f"LaTeX could not typeset it ({_short(compiled.message)})"
    # The last resort: every step verbatim, which escapes everything and always compiles.
    forced = {"*": f"an earlier compile failed ({_short(compiled.message)})"}
    write_text_atomic(tex_path, render_document(result, versions, date, verbatim=forced))
    last = compile_pdf(tex_path, timeout)
    return ReportFile(result.path, tex_path, last.pdf_path, last.message, forced)


def _short(message: str) -> str:
    return message.split(" (log: ")[0].split(": ", 2)[-1][:120]


def _stem(path: str, used: set[str]) -> str:
    """A safe, unique file stem for a document: letters, digits, ``._-`` only."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(path).stem).strip("._") or "report"
    stem, number = base, 2
    while stem in used:
        stem, number = f"{base}-{number}", number + 1
    used.add(stem)
    return stem
