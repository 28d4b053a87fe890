"""The one JSON form of a result, both ways: what ``--json FILE`` writes, what the verdict cache
stores and what worker processes send, described by ``verify/report/schema.json``.

Writing gives plain data (dicts, lists, strings, numbers, booleans, None) with the schema's
keys; reading builds only our own frozen dataclasses from such data and refuses anything else
with :class:`~verify.core.errors.SerializeError`, never another exception: a stored entry or a
worker's message is data, and data we did not write must be a miss, never evidence.  Reading
is strict: every key the writer writes must be there and no other, every value has its type,
and the derived fields (a document's ``counts`` and ``internal_errors``, a counterexample's
``description``) must agree with what they are derived from.

Lossless: ``result_from_data(result_data(r)) == r``, through JSON text too, mapping order
included (a counterexample's description lists its sizes in their order).  Floats keep
``repr`` precision; a NaN or an infinity where a value is shown is written as the schema's
``"nan"``, ``"inf"`` or ``"-inf"``, so the text is strict JSON.

A standalone result (a cache entry, a worker's answer) is the whole ``--json`` form with one
document (:func:`result_data`); a grade embeds the bare document (:func:`document_data`).
The readers of basic values (:func:`keyed`, :func:`typed`, :func:`number_of`...) are shared
with the other stored forms (a judgement, a grade), so they all refuse alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from verify.core.errors import Location, SerializeError
from verify.model.inferred import Guessed, InferredDeclaration, InferredNotation, Undeclared
from verify.model.verdict import (
    ChainResult,
    CheckRecord,
    Counterexample,
    DocumentResult,
    Evidence,
    Status,
    StepVerdict,
)

FORMAT = 1   # the schema's "format": bumped only for a change that is not additive

_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)

# The schema's spelling of the floats JSON has no literal for.
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


# ---- to data ------------------------------------------------------------------------------
def number_data(value: float) -> float | str:
    """A float as the schema's ``number``: itself, or ``"nan"``, ``"inf"``, ``"-inf"``."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _optional_number(value: float | None) -> float | str | None:
    return None if value is None else number_data(value)


def _check(record: CheckRecord) -> dict[str, Any]:
    return {"engine": record.engine, "outcome": record.outcome, "detail": record.detail,
            "seconds": record.seconds, "cases": record.cases}


def evidence_data(evidence: Evidence | None) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {"seed": evidence.seed, "sizes": [dict(s) for s in evidence.sizes],
            "points_per_size": evidence.points_per_size,
            "max_deviation": _optional_number(evidence.max_deviation),
            "checks": [_check(c) for c in evidence.checks],
            "assumptions": list(evidence.assumptions)}


def counterexample_data(example: Counterexample | None) -> dict[str, Any] | None:
    if example is None:
        return None
    return {"sizes": dict(example.sizes), "indices": dict(example.indices),
            "labels": dict(example.labels),
            "point": {k: number_data(v) for k, v in example.point.items()},
            "before": [number_data(v) for v in example.lhs],
            "after": [number_data(v) for v in example.rhs],
            "deviation": number_data(example.deviation),
            "gap": _optional_number(example.gap),
            "names": dict(example.names), "description": example.describe()}


def step_data(step: StepVerdict) -> dict[str, Any]:
    return {"file": step.location.path, "line": step.location.line, "index": step.index,
            "label": step.label, "latex": step.latex, "status": step.status.value,
            "message": step.message, "compared_with": step.compared_with,
            "evidence": evidence_data(step.evidence),
            "counterexample": counterexample_data(step.counterexample),
            "diagnosis": step.diagnosis, "sympy": step.sympy, "note": step.note,
            "reading": step.reading, "internal_error": step.internal_error,
            "subclaims": [step_data(s) for s in step.subclaims]}


def _chain(chain: ChainResult) -> dict[str, Any]:
    return {"name": chain.name, "where": list(chain.where), "ends_agree": chain.ends_agree,
            "summary": chain.summary, "steps": [step_data(s) for s in chain.steps]}


def document_data(result: DocumentResult) -> dict[str, Any]:
    """One document: the schema's ``document``.  ``inferred`` only for a document checked
    under an inferred notation (added within format 1: absent means declared)."""
    data = {"path": result.path, "title": result.title, "seed": result.seed,
            "sizes": [dict(s) for s in result.sizes], "problems": list(result.problems),
            "seconds": result.seconds, "counts": _counts(result),
            "internal_errors": result.internal_errors(), "versions": dict(result.versions),
            "chains": [_chain(c) for c in result.chains]}
    if result.inferred is not None:
        data["inferred"] = inferred_data(result.inferred, result.path)
    return data


def inferred_data(inferred: InferredNotation, path: str) -> dict[str, Any]:
    return {"note": inferred.note(path), "partial": inferred.partial,
            "declarations": [{"section": d.section, "name": d.name, "latex": d.latex,
                              "declaration": d.declaration, "reason": d.reason,
                              "line": d.line} for d in inferred.declarations],
            "undeclared": [{"latex": u.latex, "why": u.why, "settle": u.settle,
                            "line": u.line} for u in inferred.undeclared],
            "guessed": [{"name": g.name, "latex": g.latex, "why": g.why, "settle": g.settle,
                         "line": g.line, "structural": g.structural,
                         "given": g.given}
                        for g in inferred.guessed]}


def _counts(result: DocumentResult) -> dict[str, int]:
    return {status.value: count for status, count in result.counts().items()}


def results_data(results: Iterable[DocumentResult],
                 versions: Mapping[str, str]) -> dict[str, Any]:
    """What ``--json FILE`` holds: the run's ``versions`` and every document."""
    return {"format": FORMAT, "versions": dict(versions),
            "documents": [document_data(r) for r in results]}


def result_data(result: DocumentResult) -> dict[str, Any]:
    """One result on its own (a cache entry, a worker's answer): the ``--json`` form of a run
    of that one document, under the result's own versions."""
    return results_data([result], result.versions)


# ---- reading basic values (shared by every stored form) -----------------------------------
def keyed(data: Any, what: str, keys: frozenset[str]) -> Mapping[str, Any]:
    """``data`` as a mapping with exactly ``keys``: a missing or an unexpected key means the
    data is not what our writer wrote (an old form, another program's, damage)."""
    if not isinstance(data, Mapping):
        raise SerializeError(f"{what}: expected an object, got {type(data).__name__}")
    if set(data) != keys:
        missing, extra = sorted(keys - set(data)), sorted(map(str, set(data) - keys))
        raise SerializeError(f"{what}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else []) +
            ([f"unexpected {', '.join(extra)}"] if extra else [])))
    return data


def typed(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """``data[key]``, which must be of ``kind`` (a boolean is not an integer unless ``kind``
    says ``bool``)."""
    if key not in data:
        raise SerializeError(f"missing {key!r}")
    value = data[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise SerializeError(f"{key!r} has type {type(value).__name__}")
    return value


def listed(data: Mapping[str, Any], key: str) -> list[Any]:
    return list(typed(data, key, list))


def texts_of(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = listed(data, key)
    if not all(isinstance(v, str) for v in values):
        raise SerializeError(f"{key!r}: expected a list of texts")
    return tuple(values)


def optional_bool(data: Mapping[str, Any], key: str) -> bool | None:
    value: bool | None = typed(data, key, (bool, type(None)))
    return value


def optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value: str | None = typed(data, key, (str, type(None)))
    return value


def to_float(value: Any, what: str = "value") -> float:
    """A JSON number as a float (an integer beyond any float is refused, not rounded)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SerializeError(f"{what}: expected a number, got {type(value).__name__}")
    try:
        return float(value)
    except OverflowError:
        raise SerializeError(f"{what}: a number too large for a float") from None


def float_of(data: Mapping[str, Any], key: str) -> float:
    """A plain number (a time, a score): a JSON number."""
    return to_float(typed(data, key, (int, float)), repr(key))


def number_from(value: Any, what: str = "value") -> float:
    """The schema's ``number``: a JSON number or ``"nan"``, ``"inf"``, ``"-inf"``."""
    if isinstance(value, str):
        if value not in _NONFINITE:
            raise SerializeError(f"{what}: {value[:20]!r} is not a number")
        return _NONFINITE[value]
    return to_float(value, what)


def number_of(data: Mapping[str, Any], key: str) -> float:
    return number_from(typed(data, key, (int, float, str)), repr(key))


def _optional_number_of(data: Mapping[str, Any], key: str) -> float | None:
    value = typed(data, key, (int, float, str, type(None)))
    return None if value is None else number_from(value, repr(key))


def int_map(value: Any, what: str) -> dict[str, int]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
            for k, v in value.items()):
        raise SerializeError(f"{what}: expected a mapping of names to integers")
    return dict(value)


def text_map(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise SerializeError(f"{what}: expected a mapping of names to texts")
    return dict(value)


def enum_of(kind: type[_E], data: Mapping[str, Any], key: str) -> _E:
    """An enum member by its value (never by position or name)."""
    value = typed(data, key, str)
    try:
        return kind(value)
    except ValueError:
        raise SerializeError(f"unknown {kind.__name__} {value[:20]!r}") from None


def check_format(data: Mapping[str, Any]) -> None:
    if typed(data, "format", int) != FORMAT:
        raise SerializeError(f"format {data['format']!r}, expected {FORMAT}")


def guarded(read: Callable[[Any], _T], data: Any) -> _T:
    """``read(data)``, with any exception but :class:`SerializeError` turned into one.  The
    readers check types as they go, but a hostile value can still reach Python itself
    (nesting deeper than the stack, a mapping whose keys are not texts); the contract of
    every reader here is that malformed data raises SerializeError and nothing else."""
    try:
        return read(data)
    except SerializeError:
        raise
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError,
            RecursionError) as error:
        raise SerializeError(f"malformed data: {type(error).__name__}") from None


# ---- from data ----------------------------------------------------------------------------
_CHECK = frozenset({"engine", "outcome", "detail", "seconds", "cases"})
_EVIDENCE = frozenset({"seed", "sizes", "points_per_size", "max_deviation", "checks",
                       "assumptions"})
_COUNTEREXAMPLE = frozenset({"sizes", "indices", "labels", "point", "before", "after",
                             "deviation", "gap", "names", "description"})
_STEP = frozenset({"file", "line", "index", "label", "latex", "status", "message",
                   "compared_with", "evidence", "counterexample", "diagnosis", "sympy", "note",
                   "reading", "internal_error", "subclaims"})
_CHAIN = frozenset({"name", "where", "ends_agree", "summary", "steps"})
_DOCUMENT = frozenset({"path", "title", "seed", "sizes", "problems", "seconds", "counts",
                       "internal_errors", "versions", "chains"})
_RESULTS = frozenset({"format", "versions", "documents"})
_INFERRED = frozenset({"note", "partial", "declarations", "undeclared", "guessed"})
_DECLARATION = frozenset({"section", "name", "latex", "declaration", "reason", "line"})
_UNDECLARED = frozenset({"latex", "why", "settle", "line"})
_GUESSED = frozenset({"name", "latex", "why", "settle", "line", "structural", "given"})


def _check_from(value: Any) -> CheckRecord:
    data = keyed(value, "check", _CHECK)
    return CheckRecord(typed(data, "engine", str), typed(data, "outcome", str),
                       typed(data, "detail", str), float_of(data, "seconds"),
                       typed(data, "cases", int))


def _sizes(data: Mapping[str, Any], key: str) -> tuple[dict[str, int], ...]:
    return tuple(int_map(s, repr(key)) for s in listed(data, key))


def evidence_from_data(value: Any) -> Evidence | None:
    if value is None:
        return None
    data = keyed(value, "evidence", _EVIDENCE)
    return Evidence(typed(data, "seed", int), _sizes(data, "sizes"),
                    typed(data, "points_per_size", int),
                    _optional_number_of(data, "max_deviation"),
                    tuple(_check_from(c) for c in listed(data, "checks")),
                    texts_of(data, "assumptions"))


def counterexample_from_data(value: Any) -> Counterexample | None:
    if value is None:
        return None
    data = keyed(value, "counterexample", _COUNTEREXAMPLE)
    point = typed(data, "point", Mapping)
    example = Counterexample(
        int_map(data["sizes"], "'sizes'"), int_map(data["indices"], "'indices'"),
        int_map(data["labels"], "'labels'"),
        {_text(k, "'point'"): number_from(v, "'point'") for k, v in point.items()},
        tuple(number_from(v, "'before'") for v in listed(data, "before")),
        tuple(number_from(v, "'after'") for v in listed(data, "after")),
        number_of(data, "deviation"), _optional_number_of(data, "gap"),
        text_map(data["names"], "'names'"))
    if typed(data, "description", str) != example.describe():
        raise SerializeError("a counterexample whose description is not its own")
    return example


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise SerializeError(f"{what}: expected a text")
    return value


def step_from_data(value: Any) -> StepVerdict:
    data = keyed(value, "step", _STEP)
    location = Location(typed(data, "file", str), typed(data, "line", int),
                        optional_text(data, "label"))
    return StepVerdict(location, typed(data, "index", int), typed(data, "latex", str),
                       enum_of(Status, data, "status"), typed(data, "message", str),
                       typed(data, "compared_with", (int, type(None))),
                       evidence_from_data(data["evidence"]),
                       counterexample_from_data(data["counterexample"]),
                       typed(data, "diagnosis", str), typed(data, "sympy", str),
                       typed(data, "note", str),
                       tuple(step_from_data(s) for s in listed(data, "subclaims")),
                       optional_text(data, "reading"), optional_text(data, "internal_error"))


def _chain_from(value: Any) -> ChainResult:
    data = keyed(value, "chain", _CHAIN)
    return ChainResult(typed(data, "name", str),
                       tuple(step_from_data(s) for s in listed(data, "steps")),
                       texts_of(data, "where"), optional_bool(data, "ends_agree"),
                       typed(data, "summary", str))


def _inferred_from(value: Any, path: str) -> InferredNotation:
    data = keyed(value, "inferred", _INFERRED)
    declarations = []
    for item in listed(data, "declarations"):
        entry = keyed(item, "declaration", _DECLARATION)
        declarations.append(InferredDeclaration(
            typed(entry, "section", str), typed(entry, "name", str), typed(entry, "latex", str),
            typed(entry, "declaration", str), typed(entry, "reason", str),
            typed(entry, "line", int)))
    undeclared = []
    for item in listed(data, "undeclared"):
        entry = keyed(item, "undeclared", _UNDECLARED)
        undeclared.append(Undeclared(typed(entry, "latex", str), typed(entry, "why", str),
                                     typed(entry, "settle", str), typed(entry, "line", int)))
    guessed = []
    for item in listed(data, "guessed"):
        entry = keyed(item, "guessed", _GUESSED)
        guessed.append(Guessed(typed(entry, "name", str), typed(entry, "latex", str),
                               typed(entry, "why", str), typed(entry, "settle", str),
                               typed(entry, "line", int), typed(entry, "structural", bool),
                               typed(entry, "given", bool)))
    inferred = InferredNotation(tuple(declarations), tuple(undeclared),
                                typed(data, "partial", bool), tuple(guessed))
    if typed(data, "note", str) != inferred.note(path):
        raise SerializeError("an inferred notation's note that is not its own")
    return inferred


def _document_from(value: Any) -> DocumentResult:
    inferred = isinstance(value, Mapping) and "inferred" in value
    data = keyed(value, "document", _DOCUMENT | {"inferred"} if inferred else _DOCUMENT)
    chains = tuple(_chain_from(c) for c in listed(data, "chains"))
    partial = DocumentResult(typed(data, "path", str), typed(data, "title", str), chains,
                             typed(data, "seed", int), _sizes(data, "sizes"),
                             texts_of(data, "problems"), float_of(data, "seconds"),
                             text_map(data["versions"], "'versions'"))
    # internal_errors is the document's own internal errors, then its steps': the steps'
    # are derived, so what stands before them is the document's own.
    written, derived = list(texts_of(data, "internal_errors")), partial.internal_errors()
    own = len(written) - len(derived)
    if own < 0 or written[own:] != derived:
        raise SerializeError("'internal_errors' disagree with the steps'")
    result = DocumentResult(partial.path, partial.title, chains, partial.seed, partial.sizes,
                            partial.problems, partial.seconds, partial.versions,
                            tuple(written[:own]),
                            _inferred_from(data["inferred"], partial.path) if inferred else None)
    if typed(data, "counts", Mapping) != _counts(result):
        raise SerializeError("'counts' disagree with the steps")
    return result


def document_from_data(data: Any) -> DocumentResult:
    """The :class:`DocumentResult` that :func:`document_data` turned into ``data``; anything
    else raises :class:`SerializeError`."""
    return guarded(_document_from, data)


def _results_from(value: Any) -> tuple[list[DocumentResult], dict[str, str]]:
    data = keyed(value, "results", _RESULTS)
    check_format(data)
    return ([_document_from(d) for d in listed(data, "documents")],
            text_map(data["versions"], "'versions'"))


def results_from_data(data: Any) -> tuple[list[DocumentResult], dict[str, str]]:
    """The documents and the run's versions of a ``--json`` file's data."""
    return guarded(_results_from, data)


def result_from_data(data: Any) -> DocumentResult:
    """The result that :func:`result_data` turned into ``data``; anything else (another
    format, another number of documents, versions that are not the document's own) raises
    :class:`SerializeError`."""
    documents, versions = results_from_data(data)
    if len(documents) != 1 or versions != documents[0].versions:
        raise SerializeError("not one result on its own")
    return documents[0]
