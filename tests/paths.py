"""Where things are, for every test: the repository, its test data, the seed encodings."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
DERIVATIONS = ROOT / "derivations"
SCHEMA_PATH = ROOT / "verify" / "report" / "schema.json"
