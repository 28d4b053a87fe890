"""Shared fixtures: the repository's paths and the seed results, computed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.pipeline import Options, check_path
from verify.verdict import DocumentResult

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seed_results() -> dict[str, DocumentResult]:
    """Every seed encoding checked once with seed 0 (the expensive part of the suite)."""
    return {path.name: check_path(path, Options(seed=0))
            for path in sorted(DERIVATIONS.glob("0*.yaml"))}
