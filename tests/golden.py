"""Golden files: each seed's three outputs, kept in tests/data/golden/ as black keeps its cases.

For every seed encoding ``derivations/<seed>.yaml`` checked with seed 0 from the repository
root, ``<seed>.txt`` is what ``python -m verify derivations/<seed>.yaml`` prints,
``<seed>.json`` what its ``--json FILE`` writes, and ``<seed>.tex`` the LaTeX of its
``--report`` (the source, not the PDF).  tests/test_golden.py compares them; after a
deliberate change of output, regenerate them and read the diff before committing it:

    .venv/bin/python -m tests.golden --update        (or: scripts/dev golden)

What depends on the machine or the day is fixed before rendering, never edited out of the
text afterwards: times are zero (the document's and every engine run's), paths are relative
to the repository root, the report's date and the versions of the installed packages are
placeholders.  Everything else is the checker's real output.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from tests.paths import DATA, DERIVATIONS, ROOT
from verify.cli import print_document
from verify.model.verdict import DocumentResult, Evidence, StepVerdict
from verify.pipeline import Options, check_path
from verify.report.jsonform import write_json
from verify.report.tex import render_document

GOLDEN = DATA / "golden"
SUFFIXES = (".txt", ".json", ".tex")
# What the command records (verify.run.settings.versions), as placeholders: the installed
# versions would change the files at every upgrade.
VERSIONS = {name: "VERSION" for name in ("derivation-verify", "sympy", "jax", "python")}
DATE = "DATE"


def seeds() -> list[str]:
    """The seed encodings, by stem: derivations/0*.yaml."""
    return sorted(path.stem for path in DERIVATIONS.glob("0*.yaml"))


def _untimed_evidence(evidence: Evidence | None) -> Evidence | None:
    if evidence is None:
        return None
    return replace(evidence, checks=tuple(replace(c, seconds=0.0) for c in evidence.checks))


def _untimed_step(step: StepVerdict) -> StepVerdict:
    return replace(step, evidence=_untimed_evidence(step.evidence),
                   subclaims=tuple(_untimed_step(s) for s in step.subclaims))


def untimed(result: DocumentResult) -> DocumentResult:
    """The result with every time zero: the document's and each engine run's."""
    chains = tuple(replace(chain, steps=tuple(_untimed_step(s) for s in chain.steps))
                   for chain in result.chains)
    return replace(result, chains=chains, seconds=0.0)


def check_seed(stem: str) -> DocumentResult:
    """The seed checked as the command does from the repository root (relative paths)."""
    with contextlib.chdir(ROOT):
        return untimed(check_path(Path("derivations") / f"{stem}.yaml", Options(seed=0)))


def render(result: DocumentResult) -> dict[str, str]:
    """The three outputs of one checked document, by suffix."""
    text = io.StringIO()
    print_document(result, text)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "results.json"
        write_json(target, [result], VERSIONS)
        json_text = target.read_text(encoding="utf-8")
    tex = render_document(result, VERSIONS, DATE)
    return {".txt": text.getvalue(), ".json": json_text, ".tex": tex}


def outputs(stem: str) -> dict[str, str]:
    rendered = render(check_seed(stem))
    for suffix, text in rendered.items():  # a path of this machine would make it not golden
        assert str(ROOT) not in text, f"{stem}{suffix} names {ROOT}"
    return rendered


def differences(stem: str, rendered: dict[str, str]) -> list[str]:
    """A unified diff per output that differs from its golden file (or is missing)."""
    found = []
    for suffix in SUFFIXES:
        path = GOLDEN / f"{stem}{suffix}"
        kept = path.read_text(encoding="utf-8") if path.is_file() else ""
        if kept != rendered[suffix]:
            found.append("".join(difflib.unified_diff(
                kept.splitlines(keepends=True), rendered[suffix].splitlines(keepends=True),
                f"{path.relative_to(ROOT)} (kept)", f"{stem}{suffix} (now)", n=2)))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=(
        "Compare the seeds' outputs with tests/data/golden/, or rewrite the golden files."))
    parser.add_argument("--update", action="store_true", help="rewrite the golden files")
    parser.add_argument("seeds", nargs="*", help="seed stems (default: every seed)")
    args = parser.parse_args(argv)
    stems = args.seeds or seeds()
    status = 0
    for stem in stems:
        rendered = outputs(stem)
        if args.update:
            GOLDEN.mkdir(parents=True, exist_ok=True)
            for suffix, text in rendered.items():
                (GOLDEN / f"{stem}{suffix}").write_text(text, encoding="utf-8")
            print(f"wrote {GOLDEN.relative_to(ROOT)}/{stem}.{{txt,json,tex}}")
            continue
        for diff in differences(stem, rendered):
            print(diff)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
