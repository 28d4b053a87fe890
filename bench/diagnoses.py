"""How many refuted steps carry a diagnosis, and is any of them wrong where the slip is known.

Checks every document of ``derivations/``, ``tests/data/real/*.md`` and
``tests/data/corpus/*.md`` (``python -m verify`` on each, in this process, no cache) and prints
each refuted step with its diagnosis, its label (``tests/data/real/labels.yaml``: true, false,
condition; ``tests/data/corpus/expected.yaml``: right, wrong) and, where the slip is known
(:data:`SLIPS`, from ``tests/data/real/README.md`` and the sources), whether the diagnosis
names it; then the fraction diagnosed.  A diagnosis on a step labelled true or right, or one
that names another slip than the known one, is wrong and counted as such.

    .venv/bin/python bench/diagnoses.py                  # this checkout
    .venv/bin/python bench/diagnoses.py --verdict-only   # the verdict's own diagnoses alone
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from verify.model.verdict import Status
from verify.pipeline import Options, check_document, read_document

ROOT = Path(__file__).resolve().parent.parent

# (file, line) -> words one of which the diagnosis of that refuted step must contain, where
# the slip is known: the README of tests/data/real ("slips kept"), the documents' comments.
# softmax_ce_zakariapz.md: the source's cases "if i = j", "if i != j" are prose, so the
# checker refutes their lines (labelled true under the case); the diagnosis must name the case.
SLIPS: dict[tuple[str, int], tuple[str, ...]] = {
    ("logreg_2nd_imathworks.md", 32): (r"a factor $\frac{1}{m}$ was lost",),
    ("tanh_questionai.md", 21): (r"this line is $\exp\left(x\right)$ times",),
    ("tanh_deeplearningai.md", 42): ("a factor $2$ was lost",),
    ("softmax_ce_zakariapz.md", 30): ("it holds only when $i = j$",),
    ("softmax_ce_zakariapz.md", 31): (r"it holds only when $i \neq j$",
                                      "it holds only when $i = j$",
                                      "$a_{i}$ is written for $a_{j}$"),
    ("lsq_techqa2383350.md", 24): ("this line is $0$",),
    ("lsq_techqa2383350.md", 28): ("this line is $0$",),
    ("tanh_emathzone.md", 35): ("this line is $0$",),
    ("tanh_emathzone.md", 38): ("this line is $0$",),
    ("000_561a27f6dc100100.yaml", 70): ("it holds only when $N = 1$ (one sample), with",),
    ("002_51a9bad641ab4da6.yaml", 165): (r"the term $-y_{j} \cdot \sigma",),
    ("002_51a9bad641ab4da6.yaml", 173): ("it holds only when $y_{j} = 0$",),
    ("frob_xa_techqa.md", 14): ("this line is the transpose of the line before",),
    # the source's second trace lost the factor before the first: "the brackets are lost"
    ("frob_norm_yusukey01.md", 58): ("the brackets are lost",),
    ("logreg_newton_imathworks.md", 22): (r"$h\left(w\right)$ is written for $h\left(x\right)$, "
                                          "and the sign of the whole line is flipped",),
    ("002_51a9bad641ab4da6.yaml", 270): ("is kept: the derivative leaves only its term $k$",),
    ("002_51a9bad641ab4da6.yaml", 196): ("$y_{j}$ is written for $y_{i,j}$",),
    ("001_a92e6727470740bd.yaml", 387): (r"a factor $\frac{1}{N}$ was lost",),
    ("001_a92e6727470740bd.yaml", 491): (r"a factor $\frac{1}{N}$ was lost",),
    ("001_a92e6727470740bd.yaml", 530): (r"a factor $\frac{1}{N}$ was lost",),
}


def documents(root: Path) -> list[Path]:
    found = sorted(p for p in (root / "derivations").iterdir()
                   if p.suffix in (".md", ".yaml", ".tex"))
    found += sorted((root / "tests/data/real").glob("*.md"))
    found += sorted((root / "tests/data/corpus").glob("*.md"))
    return [p for p in found if p.name != "README.md"]


def labels(root: Path) -> dict[tuple[str, int, str], str]:
    """(file, line, LaTeX) -> the step's label, from both label files."""
    found: dict[tuple[str, int, str], str] = {}
    for path in (root / "tests/data/real/labels.yaml", root / "tests/data/corpus/expected.yaml"):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, entry in data["files"].items():
            steps = entry.get("steps") if isinstance(entry.get("steps"), list) else \
                [s for chain in entry.get("chains", []) for s in
                 (chain if isinstance(chain, list) else [chain])]
            for step in steps:
                if isinstance(step, dict) and "line" in step and "truth" in step:
                    found[(name, int(step["line"]), str(step.get("latex", "")).strip())] = \
                        str(step["truth"])
    return found


@dataclass(frozen=True)
class Measure:
    """The figures: refuted steps, those with a diagnosis, and each refuted step's row."""

    refuted: int
    diagnosed: int
    conditions: int             # refuted steps labelled "condition" (an equation solved)
    conditions_diagnosed: int
    rows: tuple[tuple[str, int, str, str, bool], ...]   # file, line, label, diagnosis, wrong

    @property
    def wrong(self) -> list[tuple[str, int, str, str, bool]]:
        return [row for row in self.rows if row[4]]


def measure(root: Path = ROOT, verdict_only: bool = False) -> Measure:
    """Every refuted step of the documents under ``root``, its diagnosis and whether it is
    wrong against the labels and the known slips."""
    truth = labels(root)
    refuted = diagnosed = conditions = conditions_diagnosed = 0
    rows = []
    for path in documents(root):
        result = check_document(read_document(path), Options(), None,
                                diagnose=not verdict_only)
        for chain in result.chains:
            for step in chain.steps:
                if step.status is not Status.REFUTED:
                    continue
                refuted += 1
                diagnosed += bool(step.diagnosis)
                label = truth.get((path.name, step.location.line, step.latex.strip()), "?")
                if step.compared_with is not None and step.compared_with != step.index - 1:
                    label = "?"   # the label is the step's relation to the one before it
                conditions += label == "condition"
                conditions_diagnosed += label == "condition" and bool(step.diagnosis)
                slip = SLIPS.get((path.name, step.location.line))
                bad = bool(step.diagnosis) and (
                    (label in ("true", "right") and slip is None) or
                    (slip is not None and not any(words in step.diagnosis for words in slip)))
                rows.append((str(path.relative_to(root)), step.location.line, label,
                             step.diagnosis, bad))
    return Measure(refuted, diagnosed, conditions, conditions_diagnosed, tuple(rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout holding the data")
    parser.add_argument("--quiet", action="store_true", help="the figures only")
    parser.add_argument("--verdict-only", action="store_true",
                        help="only the verdict's own diagnoses, without the candidate mistakes "
                             "of verify.verdict.explain (what checking showed before the one "
                             "engine)")
    args = parser.parse_args()
    found = measure(args.root, args.verdict_only)
    if not args.quiet:
        for name, line, label, diagnosis, bad in found.rows:
            print(f"{name}:{line} [{label}] {'WRONG ' if bad else ''}{diagnosis or '-'}")
    share = found.diagnosed / found.refuted if found.refuted else 0.0
    slips = found.refuted - found.conditions
    slip_diagnosed = found.diagnosed - found.conditions_diagnosed
    slip_share = slip_diagnosed / slips if slips else 0.0
    print(f"{found.diagnosed} of {found.refuted} refuted steps carry a diagnosis "
          f"({100 * share:.0f}%); {slip_diagnosed} of the {slips} that are not a condition "
          f"(an equation the source solves) ({100 * slip_share:.0f}%); {len(found.wrong)} wrong "
          "against the labels and known slips")
    return 1 if found.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
