"""The ``--json FILE`` output: the one JSON form of results (:mod:`verify.model.jsonform`),
described by ``verify/report/schema.json``, written as indented text."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from verify.core.atomic import write_text_atomic
from verify.model.jsonform import results_data
from verify.model.verdict import DocumentResult

SCHEMA_PATH = Path(__file__).with_name("schema.json")


def write_json(path: Path, results: Iterable[DocumentResult],
               versions: Mapping[str, str]) -> None:
    """Written whole or not at all: a killed run leaves the previous file or none."""
    write_text_atomic(path, json.dumps(results_data(results, versions), indent=2) + "\n")
