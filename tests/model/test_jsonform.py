"""The one JSON form of a result (verify.model.jsonform): every seed result, hand-made results
that hold what the seeds may not (non-finite values, sizes out of name order, internal errors,
sub-claims) and generated results come back equal through JSON text and validate against
verify/report/schema.json; data that is not what the writer wrote (the wire's old form, a
missing or extra key, derived fields that disagree, any value anywhere) raises
SerializeError and nothing else."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.paths import DERIVATIONS, SCHEMA_PATH
from verify.cli import main
from verify.core.errors import Location, SerializeError
from verify.model.jsonform import (
    document_data,
    document_from_data,
    result_data,
    result_from_data,
    results_data,
    results_from_data,
)
from verify.model.verdict import (
    ChainResult,
    CheckRecord,
    Counterexample,
    DocumentResult,
    Evidence,
    Status,
    StepVerdict,
)
from verify.store.serialize import dumps, loads

SCHEMA = json.loads(SCHEMA_PATH.read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def through_text(result: DocumentResult) -> DocumentResult:
    return result_from_data(loads(dumps(result_data(result))))


def assert_same_kinds(before: Any, after: Any, where: str = "value") -> None:
    """Equality is not enough: a StrEnum equals its value and an int equals its float.  Enums
    must come back as members, tuples as tuples, None and booleans as themselves, and a
    mapping's keys in their order."""
    if isinstance(before, Enum) or (dataclasses.is_dataclass(before)
                                    and not isinstance(before, type)):
        assert type(after) is type(before), where
    if dataclasses.is_dataclass(before) and not isinstance(before, type):
        for field in dataclasses.fields(before):
            assert_same_kinds(getattr(before, field.name), getattr(after, field.name),
                              f"{where}.{field.name}")
    elif isinstance(before, tuple):
        assert type(after) is tuple and len(after) == len(before), where
        for n, (b, a) in enumerate(zip(before, after, strict=True)):
            assert_same_kinds(b, a, f"{where}[{n}]")
    elif isinstance(before, Mapping):
        assert isinstance(after, Mapping) and list(after) == list(before), where
        for key in before:
            assert_same_kinds(before[key], after[key], f"{where}[{key!r}]")
    elif before is None or isinstance(before, bool):
        assert after is before, where
    elif isinstance(before, int | float):
        assert isinstance(after, int | float) and not isinstance(after, bool), where
    elif not isinstance(before, Enum):
        assert type(after) is type(before), where


def assert_round_trip(result: DocumentResult) -> None:
    back = through_text(result)
    assert back == result
    assert_same_kinds(result, back, "result")
    VALIDATOR.validate(result_data(result))
    # the bare document (a grade's) reads back alike
    assert document_from_data(loads(dumps(document_data(result)))) == result


# ---- the seeds ------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_seed_result_round_trips_and_follows_the_schema(
        seed_results: dict[str, DocumentResult]) -> None:
    assert seed_results
    for result in seed_results.values():
        assert_round_trip(result)
    steps = [s for r in seed_results.values() for s in r.all_steps()]
    # the table is worth its time only if it holds what could be lost
    assert any(s.counterexample is not None for s in steps)
    assert any(s.evidence is not None and s.evidence.checks for s in steps)
    assert {s.status for s in steps} >= {Status.START, Status.PROVED, Status.REFUTED}


# ---- hand-made results: what the seeds may lack ---------------------------------------------
CHECKS = (CheckRecord("symbolic", "different", "differ at a point", 0.125, 4),
          CheckRecord("numeric", "disagree", "", 1e-7, 12))
EVIDENCE = Evidence(3, ({"K": 2, "N": 1}, {"K": 3, "N": 1}), 20, math.inf, CHECKS,
                    ("labels one-hot", "k != j"))
# sizes out of name order: the description lists them in this order, and must again
EXAMPLE = Counterexample({"N": 2, "K": 3}, {"k": 1}, {"lab_1_is_2": 1},
                         {"w_1_1": 0.1, "lam": 2.5}, (math.inf, 1.0), (-math.inf, 2.0), 1.0,
                         -0.5, {"w_1_1": "w_{1,1}", "lam": "\\lambda"})
HERE = Location("doc.tex", 7, "eq:grad")


def _step(index: int, status: Status, **fields: Any) -> StepVerdict:
    return StepVerdict(dataclasses.replace(HERE, line=HERE.line + index), index,
                       f"x_{index}", status, f"step {index}", **fields)


SUB = _step(-1, Status.UNKNOWN, internal_error="internal error in numeric: KeyError")
STEPS = (
    _step(0, Status.START, reading="x"),
    _step(1, Status.REFUTED, compared_with=0, evidence=EVIDENCE, counterexample=EXAMPLE,
          diagnosis="sign flipped", sympy="x + 1", note="by parts", subclaims=(SUB,),
          reading="x+1"),
    _step(2, Status.SUPPORTED, compared_with=1,
          evidence=dataclasses.replace(EVIDENCE, max_deviation=-math.inf)),
    _step(3, Status.UNPARSED, compared_with=None, reading=None),
    StepVerdict(Location("other.md", 0), 4, "", Status.UNKNOWN, "",
                internal_error="internal error in symbolic: RecursionError"),
)
HAND_MADE = [
    DocumentResult("doc.tex", "Hand made", (
        ChainResult("main", STEPS, ("k != j",), False, "1 refuted"),
        ChainResult("ends", STEPS[:2], (), True, ""),
        ChainResult("empty", (), (), None, "")), 3, ({"N": 2, "K": 3},),
        ("doc.tex:2: undeclared symbol q",), 1.5, {"verify": "0.1.0", "sympy": "1.14.0"},
        ("internal error in reading: ValueError",)),
    DocumentResult("nothing.yaml", "", (), 0, ()),
]


@pytest.mark.parametrize("result", HAND_MADE, ids=[r.title or r.path for r in HAND_MADE])
def test_hand_made_result_round_trips_and_follows_the_schema(result: DocumentResult) -> None:
    assert_round_trip(result)
    back = through_text(result)
    for before, after in zip(result.all_steps(), back.all_steps(), strict=True):
        if before.counterexample is not None:
            assert after.counterexample is not None
            assert after.counterexample.describe() == before.counterexample.describe()


def test_non_finite_values_are_the_schemas_strings() -> None:
    data = result_data(HAND_MADE[0])
    example = data["documents"][0]["chains"][0]["steps"][1]["counterexample"]
    assert (example["before"], example["after"]) == (["inf", 1.0], ["-inf", 2.0])
    assert example["description"].startswith("at N=2, K=3, k=1, ")   # the sizes' own order
    assert data["documents"][0]["chains"][0]["steps"][2]["evidence"]["max_deviation"] == "-inf"
    json.dumps(data, allow_nan=False)   # strict JSON: no NaN or Infinity literal


def test_nan_comes_back_as_nan() -> None:
    """NaN equals nothing, itself included, so it is compared as NaN."""
    step = _step(1, Status.UNKNOWN, evidence=dataclasses.replace(EVIDENCE, max_deviation=math.nan),
                 counterexample=dataclasses.replace(EXAMPLE, point={"a": math.nan}))
    result = DocumentResult("n.yaml", "nan", (ChainResult("main", (step,)),), 0, ())
    data = result_data(result)
    VALIDATOR.validate(data)
    json.dumps(data, allow_nan=False)
    back = through_text(result).all_steps()[0]
    assert back.evidence is not None and back.evidence.max_deviation is not None
    assert back.counterexample is not None
    assert math.isnan(back.evidence.max_deviation) and math.isnan(back.counterexample.point["a"])


def test_internal_errors_are_the_documents_own_then_the_steps() -> None:
    document = result_data(HAND_MADE[0])["documents"][0]
    assert document["internal_errors"] == [
        "internal error in reading: ValueError",
        "doc.tex:6 (eq:grad): internal error in numeric: KeyError",
        "other.md: internal error in symbolic: RecursionError",
        "doc.tex:6 (eq:grad): internal error in numeric: KeyError"]   # the "ends" chain
    assert document["counts"]["refuted"] == 2 and document["counts"]["proved"] == 0


# ---- generated results ----------------------------------------------------------------------
NAMES = st.text(alphabet="abcKNn_12", min_size=1, max_size=5)
INTS = st.integers(-10**6, 10**6)
FLOATS = st.floats(allow_nan=False)          # infinities included
SIZES = st.dictionaries(NAMES, st.integers(1, 9), max_size=3)
TEXT = st.text(max_size=12)
MAYBE_TEXT = st.one_of(st.none(), TEXT)
EVIDENCES = st.one_of(st.none(), st.builds(
    Evidence, INTS, st.lists(SIZES, max_size=2).map(tuple), st.integers(1, 100),
    st.one_of(st.none(), FLOATS),
    st.lists(st.builds(CheckRecord, st.sampled_from(["symbolic", "numeric"]), TEXT, TEXT,
                       st.floats(0, 100), st.integers(0, 100)), max_size=2).map(tuple),
    st.lists(TEXT, max_size=2).map(tuple)))
EXAMPLES = st.one_of(st.none(), st.builds(
    Counterexample, SIZES, st.dictionaries(NAMES, INTS, max_size=2),
    st.dictionaries(NAMES, st.integers(0, 1), max_size=2),
    st.dictionaries(NAMES, FLOATS, max_size=4), st.lists(FLOATS, min_size=1, max_size=3)
    .map(tuple), st.lists(FLOATS, min_size=1, max_size=3).map(tuple), FLOATS,
    st.one_of(st.none(), FLOATS), st.dictionaries(NAMES, TEXT, max_size=2)))
LOCATIONS = st.builds(Location, TEXT, st.integers(0, 10**4), MAYBE_TEXT)
LEAVES = st.builds(StepVerdict, LOCATIONS, st.integers(-1, 50), TEXT, st.sampled_from(Status),
                   TEXT, st.one_of(st.none(), st.integers(0, 50)), EVIDENCES, EXAMPLES, TEXT,
                   TEXT, TEXT, st.just(()), MAYBE_TEXT, MAYBE_TEXT)
VERDICTS = st.builds(dataclasses.replace, LEAVES,
                     subclaims=st.lists(LEAVES, max_size=2).map(tuple))
RESULTS = st.builds(
    DocumentResult, TEXT, TEXT,
    st.lists(st.builds(ChainResult, TEXT, st.lists(VERDICTS, max_size=3).map(tuple),
                       st.lists(TEXT, max_size=2).map(tuple),
                       st.one_of(st.none(), st.booleans()), TEXT), max_size=2).map(tuple),
    INTS, st.lists(SIZES, max_size=2).map(tuple), st.lists(TEXT, max_size=2).map(tuple),
    st.floats(0, 10**4), st.dictionaries(NAMES, TEXT, max_size=2),
    st.lists(TEXT, max_size=2).map(tuple))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(RESULTS)
def test_generated_result_round_trips_and_follows_the_schema(result: DocumentResult) -> None:
    assert_round_trip(result)


# ---- the --json file ------------------------------------------------------------------------
@pytest.mark.slow
def test_the_json_file_reads_back_as_the_run(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    paths = [str(DERIVATIONS / "003_4fc6b41a1466133b.yaml"), str(tmp_path / "bad.yaml")]
    (tmp_path / "bad.yaml").write_text("title: [unclosed\n")
    main([*paths, "--json", str(target), "--quiet", "--no-cache"], io.StringIO(),
         io.StringIO())
    data = json.loads(target.read_text())
    VALIDATOR.validate(data)
    documents, versions = results_from_data(data)
    assert [d.path for d in documents] == paths and versions == data["versions"]
    assert results_data(documents, versions) == data    # the file is exactly their form


# ---- what the writer did not write ----------------------------------------------------------
# A result in the wire format before there was one form (points, lhs/rhs, location lists):
# a cache entry of it must be refused, never read with a guess.
OLD_WIRE = {"format": 1, "path": "a.yaml", "title": "t", "seed": 0, "sizes": [{"n": 2}],
            "problems": [], "seconds": 0.1, "versions": {}, "internal": [], "chains": [
                {"name": "main", "where": [], "ends_agree": None, "summary": "", "steps": [
                    {"location": ["a.yaml", 3, None], "index": 1, "latex": "a", "status":
                     "refuted", "message": "", "compared_with": 0, "diagnosis": "",
                     "sympy": "", "note": "", "subclaims": [], "reading": "a",
                     "internal_error": None,
                     "evidence": {"seed": 0, "sizes": [{"n": 2}], "points": 20,
                                  "max_deviation": 1.0, "checks": [], "assumptions": []},
                     "counterexample": {"sizes": {"n": 2}, "indices": {}, "labels": {},
                                        "point": {"a": 1.0}, "lhs": [1.0], "rhs": [2.0],
                                        "deviation": 0.5, "gap": 1.0, "names": {}}}]}]}


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    return result_data(HAND_MADE[0])


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found += _paths(value, (*prefix, n))
    return found


def _changed(data: dict[str, Any], path: tuple[Any, ...], value: Any = None,
             drop: bool = False) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    if drop:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


STEP = ("documents", 0, "chains", 0, "steps", 1)
TAMPERED: list[tuple[str, tuple[Any, ...], Any]] = [
    ("counts that are not the steps'", ("documents", 0, "counts", "refuted"), 0),
    ("a step's internal error dropped from the list", ("documents", 0, "internal_errors"),
     ["internal error in reading: ValueError"]),
    ("a description not its counterexample's", (*STEP, "counterexample", "description"),
     "everywhere: before 1, after 1"),
    ("a counterexample's value changed under its description",
     (*STEP, "counterexample", "before", 1), 3.0),
    ("an unknown status", (*STEP, "status"), "true"),
    ("a number as text", (*STEP, "counterexample", "deviation"), "1.0"),
    ("an integer beyond any float", ("documents", 0, "seconds"), 10**400),
    ("a boolean as a line", (*STEP, "line"), True),
    ("a size as a float", ("documents", 0, "sizes", 0, "N"), 2.0),
    ("another format", ("format",), 2),
    ("two documents for one result", ("documents",), [{}, {}]),
    ("versions that are not the document's", ("versions",), {"verify": "9"}),
]


@pytest.mark.parametrize(("why", "path", "value"), TAMPERED, ids=[w for w, _, _ in TAMPERED])
def test_tampered_data_is_refused(sample: dict[str, Any], why: str, path: tuple[Any, ...],
                                  value: Any) -> None:
    result_from_data(sample)    # the untouched data is fine
    with pytest.raises(SerializeError):
        result_from_data(_changed(sample, path, value))


def test_the_old_wire_form_is_refused() -> None:
    with pytest.raises(SerializeError):
        result_from_data(OLD_WIRE)
    with pytest.raises(SerializeError):
        document_from_data(OLD_WIRE)


def test_every_missing_or_extra_key_is_refused(sample: dict[str, Any]) -> None:
    # every key of a record; a key of a size combination is data (a smaller combination)
    keyed = [p for p in _paths(sample) if isinstance(p[-1], str)
             and not (len(p) >= 3 and p[-3] == "sizes")]
    assert len(keyed) > 100
    for path in keyed:
        with pytest.raises(SerializeError):
            result_from_data(_changed(sample, path, drop=True))
    for path in [(), ("documents", 0), STEP, (*STEP, "counterexample"),
                 (*STEP, "evidence"), (*STEP, "evidence", "checks", 0)]:
        with pytest.raises(SerializeError):
            result_from_data(_changed(sample, (*path, "extra"), 0))


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
              st.sampled_from(["nan", "inf", "refuted", "proved", "main"])),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(place=st.integers(min_value=0), value=JSON)
def test_any_value_anywhere_gives_a_result_or_serialize_error(
        sample: dict[str, Any], place: int, value: Any) -> None:
    paths = _paths(sample)
    try:
        result = result_from_data(_changed(sample, paths[place % len(paths)], value))
    except SerializeError:
        return
    assert isinstance(result, DocumentResult)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(JSON)
def test_arbitrary_json_raises_only_serialize_error(data: Any) -> None:
    with pytest.raises(SerializeError):
        result_from_data(data)


def test_nesting_deeper_than_the_stack_is_serialize_error(sample: dict[str, Any]) -> None:
    step: dict[str, Any] = copy.deepcopy(sample["documents"][0]["chains"][0]["steps"][0])
    for _ in range(5000):
        step = {**step, "subclaims": [step]}
    with pytest.raises(SerializeError):
        document_from_data({**sample["documents"][0], "chains": [
            {"name": "deep", "where": [], "ends_agree": None, "summary": "",
             "steps": [step]}]})
