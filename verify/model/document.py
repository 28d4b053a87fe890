"""Documents, chains and steps: what every front end produces and every check consumes.

A document is a list of chains; a chain is a list of steps, each claimed equal to the one
before it.  A step keeps where it came from (file, line, the document's own label), its
original LaTeX, and its bound SymPy expression, or, when it could not be read, ``expr is None``
and ``problem`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from verify.core.errors import Location
from verify.model.inferred import InferredNotation
from verify.model.notation import Notation


@dataclass(frozen=True)
class SubClaim:
    """A claim attached to a step, checked too: ``\\underbrace{lhs}_{= rhs}``."""

    latex: str
    lhs: sp.Expr | None
    rhs: sp.Expr | None
    problem: str | None = None


@dataclass(frozen=True)
class Step:
    location: Location
    latex: str
    expr: sp.Expr | None
    problem: str | None = None     # why the step could not be read (then expr is None)
    note: str = ""                 # the document's own annotation ("Apply chain rule")
    subclaims: tuple[SubClaim, ...] = ()
    origin: Location | None = None  # where the equation stands in the original (seed) text
    internal_error: str | None = None  # the reader failed by a bug of ours (then expr is None):
    #                                    not the line's fault, so never shown as unparsed
    solves: str = ""               # why this is an equation the document solves, not a step
    #                                (a gradient set to 0, or a row solving it): never refuted
    #                                as an identity, only checked at the solution it reaches
    solves_line: int = 0           # the line of the row that sets a line to 0 (its run)
    stated: tuple[sp.Basic, ...] = ()  # an index inequality the prose before the block states
    #                                    in passing (j != i): a refutation only where it fails
    #                                    is unknown, never a case the step is checked under
    stated_text: str = ""          # that inequality's LaTeX, as written

    @property
    def label(self) -> str | None:
        return self.location.label

    @property
    def readable(self) -> bool:
        return self.expr is not None


    @property
    def sets_zero(self) -> bool:
        """This step is the 0 that sets the line before it to 0 (its run's first equation)."""
        return self.solves.startswith(SETS_ZERO)


# how the reason of a step that sets the line before to 0 begins (``Step.solves``)
SETS_ZERO = "this 0 sets the line before to 0"


@dataclass(frozen=True)
class Chain:
    """Steps claimed equal in turn.  ``where`` restricts the free indices (``k != j``)."""

    name: str
    steps: tuple[Step, ...]
    where: tuple[sp.Basic, ...] = ()
    where_text: tuple[str, ...] = ()
    notation: Notation | None = None  # the chain's own notation when it extends the document's
    note: str = ""


@dataclass(frozen=True)
class Document:
    path: str
    title: str
    notation: Notation
    chains: tuple[Chain, ...]
    source: str = ""               # the seed or original the document encodes
    problems: tuple[str, ...] = field(default_factory=tuple)  # document-level input errors
    inferred: InferredNotation | None = None  # the notation was (partly) inferred, not declared

    def notation_of(self, chain: Chain) -> Notation:
        return chain.notation or self.notation

    @property
    def step_count(self) -> int:
        return sum(len(chain.steps) for chain in self.chains)
