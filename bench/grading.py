"""Benchmark: ``python -m verify grade`` on a synthetic class of distinct submissions, with 1
and 2 jobs, without a cache, with a cold and a warm verdict cache; per-stage cost and peak
memory.  A script, not a test: run it on an otherwise idle machine.

    .venv/bin/python bench/grading.py [--count 1000] [--runs 1] [--sample 100]
                                      [--out bench/RESULTS.md]

* the class: ``bench/synthetic.py`` (seed 0): ``--count`` distinct submissions of about ten
  display lines, built by mutating the class's clean derivations (slips, equivalent rewrites,
  surface variants); its statistics are printed with the figures;
* each run: a fresh process, ``python -m verify grade assignments/softmax_gradient.yaml CLASS
  --out OUT --no-reports --quiet --jobs J`` plus ``--no-cache`` or ``--cache FILE`` (a fresh
  OUT each time), wall seconds, median of ``--runs``:

  - ``--jobs 1 --no-cache`` and ``--jobs 2 --no-cache``: everything computed;
  - ``--jobs 2``, cold cache: a new cache file, as a first grading of the class with the
    default cache (the two workers share judgements through it);
  - ``--jobs 2``, warm cache: the same command again (every file's grade is in the cache);

* memory: the peak resident set of the largest process of each run (the command or one of its
  workers), from ``resource.getrusage(RUSAGE_CHILDREN)`` in a fresh child per run;
* per stage: the first ``--sample`` submissions graded in this process, one after the other
  (the memos warm up as in a worker), with the time spent in each stage measured by wrapping
  the stage functions (instrumentation of this script only);
* the figures are appended to ``--out`` as the section "Grading" (an earlier "Grading" section
  there is replaced; the rest is kept).
"""

from __future__ import annotations

import argparse
import collections
import functools
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from sections import replace_section

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
TARGET_SUBMISSIONS, TARGET_SECONDS, TARGET_JOBS = 1000, 60.0, 2
FAST_TARGET_SECONDS = 20.0   # issue 15's: a cold cache, 2 jobs
HEADING = "# Grading"

# One child per run, so that its peak resident set is that run's alone.
_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
child = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak": peak, "code": child.returncode,
                  "stderr": child.stderr[-2000:]}))
"""


def _synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module
    spec.loader.exec_module(module)
    return module


def run_grade(submissions: Path, out: Path, jobs: int, cache: Path | None) -> dict[str, Any]:
    """One fresh ``python -m verify grade`` process: wall seconds and peak RSS (MiB)."""
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "verify", "grade", str(ASSIGNMENT), str(submissions),
               "--out", str(out), "--no-reports", "--quiet", "--jobs", str(jobs)]
    command += ["--cache", str(cache)] if cache is not None else ["--no-cache"]
    measured = subprocess.run([sys.executable, "-c", _MEASURE, *command], cwd=ROOT,
                              capture_output=True, text=True, check=True)
    data: dict[str, Any] = json.loads(measured.stdout)
    if data["code"] not in (0, 1):
        raise RuntimeError(f"verify grade failed ({data['code']}): {data['stderr']}")
    return data


def stage_costs(submissions: list[Path]) -> tuple[dict[str, float], float, int]:
    """Seconds per stage over the submissions, graded here one after the other; the total;
    the claims the judge checked (the rest came from its memo)."""
    from verify import pipeline
    from verify.check import claims as check
    from verify.grade import grader
    from verify.grade.assignment import load_assignment
    from verify.grade.claims import ClaimJudge
    from verify.verdict import combine

    spent: collections.defaultdict[str, float] = collections.defaultdict(float)

    def wrap(owner: Any, name: str, label: str) -> None:
        function: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started
        setattr(owner, name, timed)

    wrap(grader, "read_submission", "read (parse, bind)")
    wrap(pipeline, "_binding_problem", "fit to the notation")
    wrap(check.DocumentChecker, "_concretize", "concretize")
    wrap(check.DocumentChecker, "_numeric", "numeric")
    wrap(check.DocumentChecker, "_symbolic", "symbolic")
    wrap(combine, "confirm", "50-digit confirmation")
    wrap(grader, "diagnose", "diagnoses (all of it)")
    assignment = load_assignment(ASSIGNMENT)
    judge = ClaimJudge(assignment.seed, assignment.points)
    started = time.perf_counter()
    for path in submissions:
        grader.grade_safely(path, assignment, judge)
    total = time.perf_counter() - started
    return dict(spent), total, judge.checked


def _verdict(count: int, seconds: float, target: float = TARGET_SECONDS) -> str:
    if count < TARGET_SUBMISSIONS:
        return f"not measured here (this class has {count} submissions)."
    if seconds < target:
        return f"**met** ({seconds:.0f} s)."
    return (f"**not met**: {seconds:.0f} s with {TARGET_JOBS} jobs "
            f"({seconds / target:.1f}x the target).")


def _listing(counts: Any) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))


def _load() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def report(count: int, runs: int, sample: int) -> str:
    synthetic = _synthetic()
    load_before = _load()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "class"
        stats = synthetic.build_class(folder, count, seed=0)
        cache = Path(scratch) / "cache.sqlite3"
        plans = [("--jobs 1, --no-cache", 1, None), ("--jobs 2, --no-cache", 2, None),
                 ("--jobs 2, cold cache (a new cache file)", 2, "cold"),
                 ("--jobs 2, warm cache (the same command again)", 2, "warm")]
        rows = []
        for label, jobs, mode in plans:
            measured = []
            for _ in range(runs):
                if mode == "cold" and cache.exists():
                    for stale in cache.parent.glob(cache.name + "*"):
                        stale.unlink()
                measured.append(run_grade(folder, Path(scratch) / "out", jobs,
                                          cache if mode else None))
            rows.append((label, measured))
            print(label, [round(m["seconds"], 1) for m in measured], flush=True)
        paths = sorted(p for p in folder.iterdir())[:sample]
        spent, total, checked = stage_costs(paths)
    load_after = _load()
    medians = {label: statistics.median(m["seconds"] for m in measured)
               for label, measured in rows}
    two = medians["--jobs 2, --no-cache"]
    cold = medians["--jobs 2, cold cache (a new cache file)"]
    lines = [
        HEADING,
        "",
        f"`{Path(sys.argv[0]).name}` on {platform.machine()} ({os.cpu_count()} CPUs), Python "
        f"{platform.python_version()}: `python -m verify grade "
        f"{ASSIGNMENT.relative_to(ROOT)} CLASS --out OUT --no-reports --quiet --jobs J` plus "
        f"the cache options below, a fresh process per run, wall seconds, median of {runs} "
        f"run{'s' if runs != 1 else ''}.",
        "",
        f"CLASS is `bench/synthetic.py --count {count} --seed 0`: {stats.count} distinct "
        f"submissions ({_listing(stats.suffixes)}), {stats.mean_lines:.2f} display lines "
        f"each on average ({stats.min_lines} to {stats.max_lines}), {stats.distinct_lines} "
        f"distinct line texts, {stats.distinct_pairs} distinct pairs of consecutive lines; "
        f"{_listing(stats.kinds)}; slips: {_listing(stats.slips)}.",
        "",
        "| run | median s | runs | s per submission | peak RSS of the largest process, MiB |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for label, measured in rows:
        spread = ", ".join(f"{m['seconds']:.1f}" for m in measured)
        peak = max(m["peak"] for m in measured)
        lines.append(f"| {label} | {medians[label]:.1f} | {spread} | "
                     f"{medians[label] / count:.3f} | {peak:.0f} |")
    warm = medians["--jobs 2, warm cache (the same command again)"]
    one = medians["--jobs 1, --no-cache"]
    lines += [
        "",
        f"Ratios: --jobs 1 / --jobs 2 (no cache) = {one / two:.2f}; no cache / cold cache "
        f"(2 jobs) = {two / cold:.2f}; cold / warm cache = {cold / warm:.1f}.",
        f"Issue 6's target, {TARGET_SUBMISSIONS:,} submissions of about ten steps in under "
        f"{TARGET_SECONDS:.0f} s with {TARGET_JOBS} jobs: " + _verdict(count, min(two, cold)),
        f"Issue 15's, under {FAST_TARGET_SECONDS:.0f} s with {TARGET_JOBS} jobs and a cold "
        "cache: " + _verdict(count, cold, FAST_TARGET_SECONDS),
        "",
        f"Per stage, the first {len(paths)} submissions graded in one process "
        f"({total:.1f} s, {total / max(1, len(paths)) * 1000:.0f} ms per submission; the "
        f"judge checked {checked} claims of its own, the rest came from its memo; stages "
        "nest: symbolic, numeric and concretize run inside the checks and the diagnoses):",
        "",
        "| stage | s | ms per submission |",
        "| --- | ---: | ---: |",
    ]
    for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        lines.append(f"| {label} | {seconds:.1f} | {seconds / max(1, len(paths)) * 1000:.0f} |")
    lines += [
        "",
        f"Load average of the machine (1, 5, 15 min) before: {load_before}, after: "
        f"{load_after}; other work on the machine inflates the figures.",
        "",
    ]
    return "\n".join(lines)


def write_section(out: Path, section: str) -> None:
    """Put ``section`` in ``out`` in place of an earlier "Grading" section (or at the end),
    keeping the other scripts' sections."""
    replace_section(out, HEADING, section)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--count", type=int, default=TARGET_SUBMISSIONS,
                        help=f"submissions in the class (default {TARGET_SUBMISSIONS})")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sample", type=int, default=100,
                        help="submissions graded in process for the per-stage costs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    if args.count < 1 or args.runs < 1 or args.sample < 1:
        parser.error("count, runs and sample must be positive")
    section = report(args.count, args.runs, args.sample)
    write_section(args.out, section)
    print(section)


if __name__ == "__main__":
    main()
