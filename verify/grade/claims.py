"""Judging arbitrary claims (a line against the problem statement, a candidate explanation)
with the checker's public pieces, each distinct question once per grading run.

A class repeats itself: most students start from the same line and many make the same slip,
so a judgement is kept under a key of the claim's content (both sides, conditions, notation,
seed, points) and served again: from a memo in this process, else from the verdict cache
(shared by a run's workers when it is on disk), judged as a document's steps are
(:func:`verify.pipeline.judge_claims`).  The checkers of every batch share the
process's concretizers (:class:`verify.check.claims.SharedConcretizers`, keyed by notation content),
so a line concretized for one student is not concretized again for the next."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from verify.check.claims import Claim, DocumentChecker
from verify.grade.results import Diagnosis, Kind
from verify.grade.rubric import HOLDS
from verify.model.verdict import Status
from verify.pipeline import judge_claims
from verify.store.cache import VerdictCache, claim_key, content_key
from verify.verdict.combine import Judgement
from verify.verdict.explain import screen


def holds(judgement: Judgement | None) -> bool | None:
    """True (equal), False (a confirmed counterexample) or None (not decided)."""
    if judgement is None:
        return None
    if judgement.status in HOLDS:
        return True
    return False if judgement.status is Status.REFUTED else None


class ClaimJudge:
    def __init__(self, seed: int, points: int, cache: VerdictCache | None = None) -> None:
        self.seed = seed
        self.points = points
        # Keys: claim_key (both sides, conditions, notation, seed, points), "screen:" + the
        # same at the screen's points; diagnoses by that key, the labels and the fallback.
        self._memo: dict[str, Judgement] = {}
        self._screened: dict[str, bool] = {}
        # Diagnoses by request content (verify.grade.diagnoses): a slip that many students
        # make is explained once, and the same way for each of them.
        self.diagnoses: dict[str, tuple[Diagnosis, ...]] = {}
        self.checked = 0     # claims actually checked (the rest came from the memo or cache)
        # Step pairs shared by many students (the same line after the same line) are checked
        # once per class: a verdict cache, on disk when the run has one (shared by the
        # workers of a run, and by later runs), else in memory; keyed the same either way.
        self.cache = cache if cache is not None else VerdictCache(Path(":memory:"))

    def judge(self, claims: Sequence[Claim], points: int | None = None) -> dict[str, Judgement]:
        """Every claim's judgement by its ``key`` (keys must be unique within the batch);
        ``points`` per size combination, the run's own unless given (a quick screen)."""
        points = points or self.points
        # Without the verdict's own diagnosis of a refutation: the grader reads a question's
        # status and message only (its diagnoses come from verify.grade.diagnoses), and that
        # search cost about 30 ms a refuted question.
        contents = {claim.key: claim_key(claim, False, self.seed, points, words=False)
                    for claim in claims}
        unknown: dict[str, Claim] = {}   # one claim per content the memo does not hold
        for claim in claims:
            if contents[claim.key] not in self._memo:
                unknown.setdefault(contents[claim.key], claim)
        fresh: dict[str, Judgement] = {}
        if unknown:
            judged = judge_claims([(claim, False) for claim in unknown.values()],
                                  DocumentChecker(self.seed, points), self.cache, words=False)
            self.checked += len(judged.checked)
            for content, claim in unknown.items():
                fresh[content] = judged.by_key[claim.key]
                if claim.key in judged.reusable:
                    self._memo[content] = fresh[content]
        return {claim.key: self._memo.get(contents[claim.key]) or fresh[contents[claim.key]]
                for claim in claims}

    def content_key(self, claim: Claim, purpose: str) -> str:
        """A key of the claim's content (as the verdict cache's) for another ``purpose``."""
        return f"{purpose}|{claim_key(claim, False, self.seed, self.points)}"

    def known_diagnoses(self, key: str) -> tuple[Diagnosis, ...] | None:
        """The diagnoses found before for a request with this content key: from the memo,
        else from the verdict cache (another worker, an earlier run); None if never."""
        found = self.diagnoses.get(key)
        if found is not None:
            return found
        data = self.cache.get_data("diagnosis", content_key("diagnosis", [key]))
        found = _diagnoses_from(data)
        if found is not None:
            self.diagnoses[key] = found
        return found

    def keep_diagnoses(self, key: str, found: tuple[Diagnosis, ...]) -> None:
        self.diagnoses[key] = found
        self.cache.put_data("diagnosis", content_key("diagnosis", [key]),
                            {"diagnoses": [[d.kind.value, d.text] for d in found]})

    def screen(self, claims: Sequence[Claim], points: int) -> dict[str, bool]:
        """Every claim's numeric agreement by its key, with the numeric engine alone at
        ``points`` points and one free-index assignment per size combination (the last): which
        candidates deserve a full judgement.  Never a verdict: a candidate that holds passes
        this screen, and a candidate that passes is then judged in full."""
        keys = {claim.key: "screen:" + claim_key(claim, False, self.seed, points)
                for claim in claims}
        missing: dict[str, Claim] = {}
        for claim in claims:
            if keys[claim.key] not in self._screened:
                missing.setdefault(keys[claim.key], claim)
        found = screen([*missing.values()], self.seed, points)
        for content, claim in missing.items():
            self._screened[content] = found[claim.key]
        return {claim.key: self._screened[keys[claim.key]] for claim in claims}


def _diagnoses_from(data: object) -> tuple[Diagnosis, ...] | None:
    """Stored diagnoses back, or None when absent or damaged (a miss, never an error)."""
    if not isinstance(data, dict) or not isinstance(data.get("diagnoses"), list):
        return None
    found = []
    for item in data["diagnoses"]:
        if not (isinstance(item, list) and len(item) == 2 and
                all(isinstance(part, str) for part in item)):
            return None
        try:
            found.append(Diagnosis(Kind(item[0]), item[1]))
        except ValueError:
            return None
    return tuple(found)
