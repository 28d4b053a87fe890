"""Results as plain JSON data and back, losslessly: the one format results travel in between
processes (the worker pool, a Dask cluster) and rest in (the verdict cache).

Pickle is never used for results: a cache file or a message from a worker is data, read by
:func:`result_from_data`, which builds only our own frozen dataclasses and rejects anything
else with :class:`SerializeError`.  Floats survive exactly (JSON keeps ``repr`` precision;
NaN and infinities use Python's ``NaN``/``Infinity`` tokens, which our reader accepts).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from verify.core.errors import Location, SerializeError
from verify.model.verdict import (
    ChainResult,
    CheckRecord,
    Counterexample,
    DocumentResult,
    Evidence,
    Status,
    StepVerdict,
)

if TYPE_CHECKING:   # combine imports JAX: a worker imports it only after its limits are set
    from verify.verdict.combine import Judgement

FORMAT = 1


# ---- to data ------------------------------------------------------------------------------
def _location(location: Location) -> list[Any]:
    return [location.path, location.line, location.label]


def _check(record: CheckRecord) -> dict[str, Any]:
    return {"engine": record.engine, "outcome": record.outcome, "detail": record.detail,
            "seconds": record.seconds, "cases": record.cases}


def _evidence(evidence: Evidence | None) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {"seed": evidence.seed, "sizes": [dict(s) for s in evidence.sizes],
            "points": evidence.points_per_size, "max_deviation": evidence.max_deviation,
            "checks": [_check(c) for c in evidence.checks],
            "assumptions": list(evidence.assumptions)}


def _counterexample(example: Counterexample | None) -> dict[str, Any] | None:
    if example is None:
        return None
    return {"sizes": dict(example.sizes), "indices": dict(example.indices),
            "labels": dict(example.labels), "point": dict(example.point),
            "lhs": list(example.lhs), "rhs": list(example.rhs),
            "deviation": example.deviation, "gap": example.gap, "names": dict(example.names)}


def step_data(step: StepVerdict) -> dict[str, Any]:
    return {"location": _location(step.location), "index": step.index, "latex": step.latex,
            "status": step.status.value, "message": step.message,
            "compared_with": step.compared_with, "evidence": _evidence(step.evidence),
            "counterexample": _counterexample(step.counterexample),
            "diagnosis": step.diagnosis, "sympy": step.sympy, "note": step.note,
            "subclaims": [step_data(s) for s in step.subclaims], "reading": step.reading,
            "internal_error": step.internal_error}


def _chain(chain: ChainResult) -> dict[str, Any]:
    return {"name": chain.name, "steps": [step_data(s) for s in chain.steps],
            "where": list(chain.where), "ends_agree": chain.ends_agree,
            "summary": chain.summary}


def result_data(result: DocumentResult) -> dict[str, Any]:
    return {"format": FORMAT, "path": result.path, "title": result.title,
            "chains": [_chain(c) for c in result.chains], "seed": result.seed,
            "sizes": [dict(s) for s in result.sizes], "problems": list(result.problems),
            "seconds": result.seconds, "versions": dict(result.versions),
            "internal": list(result.internal)}


def judgement_data(judgement: Judgement) -> dict[str, Any]:
    return {"format": FORMAT, "status": judgement.status.value, "message": judgement.message,
            "evidence": _evidence(judgement.evidence),
            "counterexample": _counterexample(judgement.counterexample),
            "diagnosis": judgement.diagnosis, "internal_error": judgement.internal_error}


# ---- from data ----------------------------------------------------------------------------
def _get(data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, Mapping) or key not in data:
        raise SerializeError(f"missing {key!r}")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind)):
        raise SerializeError(f"{key!r} has type {type(value).__name__}")
    return value


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _list(data: Any, key: str) -> list[Any]:
    return list(_get(data, key, list))


def _int_map(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, int) for k, v in value.items()):
        raise SerializeError("expected a mapping of names to integers")
    return dict(value)


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SerializeError(f"expected a number, got {type(value).__name__}")
    try:
        return float(value)
    except OverflowError:   # an integer beyond any float: JSON can carry one
        raise SerializeError("a number too large for a float") from None


def _texts(data: Any, key: str) -> tuple[str, ...]:
    values = _list(data, key)
    if not all(isinstance(v, str) for v in values):
        raise SerializeError(f"{key}: expected a list of texts")
    return tuple(values)


def _text_map(value: Any) -> dict[str, str]:
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise SerializeError("expected a mapping of names to texts")
    return dict(value)


def _status(value: Any) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise SerializeError(f"unknown status {value!r}") from None


def _location_from(value: Any) -> Location:
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[1], int) and isinstance(value[2], str | None)):
        raise SerializeError("bad location")
    return Location(value[0], value[1], value[2])


def _check_from(value: Any) -> CheckRecord:
    return CheckRecord(_get(value, "engine", str), _get(value, "outcome", str),
                       _get(value, "detail", str), _float(_get(value, "seconds", (int, float))),
                       _get(value, "cases", int))


def _evidence_from(data: Any) -> Evidence | None:
    if data is None:
        return None
    deviation = data.get("max_deviation") if isinstance(data, Mapping) else None
    return Evidence(_get(data, "seed", int), tuple(_int_map(s) for s in _list(data, "sizes")),
                    _get(data, "points", int), None if deviation is None else _float(deviation),
                    tuple(_check_from(c) for c in _list(data, "checks")),
                    _texts(data, "assumptions"))


def _counterexample_from(data: Any) -> Counterexample | None:
    if data is None:
        return None
    point = _get(data, "point", Mapping)
    return Counterexample(_int_map(_get(data, "sizes", Mapping)),
                          _int_map(_get(data, "indices", Mapping)),
                          _int_map(_get(data, "labels", Mapping)),
                          {str(k): _float(v) for k, v in point.items()},
                          tuple(_float(v) for v in _list(data, "lhs")),
                          tuple(_float(v) for v in _list(data, "rhs")),
                          _float(_get(data, "deviation", (int, float))),
                          _optional_float(_get(data, "gap", (int, float, type(None)))),
                          _names(data))


def _names(data: Mapping[str, Any]) -> dict[str, str]:
    """A counterexample's LaTeX names (absent from data written before there were any)."""
    names = _get(data, "names", Mapping) if "names" in data else {}
    return {str(k): _get(names, k, str) for k in names}


def _optional_float(value: Any) -> float | None:
    return None if value is None else _float(value)


def step_from_data(data: Any) -> StepVerdict:
    compared = data.get("compared_with") if isinstance(data, Mapping) else None
    if compared is not None and not isinstance(compared, int):
        raise SerializeError("bad 'compared_with'")
    return StepVerdict(_location_from(_get(data, "location", list)), _get(data, "index", int),
                       _get(data, "latex", str), _status(_get(data, "status", str)),
                       _get(data, "message", str), compared,
                       _evidence_from(data.get("evidence")),
                       _counterexample_from(data.get("counterexample")),
                       _get(data, "diagnosis", str), _get(data, "sympy", str),
                       _get(data, "note", str),
                       tuple(step_from_data(s) for s in _list(data, "subclaims")),
                       _get(data, "reading", (str, type(None))),
                       _get(data, "internal_error", (str, type(None))))


def _chain_from(data: Any) -> ChainResult:
    ends = data.get("ends_agree") if isinstance(data, Mapping) else None
    if ends is not None and not isinstance(ends, bool):
        raise SerializeError("bad 'ends_agree'")
    return ChainResult(_get(data, "name", str),
                       tuple(step_from_data(s) for s in _list(data, "steps")),
                       _texts(data, "where"), ends,
                       _get(data, "summary", str))


def _check_format(data: Any) -> None:
    if _get(data, "format", int) != FORMAT:
        raise SerializeError(f"format {data['format']!r}, expected {FORMAT}")


def result_from_data(data: Any) -> DocumentResult:
    _check_format(data)
    versions = _get(data, "versions", Mapping)
    return DocumentResult(_get(data, "path", str), _get(data, "title", str),
                          tuple(_chain_from(c) for c in _list(data, "chains")),
                          _get(data, "seed", int),
                          tuple(_int_map(s) for s in _list(data, "sizes")),
                          _texts(data, "problems"),
                          _float(_get(data, "seconds", (int, float))),
                          _text_map(versions), _texts(data, "internal"))


def judgement_from_data(data: Any) -> Judgement:
    from verify.verdict.combine import Judgement
    _check_format(data)
    evidence = _evidence_from(_get(data, "evidence", Mapping))
    assert evidence is not None
    return Judgement(_status(_get(data, "status", str)), _get(data, "message", str), evidence,
                     _counterexample_from(data.get("counterexample")),
                     _get(data, "diagnosis", str),
                     _get(data, "internal_error", (str, type(None))))


# ---- text ---------------------------------------------------------------------------------
def dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def loads(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise SerializeError(f"not JSON: {error}") from None


def result_to_json(result: DocumentResult) -> str:
    return dumps(result_data(result))


def result_from_json(text: str | bytes) -> DocumentResult:
    return result_from_data(loads(text))
