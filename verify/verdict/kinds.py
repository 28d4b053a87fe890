"""What a diagnosis of a refuted step says: its kind and its words.  Below the engine
(:mod:`verify.verdict.explain`) and its candidates, used by checking and grading alike."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import sympy as sp

from verify.model.reading import plain


class Kind(StrEnum):
    """A kind of mistake, in the order a diagnosis is preferred when several explain a step
    (the most specific first: a factor says more than "it holds when N = 1")."""

    SIGN = "sign flipped"
    FACTOR = "constant factor"
    DROPPED_TERM = "dropped term"
    TERM_SIGN = "sign of one term"
    DOUBLED_TERM = "term counted twice"
    EXTRA_TERM = "extra term"
    CHAIN_RULE = "missing chain-rule factor"
    PRODUCT_RULE = "product rule with a term missing"
    BRACKETS = "brackets lost"
    SWAPPED_INDICES = "swapped indices"
    WRONG_INDEX = "index written for another"
    WRONG_SYMBOL = "symbol written for another"
    ARGUMENT = "argument of a function changed"
    EXPONENT = "exponent changed"
    SUM_KEPT = "sum kept where the derivative collapses it"
    MISSING_TRANSPOSE = "missing transpose"
    ONE_SAMPLE = "holds for one sample only"
    INDEX_EQUAL = "holds only when two indices are equal"
    INDEX_DIFFERENT = "holds only when two indices differ"
    LABELS_ONE_HOT = "holds only for one-hot labels"
    LABEL_ZERO = "holds only when a label entry is 0"
    EQUATION = "an equation set to zero, not a step"
    SHAPES = "shapes differ"
    DOMAIN = "domains differ"
    SILENT_FIX = "silent correction"
    OTHER = "other"


# Kinds that say where a step holds rather than what was done: shown only when no kind that
# names the slip itself holds (a lost factor N also makes a step hold at N = 1).
CONDITIONS = frozenset({Kind.ONE_SAMPLE, Kind.INDEX_EQUAL, Kind.INDEX_DIFFERENT,
                        Kind.LABELS_ONE_HOT, Kind.LABEL_ZERO, Kind.EQUATION})


@dataclass(frozen=True)
class Diagnosis:
    kind: Kind
    text: str          # words with $...$ LaTeX: what was lost, swapped or assumed

    def __str__(self) -> str:
        return self.text


def factor_text(value: sp.Expr, show: Callable[[sp.Basic], str] = plain) -> str:
    """"this line is $2$ times the line before: a factor $\\frac{1}{2}$ was lost (or $2$
    added)": the words of a constant factor, for the candidates and for
    :mod:`verify.verdict.diagnose`."""
    if value == -1:
        return "the sign is flipped: this line is $-1$ times the line before"
    if value == 0:
        # True of a slip (a numerator that cancels by mistake) and of an equation to solve
        # (a gradient set to 0, which is no step): the words say which is which.
        return ("this line is $0$ and the line before is not: everything was dropped, or this "
                "is an equation to solve (a gradient set to $0$), not a step")
    return (f"this line is {show(value)} times the line before: a factor {show(1 / value)} "
            f"was lost (or {show(value)} added)")


# The kind of a diagnosis written by the verdict itself (verify.verdict.diagnose, the
# shapes and domains of verify.verdict.combine), by its words, which those modules own.
_KINDS_BY_WORDS = ((re.compile(r"^the sign is flipped"), Kind.SIGN),
                   (re.compile(r"^this line is .* times the line before|^this line is \$0\$"),
                    Kind.FACTOR),
                   (re.compile(r"label indicator|label is not class|one-hot entry"),
                    Kind.LABEL_ZERO),
                   (re.compile(r"holds only when \$[A-Za-z]+ = 1\$"), Kind.ONE_SAMPLE),
                   (re.compile(r"holds only when \$[^$]* \\neq [^$]*\$"), Kind.INDEX_DIFFERENT),
                   (re.compile(r"holds only when \$[^$]* = [^$]*\$"), Kind.INDEX_EQUAL),
                   (re.compile(r"^this is an equation, not an identity"), Kind.EQUATION),
                   (re.compile(r"^the sides have different shapes"), Kind.SHAPES),
                   (re.compile(r"^The sides are defined on different domains"), Kind.DOMAIN))


def kind_of(text: str) -> Kind:
    return next((k for pattern, k in _KINDS_BY_WORDS if pattern.search(text)), Kind.OTHER)


def diagnoses_of(text: str) -> tuple[Diagnosis, ...]:
    """A verdict's own diagnosis text (sentences, each ending in ". "), one diagnosis per
    sentence."""
    parts = [p.strip() for p in re.split(r"(?<=\.) (?=[A-Za-z$])", text) if p.strip()]
    return tuple(Diagnosis(kind_of(p), p.removesuffix(".")) for p in parts)


def joined(diagnoses: tuple[Diagnosis, ...]) -> str:
    """Diagnoses as one text, a sentence each (the inverse of :func:`diagnoses_of`)."""
    return " ".join(f"{d.text}." for d in diagnoses)
