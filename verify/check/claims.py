"""Checking one document: every step against the one before it, by both engines.

The work is organised so that the expensive parts are shared:

1. *Plan*: for each claim (a step against its reference step, or a sub-claim), the size
   combinations it depends on and the values of its free indices.
2. *Concretize*: one :class:`~verify.check.concretize.Concretizer` per (notation, sizes) serves
every
   claim of the document, so definitions expanded once are reused.
3. *Numeric*: all concrete values at one size combination are evaluated by one jitted JAX
   function over all points and label configurations.
4. *Symbolic*: each concrete difference goes through the exact identity test.
5. *Verdict*: the two engines' outcomes are combined (:func:`verify.verdict.combine.combine`).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from verify.check import numeric, symbolic
from verify.check.concretize import (
    Concretizer,
    LabelGroup,
    Value,
    free_indices,
    size_combinations,
    sizes_used,
    symbols_in,
)
from verify.core.errors import (
    BindError,
    CheckTimeout,
    Location,
    NumericError,
    internal_error,
    limit_reason,
)
from verify.core.limits import NUMERIC_ROWS
from verify.core.memo import Memo
from verify.model.canon import Canon
from verify.model.notation import Notation
from verify.model.reading import plain

SYMBOLIC_SECONDS_PER_CLAIM = 20.0
# Every stage catches ``Exception`` (never MemoryError: the worker must retire) and sorts it
# with :func:`verify.core.errors.limit_reason`: a limit of the input is a verdict that is never a
# pass, anything else an internal error (``ClaimOutcome.internal_error``), never evidence.


@dataclass(frozen=True)
class Claim:
    """``before == after`` for every checked size and free-index value."""

    key: str
    location: Location
    before: sp.Expr
    after: sp.Expr
    notation: Notation
    where: tuple[sp.Basic, ...] = ()


@dataclass
class Case:
    """One claim at one size combination and one assignment of its free indices."""

    claim: Claim
    sizes: dict[str, int]
    indices: dict[str, int]
    concretizer: Concretizer
    before: Value
    after: Value
    columns: tuple[int, int] = (0, 0)        # output columns of before, then after
    numeric_rows: np.ndarray | None = None   # deviations per row (max over components)
    batch: numeric.Batch | None = None
    values: tuple[np.ndarray, np.ndarray] | None = None  # (before, after) per row, flattened
    symbolic: symbolic.IdentityResult | None = None
    symbolic_seconds: float = 0.0


@dataclass
class ClaimOutcome:
    claim: Claim
    cases: list[Case] = field(default_factory=list)
    bind_error: str | None = None
    timed_out: bool = False
    numeric_error: str | None = None
    internal_error: str | None = None   # "internal error in <stage>: <type>": a bug of ours
    numeric_seconds: float = 0.0
    symbolic_seconds: float = 0.0
    concretize_seconds: float = 0.0


def _flat(value: Value) -> list[sp.Expr]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def shape_of(value: Value) -> tuple[int, int]:
    return (value.rows, value.cols) if isinstance(value, sp.MatrixBase) else (1, 0)


SHARED_CONCRETIZERS = 48     # (notation, sizes) combinations kept between documents
MEMO_LIMIT = 100_000         # memo entries of one concretizer before it starts afresh


class SharedConcretizers:
    """The process's concretizers, keyed by the notation's content and the sizes, so that
    every document and every claim of equal notation share their memos: a class repeats the
    same lines, and a line concretized for one student is not concretized again for the next.

    Sharing cannot change a verdict: a concretizer's values depend only on the expression and
    the indices (fresh stand-in symbols differ only in name), the numeric points of a variable
    only on the seed and its name, and each engine looks only at the variables and label
    groups its expressions contain.  Bounded: the least recently used combination goes when
    more than :data:`SHARED_CONCRETIZERS` are kept, and a memo that has grown past
    :data:`MEMO_LIMIT` entries starts afresh.

    ``name``: the registered name of the process's own (:data:`SHARED`); others (a test's)
    keep unregistered memos."""

    def __init__(self, name: str | None = None) -> None:
        # Key: the notation's canonical text and the sizes the claim uses (sizes_used): a
        # concretizer's values depend on no other size.  _texts: by object, kept with it.
        self.by_key: Memo[tuple[str, tuple[tuple[str, int], ...]], Concretizer] = \
            Memo(name, SHARED_CONCRETIZERS)
        self._texts: Memo[int, tuple[Notation, str]] = \
            Memo(name and f"{name}.notation_texts", 4 * SHARED_CONCRETIZERS)

    def get(self, notation: Notation, sizes: Mapping[str, int]) -> Concretizer:
        key = (self._text(notation), tuple(sorted(sizes.items())))
        found = self.by_key.get(key)
        if found is None or len(found.memo_entries()) > MEMO_LIMIT:
            # A concretizer needs every size of the notation (symbol shapes); the ones the
            # claim does not use take their first value.
            full = {name: values[0] for name, values in notation.sizes.items()}
            full.update(sizes)
            found = self.by_key[key] = Concretizer(notation, full)
        return found

    def notation_text(self, notation: Notation) -> str:
        """The notation's canonical text (memoized per object)."""
        return self._text(notation)

    def _text(self, notation: Notation) -> str:
        found = self._texts.get(id(notation))
        if found is None or found[0] is not notation:   # an id reused by a newer object
            found = self._texts[id(notation)] = (notation, Canon().notation(notation))
        return found[1]

    def clear(self) -> None:
        self.by_key.clear()
        self._texts.clear()


SHARED = SharedConcretizers("check.claims.concretizers")


class DocumentChecker:
    def __init__(self, seed: int, points: int = numeric.POINTS,
                 concretizers: SharedConcretizers | None = None,
                 assignments_per_size: int | None = None) -> None:
        self.seed = seed
        self.points = points
        self.concretizers = concretizers or SHARED
        # A screen may check only the last few free-index assignments of each size
        # combination (the largest index values): a claim that holds everywhere holds there,
        # so the screen still lets every true candidate through.  Verdicts never do this.
        self.assignments_per_size = assignments_per_size

    def concretizer(self, notation: Notation, sizes: Mapping[str, int]) -> Concretizer:
        return self.concretizers.get(notation, sizes)

    def run(self, claims: Sequence[Claim], symbolic: bool = True) -> dict[str, ClaimOutcome]:
        """Every claim's outcome by its key.  ``symbolic=False`` runs the numeric engine
        alone: a quick screen (:func:`verify.verdict.combine.numeric_agreement`), never a
        verdict."""
        outcomes = {claim.key: self._concretize(claim) for claim in claims}
        self._numeric(outcomes)
        if symbolic:
            for outcome in outcomes.values():
                self._symbolic(outcome)
        return outcomes

    # ---- stages ---------------------------------------------------------------------------
    def _concretize(self, claim: Claim) -> ClaimOutcome:
        outcome = ClaimOutcome(claim)
        started = time.perf_counter()
        notation = claim.notation
        used = sizes_used(claim.before, notation) | sizes_used(claim.after, notation)
        for where in claim.where:
            used |= sizes_used(where, notation)
        free = sorted(free_indices(claim.before, notation) | free_indices(claim.after, notation))
        try:
            for sizes in size_combinations(notation, used):
                concretizer = self.concretizer(notation, sizes)
                assignments = _assignments(free, notation, concretizer.sizes, claim.where)
                if self.assignments_per_size is not None:
                    assignments = assignments[-self.assignments_per_size:]
                for assignment in assignments:
                    before, after = _zero_like(
                        concretizer.value(claim.before, assignment),
                        concretizer.value(claim.after, assignment))
                    outcome.cases.append(Case(claim, dict(sizes), dict(assignment),
                                              concretizer, before, after))
        except BindError as err:
            where_text = ", ".join(f"{k}={v}" for k, v in {**sizes, **assignment}.items()) \
                if "assignment" in locals() else ""
            outcome.bind_error = f"{err.message}" + (f" (at {where_text})" if where_text else "")
            outcome.cases.clear()
        except MemoryError:
            raise
        except Exception as err:
            # A limit of the input: that claim cannot be evaluated (unparsed with the
            # reason); anything else is a bug of ours, not the document's.  Either way the
            # rest of the document goes on.
            reason = limit_reason(err)
            if reason is None:
                outcome.internal_error = internal_error("concretization", err)
            else:
                outcome.bind_error = f"could not evaluate: {reason}"
            outcome.cases.clear()
        outcome.concretize_seconds = time.perf_counter() - started
        return outcome

    def _numeric(self, outcomes: Mapping[str, ClaimOutcome]) -> None:
        shared: dict[int, list[Case]] = {}
        for outcome in outcomes.values():
            for case in outcome.cases:
                if shape_of(case.before) == shape_of(case.after):
                    shared.setdefault(id(case.concretizer), []).append(case)
        started = time.perf_counter()
        # One batch per concretizer, unless its label configurations are too many to
        # enumerate: a sample drawn over the label groups of every claim in the batch would
        # make a claim's judgement (kept by its content in the verdict cache) depend on the
        # claims checked with it, so then each claim gets a batch of its own.
        by_concretizer: list[list[Case]] = []
        planned: list[tuple[list[sp.Expr], list[sp.Symbol], list[LabelGroup]]] = []
        cap = max(1, NUMERIC_ROWS // self.points)
        for cases in shared.values():
            plan = self._outputs(cases)
            if math.prod(len(g.variables) for g in plan[2]) <= cap:
                by_concretizer.append(cases)
                planned.append(plan)
                continue
            own: dict[str, list[Case]] = {}
            for case in cases:
                own.setdefault(case.claim.key, []).append(case)
            for claim_cases in own.values():
                by_concretizer.append(claim_cases)
                planned.append(self._outputs(claim_cases))
        groups = []
        for cases, (outputs, real, label_groups) in zip(by_concretizer, planned, strict=True):
            concretizer = cases[0].concretizer
            batch = numeric.make_batch(real, concretizer.positive, label_groups,
                                       _seed_for(self.seed, concretizer.sizes), self.points,
                                       concretizer.intervals)
            groups.append((outputs, batch))
        try:
            results = numeric.evaluate(groups)
        except MemoryError:
            raise
        except Exception as err:
            if isinstance(err, NumericError) and len(outcomes) > 1:
                # One claim the engine cannot evaluate must not take the others with it:
                # each alone (its points depend on it alone, so its values are the same).
                for key, outcome in outcomes.items():
                    self._numeric({key: outcome})
                return
            # NumericError: an expression the numeric engine has no translation for.
            reason = str(err) if isinstance(err, NumericError) else limit_reason(err)
            for cases in by_concretizer:
                for case in cases:
                    outcome = outcomes[case.claim.key]
                    if reason is not None:
                        outcome.numeric_error = f"numeric evaluation failed: {reason}"
                    elif outcome.internal_error is None:
                        outcome.internal_error = internal_error("numeric test", err)
            return
        for cases, values, (_, batch) in zip(by_concretizer, results, groups, strict=True):
            for case in cases:
                start, middle = case.columns
                width = middle - start
                before, after = values[:, start:middle], values[:, middle:middle + width]
                deviations = numeric.deviation(before, after)
                with np.errstate(all="ignore"):
                    case.numeric_rows = np.where(np.isnan(deviations).any(axis=1), np.nan,
                                                 np.nanmax(deviations, axis=1, initial=0.0))
                case.batch = batch
                case.values = (before, after)
        elapsed = time.perf_counter() - started
        claims = {case.claim.key for cases in by_concretizer for case in cases}
        for key in claims:
            outcomes[key].numeric_seconds += elapsed / max(1, len(claims))

    @staticmethod
    def _outputs(cases: Sequence[Case]) -> tuple[list[sp.Expr], list[sp.Symbol],
                                                  list[LabelGroup]]:
        """The cases' sides as one list of outputs (each case told its columns), and the
        real variables and label groups they contain: only those, so that a claim's points
        depend on the claim alone, not on what else its concretizer has seen."""
        concretizer = cases[0].concretizer
        outputs: list[sp.Expr] = []
        for case in cases:
            start = len(outputs)
            outputs.extend(_flat(case.before))
            middle = len(outputs)
            outputs.extend(_flat(case.after))
            case.columns = (start, middle)
        present = symbols_in(outputs)
        real = [v for v in concretizer.real_variables() if v in present]
        # By name, not in the order the shared concretizer met them (that order is the
        # process's history): the enumerated or sampled configurations must not depend on it.
        label_groups = sorted((g for g in concretizer.label_groups.values()
                               if any(v in present for v in g.variables)), key=_group_name)
        return outputs, real, label_groups

    def _symbolic(self, outcome: ClaimOutcome) -> None:
        started = time.perf_counter()
        deadline = time.monotonic() + SYMBOLIC_SECONDS_PER_CLAIM
        rng = np.random.default_rng(self.seed)
        shared: dict[int, symbolic.Evaluator] = {}   # per size combination (concretizer)
        for case in outcome.cases:
            if shape_of(case.before) != shape_of(case.after):
                continue
            case_started = time.perf_counter()
            difference = [a - b for a, b in zip(_flat(case.before), _flat(case.after),
                                                strict=True)]
            groups = sorted(case.concretizer.label_groups.values(), key=_group_name)  # as above
            evaluator = shared.get(id(case.concretizer))
            if evaluator is None:
                evaluator = shared[id(case.concretizer)] = symbolic.free_evaluator(rng,
                                                                                   deadline)
            try:
                case.symbolic = symbolic.identical(difference, groups, rng, deadline,
                                                   evaluator)
            except CheckTimeout:
                outcome.timed_out = True
                break
            except MemoryError:
                raise
            except Exception as err:
                reason = limit_reason(err)
                if reason is None:
                    if outcome.internal_error is None:
                        outcome.internal_error = internal_error("exact test", err)
                    break
                # A limit is not evidence either way: the case stays undecided, so the
                # claim can be supported (numeric agreement) at best, never proved.
                case.symbolic = symbolic.IdentityResult("undecided", reason)
            case.symbolic_seconds = time.perf_counter() - case_started
        outcome.symbolic_seconds = time.perf_counter() - started


def _group_name(group: LabelGroup) -> str:
    return group.name


def _zero_like(before: Value, after: Value) -> tuple[Value, Value]:
    """A literal 0 against a vector or matrix is that shape's zero ("... = 0" in a text)."""
    if isinstance(before, sp.MatrixBase) and after == 0:
        return before, sp.ImmutableMatrix.zeros(*before.shape)
    if isinstance(after, sp.MatrixBase) and before == 0:
        return sp.ImmutableMatrix.zeros(*after.shape), after
    return before, after


def _assignments(free: Sequence[str], notation: Notation, sizes: Mapping[str, int],
                 where: Sequence[sp.Basic]) -> list[dict[str, int]]:
    ranges = [range(1, sizes[notation.indices[letter]] + 1) for letter in free]
    # A condition may name an index letter neither side uses (a section's i == k over a line
    # that only mentions k): the claim does not depend on it, so an assignment counts when
    # some value of that letter meets the condition.
    extra = sorted({s.name for condition in where for s in condition.free_symbols
                    if isinstance(s, sp.Symbol) and s.name in notation.indices
                    and s.name not in free})
    extra_ranges = [range(1, sizes[notation.indices[letter]] + 1) for letter in extra]
    result = []
    for values in itertools.product(*ranges):
        assignment = dict(zip(free, values, strict=True))
        if any(all(_holds(condition, {**assignment, **dict(zip(extra, more, strict=True))})
                   for condition in where)
               for more in itertools.product(*extra_ranges)):
            result.append(assignment)
    return result


def _holds(condition: sp.Basic, assignment: Mapping[str, int]) -> bool:
    replace = {s: sp.Integer(assignment[s.name]) for s in condition.free_symbols
               if isinstance(s, sp.Symbol) and s.name in assignment}
    decided = condition.xreplace(replace)
    if decided not in (sp.true, sp.false):
        raise BindError(f"the condition {plain(condition)} names something that is not an "
                        "index letter")
    return bool(decided)


def _seed_for(seed: int, sizes: Mapping[str, int]) -> int:
    """A seed per size combination (each variable's values are further keyed by its name)."""
    mixed = seed
    for name, value in sorted(sizes.items()):
        mixed = (mixed * 1_000_003 + sum(map(ord, name)) * 97 + value) % (2**63)
    return mixed
