"""Each seed's text, JSON and LaTeX outputs equal their golden files (tests/golden.py says how
they are made and regenerated)."""

from __future__ import annotations

import json

import pytest

from tests import golden
from tests.helpers import check_chain

FAST = "003_4fc6b41a1466133b"  # the quickest seed; the others run with the slow tests


def test_every_seed_has_its_golden_files() -> None:
    assert len(golden.seeds()) == 5
    kept = {path.name for path in golden.GOLDEN.iterdir()}
    assert kept == {stem + suffix for stem in golden.seeds() for suffix in golden.SUFFIXES}


@pytest.mark.parametrize("stem", [
    pytest.param(stem, marks=() if stem == FAST else pytest.mark.slow)
    for stem in golden.seeds()])
def test_outputs_equal_the_golden_files(stem: str) -> None:
    found = golden.differences(stem, golden.outputs(stem))
    assert not found, (
        "\n".join(found) + "\nIf the change is meant: .venv/bin/python -m tests.golden --update, "
        "and read the diff before committing it.")


def test_every_time_is_zero_before_rendering() -> None:
    """The golden outputs hold no time: zeroed in the result, not edited out of the text."""
    raw = check_chain("2 * t", "t + t")
    checks = [c for s in raw.all_steps() if s.evidence for c in s.evidence.checks]
    assert raw.seconds > 0 and checks and any(c.seconds > 0 for c in checks)
    quiet = golden.untimed(raw)
    assert quiet.seconds == 0
    assert all(c.seconds == 0 for s in quiet.all_steps() if s.evidence for c in s.evidence.checks)
    rendered = golden.render(quiet)
    assert rendered[".txt"].endswith("(seed 0, 0.0s)\n")
    assert json.loads(rendered[".json"])["documents"][0]["seconds"] == 0
    assert r"\textbf{Time} & 0.0 s" in rendered[".tex"]
