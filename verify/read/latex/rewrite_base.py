r"""Types shared by the modules that rewrite one LaTeX step into placeholder LaTeX.

:mod:`verify.read.latex.rewrite` walks the text; :mod:`verify.read.latex.dots`,
:mod:`verify.read.latex.environments`,
:mod:`verify.read.latex.calls` and :mod:`verify.read.latex.products` each handle one family of
constructs.  They talk
to the walker through :class:`Reader`, so none of them imports it (no import cycle) and each can
be read on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import sympy as sp

from verify.model.notation import Notation
from verify.read.latex.names import Lexicon


@dataclass(frozen=True)
class Context:
    notation: Notation
    lexicon: Lexicon
    prime_target: sp.Expr | None = None   # what (...)' differentiates by
    parse: Callable[[str, Context], sp.Expr] | None = None   # full parse, for sub-texts


@dataclass(frozen=True)
class Atom:
    """A name (or a bracketed vector or matrix) as the product folding sees it."""

    expr: sp.Expr
    rank: int                  # 0 scalar, 1 vector, 2 matrix
    transposed: bool = False
    inverse: bool = False
    power: str | None = None   # an exponent other than T, -1, (i), still to be rewritten


class Reader(Protocol):
    """What the construct modules need from the walker
    (:class:`verify.read.latex.rewrite.Rewriter`)."""

    context: Context

    def placeholder(self, expr: sp.Expr, latin: bool = False) -> str:
        """A one-letter stand-in for ``expr`` in the text handed to the parser."""
        ...

    def rewrite(self, text: str) -> str:
        """A piece of the step as placeholder LaTeX."""
        ...

    def remove(self, text: str, rule: str) -> None:
        """Record that ``rule`` took ``text`` out of the reading on purpose."""
        ...

    def sub_expr(self, text: str, token: str) -> sp.Expr:
        """The meaning of a piece of the step (a name directly, else a full parse)."""
        ...

    def at_atom(self, text: str, i: int) -> bool:
        """Whether a name starts at ``text[i]``."""
        ...

    def read_atom(self, text: str, i: int) -> tuple[Atom, int]:
        """The name at ``text[i]`` and the index after it."""
        ...

    def bare_argument(self, name: str, text: str, i: int, k: int) -> tuple[str, int]:
        """The argument of the function ``name`` (at ``i``) written without brackets at
        ``text[k]``, and the index after it; refused when it is more than one factor."""
        ...
