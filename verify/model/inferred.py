"""The notation a document was checked under when it did not declare it: what was inferred.

A document without a notation header (or whose header asks, with ``infer: true``, for the
rest of its notation to be inferred) is read under the notation :mod:`verify.read.infer`
proposes.  That is no input error, but the run must say it: the document and its result carry
an :class:`InferredNotation`, which the text output prints as one line, and the JSON form and
the report list declaration by declaration, each with its reason ("y inferred a family over N
from line 12").  Plain data, so that a result keeps it across processes and the cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the parent of a run reads results without importing SymPy
    import sympy as sp

    from verify.model.notation import Notation


@dataclass(frozen=True)
class InferredDeclaration:
    """One inferred declaration: where it goes in a header, the name and how the document
    writes it, the declaration as a header would write it, and why."""

    section: str        # 'sizes', 'indices', 'symbols' or 'definitions'
    name: str           # the notation's name ('y', 'lam', 'sigma')
    latex: str          # as the document writes it ('y', '\\lambda', '\\sigma')
    declaration: str    # the header's value, YAML flow ('{family: [N], shape: [n]}', 'N')
    reason: str         # 'y inferred a family over N from line 12'
    line: int = 0       # the line the reason names; 0 when it names none


@dataclass(frozen=True)
class Undeclared:
    """A name inference left undeclared (two plausible readings): why, and what settles it."""

    latex: str
    why: str
    settle: str
    line: int = 0


@dataclass(frozen=True)
class Guessed:
    """A declared name whose reading is a guess the document casts doubt on (it differentiates
    the name by a variable it does not depend on as read, a step introduces it, a line writes
    ``name = ...``): a refutation that uses it is ``unknown``, since under the reading the
    author meant the step may hold.  ``settle``: the declaration that would settle it."""

    name: str           # the notation's name ('p')
    latex: str          # as the document writes it
    why: str
    settle: str
    line: int = 0
    # the reading is not merely a free value standing for the meant one (alpha(x) read as
    # alpha times x: alpha(x)/x = alpha holds as read): a pass that uses it is doubted too
    structural: bool = False
    # a given value whose words restrict it (a symmetric matrix read as any matrix): a pass
    # under the free reading holds for the meant values too, a derivative's as well
    given: bool = False


@dataclass(frozen=True)
class InferredNotation:
    """What a document's reading inferred.  ``partial``: the document's header declared part
    of the notation and asked for the rest."""

    declarations: tuple[InferredDeclaration, ...] = ()
    undeclared: tuple[Undeclared, ...] = ()
    partial: bool = False
    guessed: tuple[Guessed, ...] = ()

    def note(self, path: str) -> str:
        """The one line the text output prints for the document."""
        how = "the rest of the notation inferred (its header declares part)" if self.partial \
            else "notation inferred (no header)"
        return f"{how}: run `python -m verify infer {path}` to see and edit it"

    def of(self, name: str) -> InferredDeclaration | None:
        """The inferred declaration of a symbol or definition named ``name``."""
        return next((d for d in self.declarations
                     if d.name == name and d.section in ("symbols", "definitions")), None)


# What a verdict relies on beyond reading: an inferred definition's body, an inferred kind
# (one-hot, binary, a class label, positive) or interval.  Shapes and families are how a
# name is read, which the step's reading shows; these are assumptions the checker uses.
_ASSUMING = re.compile(r"\b(?:kind|interval):")
_SHAPED = re.compile(r"\b(?:family|shape):")     # not a plain real scalar, the default reading


def names_in(expr: sp.Basic) -> set[str]:
    """The declared names an expression uses: scalars, families and vectors, called
    definitions."""
    import sympy as sp
    from sympy.core.function import AppliedUndef
    found = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    found |= {str(b.label) for b in expr.atoms(sp.IndexedBase)}
    found |= {f.func.__name__ for f in expr.atoms(AppliedUndef)}
    return found


# a declaration of an inferred section's notation: its reason starts with the section's lines
_SECTION_LINES = re.compile(r"lines (\d+)-(\d+): ")


def in_section(declaration: InferredDeclaration) -> tuple[int, int] | None:
    """The lines of the inferred section a declaration belongs to (None: the document's)."""
    found = _SECTION_LINES.match(declaration.reason)
    return (int(found.group(1)), int(found.group(2))) if found else None


def relied_on(exprs: Iterable[sp.Basic], notation: Notation, inferred: InferredNotation,
              readings: bool = False, line: int = 0) -> tuple[InferredDeclaration, ...]:
    """The inferred assumptions a claim between ``exprs`` relies on, through the definitions
    it uses too, in the order of the declarations; with ``readings``, every inferred
    declaration of a name it uses (a refutation may be one of the reading: read otherwise,
    the step might hold)."""
    seen = names_through(exprs, notation)

    def counts(d: InferredDeclaration) -> bool:
        if d.section == "definitions":
            return True
        if d.section != "symbols":
            return False
        return bool(_ASSUMING.search(d.declaration) or
                    (readings and _SHAPED.search(d.declaration)))
    scoped = {d.name for d in inferred.declarations
              if (lines := in_section(d)) is not None and lines[0] <= line <= lines[1]}

    def applies(d: InferredDeclaration) -> bool:
        """A section's declaration on its lines, the document's elsewhere."""
        lines = in_section(d)
        if lines is not None:
            return lines[0] <= line <= lines[1]
        return d.name not in scoped
    return tuple(d for d in inferred.declarations
                 if d.name in seen and counts(d) and applies(d))


def relied_on_words(declarations: Iterable[InferredDeclaration], refuted: bool = False) -> str:
    """``relied_on`` as a clause for a verdict's message ('' for none): each reason up to its
    explanation in brackets."""
    reasons = [d.reason.split(" (")[0] for d in declarations]
    if not reasons:
        return ""
    if refuted:
        return f"refuted as read under inferred notation: {'; '.join(reasons)}"
    return f"it relies on inferred notation: {'; '.join(reasons)}"


def guessed_in(exprs: Iterable[sp.Basic], notation: Notation,
               inferred: InferredNotation) -> tuple[Guessed, ...]:
    """The guessed readings (:class:`Guessed`) a claim between ``exprs`` uses, directly or
    through the definitions it calls."""
    if not inferred.guessed:
        return ()
    seen = names_through(exprs, notation)
    return tuple(g for g in inferred.guessed if g.name in seen)


def names_through(exprs: Iterable[sp.Basic], notation: Notation) -> set[str]:
    """The names ``exprs`` use, directly or through the definitions they call."""
    seen: set[str] = set()
    todo = [name for expr in exprs for name in names_in(expr)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        definition = notation.definitions.get(name)
        if definition is not None:
            todo.extend(names_in(definition.body))
    return seen


def structural_in(exprs: Iterable[sp.Basic], notation: Notation,
                  inferred: InferredNotation) -> tuple[Guessed, ...]:
    """The guessed readings a claim uses that no value of the name makes the meant one."""
    return tuple(g for g in guessed_in(exprs, notation, inferred) if g.structural)


def guessed_words(guesses: Iterable[Guessed]) -> str:
    """Why a refutation under guessed readings is no verdict, and what settles it."""
    return "; ".join(f"{g.why}: settle it with {g.settle}" for g in guesses)
