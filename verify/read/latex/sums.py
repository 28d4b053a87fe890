r"""``\sum`` and ``\prod`` with their limits.

``\sum_{k=1}^{K}``, ``\sum^{K}_{k=1}``, ``\sum_{k}`` (the range from the notation's
``indices``), and the two ways of leaving one index out: ``\sum_{k \in [1, K] \setminus j}``
and ``\sum_{\substack{k=1 \\ k \neq j}}^{K}`` (a factor ``1 - KroneckerDelta(k, j)``).  The
index must be a declared index letter; the parser sees a placeholder letter for it.
"""

from __future__ import annotations

import re

import sympy as sp

from verify.core.errors import LatexProblem
from verify.read.latex.normalize import read_group
from verify.read.latex.rewrite_base import Context, Reader

_SKIP_RANGE = re.compile(r"^(.+?)\\in\s*[\[(]\s*(.+?)\s*,\s*(.+?)\s*[\])]\s*\\setminus\s*"
                         r"(?:\\\{|\{)?\s*(.+?)\s*(?:\\\}|\})?$")
_NOT_EQUAL = re.compile(r"(.+?)\s*\\neq?\s*(.+)")


def big_operator(reader: Reader, name: str, text: str, i: int) -> tuple[str, int]:
    """``\\sum`` (``name``) whose limits start at ``text[i]``: the placeholder head (with the
    skip factor, if any) and the index after the limits."""
    lower = upper = None
    j = i
    while True:
        k = j
        while text[k:k + 1] == " ":
            k += 1
        if text[k:k + 1] == "_" and lower is None:
            lower, j = read_group(text, k + 1)
        elif text[k:k + 1] == "^" and upper is None:
            upper, j = read_group(text, k + 1)
        else:
            break
    if lower is None:
        raise LatexProblem(name, f"{name} without limits")
    letter, low, high, skip = limits(reader.context, lower, upper, name)
    index = reader.sub_expr(letter, name + "_{" + lower + "}")
    if not (isinstance(index, sp.Symbol) and index.is_integer):
        raise LatexProblem(lower, f"{letter!r} is not a declared index letter")
    head = (f"{name}_{{{reader.placeholder(index, latin=True)}={reader.rewrite(low)}}}"
            f"^{{{reader.rewrite(high)}}} ")
    if skip is not None:
        factor = 1 - sp.KroneckerDelta(index, reader.sub_expr(skip, lower), evaluate=False)
        head += "(" + reader.placeholder(factor) + ") "
    return head, j


def limits(context: Context, lower: str, upper: str | None,
           name: str) -> tuple[str, str, str, str | None]:
    """``(index letter, lower, upper, left-out index or None)`` as written."""
    lower = lower.strip()
    substack = re.fullmatch(r"\\substack\s*\{(.*)\}", lower, re.S)
    skip = None
    if substack:
        parts = [p.strip() for p in re.split(r"\\\\", substack.group(1))]
        skip_match = _NOT_EQUAL.fullmatch(parts[1]) if len(parts) == 2 else None
        if skip_match is None:
            raise LatexProblem(lower, "\\substack other than 'k=1 \\\\ k \\neq j'")
        lower = parts[0]
        skip = skip_match.group(2)
    ranged = _SKIP_RANGE.match(lower)
    if ranged:
        if upper is not None:
            raise LatexProblem(lower, "both a range and an upper limit")
        return ranged.group(1).strip(), ranged.group(2), ranged.group(3), ranged.group(4)
    if "=" in lower:
        letter, low = lower.split("=", 1)
        if upper is None:
            raise LatexProblem(lower, f"{name} without an upper limit")
        return letter.strip(), low, upper, skip
    found = context.lexicon.lookup(lower, (0, 0), "")
    if upper is None and found is not None and found[0].kind == "index":
        return lower, "1", context.notation.indices[found[0].name], skip
    raise LatexProblem(lower, f"cannot read the limits of {name}")
