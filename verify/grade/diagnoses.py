"""Diagnoses of refuted lines: the candidate explanations that hold at the checked sizes.

Two passes keep this affordable (a refuted line has some forty candidates):

1. *screen*: every candidate of every refuted line of a submission, in one batch, at one size
   combination (each size at its largest check value, where a slip shows most), one assignment
   of the free indices (the last) and few points, by the numeric engine alone (most candidates
   are wrong, and a wrong one costs the exact test and a 50-digit confirmation of its
   counterexample in a full judgement);
2. *confirm*: the survivors again at every checked size with the full number of points.

Only a confirmed candidate becomes a diagnosis, and confirmed means ``proved``: the exact
identity test at every checked size, besides numeric agreement (a candidate that agrees only
numerically, ``supported``, is not shown).  The screen only saves time, it never decides.
A request seen before (the same refuted pair of lines, by content) is answered from the
judge's memo or the verdict cache.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from verify.check.claims import Claim
from verify.grade.candidates import Candidate, candidates
from verify.grade.claims import ClaimJudge
from verify.grade.results import Diagnosis, Kind
from verify.model.notation import Notation
from verify.model.verdict import Status

SCREEN_POINTS = 6


@dataclass(frozen=True)
class Request(Claim):
    """A refuted claim ``before == after`` to explain."""

    fallback: str = ""    # the checker's own diagnosis text, used when no candidate holds


def diagnose(requests: Sequence[Request], judge: ClaimJudge,
             labels: tuple[str, ...] = ()) -> dict[str, tuple[Diagnosis, ...]]:
    """Each request's confirmed diagnoses, most specific kind first.  A request seen before
    (the same slip, made by another student) is answered from the judge's memo."""
    keys = {r.key: judge.content_key(r, f"diagnosis|{labels!r}|{r.fallback}") for r in requests}
    known = {r.key: found for r in requests
             if (found := judge.known_diagnoses(keys[r.key])) is not None}
    fresh = _diagnose([r for r in requests if r.key not in known], judge, labels)
    for request in requests:
        if request.key in fresh:
            judge.keep_diagnoses(keys[request.key], fresh[request.key])
    return {r.key: known[r.key] if r.key in known else fresh[r.key] for r in requests}


def _diagnose(requests: Sequence[Request], judge: ClaimJudge,
              labels: tuple[str, ...]) -> dict[str, tuple[Diagnosis, ...]]:
    if not requests:
        return {}
    variants = _Variants()
    planned = {request.key: candidates(request.before, request.after, request.notation, labels)
               for request in requests}
    screen = {f"{r.key}|{n}": _claim(r, c, variants, n, screen=True)
              for r in requests for n, c in enumerate(planned[r.key])}
    screened = judge.screen(list(screen.values()), SCREEN_POINTS) if screen else {}
    survivors = [key for key, claim in screen.items() if screened[claim.key]]
    confirm = {key: _claim(_request(requests, key), _candidate(planned, key), variants,
                           int(key.rsplit("|", 1)[1]), screen=False) for key in survivors}
    confirmed = judge.judge(list(confirm.values())) if confirm else {}
    found: dict[str, list[Candidate]] = {r.key: [] for r in requests}
    for key, claim in confirm.items():
        # Confirmed means the exact test: numeric agreement alone (supported) is not enough
        # to tell a student what their mistake was.
        judgement = confirmed.get(claim.key)
        if judgement is not None and judgement.status is Status.PROVED:
            found[key.rsplit("|", 1)[0]].append(_candidate(planned, key))
    return {r.key: _ordered(found[r.key]) or _fallback(r.fallback) for r in requests}


def _request(requests: Sequence[Request], key: str) -> Request:
    owner = key.rsplit("|", 1)[0]
    return next(r for r in requests if r.key == owner)


def _candidate(planned: Mapping[str, list[Candidate]], key: str) -> Candidate:
    owner, number = key.rsplit("|", 1)
    return planned[owner][int(number)]


def _ordered(found: list[Candidate]) -> tuple[Diagnosis, ...]:
    order = list(Kind)
    unique: dict[str, Diagnosis] = {}
    for candidate in sorted(found, key=lambda c: order.index(c.kind)):
        unique.setdefault(candidate.text, Diagnosis(candidate.kind, candidate.text))
    return tuple(unique.values())


_FALLBACK_KINDS = ((re.compile(r"label indicator|label is not class|one-hot entry"),
                    Kind.LABEL_ZERO),
                   (re.compile(r"holds only when N = 1"), Kind.ONE_SAMPLE))


def _fallback(text: str) -> tuple[Diagnosis, ...]:
    """The checker's own explanation, when none of the candidates holds."""
    if not text:
        return ()
    kind = next((k for pattern, k in _FALLBACK_KINDS if pattern.search(text)), Kind.OTHER)
    return (Diagnosis(kind, text),)


class _Variants:
    """One notation object per (notation, pinned sizes, one-hot label): the checker shares
    its concretizers, and so its compiled numeric code, between claims of equal notation."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, str, str | None, bool], Notation] = {}
        self._keep: list[Notation] = []   # keeps the ids above valid during the run

    def get(self, base: Notation, sizes: Mapping[str, tuple[int, ...]], one_hot: str | None,
            screen: bool) -> Notation:
        key = (id(base), repr(sorted(sizes.items())), one_hot, screen)
        found = self._made.get(key)
        if found is None:
            found = base
            if screen:
                found = found.with_sizes({n: (max(v),) for n, v in base.sizes.items()})
            if sizes:
                found = found.with_sizes(sizes)
            if one_hot is not None:
                symbols = dict(found.symbols)
                symbols[one_hot] = replace(symbols[one_hot], kind="onehot")
                found = Notation(found.sizes, found.indices, symbols, found.definitions,
                                 found.assumptions)
            self._made[key] = found
            self._keep.append(base)
        return found


def _claim(request: Request, candidate: Candidate, variants: _Variants, number: int,
           screen: bool) -> Claim:
    notation = variants.get(request.notation, candidate.sizes, candidate.one_hot, screen)
    return Claim(f"{request.key}|{number}|{'screen' if screen else 'confirm'}",
                 request.location, candidate.before, candidate.after, notation,
                 request.where + candidate.where)
