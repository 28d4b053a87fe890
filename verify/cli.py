"""The command line, the only entry point: ``python -m verify`` and the installed
``derivation-verify`` both call :func:`main`.

    python -m verify [check] PATH... [--json FILE] [--report DIR] [--seed N] ...
    python -m verify grade ASSIGNMENT SUBMISSIONS/ --out DIR ...
    python -m verify infer FILE

A first argument that is not a command means ``check`` (README and CI write
``python -m verify derivations/``); a path named like a command is written ``./grade``.

Exit codes of ``check`` (as data, in ``EXIT``): 0 nothing refuted, 1 some step refuted (or,
with ``--strict``, some step undecided or unreadable), 2 usage or input error, 3 an internal
error of the checker (a bug: its steps are ``unknown``; it outranks the others, since no
verdict of that run should be trusted blindly).  Every document is processed before exiting;
one bad document never stops the others.  ``grade``'s are in :mod:`verify.grade.cli`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from verify.core.printable import printable
from verify.core.version import __version__
from verify.model.verdict import DocumentResult, Status, StepVerdict
from verify.run.settings import (
    add_run_options,
    make_options,
    parse_arguments,
    parse_sizes,
    settings_from_args,
    versions,
)

if TYPE_CHECKING:
    from verify.model.options import Options
    from verify.run.runner import RunSettings

__all__ = ["COMMANDS", "EXIT", "main", "parse_sizes"]

PROG = "python -m verify"   # the same words whichever way the command was started
EXIT = {"ok": 0, "refuted": 1, "input": 2, "internal": 3}

Command = Callable[[Sequence[str], TextIO, TextIO], int]


def _grade(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    from verify.grade.cli import main as grade_main  # imports the grader only when grading
    return grade_main(argv, out, err)


def _infer(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    """``infer FILE``: the notation the document implies, as a header to paste and edit."""
    parser = argparse.ArgumentParser(
        prog=f"{PROG} infer",
        description="Print the notation a .md or .tex document implies, as a YAML front-matter "
                    "header to paste and edit (each declaration's reason a comment; what is "
                    "ambiguous is left undeclared and named at the end).")
    parser.add_argument("path", type=Path, help="a .md or .tex document")
    args = parse_arguments(parser, argv, out, err)
    if isinstance(args, int):
        return args
    from verify.read.infer import header_yaml
    from verify.read.inferred import declares_nothing, inference_of
    from verify.read.latex.source import plain_text
    try:
        text = plain_text(args.path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        print(printable(f"{args.path}: cannot read: {error}"), file=err)
        return EXIT["input"]
    from verify.read.header import read_header
    header = read_header(text, args.path, str(args.path))
    own = not declares_nothing(header.notation)
    # what checking infers (verify.read.inferred): pasted back, the same reading
    inference = inference_of(text, args.path, header)
    if own:
        print("# the document declares part of its notation: add these to its header (or "
              "write 'infer: true' in it to have checking infer them)", file=out)
    print(header_yaml(inference, header.title), end="", file=out)
    return EXIT["ok"]


def check_main(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    return _check(argv, out, err, f"{PROG} check")


# Each command: its one-line summary (for --help) and what runs it.
COMMANDS: dict[str, tuple[str, Command]] = {
    "check": ("check documents (.yaml encodings, .tex, .md) or folders of them; the "
              "default command", check_main),
    "grade": ("grade a folder of submissions against an assignment: gradebook, Gradescope "
              "results, summary, reports", _grade),
    "infer": ("print the notation a document without a header implies, as a header to "
              "paste and edit", _infer),
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run a command (``argv`` without the program name) and return its exit code.

    Called with no arguments at all, it is the program (``python -m verify``, the installed
    command): it reads ``sys.argv`` and, once the command has returned (every output file
    written and closed), flushes stdout and stderr and ends the process at once, skipping the
    interpreter's teardown of whatever the command imported (a few tenths of a second with
    SymPy and JAX loaded, for nothing).  An exception still ends it the ordinary way."""
    if argv is None and out is None and err is None:
        code = _run(sys.argv[1:], sys.stdout, sys.stderr)
        _exit_now(code)
    return _run(list(sys.argv[1:] if argv is None else argv), out or sys.stdout,
                err or sys.stderr)


def _exit_now(code: int) -> None:
    """End the process with ``code`` once its streams are flushed (a closed pipe, as in
    ``| head``, loses nothing more)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _run(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    arguments = list(argv)
    if arguments and arguments[0] in COMMANDS:
        return COMMANDS[arguments[0]][1](arguments[1:], out, err)
    if arguments and arguments[0] in ("-h", "--help"):
        print(overview(), file=out)
        return EXIT["ok"]
    if not arguments:
        print(overview(), file=err)
        return EXIT["input"]
    return _check(arguments, out, err, PROG)


def overview() -> str:
    """``--help``: the commands, one line each."""
    width = max(len(name) for name in COMMANDS)
    lines = [f"usage: {PROG} [check] PATH... [options]",
             f"       {PROG} grade ASSIGNMENT SUBMISSIONS --out DIR [options]",
             f"       {PROG} grade ASSIGNMENT --gradescope-autograder DIR",
             f"       {PROG} infer FILE",
             f"       {PROG} COMMAND --help",
             "",
             "Check derivations step by step, symbolically and numerically.",
             "",
             "commands:"]
    lines += [f"  {name:<{width}}  {summary}" for name, (summary, _) in COMMANDS.items()]
    lines += ["",
              f"A first argument that is not a command means check ({PROG} derivations/).",
              "The installed command derivation-verify is the same program.",
              f"{PROG} --version prints the version."]
    return "\n".join(lines)


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Check derivations step by step, symbolically and numerically.",
        epilog="exit status: 0 nothing refuted; 1 some step refuted (with --strict, also "
               "some step unknown or unparsed); 2 usage or input error; 3 an internal error "
               "of the checker (a bug, reported as such; its steps are unknown)")
    parser.add_argument("paths", nargs="+", type=Path,
                        help="files (.yaml encodings, .tex, .md) or folders of them")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="write every document and step as JSON (verify/report/schema.json)")
    parser.add_argument("--report", type=Path, metavar="DIR",
                        help="write a LaTeX report and its PDF per document into DIR")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--sizes", type=parse_sizes, metavar="'K=2,3 N=1,2'",
                        help="check sizes at these values instead of the document's")
    parser.add_argument("--points", type=int, default=20,
                        help="random points per size combination (default 20)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 also when a step is unknown or unparsed")
    parser.add_argument("--quiet", action="store_true", help="print only the summaries")
    parser.add_argument("--show-reading", action="store_true",
                        help="under each step, the LaTeX it was read as")
    add_run_options(parser, "documents")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def _check(argv: Sequence[str], out: TextIO, err: TextIO, prog: str) -> int:
    args = parse_arguments(build_parser(prog), argv, out, err)
    if isinstance(args, int):
        return args
    try:
        options = make_options(args.seed, args.sizes, args.points)
    except ValueError as error:
        print(error, file=err)
        return EXIT["input"]
    from verify.read.discover import discover
    from verify.read.files import skipped_notes
    from verify.read.suffixes import CHECKED_SUFFIXES
    files, missing = discover(args.paths)
    for note in skipped_notes(args.paths, CHECKED_SUFFIXES, "check", recursive=True):
        print(printable(note), file=err)   # hidden files: not documents (verify.read.files)
    for problem in missing:
        print(printable(problem), file=err)
    if not files and not missing:
        print("no .yaml, .tex or .md files found", file=err)
        return EXIT["input"]
    try:
        settings = settings_from_args(args, lambda warning: print(warning, file=err))
    except ValueError as error:
        print(error, file=err)
        return EXIT["input"]
    results = _check_all(files, options, out, err, settings, args.quiet, args.show_reading)
    if args.json or args.report:
        info = versions()
        if args.json:
            from verify.report.jsonform import write_json
            write_json(args.json, results, info)
        if args.report:
            _write_reports(results, args.report, info, err, settings.jobs)
    return exit_code(results, bool(missing), args.strict)


def _check_all(files: list[Path], options: Options, out: TextIO, err: TextIO,
               settings: RunSettings, quiet: bool, reading: bool) -> list[DocumentResult]:
    """Every document, in worker processes with limits (verify.run.runner), each printed as
    soon as it and those before it are done; on a terminal, a progress line on ``err`` says
    what is running."""
    from verify.run.runner import check_all
    show = err.isatty()
    started = time.perf_counter()
    line = [""]   # the progress line as last drawn, redrawn under each document printed

    def progress(done: int, total: int, running: str) -> None:
        now = f"{done}/{total} done ({time.perf_counter() - started:.0f}s)"
        line[0] = f"[{now}] checking {running}" if running else f"[{now}]"
        err.write(f"\r{printable(line[0])[:200]}\x1b[K")
        err.flush()

    def emit(number: int, result: DocumentResult) -> None:
        if show:
            err.write("\r\x1b[K")
            err.flush()
        print_document(result, out, quiet, reading)
        out.flush()
        if show and line[0]:
            err.write(f"\r{printable(line[0])[:200]}\x1b[K")
            err.flush()

    results = check_all(files, options, settings, progress if show else None, emit)
    if show:
        err.write("\r\x1b[K")
    return results


def print_step(step: StepVerdict, out: TextIO, indent: str = "", reading: bool = False) -> None:
    # Our messages and diagnoses name variables and expressions in LaTeX between dollars
    # ($t = -1.3$, $\frac{1}{N}$): plain text here; reports and --json keep the LaTeX.
    from verify.verdict.words import readable
    label = f" ({step.label})" if step.label else ""
    print(printable(f"{indent}{step.location.path}:{step.location.line}{label}: "
                    f"{step.status.value} — {readable(step.message)}"), file=out)
    if reading and step.reading is not None:
        print(printable(f"{indent}    read as: {step.reading}"), file=out)
    if step.diagnosis:
        print(printable(f"{indent}    diagnosis: {readable(step.diagnosis)}"), file=out)
    for sub in step.subclaims:
        print_step(sub, out, indent + "    ", reading)


def print_document(result: DocumentResult, out: TextIO, quiet: bool = False,
                   reading: bool = False) -> None:
    """The document as ``check`` prints it: a line per step, a summary line."""
    if not quiet:
        if result.inferred is not None:   # not an input error, but the run must say it
            print(printable(f"{result.path}: {result.inferred.note(result.path)}"), file=out)
        for problem in result.problems:
            print(printable(problem), file=out)
        for error in result.internal:
            print(printable(str(error)), file=out)
        for chain in result.chains:
            for step in chain.steps:
                print_step(step, out, reading=reading)
            if chain.summary:
                print(printable(f"    chain {chain.name!r}: {chain.summary}"), file=out)
    counts = result.counts()
    parts = ", ".join(f"{counts[s]} {s.value}" for s in Status
                      if counts[s] and s is not Status.START)
    problems = f", {len(result.problems)} input error(s)" if result.problems else ""
    internal = len(result.internal_errors())
    problems += f", {internal} INTERNAL ERROR(S) (a bug of the checker)" if internal else ""
    print(printable(f"== {result.path}: {parts or 'no steps'}{problems} "
                    f"(seed {result.seed}, {result.seconds:.1f}s)"), file=out)


def _write_reports(results: list[DocumentResult], folder: Path, info: dict[str, str],
                   err: TextIO, jobs: int) -> None:
    from verify.report.pdf import compile_jobs, write_reports
    folder.mkdir(parents=True, exist_ok=True)
    for report in write_reports(results, folder, info, jobs=compile_jobs(jobs)):
        message = getattr(report, "message", "")
        if message:
            print(printable(message), file=err)


def exit_code(results: Sequence[DocumentResult], missing: bool = False,
              strict: bool = False) -> int:
    """``check``'s exit code for these results (``missing``: some path did not exist)."""
    if any(r.internal_errors() for r in results):
        return EXIT["internal"]
    if missing or any(r.problems for r in results):
        return EXIT["input"]
    statuses = {s.status for r in results for s in r.all_steps()} | {
        sub.status for r in results for s in r.all_steps() for sub in s.subclaims}
    if Status.REFUTED in statuses:
        return EXIT["refuted"]
    if strict and statuses & {Status.UNKNOWN, Status.UNPARSED}:
        return EXIT["refuted"]
    return EXIT["ok"]
