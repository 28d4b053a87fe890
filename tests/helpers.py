"""Building blocks for tests: a standard softmax-regression notation and a one-claim checker."""

from __future__ import annotations

from typing import Any

from verify.model.verdict import DocumentResult, StepVerdict
from verify.pipeline import Options, check_document
from verify.read.encoding import encoding_from_mapping

NOTATION: dict[str, Any] = {
    "sizes": {"K": [2, 3], "N": [1, 2], "n": [2, 3]},
    "indices": {"i": "N", "k": "K", "j": "K", "m": "K", "l": "n", "c": "K"},
    "symbols": {
        "w": {"family": ["K"], "shape": ["n"]},
        "x": {"family": ["N"], "shape": ["n"]},
        "x1": {"shape": ["n"]},
        "y": {"family": ["N"], "shape": ["K"], "kind": "onehot"},
        "y1": {"shape": ["K"], "kind": "onehot"},
        "lab": {"family": ["N"], "kind": "label", "classes": "K"},
        "t": {}, "u": {}, "v": {},
        "lam": {"kind": "positive"},
        "C": {"shape": ["n", "n"]},
    },
    "definitions": {
        "z": {"index": ["k"], "body": "dot(w[k], x1)"},
        "sigma": {"params": ["v", "k"], "body": "exp(v[k]) / Sum(exp(v[m]), (m, 1, K))"},
        "p": {"index": ["k", "i"],
              "body": "exp(dot(w[k], x[i])) / Sum(exp(dot(w[m], x[i])), (m, 1, K))"},
        "L": {"body": "-1/N * Sum(y[i, k] * log(p[k, i]), (i, 1, N), (k, 1, K))"},
    },
}


def chain_document(*steps: str, where: tuple[str, ...] = (),
                   notation: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"title": "test", "notation": notation or NOTATION,
            "chains": [{"name": "c", "where": list(where),
                        "steps": [{"latex": s, "expr": s} for s in steps]}]}


def check_chain(*steps: str, where: tuple[str, ...] = (), seed: int = 0,
                notation: dict[str, Any] | None = None) -> DocumentResult:
    document = encoding_from_mapping(chain_document(*steps, where=where, notation=notation),
                                     "test.yaml")
    assert document.problems == (), document.problems
    return check_document(document, Options(seed=seed))


def last_step(*steps: str, **kwargs: Any) -> StepVerdict:
    return check_chain(*steps, **kwargs).chains[0].steps[-1]
