"""The ``--json FILE`` output: the one JSON form of results (:mod:`verify.model.jsonform`),
described by ``verify/report/schema.json``, written as indented text.

The file is written one document at a time (a run's results are never one string in memory),
and one document's entry is at most :data:`verify.core.limits.JSON_DOCUMENT_BYTES`: a larger
one is written with its counts (the verdicts), its problems and a problem that says its steps
are left out, never shortened in a way that could change what a step's entry says."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from verify.core.atomic import atomic_file
from verify.core.limits import JSON_DOCUMENT_BYTES
from verify.model.jsonform import document_data, results_data
from verify.model.verdict import DocumentResult

SCHEMA_PATH = Path(__file__).with_name("schema.json")
_EMPTY_LIST = "[]\n}"   # how the run's entry of no documents ends


def write_json(path: Path, results: Iterable[DocumentResult], versions: Mapping[str, str],
               *, most: int = JSON_DOCUMENT_BYTES) -> None:
    """Written whole or not at all: a killed run leaves the previous file or none.  The text
    is ``json.dumps(results_data(results, versions), indent=2)`` and a newline, whatever the
    number of documents, except for a document whose entry would exceed ``most`` bytes."""
    head = json.dumps(results_data([], versions), indent=2)
    assert head.endswith(_EMPTY_LIST)
    with atomic_file(path) as handle:
        handle.write(head[:-len(_EMPTY_LIST)] + "[")
        count = 0
        for result in results:
            entry = bounded_document_json(result, most)
            handle.write(",\n" if count else "\n")
            handle.write("\n".join("    " + line for line in entry.split("\n")))
            count += 1
        handle.write("\n  ]\n}\n" if count else "]\n}\n")


def bounded_document_json(result: DocumentResult, most: int = JSON_DOCUMENT_BYTES) -> str:
    """The document's entry as indented JSON (ASCII: its length is its size in bytes); when
    it would be larger than ``most`` bytes, the same entry without its chains, and a problem
    that says so."""
    entry = document_data(result)
    text = json.dumps(entry, indent=2)
    if len(text) <= most:
        return text
    left_out = sum(len(c.steps) for c in result.chains)
    return json.dumps({**entry, "chains": [], "problems": [*entry["problems"], (
        f"{result.path}: the JSON of its results would be {len(text)} bytes, more than the "
        f"{most} one document's may have: its {left_out} steps are left out here; the "
        "counts above are its verdicts, and the text output lists every step")]}, indent=2)
