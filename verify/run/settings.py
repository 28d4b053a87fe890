"""What a run over many documents or submissions is told, checked once for every caller: the
command line (``check`` and ``grade``) and the Python API build their :class:`Options` and
:class:`RunSettings` here, so a value one of them refuses the others refuse too.

Every builder raises :class:`ValueError` with the message a user should read; the command
line prints it and exits 2.  Nothing here imports SymPy or JAX at module level: ``--help``
and ``import verify`` stay fast.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from verify.model.options import Options
from verify.run.runner import DEFAULT_MEMORY_MB, DEFAULT_SECONDS_PER_STEP, Limits, RunSettings

SIZE_VALUES = range(1, 7)     # a size is checked at values 1..6 (README: "Sizes are small")
POINTS = range(1, 1001)       # random points per size combination
MIN_MEMORY_MB = 512           # below this a worker cannot hold SymPy and JAX

Warn = Callable[[str], None]


def check_sizes(sizes: Mapping[str, Sequence[int]]) -> dict[str, tuple[int, ...]]:
    """``{'K': [2, 3]}`` -> ``{'K': (2, 3)}``; ValueError unless every value is in 1..6."""
    checked: dict[str, tuple[int, ...]] = {}
    for name, values in sizes.items():
        numbers = tuple(values)
        if (not isinstance(name, str) or not name or not numbers
                or any(isinstance(v, bool) or not isinstance(v, int) or v not in SIZE_VALUES
                       for v in numbers)):
            raise ValueError(f"sizes: expected a name and values 1..6, got {name!r}: "
                             f"{values!r}")
        checked[name] = numbers
    return checked


def parse_sizes(text: str) -> dict[str, tuple[int, ...]]:
    """``K=2,3;N=1`` or ``K=2,3 N=1`` -> {'K': (2, 3), 'N': (1,)}."""
    sizes: dict[str, tuple[int, ...]] = {}
    for part in text.replace(";", " ").split():
        name, _, values = part.partition("=")
        try:
            numbers = tuple(int(v) for v in values.split(",") if v)
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad size values in {part!r}") from None
        try:
            sizes.update(check_sizes({name: numbers}))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected NAME=V1,V2 with values 1..6, got {part!r}") from None
    return sizes


def make_options(seed: int = 0, sizes: Mapping[str, Sequence[int]] | None = None,
                 points: int = 20) -> Options:
    """The checking options (:class:`verify.model.options.Options`), each value checked."""
    if isinstance(points, bool) or not isinstance(points, int) or points not in POINTS:
        raise ValueError("--points must be between 1 and 1000")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError("--seed must be a non-negative integer")
    return Options(seed=seed, sizes=check_sizes(sizes) if sizes else None, points=points)


def make_settings(jobs: int = 1, timeout: float = DEFAULT_SECONDS_PER_STEP,
                  memory_mb: int = DEFAULT_MEMORY_MB, cache: bool | Path = True,
                  scheduler: str | None = None, warn: Warn | None = None) -> RunSettings:
    """Workers, their limits and the verdict cache.  ``cache``: True for the default cache
    (``$DERIVATION_VERIFY_CACHE`` or the user's cache directory), a path, or False for none.
    A cache that cannot be opened is a warning (``warn``), not a failure: it only saves time."""
    if jobs < 1 or timeout <= 0 or memory_mb < 0:
        raise ValueError("--jobs must be at least 1, --timeout positive, --memory-mb 0 or more")
    if memory_mb and memory_mb < MIN_MEMORY_MB:
        raise ValueError(f"--memory-mb below {MIN_MEMORY_MB} cannot hold SymPy and JAX; use 0 "
                         "for no limit")
    path = default_cache() if cache is True else (cache or None)
    if path is not None and not cache_usable(path, warn):
        path = None
    return RunSettings(jobs, Limits(timeout, memory_mb or None), path, scheduler)


def default_cache() -> Path:
    from verify.store.cache import default_path
    return default_path()


def cache_usable(path: Path, warn: Warn | None) -> bool:
    import sqlite3

    from verify.store.cache import VerdictCache
    try:
        cache = VerdictCache(path)   # a damaged file is moved aside and rebuilt: said once
        cache.close()
        if cache.repaired and warn is not None:
            warn(cache.repaired)
    except (OSError, sqlite3.Error) as error:
        if warn is not None:
            warn(f"warning: verdict cache {path} not usable ({error}); checking without it")
        return False
    return True


def add_run_options(parser: argparse.ArgumentParser, what: str) -> None:
    """The options of running many ``what`` (documents, submissions): worker processes and
    their limits, the verdict cache, a Dask cluster.  Read back by :func:`settings_from_args`."""
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


def settings_from_args(args: argparse.Namespace, err: Warn) -> RunSettings:
    """The settings of :func:`add_run_options` (ValueError when they are wrong)."""
    cache: bool | Path = False if args.no_cache else (args.cache or True)
    return make_settings(args.jobs, args.timeout, args.memory_mb, cache, args.scheduler, err)


def parse_arguments(parser: argparse.ArgumentParser, argv: Sequence[str], out: TextIO,
                    err: TextIO) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code when argparse stopped (help, version: 0; a usage
    error: 2), its words written to ``out`` and ``err`` rather than the process's streams."""
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2


def versions() -> dict[str, str]:
    """The versions a report or a JSON file records, read from the installed packages'
    metadata: the parent of a run never imports SymPy or JAX (its workers do)."""
    from importlib.metadata import version

    from verify.core.version import __version__
    return {"derivation-verify": __version__, "sympy": version("sympy"),
            "jax": version("jax"), "python": sys.version.split()[0]}
