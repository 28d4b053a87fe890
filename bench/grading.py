"""Benchmark: ``python -m verify grade`` on a synthetic class of N submissions, per-submission
cost, an extrapolation to 1,000 submissions, and peak memory.  A script, not a test: run it on
an otherwise idle machine.

    .venv/bin/python bench/grading.py [--sizes 33,100] [--runs 1] [--out bench/RESULTS.md]

* the class: the 33 ``.md``/``.tex`` submissions of ``tests/data/class/`` copied round-robin
  into a temporary folder under new names (``student0001.md``, ...), so that a class of 100
  repeats the same lines, as a real class does;
* each run: a fresh process, ``python -m verify grade assignments/softmax_gradient.yaml CLASS
  --out OUT --no-reports --quiet`` (a fresh OUT each time), wall seconds, median of ``--runs``;
  the grading command has no ``--jobs`` option yet: one process;
* memory: the peak resident set of the child processes (``resource.getrusage(
  RUSAGE_CHILDREN)``), which is the largest over all runs so far, so the sizes run smallest
  first;
* the figures are appended to ``--out`` as the section "Grading" (an earlier "Grading" section
  there is replaced; the rest is kept).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "tests" / "data" / "class"
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
TARGET_SUBMISSIONS, TARGET_SECONDS, TARGET_JOBS = 1000, 60.0, 2
HEADING = "# Grading"


def templates() -> list[Path]:
    return sorted(p for p in CLASS.iterdir() if p.suffix in (".md", ".tex"))


def display_lines(path: Path) -> int:
    """Roughly how many display-math lines a submission has (``$$`` blocks in Markdown, the
    lines of display environments in LaTeX)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".md":
        return text.count("$$") // 2
    count, inside = 0, False
    for line in text.splitlines():
        if re.match(r"\s*\\begin\{(align|equation|gather)\*?\}|\s*\\\[", line):
            inside = True
            continue
        if re.match(r"\s*\\end\{(align|equation|gather)\*?\}|\s*\\\]", line):
            inside = False
            continue
        count += inside and bool(line.strip())
    return count


def build_class(folder: Path, size: int, sources: list[Path]) -> None:
    folder.mkdir(parents=True)
    for number in range(size):
        source = sources[number % len(sources)]
        shutil.copyfile(source, folder / f"student{number + 1:04d}{source.suffix}")


def run_grade(submissions: Path, out: Path) -> float:
    """One fresh ``python -m verify grade`` process; its wall seconds."""
    if out.exists():
        shutil.rmtree(out)
    started = time.perf_counter()
    child = subprocess.run([sys.executable, "-m", "verify", "grade", str(ASSIGNMENT),
                            str(submissions), "--out", str(out), "--no-reports", "--quiet"],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    seconds = time.perf_counter() - started
    if child.returncode not in (0, 1):
        raise RuntimeError(f"verify grade failed ({child.returncode}): {child.stderr[-2000:]}")
    return seconds


def _load() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def _children_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def report(sizes: list[int], runs: int) -> str:
    sources = templates()
    lines_each = [display_lines(p) for p in sources]
    load_before = _load()
    rows: list[tuple[int, list[float], float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in sorted(sizes):
            folder = Path(scratch) / f"class{size}"
            build_class(folder, size, sources)
            seconds = [run_grade(folder, Path(scratch) / f"out{size}") for _ in range(runs)]
            rows.append((size, seconds, _children_peak_mib()))
    load_after = _load()
    medians = {size: statistics.median(seconds) for size, seconds, _ in rows}
    if len(medians) >= 2:
        (small, t_small), (large, t_large) = min(medians.items()), max(medians.items())
        slope = (t_large - t_small) / (large - small)
        intercept = t_small - slope * small
        basis = (f"the line through N = {small} and N = {large}: {intercept:.1f} s fixed "
                 f"(start-up, and the first check of each distinct line: each distinct "
                 f"claim is judged once per run) + {slope:.2f} s per further, repeated submission")
    else:
        (large, t_large), = medians.items()
        slope, intercept = t_large / large, 0.0
        basis = f"N = {large} scaled linearly ({slope:.2f} s per submission, start-up included)"
    projected = intercept + slope * TARGET_SUBMISSIONS
    projected_two = projected / TARGET_JOBS
    met = projected_two < TARGET_SECONDS
    lines = [
        HEADING,
        "",
        f"`{Path(sys.argv[0]).name}` on {platform.machine()} ({os.cpu_count()} CPUs), Python "
        f"{platform.python_version()}: `python -m verify grade {ASSIGNMENT.relative_to(ROOT)} "
        "CLASS --out OUT --no-reports --quiet` in a fresh process, wall seconds, median of "
        f"{runs} run{'s' if runs != 1 else ''}.  CLASS is the {len(sources)} submissions of "
        "`tests/data/class/` copied round-robin under new names, so larger classes repeat "
        f"the same lines; they have {min(lines_each)} to {max(lines_each)} display lines "
        f"(mean {statistics.mean(lines_each):.1f}).  The grading command has no `--jobs` "
        "option yet: 1 process.",
        "",
        "| submissions | median s | runs | s per submission | peak RSS of the children so far, "
        "MiB |",
        "| ---: | ---: | --- | ---: | ---: |",
    ]
    for size, seconds, peak in rows:
        spread = ", ".join(f"{s:.1f}" for s in seconds)
        lines.append(f"| {size} | {medians[size]:.1f} | {spread} | "
                     f"{medians[size] / size:.2f} | {peak:.0f} |")
    lines += [
        "",
        f"**Extrapolation, not a measurement**, to {TARGET_SUBMISSIONS:,} submissions, from "
        f"{basis}: about {projected:.0f} s with 1 process; an ideal split over "
        f"{TARGET_JOBS} jobs (which the command cannot do yet) would give about "
        f"{projected_two:.0f} s.  Optimistic: the larger classes here only repeat "
        f"{len(sources)} submissions, a real class has many more distinct lines.",
        f"Issue 6's target, {TARGET_SUBMISSIONS:,} submissions of about ten steps in under "
        f"{TARGET_SECONDS:.0f} s with {TARGET_JOBS} jobs: "
        + ("met by the extrapolation (not measured at 1,000, and with 1 process only)." if met
           else "**not met** (no `--jobs` option, and even a perfect 2-job split of the "
                "extrapolated time is over the target; these submissions also have fewer "
                "than ten lines)."),
        f"Load average of the machine (1, 5, 15 min) before: {load_before}, after: "
        f"{load_after}; other work on the machine inflates the figures.",
        "",
    ]
    return "\n".join(lines)


def write_section(out: Path, section: str) -> None:
    """Append ``section`` to ``out``, replacing an earlier "Grading" section."""
    text = out.read_text() if out.exists() else ""
    if f"\n{HEADING}\n" in f"\n{text}":
        text = text[:f"\n{text}".index(f"\n{HEADING}\n")]
    out.write_text(text.rstrip("\n") + "\n\n" + section if text.strip() else section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="33,100",
                        help="class sizes, comma-separated (default 33,100)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1 or args.runs < 1:
        parser.error("sizes and runs must be positive")
    section = report(sizes, args.runs)
    write_section(args.out, section)
    print(section)


if __name__ == "__main__":
    main()
