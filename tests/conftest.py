"""Shared fixtures: the repository's paths and the seed results, computed once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import DERIVATIONS
from verify.model.verdict import DocumentResult
from verify.pipeline import Options, check_path


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The commands' default verdict cache, for the tests: a fresh file of their own, never
    the user's (which a developer's earlier runs have filled)."""
    path = tmp_path_factory.mktemp("cache") / "verdicts.sqlite3"
    before = os.environ.get("DERIVATION_VERIFY_CACHE")
    os.environ["DERIVATION_VERIFY_CACHE"] = str(path)
    yield path
    if before is None:
        del os.environ["DERIVATION_VERIFY_CACHE"]
    else:
        os.environ["DERIVATION_VERIFY_CACHE"] = before


@pytest.fixture(scope="session")
def seed_results() -> dict[str, DocumentResult]:
    """Every seed encoding checked once with seed 0 (the expensive part of the suite)."""
    return {path.name: check_path(path, Options(seed=0))
            for path in sorted(DERIVATIONS.glob("0*.yaml"))}
