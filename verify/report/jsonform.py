"""The JSON form of results (``--json FILE``), described by ``verify/report/schema.json``."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from verify.model.verdict import (
    ChainResult,
    CheckRecord,
    Counterexample,
    DocumentResult,
    Evidence,
    StepVerdict,
)

SCHEMA_PATH = Path(__file__).with_name("schema.json")
FORMAT_VERSION = 1


def _number(value: float | None) -> float | str | None:
    if value is None:
        return None
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _check(record: CheckRecord) -> dict[str, Any]:
    return {"engine": record.engine, "outcome": record.outcome, "detail": record.detail,
            "seconds": round(record.seconds, 6), "cases": record.cases}


def _evidence(evidence: Evidence | None) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {"seed": evidence.seed, "sizes": [dict(s) for s in evidence.sizes],
            "points_per_size": evidence.points_per_size,
            "max_deviation": _number(evidence.max_deviation),
            "checks": [_check(c) for c in evidence.checks],
            "assumptions": list(evidence.assumptions)}


def _counterexample(example: Counterexample | None) -> dict[str, Any] | None:
    if example is None:
        return None
    return {"sizes": dict(example.sizes), "indices": dict(example.indices),
            "labels": dict(example.labels),
            "point": {k: _number(v) for k, v in example.point.items()},
            "before": [_number(v) for v in example.lhs],
            "after": [_number(v) for v in example.rhs],
            "deviation": _number(example.deviation), "gap": _number(example.gap),
            "names": dict(example.names), "description": example.describe()}


def step_json(step: StepVerdict) -> dict[str, Any]:
    return {"file": step.location.path, "line": step.location.line, "index": step.index,
            "label": step.label, "latex": step.latex, "status": step.status.value,
            "message": step.message, "compared_with": step.compared_with,
            "evidence": _evidence(step.evidence),
            "counterexample": _counterexample(step.counterexample),
            "diagnosis": step.diagnosis, "sympy": step.sympy, "note": step.note,
            "reading": step.reading, "internal_error": step.internal_error,
            "subclaims": [step_json(s) for s in step.subclaims]}


def _chain(chain: ChainResult) -> dict[str, Any]:
    return {"name": chain.name, "where": list(chain.where), "ends_agree": chain.ends_agree,
            "summary": chain.summary, "steps": [step_json(s) for s in chain.steps]}


def document_json(result: DocumentResult) -> dict[str, Any]:
    return {"path": result.path, "title": result.title, "seed": result.seed,
            "sizes": [dict(s) for s in result.sizes], "problems": list(result.problems),
            "seconds": round(result.seconds, 6),
            "counts": {status.value: count for status, count in result.counts().items()},
            "internal_errors": result.internal_errors(),
            "chains": [_chain(c) for c in result.chains]}


def results_json(results: Iterable[DocumentResult],
                 versions: Mapping[str, str]) -> dict[str, Any]:
    return {"format": FORMAT_VERSION, "versions": dict(versions),
            "documents": [document_json(r) for r in results]}


def write_json(path: Path, results: Iterable[DocumentResult],
               versions: Mapping[str, str]) -> None:
    path.write_text(json.dumps(results_json(results, versions), indent=2) + "\n")
