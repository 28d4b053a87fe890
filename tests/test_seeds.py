"""End to end over the seed encodings: every step's verdict against the expectation written
down by hand, with the reason, in tests/data/seed_expectations.yaml."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.paths import DATA, DERIVATIONS, SEEDS
from verify.model.verdict import DocumentResult, Status, StepVerdict

EXPECTATIONS: dict[str, Any] = yaml.safe_load(
    (DATA / "seed_expectations.yaml").read_text())["files"]

# "proved" by hand means the step is right: the checker must not refute it, and should prove
# it; "supported" (numeric agreement, symbolic undecided) is accepted but listed below.
ACCEPT = {"proved": {Status.PROVED}, "refuted": {Status.REFUTED},
          "unparsed": {Status.UNPARSED}, "start": {Status.START}}


def _cases() -> list[tuple[str, str, int]]:
    return [(name, chain, position)
            for name, spec in EXPECTATIONS.items()
            for chain, steps in spec["chains"].items()
            for position in range(len(steps))]


def test_every_seed_is_encoded() -> None:
    """Each seed as given (examples/seeds/) has its hand encoding and its expectations."""
    seeds = {p.stem for p in SEEDS.glob("*.md")}
    encoded = {p.stem for p in DERIVATIONS.glob("0*.yaml")}
    assert len(seeds) == 5
    assert seeds == encoded == {name.removesuffix(".yaml") for name in EXPECTATIONS}


@pytest.mark.slow
def test_no_document_level_problems(seed_results: dict[str, DocumentResult]) -> None:
    assert len(seed_results) == 5
    for name, result in seed_results.items():
        assert result.problems == (), name


def _step(result: DocumentResult, chain: str, position: int) -> StepVerdict:
    chains = {c.name: c for c in result.chains}
    assert chain in chains, f"chain {chain!r} missing from {result.path}"
    return chains[chain].steps[position]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "chain", "position"), _cases())
def test_step_verdict_matches_hand_check(seed_results: dict[str, DocumentResult], name: str,
                                         chain: str, position: int) -> None:
    spec = EXPECTATIONS[name]["chains"][chain][position]
    step = _step(seed_results[name], chain, position)
    assert step.status in ACCEPT[spec["expect"]], (
        f"{step.location}: expected {spec['expect']} ({spec.get('why', '')}), "
        f"got {step.status}: {step.message}")
    for sub_spec, sub in zip(spec.get("subclaims", []), step.subclaims, strict=True):
        assert sub.status in ACCEPT[sub_spec["expect"]], (
            f"{step.location} sub-claim: expected {sub_spec['expect']}, got {sub.status}: "
            f"{sub.message}")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "chain", "position"),
                         [c for c in _cases() if EXPECTATIONS[c[0]]["chains"][c[1]][c[2]]
                          ["expect"] == "refuted"])
def test_refuted_steps_carry_a_confirmed_counterexample(
        seed_results: dict[str, DocumentResult], name: str, chain: str, position: int) -> None:
    step = _step(seed_results[name], chain, position)
    if step.counterexample is None:  # a shape mismatch is refuted without a point
        assert "shape" in step.message
        return
    example = step.counterexample
    assert example.deviation > 1e-12
    assert example.sizes and len(example.lhs) == len(example.rhs)
    assert step.evidence is not None and step.evidence.seed == 0
