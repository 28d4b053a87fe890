"""Benchmark: the CPU time of each readable step, in one process (median, p90, max).

    .venv/bin/python bench/steps.py [FOLDER ...] [--out bench/RESULTS.md]

Every document of the folders (default ``derivations/``) is read first (reading is not
counted: it is reported apart, per document).  Then, in the order of the documents, each
readable step is checked against the readable step before it as a chain of those two steps
alone, under the document's notation (``verify.pipeline.check_document``: both engines, the
judgement, the diagnosis of a refuted step), and the process's CPU seconds for that check are
the step's.  The process's memos are kept from one step to the next, as in a run; before the
first step a small document unrelated to the folders is checked once, so that the first use
of the LaTeX parser and of JAX (their tables and caches) is not charged to the first step.
A step the reader could not read costs nothing here and is left out.  The figures replace
the section "Steps" of ``--out``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from sections import replace_section

ROOT = Path(__file__).resolve().parent.parent
HEADING = "# Steps"
TARGET_MEDIAN_MS, TARGET_P90_MS = 15.0, 60.0

WARM_UP = r"""---
symbols: {a: {}, b: {}}
---
$$ \frac{\partial}{\partial a} (a + b)^2 = 2 (a + b) = 2 a + 2 b $$
"""


@dataclass(frozen=True)
class Timed:
    document: str
    line: int
    label: str
    milliseconds: float
    status: str


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(folders: list[Path]) -> tuple[list[Timed], dict[str, float]]:
    sys.path.insert(0, str(ROOT))
    import verify
    from verify.pipeline import Options, check_document, discover, read_document

    verify.check_text(WARM_UP, cache=False)
    files, _ = discover(folders)
    documents, reading = [], {}
    for path in files:
        started = time.process_time()
        documents.append(read_document(path))
        reading[path.name] = time.process_time() - started
    options = Options()
    timed = []
    for document in documents:
        for chain in document.chains:
            before = None
            for step in chain.steps:
                if step.expr is None:
                    continue
                if before is not None:
                    pair = replace(document, chains=(replace(chain, steps=(before, step)),))
                    started = time.process_time()
                    result = check_document(pair, options)
                    spent = time.process_time() - started
                    verdict = result.chains[0].steps[-1]
                    timed.append(Timed(Path(document.path).name, step.location.line,
                                       step.label or "", spent * 1000, verdict.status.value))
                before = step
    return timed, reading


def report(folders: list[Path]) -> str:
    load_before = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    timed, reading = measure(folders)
    values = [t.milliseconds for t in timed]
    median, p90 = statistics.median(values), _percentile(values, 0.9)
    slowest = sorted(timed, key=lambda t: -t.milliseconds)[:5]
    names = ", ".join(f"`{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}`"
                      for f in folders)
    lines = [
        HEADING,
        "",
        f"`bench/steps.py` on {platform.machine()} ({os.cpu_count()} CPUs), Python "
        f"{platform.python_version()}: {len(timed)} readable steps of {names}, each checked "
        "against the readable step before it in one process (CPU milliseconds; memos kept "
        "from step to step as in a run; reading not counted).",
        "",
        "| median | p90 | max | total | targets (issue 15) |",
        "| ---: | ---: | ---: | ---: | --- |",
        f"| {median:.1f} ms | {p90:.1f} ms | {max(values):.0f} ms | "
        f"{sum(values) / 1000:.2f} s | median < {TARGET_MEDIAN_MS:.0f} ms: "
        f"{'met' if median < TARGET_MEDIAN_MS else 'not met'}; p90 < {TARGET_P90_MS:.0f} ms: "
        f"{'met' if p90 < TARGET_P90_MS else 'not met'} |",
        "",
        "The slowest steps: " + "; ".join(
            f"{t.document}:{t.line}{f' ({t.label})' if t.label else ''} {t.milliseconds:.0f} ms"
            f" ({t.status})" for t in slowest) + ".",
        "",
        f"Reading (parse + bind, CPU, per document): {sum(reading.values()):.2f} s in all. "
        f"Load average before: {load_before}, after: "
        f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="*", default=[ROOT / "derivations"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    section = report([f.resolve() for f in args.folders])
    replace_section(args.out, HEADING, section)
    print(section)


if __name__ == "__main__":
    main()
