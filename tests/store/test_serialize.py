"""The wire and the store (verify.store.serialize, verify.store.cache): a result at rest in the
verdict cache is the one JSON form, valid against the schema; a claim's judgement comes back
equal; and an entry the current code did not write (the old wire form, damage, another
program's data) is a miss, never a verdict."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.model.test_jsonform import OLD_WIRE, SCHEMA, VALIDATOR, assert_same_kinds
from tests.store.test_cache import DOCUMENT, read, step_claims
from verify.check.claims import DocumentChecker
from verify.core.errors import SerializeError
from verify.model.verdict import DocumentResult
from verify.pipeline import Options, check_document
from verify.store.cache import VerdictCache
from verify.store.serialize import (
    dumps,
    judgement_data,
    judgement_from_data,
    loads,
    result_data,
    result_from_data,
)
from verify.verdict.combine import Judgement, judge

REFUTED = DOCUMENT.replace('"a**2"', '"a**3"')   # a^2+a = a^3 is refuted: a counterexample


def part(name: str) -> jsonschema.Draft202012Validator:
    """A validator of one part of the schema (its ``$defs``)."""
    return jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"],
                                            "$ref": f"#/$defs/{name}"})


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[DocumentResult]:
    folder = tmp_path_factory.mktemp("docs")
    found = [check_document(read(folder, text, f"{n}.yaml"), Options())
             for n, text in enumerate([DOCUMENT, REFUTED])]
    assert any(s.counterexample is not None for s in found[1].all_steps())
    return found


@pytest.fixture(scope="module")
def judgements(tmp_path_factory: pytest.TempPathFactory) -> list[Judgement]:
    """Each step's judgement as the cache stores it (judged alone and against its
    reference), for the proved and the refuted document."""
    folder, checker = tmp_path_factory.mktemp("claims"), DocumentChecker(0, 20)
    found = []
    for n, text in enumerate([DOCUMENT, REFUTED]):
        claims = step_claims(read(folder, text, f"{n}.yaml"))
        outcomes = checker.run([claim for claim, _ in claims])
        found += [judge(outcomes[c.key], 0, 20, c.before if diagnose else None)
                  for c, diagnose in claims]
    assert any(j.counterexample is not None for j in found)
    return found


def test_results_travel_as_the_one_form(results: list[DocumentResult]) -> None:
    for result in results:
        data = loads(dumps(result_data(result)))
        VALIDATOR.validate(data)
        back = result_from_data(data)
        assert back == result
        assert_same_kinds(result, back, "result")


def test_judgements_come_back_equal(judgements: list[Judgement]) -> None:
    for judgement in judgements:
        data = loads(dumps(judgement_data(judgement)))
        back = judgement_from_data(data)
        assert back == judgement
        assert_same_kinds(judgement, back, "judgement")
        part("evidence").validate(data["evidence"])
        if data["counterexample"] is not None:
            part("counterexample").validate(data["counterexample"])


def test_a_stored_result_is_a_valid_json_file_of_its_own(tmp_path: Path,
                                                        results: list[DocumentResult]) -> None:
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path) as cache:
        cache.put_result("k", results[1])
        assert cache.get_result("k") == results[1]
    with sqlite3.connect(path) as db:
        (payload,) = db.execute("SELECT payload FROM verdicts").fetchone()
    VALIDATOR.validate(json.loads(payload))


def _store(path: Path, kind: str, payload: str) -> None:
    """An entry written under the current checker's id, as if by this very code."""
    with VerdictCache(path) as cache:
        cache.db.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, 0, ?)",
                         ("k", kind, cache.checker, payload, cache._mac("k", kind, payload)))


def _judgement_with(judgements: list[Judgement], change: Any) -> str:
    data = judgement_data(next(j for j in judgements if j.counterexample is not None))
    change(data)
    return dumps(data)


def _old_judgement(data: dict[str, Any]) -> None:
    data["evidence"]["points"] = data["evidence"].pop("points_per_size")


def _swapped_sides(data: dict[str, Any]) -> None:
    example = data["counterexample"]
    example["before"], example["after"] = example["after"], example["before"]


@pytest.mark.parametrize(("why", "kind", "payload"), [
    ("a result in the old wire form", "document", dumps(OLD_WIRE)),
    ("a source result in the old wire form", "source", dumps(OLD_WIRE)),
    ("the old form with the new envelope", "document",
     dumps({"format": 1, "versions": {}, "documents": [OLD_WIRE]})),
    ("not JSON", "document", "{\"format\": 1, "),
    ("JSON of another kind", "document", "[1, 2, 3]"),
    ("a result of another format", "document", dumps({**OLD_WIRE, "format": 2})),
    ("nesting deeper than the stack", "document", "[" * 10**5 + "]" * 10**5),
])
def test_a_result_the_code_did_not_write_is_a_miss(tmp_path: Path, why: str, kind: str,
                                                    payload: str) -> None:
    path = tmp_path / "c.sqlite3"
    _store(path, kind, payload)
    with VerdictCache(path) as cache:
        assert cache.count() == 1
        assert cache.get_result("k", kind) is None


@pytest.mark.parametrize(("why", "change"), [
    ("a judgement in the old wire form", _old_judgement),
    ("a counterexample whose sides were swapped under its description", _swapped_sides),
    ("an unknown status", lambda d: d.update(status="true")),
    ("no evidence", lambda d: d.update(evidence=None)),
])
def test_a_judgement_the_code_did_not_write_is_a_miss(tmp_path: Path,
                                                       judgements: list[Judgement], why: str,
                                                       change: Any) -> None:
    path = tmp_path / "c.sqlite3"
    _store(path, "claim", _judgement_with(judgements, change))
    with VerdictCache(path) as cache:
        assert cache.get_judgement("k") is None
    with pytest.raises(SerializeError):
        judgement_from_data(loads(_judgement_with(judgements, change)))


def test_entries_of_other_code_are_dropped_on_opening(tmp_path: Path,
                                                      results: list[DocumentResult]) -> None:
    """Every entry is written under the code's fingerprint: a cache filled by the code before
    the one form (another fingerprint) is emptied, not read."""
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path, checker="1+before-the-one-form") as old:
        old.put_data("document", "k", OLD_WIRE)
    with VerdictCache(path) as current:
        assert current.count() == 0
