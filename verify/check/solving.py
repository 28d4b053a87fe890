r"""The equations a document solves: a line set to 0 and the rows that solve it.

``\nabla L = X^T(X\mathbf{w} - \mathbf{y}) = 0`` ends an identity chain with an equation: the
0 holds only at the minimiser, and so do the rows after it (``X^TX\mathbf{w} = X^T\mathbf{y}``,
``\mathbf{w} = (X^TX)^{-1}X^T\mathbf{y}``).  Compared as identities they would be refuted,
though nothing is wrong.  The reader marks them (``Step.solves``); here a run of them finds its
solution, a row ``v = s`` whose ``v`` is a name of the line set to 0 and whose ``s`` does not
contain it, and each equation of the run is checked *at that solution*: the line set to 0, with
``v`` replaced by ``s``, must be 0 (which checks the solution), and every other row must hold
with ``v`` replaced by ``s``.  In a run without such a row, each row is compared with the line
set to 0 as an equation: the difference of its sides a constant multiple of that line (the
same equation, scaled) is a right step of solving; else it is not checked (the pipeline says
so).
Pure functions of the read document; the claims are the checker's as any step's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from verify.model.document import Chain


@dataclass(frozen=True)
class Solution:
    """A run of equations and the solution it is checked at."""

    line: int                 # the line of the row that sets a line to 0
    condition: tuple[int, int]  # (chain, step) of that 0
    zeroed: sp.Expr           # the expression it sets to 0 (the line before the 0)
    name: sp.Symbol           # what the run solves for
    value: sp.Expr            # its solution
    at: tuple[int, int]       # (chain, step) of the solution's value
    at_line: int              # its line
    latex: str                # the solution as written: "\hat{\mathbf{w}} = (X^TX)^{-1}X^T y"
    members: frozenset[int]   # the chains of the run after the condition's

    def substituted(self, expr: sp.Expr) -> sp.Expr:
        return expr.xreplace({self.name: self.value})

    @property
    def phrase(self) -> str:
        return (f"at the solution ${self.latex}$ (line {self.at_line}) of the equation set to 0 "
                f"on line {self.line}")


@dataclass(frozen=True)
class Condition:
    """A line set to 0 and the run of rows that go on solving it."""

    line: int                   # the line of the row that sets a line to 0
    at: tuple[int, int]         # (chain, step) of that 0
    zeroed: sp.Expr             # the expression it sets to 0 (the line before the 0)
    members: tuple[int, ...]    # the chains of the run after the condition's

    def rows(self, chains: Sequence[Chain]) -> list[tuple[int, int]]:
        """(chain, step) of every row of the run after the 0: an equation to compare with the
        line set to 0 (the 0 itself, and the rows of other lines set to 0, excluded)."""
        ci, si = self.at
        return [(cj, sk) for cj in (ci, *self.members)
                for sk, step in enumerate(chains[cj].steps)
                if step.solves_line == self.line and not step.sets_zero
                and (cj, sk) > (ci, si)]


def conditions(chains: Sequence[Chain]) -> tuple[Condition, ...]:
    """Every line of the document set to 0 that the reader marks as an equation it solves."""
    found: list[Condition] = []
    for ci, chain in enumerate(chains):
        for si, step in enumerate(chain.steps):
            if not step.sets_zero or step.expr != 0:
                continue
            zeroed = next((s.expr for s in reversed(chain.steps[:si]) if s.expr is not None),
                          None)
            if zeroed is None:
                continue
            members = tuple(cj for cj in range(ci + 1, len(chains))
                            if any(s.solves_line == step.solves_line and not s.sets_zero
                                   for s in chains[cj].steps))
            found.append(Condition(step.solves_line, (ci, si), zeroed, members))
    return tuple(found)


def solutions(chains: Sequence[Chain]) -> tuple[Solution, ...]:
    """Every run of equations of the document that reaches a solution, in document order."""
    found: list[Solution] = []
    for condition in conditions(chains):
        solution = _solution(condition.zeroed, chains, condition.members)
        if solution is None:
            continue
        name, value, at, latex, at_line = solution
        found.append(Solution(condition.line, condition.at, condition.zeroed, name, value, at,
                              at_line, latex, frozenset(condition.members)))
    return tuple(found)


def _solution(zeroed: sp.Expr, chains: Sequence[Chain], members: Sequence[int]
              ) -> tuple[sp.Symbol, sp.Expr, tuple[int, int], str, int] | None:
    """The run's last row ``v = s`` (``v`` a name of the line set to 0, ``s`` read and free of
    it): the last one, as a derivation ends with its answer."""
    names = zeroed.free_symbols
    for cj in reversed(members):
        steps = chains[cj].steps
        name = steps[0].expr if steps else None
        if not isinstance(name, sp.Symbol):
            continue
        if name not in names:
            name = _unhatted(steps[0].latex, names)
            if name is None:
                continue
        for sk in range(1, len(steps)):
            value = steps[sk].expr
            if value is not None and name not in value.free_symbols:
                latex = f"{_bare(steps[0].latex)} = {_bare(steps[sk].latex)}"
                return name, value, (cj, sk), latex, steps[sk].location.line
    return None


_HAT = re.compile(r"^\s*\\hat\s*(?:\{(?P<braced>.*)\}|(?P<bare>\\?[A-Za-z]+))\s*$", re.S)
_FONTS = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|mathrm)\s*|[{}\s\\]")
_SPACING = re.compile(r"^(?:\s|\\[,;!: ]|\\q?quad(?![A-Za-z]))+|(?:\s|\\[,;!: ]|[.,;]|"
                      r"\\text\s*\{\s*[.,;]\s*\})+$")


def _unhatted(latex: str, names: set[sp.Basic]) -> sp.Symbol | None:
    r"""The name of the line set to 0 that a solution's ``\hat{\mu}`` is the value of (``\mu``):
    its one symbol spelled as the hat's argument without fonts, else None."""
    match = _HAT.match(_bare(latex))
    if match is None:
        return None
    inner = _FONTS.sub("", match.group("braced") or match.group("bare") or "")
    found = [n for n in names if isinstance(n, sp.Symbol) and n.name == inner]
    return found[0] if len(found) == 1 else None


def _bare(latex: str) -> str:
    """A side as written, without the spacing and punctuation around it."""
    return _SPACING.sub("", latex.strip())
