"""The ``--json`` file is written one document at a time, with the same text as one
``json.dumps`` of the whole run, and one document's entry is bounded: a larger one keeps its
counts (the verdicts) and problems, its steps are left out with a problem that says so.

Measured (a Markdown file of ``$$ a = a $$`` displays, ``--json``, ``--no-cache``): 90,000
steps (540 kB) are refused at reading, 722 bytes of JSON (it was 187 MB and a 1.6 GB peak
before the step limit); 10,000 steps, the most a document may have, make 11 MB of JSON (about
1.1 kB a step), under the bound."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.paths import SCHEMA_PATH
from verify.api import check_text
from verify.core.limits import DOCUMENT_STEPS, JSON_DOCUMENT_BYTES
from verify.model.jsonform import results_data
from verify.model.verdict import DocumentResult, Status
from verify.report.jsonform import write_json

SCHEMA = json.loads(SCHEMA_PATH.read_text())
VERSIONS = {"derivation-verify": "0", "python": "3"}
NOTATION = "symbols: {a: {}, b: {}}"


def checked(text: str, name: str) -> DocumentResult:
    [result] = check_text(text, notation=NOTATION, name=name, cache=False).documents
    return result


@pytest.fixture(scope="module")
def results() -> list[DocumentResult]:
    return [checked("$$ a + b = b + a $$\n$$ (a + b)^2 = a^2 + b^2 $$\n", "wrong"),
            checked("$$ a = a $$\n" * 20, "long"),
            DocumentResult("broken.md", "broken", (), 0, (), ("broken.md:1: cannot read",))]


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_the_file_is_the_one_dump_of_the_run(tmp_path: Path, results: list[DocumentResult],
                                             count: int) -> None:
    target = tmp_path / "out.json"
    write_json(target, results[:count], VERSIONS)
    assert target.read_text() == json.dumps(results_data(results[:count], VERSIONS),
                                            indent=2) + "\n"


def test_a_document_above_the_bound_keeps_its_verdicts_and_says_its_steps_are_left_out(
        tmp_path: Path, results: list[DocumentResult]) -> None:
    wrong = results[0]
    whole = results_data(results, VERSIONS)["documents"]
    most = len(json.dumps(whole[0], indent=2)) + 1     # the first fits, the second does not
    assert len(json.dumps(whole[1], indent=2)) > most
    target = tmp_path / "out.json"
    write_json(target, results, VERSIONS, most=most)
    data = json.loads(target.read_text())
    jsonschema.validate(data, SCHEMA)
    first, second, third = data["documents"]
    assert first == whole[0] and third == whole[2]
    assert second["counts"] == whole[1]["counts"] and second["counts"]["proved"] == 20
    assert second["chains"] == []
    [problem] = second["problems"]
    assert problem.startswith(f"long.md: the JSON of its results would be "
                              f"{len(json.dumps(whole[1], indent=2))} bytes, more than the "
                              f"{most} one document's may have: its 40 steps are left out")
    assert {k: v for k, v in second.items() if k not in ("chains", "problems")} == \
        {k: v for k, v in whole[1].items() if k not in ("chains", "problems")}
    assert wrong.counts()[Status.REFUTED] == 1 and first["counts"]["refuted"] == 1


@pytest.mark.slow
def test_a_document_at_the_step_limit_is_written_whole(tmp_path: Path) -> None:
    result = checked("$$\na = a\n$$\n" * (DOCUMENT_STEPS // 2), "limit")
    assert result.counts()[Status.PROVED] == DOCUMENT_STEPS // 2
    target = tmp_path / "out.json"
    write_json(target, [result], VERSIONS)
    size = target.stat().st_size
    assert 5_000_000 < size < JSON_DOCUMENT_BYTES // 4      # 11 MB: far under the bound
    assert "left out" not in target.read_text()
