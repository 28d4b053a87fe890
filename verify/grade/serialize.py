"""Grades as plain JSON data and back, losslessly: the form in which a :class:`Grade` travels
from a grading worker process to the parent.

A worker reads a student's file, which is untrusted input; a worker compromised or derailed
by it must not be able to make the parent run code, so its message is JSON (never pickle) and
:func:`grade_from_data` builds only our own frozen records from it.  Every field's type is
checked, enums are read by value, unknown keys are refused, and anything that is not a grade
of this format raises :class:`~verify.store.serialize.SerializeError` (never a ``KeyError``,
``TypeError`` or ``ValueError``), so a garbled message is detected and the submission can be
recorded as an error row instead of a wrong score.  The checked document itself
(``Grade.result``) is the format of :mod:`verify.store.serialize`.

Round trip: ``grade_from_data(loads(dumps(grade_data(g)))) == g``, timings included; floats
keep ``repr`` precision (NaN and infinities as Python's JSON tokens).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from verify.core.errors import SerializeError
from verify.grade.results import Credit, Diagnosis, Grade, Kind, Outcome, Part, StepGrade
from verify.model.verdict import DocumentResult
from verify.store.serialize import (
    FORMAT,
    _check_format,
    _get,
    _list,
    _status,
    result_data,
    result_from_data,
)

__all__ = ["grade_data", "grade_from_data"]

_E = TypeVar("_E", bound=StrEnum)


# ---- to data ------------------------------------------------------------------------------
def _diagnosis(diagnosis: Diagnosis) -> dict[str, Any]:
    return {"kind": diagnosis.kind.value, "text": diagnosis.text}


def _step(step: StepGrade) -> dict[str, Any]:
    return {"number": step.number, "line": step.line, "latex": step.latex,
            "status": step.status.value, "on_track": step.on_track,
            "credit": step.credit.value, "points": float(step.points),
            "share": float(step.share), "message": step.message,
            "diagnoses": [_diagnosis(d) for d in step.diagnoses], "reading": step.reading}


def _part(part: Part) -> dict[str, Any]:
    return {"name": part.name, "points": float(part.points), "maximum": float(part.maximum),
            "passed": part.passed, "output": part.output}


def grade_data(grade: Grade) -> dict[str, Any]:
    """``grade`` as JSON-ready data (dicts, lists, strings, numbers, booleans, None).  Float
    fields are written as floats even when the grader computed an int (a rubric's ``1``), so
    the text of a grade read back is the text it was read from."""
    return {"format": FORMAT, "student": grade.student, "path": grade.path,
            "outcome": grade.outcome.value, "score": float(grade.score),
            "maximum": float(grade.maximum), "reason": grade.reason,
            "start_ok": grade.start_ok, "final_ok": grade.final_ok,
            "steps": [_step(s) for s in grade.steps], "parts": [_part(p) for p in grade.parts],
            "notes": list(grade.notes),
            "result": None if grade.result is None else result_data(grade.result),
            "start_diagnoses": [_diagnosis(d) for d in grade.start_diagnoses],
            "seconds": float(grade.seconds), "internal": list(grade.internal)}


# ---- from data ----------------------------------------------------------------------------
def _record(data: Any, what: str, keys: frozenset[str]) -> Mapping[str, Any]:
    """``data`` as a mapping with exactly ``keys``: a missing or an unexpected key means the
    message is not what :func:`grade_data` wrote."""
    if not isinstance(data, Mapping):
        raise SerializeError(f"{what}: expected an object, got {type(data).__name__}")
    if set(data) != keys:
        missing, extra = sorted(keys - set(data)), sorted(map(str, set(data) - keys))
        raise SerializeError(f"{what}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) +
            ([f"unexpected {', '.join(extra)}"] if extra else [])))
    return data


def _number(data: Mapping[str, Any], key: str) -> float:
    value = _get(data, key, (int, float))
    try:
        return float(value)
    except OverflowError:       # an integer beyond any float
        raise SerializeError(f"{key!r} is out of range") from None


def _maybe_bool(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise SerializeError(f"{key!r} has type {type(value).__name__}")
    return value


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = _list(data, key)
    if not all(isinstance(v, str) for v in values):
        raise SerializeError(f"{key!r}: expected a list of strings")
    return tuple(values)


def _enum(kind: type[_E], data: Mapping[str, Any], key: str) -> _E:
    value = _get(data, key, str)
    try:
        return kind(value)
    except ValueError:
        raise SerializeError(f"unknown {kind.__name__} {value!r}") from None


_DIAGNOSIS = frozenset({"kind", "text"})
_STEP = frozenset({"number", "line", "latex", "status", "on_track", "credit", "points",
                   "share", "message", "diagnoses", "reading"})
_PART = frozenset({"name", "points", "maximum", "passed", "output"})
_GRADE = frozenset({"format", "student", "path", "outcome", "score", "maximum", "reason",
                    "start_ok", "final_ok", "steps", "parts", "notes", "result",
                    "start_diagnoses", "seconds", "internal"})


def _diagnosis_from(value: Any) -> Diagnosis:
    data = _record(value, "diagnosis", _DIAGNOSIS)
    return Diagnosis(_enum(Kind, data, "kind"), _get(data, "text", str))


def _diagnoses_from(data: Mapping[str, Any], key: str) -> tuple[Diagnosis, ...]:
    return tuple(_diagnosis_from(d) for d in _list(data, key))


def _step_from(value: Any) -> StepGrade:
    data = _record(value, "step", _STEP)
    return StepGrade(_get(data, "number", int), _get(data, "line", int),
                     _get(data, "latex", str), _status(_get(data, "status", str)),
                     _maybe_bool(data, "on_track"), _enum(Credit, data, "credit"),
                     _number(data, "points"), _number(data, "share"),
                     _get(data, "message", str), _diagnoses_from(data, "diagnoses"),
                     _get(data, "reading", (str, type(None))))


def _part_from(value: Any) -> Part:
    data = _record(value, "part", _PART)
    return Part(_get(data, "name", str), _number(data, "points"), _number(data, "maximum"),
                _get(data, "passed", bool), _get(data, "output", str))


def _result_from(value: Any) -> DocumentResult | None:
    if value is None:
        return None
    try:
        return result_from_data(value)
    except SerializeError:
        raise
    # verify.store.serialize checks types as it reads, but a few hostile values still reach Python
    # itself (an integer too large for a float, nesting deeper than the stack): the contract
    # here is that malformed data raises SerializeError and nothing else.
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError,
            RecursionError) as error:
        raise SerializeError(f"bad 'result': {type(error).__name__}: {error}") from None


def grade_from_data(data: Any) -> Grade:
    """The :class:`Grade` that :func:`grade_data` turned into ``data``; anything else raises
    :class:`SerializeError`."""
    record = _record(data, "grade", _GRADE)
    _check_format(record)
    return Grade(_get(record, "student", str), _get(record, "path", str),
                 _enum(Outcome, record, "outcome"), _number(record, "score"),
                 _number(record, "maximum"), _get(record, "reason", str),
                 _maybe_bool(record, "start_ok"), _maybe_bool(record, "final_ok"),
                 tuple(_step_from(s) for s in _list(record, "steps")),
                 tuple(_part_from(p) for p in _list(record, "parts")),
                 _strings(record, "notes"), _result_from(record["result"]),
                 _diagnoses_from(record, "start_diagnoses"), _number(record, "seconds"),
                 _strings(record, "internal"))
