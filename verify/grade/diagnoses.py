"""Diagnoses of a submission's refuted lines: the one engine of checking
(:func:`verify.verdict.explain.explain`), with the grader's memory.  No rule lives here.

A request seen before (the same refuted pair of lines, by content: a slip that many students
make) is answered from the judge's memo or the verdict cache, so it is explained once and the
same way for each of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from verify.grade.claims import ClaimJudge
from verify.model.reading import names_of
from verify.verdict.explain import Request as Request  # re-exported: the grader builds them
from verify.verdict.explain import explain
from verify.verdict.kinds import Diagnosis


def diagnose(requests: Sequence[Request], judge: ClaimJudge,
             labels: tuple[str, ...] = ()) -> dict[str, tuple[Diagnosis, ...]]:
    """Each request's confirmed diagnoses, most specific kind first."""
    # The words name the lines' expressions in the notation's spellings: part of the key.
    keys = {r.key: judge.content_key(r, f"diagnosis|{labels!r}|{r.fallback}|"
                                        f"{names_of(r.notation)!r}") for r in requests}
    known = {r.key: found for r in requests
             if (found := judge.known_diagnoses(keys[r.key])) is not None}
    fresh = explain([r for r in requests if r.key not in known], judge, labels)
    for request in requests:
        if request.key in fresh:
            judge.keep_diagnoses(keys[request.key], fresh[request.key])
    return {r.key: known[r.key] if r.key in known else fresh[r.key] for r in requests}
