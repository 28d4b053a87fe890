"""Grades as plain JSON data and back, losslessly: the form in which a :class:`Grade` travels
from a grading worker process to the parent, and rests in the verdict cache.

A worker reads a student's file, which is untrusted input; a worker compromised or derailed
by it must not be able to make the parent run code, so its message is JSON (never pickle) and
:func:`grade_from_data` builds only our own frozen records from it.  Every field's type is
checked, enums are read by value, unknown keys are refused, and anything that is not a grade
of this format raises :class:`~verify.core.errors.SerializeError` (never a ``KeyError``,
``TypeError`` or ``ValueError``), so a garbled message is detected and the submission can be
recorded as an error row instead of a wrong score.  The checked document itself
(``Grade.result``) is in the one JSON form of a result (:mod:`verify.model.jsonform`, the
``--json`` form's ``document``), and every value is read by that module's readers.

Round trip: ``grade_from_data(loads(dumps(grade_data(g)))) == g``, timings included; floats
keep ``repr`` precision (NaN and infinities as the schema's ``"nan"``, ``"inf"``, ``"-inf"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verify.grade.results import (
    Credit,
    Diagnosis,
    Feedback,
    Grade,
    Kind,
    Outcome,
    Part,
    StepGrade,
)
from verify.model.jsonform import (
    FORMAT,
    check_format,
    document_data,
    document_from_data,
    enum_of,
    float_of,
    guarded,
    keyed,
    listed,
    number_data,
    number_of,
    optional_bool,
    optional_text,
    texts_of,
    typed,
)
from verify.model.verdict import DocumentResult, Status

__all__ = ["grade_data", "grade_from_data"]


# ---- to data ------------------------------------------------------------------------------
def _diagnosis(diagnosis: Diagnosis) -> dict[str, Any]:
    return {"kind": diagnosis.kind.value, "text": diagnosis.text}


def _step(step: StepGrade) -> dict[str, Any]:
    return {"number": step.number, "line": step.line, "latex": step.latex,
            "status": step.status.value, "on_track": step.on_track,
            "credit": step.credit.value, "points": number_data(float(step.points)),
            "share": number_data(float(step.share)), "message": step.message,
            "diagnoses": [_diagnosis(d) for d in step.diagnoses], "reading": step.reading,
            "feedback": None if step.feedback is None else _feedback(step.feedback)}


def _feedback(feedback: Feedback) -> dict[str, Any]:
    return {"kind": feedback.kind, "message": feedback.message,
            "penalty": number_data(float(feedback.penalty))}


def _part(part: Part) -> dict[str, Any]:
    return {"name": part.name, "points": number_data(float(part.points)),
            "maximum": number_data(float(part.maximum)), "passed": part.passed,
            "output": part.output}


def grade_data(grade: Grade) -> dict[str, Any]:
    """``grade`` as JSON-ready data (dicts, lists, strings, numbers, booleans, None).  Float
    fields are written as floats even when the grader computed an int (a rubric's ``1``), so
    the text of a grade read back is the text it was read from."""
    return {"format": FORMAT, "student": grade.student, "path": grade.path,
            "outcome": grade.outcome.value, "score": number_data(float(grade.score)),
            "maximum": number_data(float(grade.maximum)), "reason": grade.reason,
            "start_ok": grade.start_ok, "final_ok": grade.final_ok,
            "steps": [_step(s) for s in grade.steps], "parts": [_part(p) for p in grade.parts],
            "notes": list(grade.notes),
            "result": None if grade.result is None else document_data(grade.result),
            "start_diagnoses": [_diagnosis(d) for d in grade.start_diagnoses],
            "seconds": float(grade.seconds), "internal": list(grade.internal)}


# ---- from data ----------------------------------------------------------------------------
_DIAGNOSIS = frozenset({"kind", "text"})
_STEP = frozenset({"number", "line", "latex", "status", "on_track", "credit", "points",
                   "share", "message", "diagnoses", "reading", "feedback"})
_FEEDBACK = frozenset({"kind", "message", "penalty"})
_PART = frozenset({"name", "points", "maximum", "passed", "output"})
_GRADE = frozenset({"format", "student", "path", "outcome", "score", "maximum", "reason",
                    "start_ok", "final_ok", "steps", "parts", "notes", "result",
                    "start_diagnoses", "seconds", "internal"})


def _diagnosis_from(value: Any) -> Diagnosis:
    data = keyed(value, "diagnosis", _DIAGNOSIS)
    return Diagnosis(enum_of(Kind, data, "kind"), typed(data, "text", str))


def _diagnoses_from(data: Mapping[str, Any], key: str) -> tuple[Diagnosis, ...]:
    return tuple(_diagnosis_from(d) for d in listed(data, key))


def _step_from(value: Any) -> StepGrade:
    data = keyed(value, "step", _STEP)
    return StepGrade(typed(data, "number", int), typed(data, "line", int),
                     typed(data, "latex", str), enum_of(Status, data, "status"),
                     optional_bool(data, "on_track"), enum_of(Credit, data, "credit"),
                     number_of(data, "points"), number_of(data, "share"),
                     typed(data, "message", str), _diagnoses_from(data, "diagnoses"),
                     optional_text(data, "reading"), _feedback_from(data["feedback"]))


def _feedback_from(value: Any) -> Feedback | None:
    if value is None:
        return None
    data = keyed(value, "feedback", _FEEDBACK)
    return Feedback(typed(data, "kind", str), typed(data, "message", str),
                    number_of(data, "penalty"))


def _part_from(value: Any) -> Part:
    data = keyed(value, "part", _PART)
    return Part(typed(data, "name", str), number_of(data, "points"),
                number_of(data, "maximum"), typed(data, "passed", bool),
                typed(data, "output", str))


def _result_from(value: Any) -> DocumentResult | None:
    return None if value is None else document_from_data(value)


def _grade_from(data: Any) -> Grade:
    record = keyed(data, "grade", _GRADE)
    check_format(record)
    return Grade(typed(record, "student", str), typed(record, "path", str),
                 enum_of(Outcome, record, "outcome"), number_of(record, "score"),
                 number_of(record, "maximum"), typed(record, "reason", str),
                 optional_bool(record, "start_ok"), optional_bool(record, "final_ok"),
                 tuple(_step_from(s) for s in listed(record, "steps")),
                 tuple(_part_from(p) for p in listed(record, "parts")),
                 texts_of(record, "notes"), _result_from(record["result"]),
                 _diagnoses_from(record, "start_diagnoses"), float_of(record, "seconds"),
                 texts_of(record, "internal"))


def grade_from_data(data: Any) -> Grade:
    """The :class:`Grade` that :func:`grade_data` turned into ``data``; anything else raises
    :class:`~verify.core.errors.SerializeError`."""
    return guarded(_grade_from, data)
