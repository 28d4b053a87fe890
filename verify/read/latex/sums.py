r"""``\sum`` and ``\prod`` with their limits.

``\sum_{k=1}^{K}``, ``\sum^{K}_{k=1}``, ``\sum_{k}`` (the range from the notation's
``indices``), a range written as a set (``\sum_{k \in [K]}``, ``[1, K]``, ``\{1, \dots,
K\}``), and the two ways of leaving one index out: ``\sum_{k \in [1, K] \setminus j}``
and ``\sum_{\substack{k=1 \\ k \neq j}}^{K}`` (a factor ``1 - KroneckerDelta(k, j)``).  The
index must be a declared index letter; the parser sees a placeholder letter for it.
"""

from __future__ import annotations

import re

import sympy as sp

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.model.notation import Notation
from verify.model.spelling import latex_of_index
from verify.read.latex.normalize import read_group, term_end
from verify.read.latex.rewrite_base import Context, Reader

# k \in [K], [1, K], (1, K), \{1, \dots, K\}, \{1, 2, \ldots, K\}; then \setminus j or
# \setminus \{j\} leaves one out
_SET_RANGE = re.compile(r"^(?P<letter>.+?)\\in\s*(?P<set>[\[(][^\[\]()]*[\])]|\\\{.*?\\\})\s*"
                        r"(?:\\setminus\s*(?:\\\{|\{)?\s*(?P<skip>.+?)\s*(?:\\\}|\})?)?$")
_DOTS_ITEM = re.compile(r"^\\[lc]?dots$|^\.\.\.?$")
_OPEN = "open_sum"   # the marker index of a \\sum written without limits (open_head)
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
    if lower is None and upper is None:
        return open_head(reader, name), j
    if lower is None:
        raise LatexProblem(name + "^{" + str(upper) + "}", f"{name} with an upper limit only")
    letters = [part.strip() for part in lower.split(",")] if upper is None else []
    if len(letters) > 1 and all(re.fullmatch(r"[A-Za-z]'*", part) for part in letters):
        # \sum_{i,j}: one sum per letter, each over its declared range.
        return "".join(big_operator(reader, name, "_{" + part + "}", 0)[0]
                       for part in letters), j
    letter, low, high, skip = limits(reader.context, lower, upper, name)
    ranged = _SET_RANGE.match(lower.strip())
    if ranged and ranged.group("set").startswith("\\{"):
        # {1, 2, ..., K}: the values between the first and the dots show the range, which is
        # read as its ends
        listed = [item.strip() for item in ranged.group("set")[2:-2].split(",")][1:-2]
        if listed:
            reader.remove(" ".join(listed), "the values a range lists between its first and "
                          "its dots")
    _index_used_after(text, j, letter, name)
    index = reader.sub_expr(letter, name + "_{" + lower + "}")
    if not (isinstance(index, sp.Symbol) and index.is_integer):
        raise LatexProblem(lower, f"{letter!r} is not a declared index letter")
    head = (f"{name}_{{{reader.placeholder(index, latin=True)}={reader.rewrite(low)}}}"
            f"^{{{reader.rewrite(high)}}} ")
    if skip is not None:
        factor = 1 - sp.KroneckerDelta(index, reader.sub_expr(skip, lower), evaluate=False)
        head += "(" + reader.placeholder(factor) + ") "
    return head, j


def _index_used_after(text: str, j: int, letter: str, name: str) -> None:
    r"""``\sum_{i=1}^n y_i \log p_i + (1 - y_i) \log(1 - p_i)``: TeX's sum ends at the ``+``,
    yet its index is used after it, at the same level.  Written so, the author almost always
    means the sum of the whole, and read as TeX says a right step is refuted: refused, so that
    brackets say which.  A sum that a bracket or a group closes (``\log(\sum_i e^{z_i}) -
    z_i``, ``\frac{e^{z_i}}{\sum_i e^{z_i}}``) ends there, and a later sum over the same
    letter binds it again (``\sum_i a_i + \sum_i b_i``)."""
    summand_end = term_end(text, j, "+-", leading_sign=True)
    level_end = term_end(text, j, "")
    rest = text[summand_end:level_end]
    word = re.escape(letter)
    again = re.search(r"\\(?:sum|prod)\s*_\s*(?:\{\s*" + word + r"(?![A-Za-z'])|" + word +
                      r"(?!')" + ")", rest)
    if again is not None:
        rest = rest[:again.start()]
    if _mentions(rest, letter):
        raise LatexProblem(f"{name}_{{{letter}}}", f"the sum over {letter} ends at a + or -, "
                           f"yet {letter} is used after it: is the sum over everything after "
                           "it? Write brackets around what it sums (or another letter for the "
                           "free index)")


def _mentions(text: str, letter: str) -> bool:
    """Whether the index ``letter`` occurs in ``text``: alone, as an unbraced subscript
    (``t_iu_i``: TeX takes one token) or among a braced subscript's letters (``x_{ij}``)."""
    word = re.escape(letter)
    if re.search(r"(?<![A-Za-z\\])" + word + r"(?![A-Za-z'])", text):
        return True
    if len(letter) == 1 and re.search(r"_\s*" + word, text):
        return True
    return any(letter in (item.strip() for item in (group.split(",") if "," in group else
                                                    re.findall(r"[A-Za-z]'*|\\[A-Za-z]+",
                                                               group)))
               for group in re.findall(r"_\s*\{([^{}]*)\}", text))


def open_head(reader: Reader, name: str) -> str:
    """``\\sum`` without limits: a head over a marker index, closed by
    :func:`close_open_sums` once the whole step is read (what the parser takes as the summand
    decides which index letter it sums over)."""
    index = sp.Dummy(_OPEN, integer=True)
    upper = sp.Dummy(_OPEN + "_upper", integer=True, positive=True)
    return (f"{name}_{{{reader.placeholder(index, latin=True)}=1}}"
            f"^{{{reader.placeholder(upper)}}} ")


def close_open_sums(expr: sp.Expr, notation: Notation, whole_step: bool = True) -> sp.Expr:
    """Each ``\\sum`` written without limits, over the one index letter that occurs in its
    summand and nowhere else in the step (but in other such sums), across that letter's
    declared range (``\\frac{\\sum e^{x_d} e^{x_i}}{\\sum e^{x_d}}``: d).  Refused when no letter or
    several letters qualify (``\\sum t_i \\frac{dy_i}{dx_j}``: i or j?), and in a part of a
    step read on its own (``whole_step`` false), where the rest of the step is not seen."""
    holes = {node: sp.Dummy() for node in sp.preorder_traversal(expr)
             if isinstance(node, (sp.Sum, sp.Product)) and _is_open(node)}
    # The letters outside every open sum: \sum e^{x_d} twice in one step sums over d twice.
    outside = expr.xreplace(holes).free_symbols
    while True:
        found = next((node for node in sp.postorder_traversal(expr)
                      if isinstance(node, (sp.Sum, sp.Product)) and _is_open(node)), None)
        if found is None:
            return expr
        name = "\\sum" if isinstance(found, sp.Sum) else "\\prod"
        if not whole_step:
            raise LatexProblem(name, f"{name} without limits is read only in a whole step "
                               "(write its limits)")
        letters = sorted((symbol for symbol in found.function.free_symbols
                          if isinstance(symbol, sp.Symbol) and not isinstance(symbol, sp.Dummy)
                          and symbol.name in notation.indices and symbol not in outside),
                         key=str)
        if len(letters) != 1:
            spelled = " or ".join(latex_of_index(symbol.name) for symbol in letters)
            why = (f"its index could be {spelled}" if letters else
                   "no index letter occurs only in its summand")
            fix = " or ".join(f"{name}_{{{latex_of_index(symbol.name)}}}" for symbol in letters)
            raise LatexProblem(name, f"{name} without limits: {why}; write "
                               f"{fix or 'its limits, as in ' + name + '_{k=1}^{K}'}")
        letter = letters[0]
        size = E.size_symbol(notation.indices[letter.name])
        expr = expr.xreplace({found: found.func(found.function, (letter, 1, size))})


def _is_open(node: sp.Basic) -> bool:
    variable = node.limits[0][0]
    return isinstance(variable, sp.Dummy) and variable.name == _OPEN


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
    ranged = _SET_RANGE.match(lower)
    if ranged:
        if upper is not None:
            raise LatexProblem(lower, "both a range and an upper limit")
        low, high = _set_bounds(ranged.group("set"), lower)
        return ranged.group("letter").strip(), low, high, ranged.group("skip")
    excluded = _NOT_EQUAL.fullmatch(lower) if skip is None else None
    if excluded:
        # \sum_{i \neq k}: the declared range of i, k left out.
        lower, skip = excluded.group(1).strip(), excluded.group(2)
    if "=" in lower:
        letter, low = lower.split("=", 1)
        if upper is None:
            raise LatexProblem(lower, f"{name} without an upper limit")
        return letter.strip(), low, upper, skip
    found = context.lexicon.lookup(lower, (0, 0), "")
    size = context.notation.indices[found[0].name] if found is not None and \
        found[0].kind == "index" else None
    if size is not None and (upper is None or _names_size(context, upper, size)):
        # \sum_k and \sum_k^K (k declared over K): the whole declared range, from 1.
        return lower, "1", size, skip
    if size is not None and upper is not None:
        raise LatexProblem(lower + "^{" + upper + "}", f"{name}_{{{lower}}}^{{{upper}}} "
                           f"without a lower limit, and {upper.strip()} is not the declared "
                           f"range 1..{size} of {lower}: write {name}_{{{lower}=1}}^{{...}}")
    raise LatexProblem(lower, f"cannot read the limits of {name}")


def _set_bounds(written: str, lower: str) -> tuple[str, str]:
    r"""The first and last values of a range written as a set: ``[K]`` (1 to K, the usual
    shorthand), ``[a, b]``, ``\{1, \dots, K\}``, ``\{1, 2, \ldots, K\}``."""
    if written.startswith("\\{"):
        items = [item.strip() for item in written[2:-2].split(",")]
        dots = [n for n, item in enumerate(items) if _DOTS_ITEM.match(item)]
        counted = items[:-2]
        if dots != [len(items) - 2] or not counted or any(
                not item.isdigit() or int(item) != int(counted[0]) + n
                for n, item in enumerate(counted)):
            raise LatexProblem(lower, "a set of values that is not a range 1, ..., K")
        return counted[0], items[-1]
    items = [item.strip() for item in written[1:-1].split(",")]
    if len(items) == 1 and written[0] == "[" and items[0]:
        return "1", items[0]
    if len(items) == 2 and all(items):
        return items[0], items[1]
    raise LatexProblem(lower, "a range that is neither [K] nor [a, b]")


def _names_size(context: Context, text: str, size: str) -> bool:
    """Whether ``text`` is the spelling of the declared size ``size``."""
    found = context.lexicon.lookup(text.strip(), (0, 0), "")
    return found is not None and found[0].kind == "size" and found[0].name == size
