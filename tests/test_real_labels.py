"""The labels of tests/data/real/labels.yaml are what the independent NumPy checks compute.

tests/data/real/check_labels.py evaluates both sides of every step of the real derivations at
random points (derivatives by central differences, integrals by trapezoid sums; no code of
`verify`). This test recomputes them and compares with the file, so a label written by hand,
or a check changed without regenerating the file, fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.data.real.check_labels import DERIVATIONS, labels
from tests.paths import DATA

REAL = DATA / "real"
LABELS: dict[str, Any] = yaml.safe_load((REAL / "labels.yaml").read_text())["files"]
TRUTHS = {"true", "false", "condition", "scaled", "unchecked"}


def test_every_derivation_is_labelled_and_checked() -> None:
    documents = {p.name for p in REAL.glob("*.md") if p.name != "README.md"}
    assert documents == set(LABELS) == set(DERIVATIONS)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_labels_are_what_numpy_computes(name: str) -> None:
    computed = labels(DERIVATIONS[name]())
    written = {entry["step"]: entry for entry in LABELS[name]["steps"]}
    assert set(written) == set(computed), name
    for step, entry in computed.items():
        stored = written[step]
        assert stored["truth"] in TRUTHS
        assert (stored["truth"], stored["identity_with"], stored["comparable"]) == (
            entry["truth"], entry["identity_with"], entry["comparable"]), f"{name} {step}"
        assert stored.get("why") == entry.get("why"), f"{name} {step}"


@pytest.mark.parametrize("name", sorted(LABELS))
def test_unchecked_steps_say_why(name: str) -> None:
    for entry in LABELS[name]["steps"]:
        assert (entry["truth"] == "unchecked") == bool(entry.get("why")), f"{name} {entry['step']}"
