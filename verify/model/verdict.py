"""Verdicts and their evidence: the output of checking, the input of every report.

========== ==================================================================================
status     meaning
========== ==================================================================================
proved     symbolic identity shown at every checked size, and the numeric check agrees
supported  numeric agreement at every point, symbolic check undecided (time, or beyond engine)
refuted    a counterexample: the sizes, the point, both sides' values
unknown    neither check could decide (the message says why)
unparsed   the step could not be read (the message says where and why)
start      not a verdict: the first expression of a chain, which nothing precedes
========== ==================================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from verify.core.errors import Location
from verify.model.inferred import InferredNotation
from verify.model.spelling import latex_of_index


class Status(StrEnum):
    PROVED = "proved"
    SUPPORTED = "supported"
    REFUTED = "refuted"
    UNKNOWN = "unknown"
    UNPARSED = "unparsed"
    START = "start"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class CheckRecord:
    """One engine's run over one step: what it concluded and what it cost."""

    engine: str            # "symbolic" or "numeric"
    outcome: str           # symbolic: identical|different|undecided|timeout|error|skipped;
    #                        numeric: agree|disagree|nonfinite|error|skipped
    detail: str
    seconds: float
    cases: int = 0         # (size, index, label) combinations examined


@dataclass(frozen=True)
class Counterexample:
    """Where the two sides differ, confirmed by exact or 50-digit evaluation."""

    sizes: Mapping[str, int]
    indices: Mapping[str, int]          # free indices of the step
    labels: Mapping[str, int]           # label variables (one-hot/categorical) at this point
    point: Mapping[str, float]          # every real variable's value
    lhs: tuple[float, ...]              # previous step's value (components for a vector)
    rhs: tuple[float, ...]              # this step's value
    deviation: float                    # max |lhs - rhs| / max(1, |lhs|, |rhs|)
    gap: float | None = None            # rhs - lhs at its widest component, computed exactly
    #                                     (None: not computed; a difference below float64's
    #                                     resolution, 10^{-30} on 0.5, survives only here)
    names: Mapping[str, str] = field(default_factory=dict)
    #   each variable of ``labels`` and ``point`` as LaTeX in the document's spellings
    #   (``y_1_2`` -> ``y_{1,2}``, ``lam`` -> ``\lambda``), attached where the document's
    #   notation is known (verify.model.reading.with_names); empty in a judgement of the verdict
    #   cache, whose keys hold no spellings: there the concrete names stand

    def describe(self) -> str:
        """Where, and both sides' values: the sizes, free indices and labels, and the point
        itself when it has at most :data:`POINT_SHOWN` variables (a scalar claim has no other
        place to name).  When the values print alike, their difference is shown too.
        Variables are named by :attr:`names` (``$y_{1,2} = 1$``) when it has them."""
        parts = [f"{k}={v}" for k, v in self.sizes.items()]
        parts += [f"{latex_of_index(k)}={v}" for k, v in self.indices.items()]
        parts += [self._assignment(k, f"{v}") for k, v in self.labels.items()]
        # Sorted by name: the engines' variable order depends on what a process did before.
        if len(self.point) <= POINT_SHOWN:
            parts += [self._assignment(k, f"{v:.6g}") for k, v in sorted(self.point.items())]
        where = f"at {', '.join(parts)}" if parts else "everywhere"
        text = f"{where}: before {_fmt(self.lhs)}, after {_fmt(self.rhs)}"
        if _fmt(self.lhs) == _fmt(self.rhs):
            gap = self.gap if self.gap is not None else _widest(self.lhs, self.rhs)
            text += f" (after - before = {gap:.3g})"
        return text

    def _assignment(self, name: str, value: str) -> str:
        shown = self.names.get(name)
        if shown is None:
            return f"{name}={value}" if name in self.labels else f"{name} = {value}"
        return f"${shown} = {value}$"


POINT_SHOWN = 3


def _widest(lhs: tuple[float, ...], rhs: tuple[float, ...]) -> float:
    return max((b - a for a, b in zip(lhs, rhs, strict=True)), key=abs, default=0.0)


def _fmt(values: tuple[float, ...]) -> str:
    if len(values) == 1:
        return f"{values[0]:.6g}"
    return "(" + ", ".join(f"{v:.6g}" for v in values) + ")"


@dataclass(frozen=True)
class Evidence:
    seed: int
    sizes: tuple[Mapping[str, int], ...]   # every size combination checked
    points_per_size: int
    max_deviation: float | None            # numeric, over all points; None if it did not run
    checks: tuple[CheckRecord, ...] = ()
    assumptions: tuple[str, ...] = ()      # what the check relied on (one-hot labels, k != j)


@dataclass(frozen=True)
class StepVerdict:
    location: Location
    index: int                     # position in the chain, 0-based
    latex: str
    status: Status
    message: str
    compared_with: int | None = None   # index of the step it was checked against
    evidence: Evidence | None = None
    counterexample: Counterexample | None = None
    diagnosis: str = ""
    sympy: str = ""                    # the step's bound SymPy form, for the appendix
    note: str = ""                     # the document's own annotation
    subclaims: tuple[StepVerdict, ...] = ()
    reading: str | None = None         # the bound expression as LaTeX (verify.model.reading); None
    #                                    for a step that could not be read
    internal_error: str | None = None  # "internal error in <stage>: <type>": a bug of ours
    #                                    (then status unknown), never evidence

    @property
    def label(self) -> str | None:
        return self.location.label


@dataclass(frozen=True)
class ChainResult:
    name: str
    steps: tuple[StepVerdict, ...]
    where: tuple[str, ...] = ()
    ends_agree: bool | None = None     # first and last readable steps equal?
    summary: str = ""


@dataclass(frozen=True)
class DocumentResult:
    path: str
    title: str
    chains: tuple[ChainResult, ...]
    seed: int
    sizes: tuple[Mapping[str, int], ...]
    problems: tuple[str, ...] = ()
    seconds: float = 0.0
    versions: Mapping[str, str] = field(default_factory=dict)
    internal: tuple[str, ...] = ()     # internal errors that stopped the whole document
    inferred: InferredNotation | None = None   # checked under an inferred notation: what and why

    def all_steps(self) -> list[StepVerdict]:
        return [step for chain in self.chains for step in chain.steps]

    def counts(self) -> dict[Status, int]:
        counts = {status: 0 for status in Status}
        for step in self.all_steps():
            counts[step.status] += 1
            for sub in step.subclaims:
                counts[sub.status] += 1
        return counts

    @property
    def refuted(self) -> bool:
        return self.counts()[Status.REFUTED] > 0

    def internal_errors(self) -> list[str]:
        """Every internal error of the run on this document: the document's own, then each
        step's and sub-claim's, with where it happened."""
        found = list(self.internal)
        for step in self.all_steps():
            for verdict in (step, *step.subclaims):
                if verdict.internal_error is not None:
                    found.append(f"{verdict.location}: {verdict.internal_error}")
        return found
