"""Write tests/data/real/labels.yaml: the NumPy labels of check_labels.py, each step placed
where the reader puts it (line and LaTeX, so that tests/test_real_corpus.py can find it).

Run from the repository root: ``.venv/bin/python -m tests.data.real.write_labels``. The truths
come from check_labels.py alone; this script only asks the reader how it splits the chains.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.data.real.check_labels import DERIVATIONS, all_labels
from verify.pipeline import Options, check_path

HERE = Path(__file__).resolve().parent


def main() -> None:
    computed = all_labels()
    files: dict[str, Any] = {}
    for name in sorted(DERIVATIONS):
        result = check_path(HERE / name, Options(seed=0))
        derivation = DERIVATIONS[name]()
        steps = []
        for ci, chain in enumerate(result.chains):
            for step in chain.steps[1:]:
                key = f"{ci}.{step.index}"
                entry = {"step": key, "line": step.location.line, "latex": step.latex,
                         **computed[name].pop(key)}
                steps.append(entry)
        for chain_id, latex in derivation.latex.items():   # rows the reader keeps as one step
            for k in range(1, len(latex)):
                steps.append({"step": f"{chain_id}.{k}", "latex": latex[k],
                              "before": latex[k - 1], **computed[name].pop(f"{chain_id}.{k}")})
        if computed[name]:
            raise SystemExit(f"{name}: labels for steps the reader does not have: "
                             f"{sorted(computed[name])}")
        files[name] = {"steps": steps}
    about = ("Labels of the steps of tests/data/real/*.md, computed by check_labels.py (NumPy, "
             "no code of verify): truth is the step's relation to the step before it (true, "
             "false, condition = holds only at the point the source solves for, scaled = the "
             "equation an earlier line sets to 0 times a constant, unchecked = "
             "one side has no value, see why); identity_with lists the earlier steps of the "
             "chain it equals at random points. Regenerate with python -m "
             "tests.data.real.write_labels; tests/test_real_labels.py checks it.")
    text = yaml.safe_dump({"about": about, "files": files}, sort_keys=False, allow_unicode=True,
                          width=100)
    (HERE / "labels.yaml").write_text(text)


if __name__ == "__main__":
    main()
