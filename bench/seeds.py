"""Benchmark: ``python -m verify derivations/`` end to end, cold and with a warm cache, per-stage
cost, and peak memory.  A script, not a test: run it on an otherwise idle machine.

    .venv/bin/python bench/seeds.py [--repeat 3] [--folder derivations] [--out bench/RESULTS.md]
                                    [--compare OTHER_CHECKOUT]

Every run below is made ``--repeat`` times, round by round (each once per round), so that
the machine's load falls on all alike; the ratios between them are the figures to read:

* baselines: ``python -c "import sympy, jax"`` (what any run of the engines pays) and
  ``python -c "import yaml"`` (what the lightest command pays), against which the cold run
  and ``--help`` / ``--version`` are quoted;
* cold: a fresh process each time, ``--no-cache`` (imports, worker start-up and every check);
  with ``--jobs 1`` and ``--jobs 2``; with ``--compare``, the other checkout's cold
  ``--jobs 2`` run too (a change's cost, side by side);
* warm: a fresh process each time on a cache filled by one earlier run (``--cache``): every
  document is found by its bytes, no worker starts;
* stages: in this process, per document: reading (parse + bind), then the symbolic and
  numeric engines' seconds as each step's evidence records them; "other" is the rest of the
  check (planning, concretizing, judging);
* memory: the peak resident set of the largest process of each run (the workers included),
  and of the in-process stage run.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil  # a dependency of distributed
from sections import replace_section

ROOT = Path(__file__).resolve().parent.parent
HEADING = "# Benchmarks: the seed derivations"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float


def _largest_rss(process: psutil.Process) -> int:
    """The largest resident set among the process and its descendants (the workers)."""
    largest = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            largest = max(largest, member.memory_info().rss)
    return largest


def run_cli(args: list[str], root: Path = ROOT) -> Run:
    """One fresh ``python -m verify`` process (the checkout at ``root``); its wall time and
    the peak RSS of its largest process (sampled every 50 ms)."""
    return run_python(["-m", "verify", *args, "--quiet"], root)


def run_python(args: list[str], root: Path = ROOT) -> Run:
    """One fresh ``python ARGS`` process in ``root``: wall time, peak RSS of its largest
    process."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], cwd=root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        peak = max(peak, _largest_rss(watched))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stderr = child.stderr.read() if child.stderr else ""
    if child.returncode not in (0, 1, 2):
        raise RuntimeError(f"verify failed ({child.returncode}): {stderr[-2000:]}")
    return Run(seconds, peak / 2**20)


def interleaved(plans: dict[str, Callable[[], Run]], times: int) -> dict[str, list[Run]]:
    """Each plan run ``times`` times, round by round (every plan once per round), so that a
    change of the machine's load falls on all of them alike: their ratios are what to read."""
    runs: dict[str, list[Run]] = {name: [] for name in plans}
    for _ in range(times):
        for name, plan in plans.items():
            runs[name].append(plan())
    return runs


@dataclass(frozen=True)
class Stages:
    document: str
    steps: int
    read: float
    check: float
    symbolic: float
    numeric: float

    @property
    def other(self) -> float:
        return max(0.0, self.check - self.symbolic - self.numeric)


def stages(folder: Path) -> list[Stages]:
    from verify.pipeline import Options, check_document, discover, read_document
    files, _ = discover([folder])
    rows = []
    for path in files:
        started = time.perf_counter()
        document = read_document(path)
        read = time.perf_counter() - started
        started = time.perf_counter()
        result = check_document(document, Options())
        check = time.perf_counter() - started
        records = [r for s in result.all_steps() for v in (s, *s.subclaims)
                   if v.evidence is not None for r in v.evidence.checks]
        rows.append(Stages(path.name, document.step_count, read, check,
                           sum(r.seconds for r in records if r.engine == "symbolic"),
                           sum(r.seconds for r in records if r.engine == "numeric")))
    return rows


def cached_claim_ms(folder: Path, scratch: Path, rounds: int = 5) -> tuple[float, int]:
    """Milliseconds per claim served by the claim-level cache (verify.pipeline.judge_claims):
    every pair of consecutive readable steps of every document, checked once, then looked up
    ``rounds`` times.  This is the cost a cached step adds once the pipeline uses the cache."""
    from verify.check.claims import Claim, DocumentChecker
    from verify.pipeline import discover, judge_claims, read_document
    from verify.store.cache import VerdictCache
    claims: list[tuple[Claim, bool]] = []
    for path in discover([folder])[0]:
        document = read_document(path)
        for chain in document.chains:
            readable = [s for s in chain.steps if s.expr is not None]
            for number, (before, after) in enumerate(itertools.pairwise(readable)):
                assert before.expr is not None and after.expr is not None
                claims.append((Claim(f"{path.name}:{chain.name}#{number}", after.location,
                                     before.expr, after.expr, document.notation_of(chain),
                                     chain.where), True))
    with VerdictCache(scratch / "claims.sqlite3") as cache:
        judge_claims(claims, DocumentChecker(0, 20), cache)
        started = time.perf_counter()
        for _ in range(rounds):
            judge_claims(claims, DocumentChecker(0, 20), cache)
        seconds = time.perf_counter() - started
    return 1000 * seconds / (rounds * max(1, len(claims))), len(claims)


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def _load() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


COLD1, COLD2, WARM = ("cold, --jobs 1, --no-cache", "cold, --jobs 2, --no-cache",
                      "warm cache (every document cached)")
VERSION, HELP = "start-up only (`--version`)", "`--help`"
HEAVY, YAML = '`python -c "import sympy, jax"`', '`python -c "import yaml"`'
COMPARED = "the other checkout: cold, --jobs 2, --no-cache"


def report(folder: Path, times: int, compare: Path | None = None) -> str:
    load_before = _load()
    with tempfile.TemporaryDirectory() as scratch:
        cache = str(Path(scratch) / "verdicts.sqlite3")
        target = str(folder.resolve())
        run_cli([target, "--cache", cache])          # fills the cache
        plans: dict[str, Callable[[], Run]] = {
            HEAVY: lambda: run_python(["-c", "import sympy, jax"]),
            COLD2: lambda: run_cli([target, "--no-cache", "--jobs", "2"]),
            COLD1: lambda: run_cli([target, "--no-cache", "--jobs", "1"]),
            WARM: lambda: run_cli([target, "--cache", cache]),
            VERSION: lambda: run_cli(["--version"]),
            HELP: lambda: run_cli(["--help"]),
            YAML: lambda: run_python(["-c", "import yaml"]),
        }
        if compare is not None:
            plans[COMPARED] = lambda: run_cli([target, "--no-cache", "--jobs", "2"], compare)
        runs = interleaved(plans, times)
        per_claim, claim_count = cached_claim_ms(folder, Path(scratch))
    cold1, cold2, warm = runs[COLD1], runs[COLD2], runs[WARM]
    rows = stages(folder)
    in_process_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steps = sum(r.steps for r in rows)
    lines = [
        HEADING,
        "",
        f"`{Path(sys.argv[0]).name}` on {platform.machine()}, Python "
        f"{platform.python_version()}, {len(rows)} documents, {steps} steps, medians of "
        f"{times} runs (wall seconds, fresh process each).",
        "",
        "| run | median s | runs | peak RSS of largest process, MiB |",
        "| --- | ---: | --- | ---: |",
    ]
    for name, measured in runs.items():
        spread = ", ".join(f"{r.seconds:.2f}" for r in measured)
        lines.append(f"| {name} | {median(measured):.2f} | {spread} | "
                     f"{max(r.peak_mib for r in measured):.0f} |")
    heavy, light = median(runs[HEAVY]), median(runs[YAML])
    lines += [
        "",
        f"Ratios (medians of the same rounds): cold --jobs 2 / {HEAVY} = "
        f"{median(cold2) / heavy:.1f}× (issue 15's target: 2.5×); cold --jobs 1 / {HEAVY} = "
        f"{median(cold1) / heavy:.1f}×; `--help` / {YAML} = {median(runs[HELP]) / light:.1f}× "
        f"and `--version` / {YAML} = {median(runs[VERSION]) / light:.1f}× (target: 3×); "
        f"cold --jobs 1 / --jobs 2 = {median(cold1) / median(cold2):.2f}; "
        f"cold / warm = {median(cold1) / median(warm):.1f}.  A warm run is start-up (the "
        "parent imports neither SymPy nor JAX) plus hashing each file and one SQLite lookup "
        "per document; no worker is started.",
    ]
    if compare is not None:
        lines.append(f"The other checkout ({compare}) against this one, cold --jobs 2: "
                     f"{median(runs[COMPARED]) / median(cold2):.2f}× this one's time.")
    lines += [
        f"Load average of the machine (1, 5, 15 min) before: {load_before}, after: "
        f"{_load()}; other work on the machine inflates the cold figures.",
        "",
        f"Claim-level cache (`verify.pipeline.judge_claims`, {claim_count} claims between "
        f"consecutive steps, looked up again after one check): {per_claim:.2f} ms per cached "
        "claim.",
        "",
        "Per stage, in one process (seconds; symbolic and numeric as the evidence records "
        "them, other = planning, concretizing, judging):",
        "",
        "| document | steps | read | check | symbolic | numeric | other |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {r.document} | {r.steps} | {r.read:.2f} | {r.check:.2f} | "
                     f"{r.symbolic:.2f} | {r.numeric:.2f} | {r.other:.2f} |")
    total = Stages("total", steps, *(sum(getattr(r, f) for r in rows)
                                      for f in ("read", "check", "symbolic", "numeric")))
    lines.append(f"| **total** | {steps} | {total.read:.2f} | {total.check:.2f} | "
                 f"{total.symbolic:.2f} | {total.numeric:.2f} | {total.other:.2f} |")
    lines += ["", f"Peak RSS of the in-process stage run: {in_process_peak:.0f} MiB.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=ROOT / "derivations")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--compare", type=Path, default=None,
                        help="another checkout whose cold --jobs 2 run joins every round")
    args = parser.parse_args()
    text = report(args.folder, args.repeat, args.compare)
    replace_section(args.out, HEADING, text)
    print(text)


if __name__ == "__main__":
    main()
