"""The diagnosis engine: why a refuted step is wrong, for checking documents and grading alike.

Two sources, one set of rules:

1. the verdict's own analysis of the step's checked cases (:mod:`verify.verdict.diagnose`: a
   constant factor of any rational value or a size, "it holds only when ..."), already in the
   judgement;
2. candidate mistakes (:mod:`verify.verdict.candidates`: a lost factor, a dropped, extra,
   doubled or sign-flipped term, a missing chain-rule factor or product-rule term, an index
   written for another, a transpose missing, an assumption), each a claim that holds exactly
   when the explanation is right, checked in two passes that keep this affordable (a refuted
   step has some fifty candidates):

   * *screen*: every candidate of every request, in one batch, at one size combination (each
     size at its largest check value, where a slip shows most), one assignment of the free
     indices (the last) and few points, by the numeric engine alone;
   * *confirm*: the survivors again at every checked size with the full number of points.

Only a confirmed candidate becomes a diagnosis, and confirmed means ``proved``: the exact
identity test at every checked size, besides numeric agreement (a candidate that agrees only
numerically, ``supported``, is not shown).  The screen only saves time, it never decides, and
nothing here changes a verdict: the engine reads refuted steps and writes words.

The claims are run by a :class:`Runner`: :class:`CheckerRunner` here (the checker's engines
and :func:`verify.verdict.combine.judge`), or one that adds a cache above (the pipeline's, the
grader's :class:`verify.grade.claims.ClaimJudge`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import sympy as sp

from verify.check.claims import Claim, DocumentChecker
from verify.model.notation import Notation
from verify.model.verdict import Status
from verify.verdict.candidates import Candidate, candidates
from verify.verdict.combine import Judgement, judge, numeric_agreement
from verify.verdict.kinds import CONDITIONS, Diagnosis, Kind, diagnoses_of

SCREEN_POINTS = 6
SCREEN_ALONE = 64   # candidates screened again alone when their batch failed
CONFIRM_ALONE = 8   # survivors judged again alone when undecided in their batch (costlier)


@dataclass(frozen=True)
class Request(Claim):
    """A refuted claim ``before == after`` to explain."""

    fallback: str = ""    # the verdict's own diagnosis text (the engine's first source)
    # expressions the document sets to 0 before the step (a chain with a line 0), with their
    # lines, nearest first: an equation being solved explains a step that is no identity
    zeros: tuple[tuple[sp.Expr, int], ...] = ()


class Runner(Protocol):
    def judge(self, claims: Sequence[Claim], points: int | None = None
              ) -> Mapping[str, Judgement]: ...

    def screen(self, claims: Sequence[Claim], points: int) -> Mapping[str, bool]: ...


class CheckerRunner:
    """Claims judged by the checker's engines, each content once per runner (no cache)."""

    def __init__(self, seed: int, points: int) -> None:
        self.seed, self.points = seed, points

    def judge(self, claims: Sequence[Claim], points: int | None = None
              ) -> dict[str, Judgement]:
        points = points or self.points
        outcomes = DocumentChecker(self.seed, points).run(list(claims)) if claims else {}
        return {key: judge(outcome, self.seed, points) for key, outcome in outcomes.items()}

    def screen(self, claims: Sequence[Claim], points: int) -> dict[str, bool]:
        return screen(claims, self.seed, points)


def screen(claims: Sequence[Claim], seed: int, points: int) -> dict[str, bool]:
    """Every claim's numeric agreement by its key, with the numeric engine alone at ``points``
    points and one free-index assignment per size combination (the last): which candidates
    deserve a full judgement.  Never a verdict: a candidate that holds passes this screen,
    and a candidate that passes is then judged in full."""
    if not claims:
        return {}
    checker = DocumentChecker(seed, points, assignments_per_size=1)
    outcomes = checker.run(list(claims), symbolic=False)
    # One claim the numeric engine cannot evaluate fails the batch it shares with others (a
    # derivative by an intermediate it cannot name): those are screened again one by one.
    failed = [c for c in claims if outcomes[c.key].numeric_error is not None]
    if len(claims) > 1:
        for claim in failed[:SCREEN_ALONE]:
            outcomes[claim.key] = checker.run([claim], symbolic=False)[claim.key]
    return {key: numeric_agreement(outcome) for key, outcome in outcomes.items()}


def explain(requests: Sequence[Request], runner: Runner, labels: tuple[str, ...] = (),
            deadline: float | None = None) -> dict[str, tuple[Diagnosis, ...]]:
    """Each request's confirmed diagnoses, most specific kind first: the candidates the exact
    test proves, else the verdict's own (``fallback``).  A kind that only says where the step
    holds ("only when $N = 1$") is left out when one naming the slip holds.  Past
    ``deadline`` (``time.monotonic()``) after the screen, the verdict's own words alone."""
    # A line that is 0 states a condition to solve (a gradient set to zero) as often as it
    # makes a slip, and many a candidate vanishes with it: such a line gets no candidate, only
    # the verdict's own words ("this line is $0$").
    own = {r.key: _ordered_own(diagnoses_of(r.fallback)) for r in requests}
    silent = {r.key for r in requests if r.after == 0}
    requests = [r for r in requests if r.key not in silent]
    if not requests:
        return {key: own[key] for key in silent}
    variants = _Variants()
    planned = {request.key: candidates(request.before, request.after, request.notation, labels,
                                       request.zeros)
               for request in requests}
    screened_claims = {f"{r.key}|{n}": _claim(r, c, variants, n, screen=True)
                       for r in requests for n, c in enumerate(planned[r.key])}
    screened = runner.screen(list(screened_claims.values()), SCREEN_POINTS) \
        if screened_claims else {}
    survivors = [key for key, claim in screened_claims.items() if screened[claim.key]]
    if deadline is not None and time.monotonic() > deadline:
        survivors = []
    confirm = {key: _claim(_request(requests, key), _candidate(planned, key), variants,
                           int(key.rsplit("|", 1)[1]), screen=False) for key in survivors}
    confirmed = dict(runner.judge(list(confirm.values()))) if confirm else {}
    if len(confirm) > 1 and (deadline is None or time.monotonic() < deadline):
        # as in the screen: a batch one claim failed, judged again alone
        for claim in [c for c in confirm.values()
                      if confirmed[c.key].status is Status.UNKNOWN][:CONFIRM_ALONE]:
            confirmed[claim.key] = runner.judge([claim])[claim.key]
    found: dict[str, list[Candidate]] = {r.key: [] for r in requests}
    for key, claim in confirm.items():
        # Confirmed means the exact test: numeric agreement alone (supported) is not enough
        # to tell a student what their mistake was.
        judgement = confirmed.get(claim.key)
        if judgement is not None and judgement.status is Status.PROVED:
            found[key.rsplit("|", 1)[0]].append(_candidate(planned, key))
    return {**{key: own[key] for key in silent},
            **{r.key: _ordered(found[r.key]) or own[r.key] for r in requests}}


def zeros_before(zeros: Sequence[tuple[sp.Expr, int]],
                 line: int) -> tuple[tuple[sp.Expr, int], ...]:
    """Of the expressions a document sets to 0 (with their lines), those at or before
    ``line``, nearest first, each once: a step's :attr:`Request.zeros`."""
    chosen: dict[sp.Expr, int] = {}
    for expr, at in sorted((z for z in zeros if z[1] <= line), key=lambda z: -z[1]):
        chosen.setdefault(expr, at)
    return tuple(chosen.items())


def _request(requests: Sequence[Request], key: str) -> Request:
    owner = key.rsplit("|", 1)[0]
    return next(r for r in requests if r.key == owner)


def _candidate(planned: Mapping[str, list[Candidate]], key: str) -> Candidate:
    owner, number = key.rsplit("|", 1)
    return planned[owner][int(number)]


def _ordered(found: list[Candidate]) -> tuple[Diagnosis, ...]:
    return _ordered_own(tuple(Diagnosis(c.kind, c.text) for c in found))


def _ordered_own(found: tuple[Diagnosis, ...]) -> tuple[Diagnosis, ...]:
    order = list(Kind)
    if any(d.kind not in CONDITIONS for d in found):
        found = tuple(d for d in found if d.kind not in CONDITIONS)
    unique: dict[str, Diagnosis] = {}
    for diagnosis in sorted(found, key=lambda d: order.index(d.kind)):
        unique.setdefault(diagnosis.text, diagnosis)
    # One equation is enough: the same zero written twice (a gradient and its simplified
    # form) would say it twice; the first is the nearest line set to 0.
    equations = [d for d in unique.values() if d.kind is Kind.EQUATION]
    return tuple(d for d in unique.values() if d.kind is not Kind.EQUATION or d is equations[0])


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
