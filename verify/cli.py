"""Command line: ``python -m verify PATH... [--json FILE] [--report DIR] [--seed N] ...``.

Exit codes (as data, in ``EXIT``): 0 nothing refuted, 1 some step refuted (or, with
``--strict``, some step undecided or unreadable), 2 usage or input error, 3 an internal error
of the checker (a bug: its steps are ``unknown``; it outranks the others, since no verdict of
that run should be trusted blindly).  Every document is processed before exiting; one bad
document never stops the others.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from verify.core.version import __version__
from verify.model.verdict import DocumentResult, Status, StepVerdict
from verify.pipeline import Options, discover
from verify.run.runner import (
    DEFAULT_MEMORY_MB,
    DEFAULT_SECONDS_PER_STEP,
    Limits,
    RunSettings,
    check_all,
)
from verify.store.cache import default_path as default_cache_path

EXIT = {"ok": 0, "refuted": 1, "input": 2, "internal": 3}
SIGNS = {Status.PROVED: "ok", Status.SUPPORTED: "ok~", Status.REFUTED: "XX",
         Status.UNKNOWN: "??", Status.UNPARSED: "--", Status.START: ".."}


def versions() -> dict[str, str]:
    import jax
    import sympy
    return {"derivation-verify": __version__, "sympy": sympy.__version__,
            "jax": jax.__version__, "python": sys.version.split()[0]}


def parse_sizes(text: str) -> dict[str, tuple[int, ...]]:
    """``K=2,3;N=1`` or ``K=2,3 N=1`` -> {'K': (2, 3), 'N': (1,)}."""
    sizes: dict[str, tuple[int, ...]] = {}
    for part in text.replace(";", " ").split():
        name, _, values = part.partition("=")
        try:
            numbers = tuple(int(v) for v in values.split(",") if v)
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad size values in {part!r}") from None
        if not name or not numbers or any(not 1 <= v <= 6 for v in numbers):
            raise argparse.ArgumentTypeError(
                f"expected NAME=V1,V2 with values 1..6, got {part!r}")
        sizes[name] = numbers
    return sizes


def add_run_options(parser: argparse.ArgumentParser, what: str) -> None:
    """The options of running many ``what`` (documents, submissions): worker processes and
    their limits, the verdict cache, a Dask cluster.  Read back by :func:`run_settings`."""
    limits = parser.add_argument_group("limits, cache and parallelism")
    limits.add_argument("--jobs", type=int, default=1, metavar="N",
                        help=f"work on N {what} at a time, each in its own worker process "
                             "(default 1)")
    limits.add_argument("--timeout", type=float, default=DEFAULT_SECONDS_PER_STEP,
                        metavar="SECONDS",
                        help="wall-clock limit per step; a document gets SECONDS times its "
                             "step count, then its worker is killed and what it had not "
                             f"decided is reported as such (default {DEFAULT_SECONDS_PER_STEP:g})")
    limits.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, metavar="MB",
                        help="address-space limit of each worker process, 0 for none "
                             f"(default {DEFAULT_MEMORY_MB})")
    limits.add_argument("--cache", type=Path, metavar="PATH",
                        help="verdict cache (SQLite) to use; default: $DERIVATION_VERIFY_CACHE "
                             "or the user's cache directory")
    limits.add_argument("--no-cache", action="store_true",
                        help="check everything afresh and store nothing")
    limits.add_argument("--scheduler", metavar="ADDRESS",
                        help=f"run the {what} on this Dask scheduler (tcp://host:8786)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m verify",
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
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT["ok"] if exit_.code == 0 else EXIT["input"]
    if args.points < 1 or args.points > 1000:
        print("--points must be between 1 and 1000", file=err)
        return EXIT["input"]
    if args.seed < 0:
        print("--seed must be a non-negative integer", file=err)
        return EXIT["input"]
    files, missing = discover(args.paths)
    for problem in missing:
        print(problem, file=err)
    if not files and not missing:
        print("no .yaml, .tex or .md files found", file=err)
        return EXIT["input"]
    settings = run_settings(args, err)
    if settings is None:
        return EXIT["input"]
    options = Options(seed=args.seed, sizes=args.sizes, points=args.points)
    results = _check_all(files, options, err, settings)
    for result in results:
        _print_document(result, out, args.quiet, args.show_reading)
    info = versions()
    if args.json:
        from verify.report.jsonform import write_json
        write_json(args.json, results, info)
    if args.report:
        _write_reports(results, args.report, info, err)
    return _exit_code(results, bool(missing), args.strict)


def run_settings(args: argparse.Namespace, err: TextIO) -> RunSettings | None:
    """The settings of :func:`add_run_options`; None (and a message) when they are wrong."""
    if args.jobs < 1 or args.timeout <= 0 or args.memory_mb < 0:
        print("--jobs must be at least 1, --timeout positive, --memory-mb 0 or more", file=err)
        return None
    if args.memory_mb and args.memory_mb < 512:
        print("--memory-mb below 512 cannot hold SymPy and JAX; use 0 for no limit", file=err)
        return None
    cache = None if args.no_cache else (args.cache or default_cache_path())
    if cache is not None and not _cache_usable(cache, err):
        cache = None
    limits = Limits(args.timeout, args.memory_mb or None)
    return RunSettings(args.jobs, limits, cache, args.scheduler)


def _cache_usable(path: Path, err: TextIO) -> bool:
    """A cache that cannot be opened is a warning, not a failure: it only saves time."""
    import sqlite3

    from verify.store.cache import VerdictCache
    try:
        VerdictCache(path).close()
    except (OSError, sqlite3.Error) as error:
        print(f"warning: verdict cache {path} not usable ({error}); checking without it",
              file=err)
        return False
    return True


def _check_all(files: list[Path], options: Options, err: TextIO,
               settings: RunSettings | None = None) -> list[DocumentResult]:
    """Every document, in worker processes with limits (verify.run.runner)."""
    show = err.isatty()
    started = time.perf_counter()

    def progress(done: int, total: int, path: str) -> None:
        err.write(f"\r[{done}/{total}] {path} ({time.perf_counter() - started:.0f}s)\x1b[K")
        err.flush()

    results = check_all(files, options, settings or RunSettings(), progress if show else None)
    if show:
        err.write("\r\x1b[K")
    return results


def _print_step(step: StepVerdict, out: TextIO, indent: str = "",
                reading: bool = False) -> None:
    label = f" ({step.label})" if step.label else ""
    print(f"{indent}{step.location.path}:{step.location.line}{label}: {step.status.value} "
          f"— {step.message}", file=out)
    if reading and step.reading is not None:
        print(f"{indent}    read as: {step.reading}", file=out)
    if step.diagnosis:
        print(f"{indent}    diagnosis: {step.diagnosis}", file=out)
    for sub in step.subclaims:
        _print_step(sub, out, indent + "    ", reading)


def _print_document(result: DocumentResult, out: TextIO, quiet: bool,
                    reading: bool = False) -> None:
    if not quiet:
        for problem in result.problems:
            print(f"{problem}", file=out)
        for error in result.internal:
            print(f"{error}", file=out)
        for chain in result.chains:
            for step in chain.steps:
                _print_step(step, out, reading=reading)
            if chain.summary:
                print(f"    chain {chain.name!r}: {chain.summary}", file=out)
    counts = result.counts()
    parts = ", ".join(f"{counts[s]} {s.value}" for s in Status
                      if counts[s] and s is not Status.START)
    problems = f", {len(result.problems)} input error(s)" if result.problems else ""
    internal = len(result.internal_errors())
    problems += f", {internal} INTERNAL ERROR(S) (a bug of the checker)" if internal else ""
    print(f"== {result.path}: {parts or 'no steps'}{problems} "
          f"(seed {result.seed}, {result.seconds:.1f}s)", file=out)


def _write_reports(results: list[DocumentResult], folder: Path, info: dict[str, str],
                   err: TextIO) -> None:
    from verify.report.pdf import write_reports
    folder.mkdir(parents=True, exist_ok=True)
    for report in write_reports(results, folder, info):
        message = getattr(report, "message", "")
        if message:
            print(message, file=err)


def _exit_code(results: list[DocumentResult], missing: bool, strict: bool) -> int:
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
