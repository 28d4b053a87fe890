"""Real derivations copied verbatim from public pages (tests/data/corpus/, each with its source
address), every step's truth judged by hand in tests/data/corpus/expected.yaml.

Checked here: no step the tool passes (proved, supported) is wrong; no step it refutes is right;
each document decides at least as many steps as it did when the corpus was audited (a floor, so
that a regression of the reader shows). The false verdicts the audit found are listed (flag
``false refutation`` or ``false pass``) and run as strict expected failures: when the reader is
fixed they pass, the test says so, and expected.yaml is to be brought up to date (the step's
status, the flag removed).

A step is found in expected.yaml by its line, its LaTeX and, when the same LaTeX stands twice on
one line, its occurrence; a step that is decided but not found there (the reader now splits or
joins chains differently) fails until its truth is written down.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
import yaml

import verify
from tests.paths import DATA

CORPUS = DATA / "corpus"
EXPECTED: dict[str, Any] = yaml.safe_load((CORPUS / "expected.yaml").read_text())["files"]
PASSING = {"proved", "supported"}
DECIDED = PASSING | {"refuted"}
KNOWN = {"false refutation", "false pass"}
# The fast tier checks one document of each kind (regression, sigmoid, softmax, tanh).
FAST = {"linreg_weirme.md", "sigmoid_heaton.md", "softmax_ce_bieber.md", "tanh_deeplearningai.md"}


def _speed(name: str) -> tuple[pytest.MarkDecorator, ...]:
    return () if name in FAST else (pytest.mark.slow,)


DOCUMENTS = [pytest.param(name, marks=_speed(name)) for name in sorted(EXPECTED)]


@cache
def _result(name: str) -> verify.DocumentResult:
    path = CORPUS / name
    return verify.check_text(path.read_text(encoding="utf-8"), name=path.stem, seed=0,
                             cache=False).document


def _key(entry: dict[str, Any]) -> tuple[int, str, int]:
    return (entry["line"], entry["latex"], entry.get("occurrence", 1))


def _steps(name: str) -> list[tuple[tuple[int, str, int], Any]]:
    """Every step of the document today, keyed as in expected.yaml."""
    seen: dict[tuple[int, str], int] = {}
    keyed = []
    for chain in _result(name).chains:
        for step in chain.steps:
            spot = (step.location.line, step.latex)
            seen[spot] = seen.get(spot, 0) + 1
            keyed.append(((spot[0], spot[1], seen[spot]), step))
    return keyed


def _expected(name: str) -> dict[tuple[int, str, int], dict[str, Any]]:
    return {_key(entry): entry for entry in EXPECTED[name]["chains"]}


def test_every_corpus_document_is_audited() -> None:
    assert {p.name for p in CORPUS.glob("*.md")} == set(EXPECTED)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_false_verdict(name: str) -> None:
    """(a) nothing passed is wrong, (b) nothing refuted is right, apart from the known ones."""
    expected = _expected(name)
    bad = []
    for key, step in _steps(name):
        status = step.status.value
        entry = expected.get(key)
        if entry is None:
            if status in DECIDED:
                bad.append(f"{step.location}: {status}, not audited (re-judge it in expected.yaml)")
            continue
        if entry.get("flag") in KNOWN:
            continue  # test_known_false_verdicts
        if status in PASSING and entry["truth"] == "wrong":
            bad.append(f"{step.location} {entry['step']}: FALSE PASS ({status}) of a wrong step: "
                       f"{entry.get('note', '')}")
        if status == "refuted" and entry["truth"] == "right":
            bad.append(f"{step.location} {entry['step']}: false refutation of a right step: "
                       f"{step.message}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_decided_floor(name: str) -> None:
    """(c) at least as many steps decided as when the corpus was audited."""
    decided = sum(1 for _, step in _steps(name) if step.status.value in DECIDED)
    assert decided >= EXPECTED[name]["decided_floor"], (
        f"{name}: {decided} steps decided, {EXPECTED[name]['decided_floor']} at the audit")


def _known() -> list[Any]:
    return [pytest.param(name, _key(entry), id=f"{name}:{entry['step']}",
                         marks=(pytest.mark.xfail(strict=True, reason=entry.get("note", "")),
                                *_speed(name)))
            for name, spec in EXPECTED.items()
            for entry in spec["chains"] if entry.get("flag") in KNOWN]


@pytest.mark.parametrize(("name", "key"), _known())
def test_known_false_verdicts(name: str, key: tuple[int, str, int]) -> None:
    """A false verdict the audit found: expected to fail until the reader is fixed."""
    entry = _expected(name)[key]
    steps = dict(_steps(name))
    assert key in steps, f"{name}: the step {entry['step']} is no longer read as one step"
    status = steps[key].status.value
    if entry["truth"] == "right":
        assert status != "refuted", steps[key].message
    else:
        assert status not in PASSING, steps[key].message
