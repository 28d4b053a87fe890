"""The wire and the store: results, judgements and grades as JSON text, between processes (the
worker pool, a Dask cluster) and at rest (the verdict cache).

A result's data is its one JSON form, :mod:`verify.model.jsonform` (the ``--json`` form,
described by ``verify/report/schema.json``); this module adds the text (:func:`dumps`,
:func:`loads`) and a claim's :class:`~verify.verdict.combine.Judgement`, whose evidence and
counterexample are written as a result's are.  Pickle is never used: a cache entry or a
worker's message is data, read only into our own frozen dataclasses, and anything else
raises :class:`~verify.core.errors.SerializeError` (a miss, never evidence).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from verify.core.errors import SerializeError
from verify.model.jsonform import (
    FORMAT,
    check_format,
    counterexample_data,
    counterexample_from_data,
    enum_of,
    evidence_data,
    evidence_from_data,
    guarded,
    keyed,
    optional_text,
    result_data,
    result_from_data,
    typed,
)
from verify.model.verdict import Status

if TYPE_CHECKING:   # combine imports JAX: a worker imports it only after its limits are set
    from verify.verdict.combine import Judgement

__all__ = ["FORMAT", "dumps", "judgement_data", "judgement_from_data", "loads",
           "result_data", "result_from_data"]


# ---- a claim's judgement (the cache's ``claim`` entries) ----------------------------------
def judgement_data(judgement: Judgement) -> dict[str, Any]:
    return {"format": FORMAT, "status": judgement.status.value, "message": judgement.message,
            "evidence": evidence_data(judgement.evidence),
            "counterexample": counterexample_data(judgement.counterexample),
            "diagnosis": judgement.diagnosis, "internal_error": judgement.internal_error}


_JUDGEMENT = frozenset({"format", "status", "message", "evidence", "counterexample",
                        "diagnosis", "internal_error"})


def _judgement_from(value: Any) -> Judgement:
    from verify.verdict.combine import Judgement
    data = keyed(value, "judgement", _JUDGEMENT)
    check_format(data)
    evidence = evidence_from_data(typed(data, "evidence", Mapping))   # never None here
    assert evidence is not None
    return Judgement(enum_of(Status, data, "status"), typed(data, "message", str), evidence,
                     counterexample_from_data(data["counterexample"]),
                     typed(data, "diagnosis", str), optional_text(data, "internal_error"))


def judgement_from_data(data: Any) -> Judgement:
    """The judgement :func:`judgement_data` turned into ``data``; else SerializeError."""
    return guarded(_judgement_from, data)


# ---- text ---------------------------------------------------------------------------------
def dumps(data: Mapping[str, Any]) -> str:
    """Compact JSON text, keys in the order written: a mapping's order is part of a result
    (a counterexample lists its sizes in theirs), and the same data gives the same text."""
    return json.dumps(data, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise SerializeError(f"not JSON: {error}") from None
