"""Where things are, for every test: the repository, its test data, the seed encodings."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
DERIVATIONS = ROOT / "derivations"
SCHEMA_PATH = ROOT / "verify" / "report" / "schema.json"
SEEDS = ROOT / "examples" / "seeds"  # each seed as given, under a notation header


def seed_text(stem: str) -> str:
    """A seed's original text: its examples/seeds/ file after the front matter, so that line 1
    here is line 1 of the seed as given."""
    text = (SEEDS / f"{stem}.md").read_text(encoding="utf-8")
    _, found, body = text.partition("\n---\n")
    assert text.startswith("---\n") and found, f"{stem}.md: no front matter"
    return body
