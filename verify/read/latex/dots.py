r"""``\dots`` and ``\vdots`` whose pattern is clear: the terms 1, 2, ..., last.

* ``a_1 + a_2 + \dots + a_K`` (at depth 0 of the text or of the group holding the ``\dots``)
  -> ``\sum_{m=1}^{K} a_m``, with ``m`` a declared index letter of that range that the terms do
  not use;
* ``\underbrace{a_1 + a_2 + \dots}_{...} + a_k``: the sequence 1, 2, ..., k, of which the brace
  holds the terms before the last -> ``\underbrace{\sum_{m=1}^{k-1} a_m}_{...} + a_k``;
* a column vector ``(e_1 \\ e_2 \\ \vdots \\ e_K)`` -> ``VecOf(e_m, m, 1, K)``
  (:mod:`verify.read.latex.environments` calls :func:`pattern` and :func:`fresh_index`).

The pattern is read token by token: the first two terms differ only where the first has ``1``
and the second ``2``, and the last term has one and the same token (the bound) in exactly those
places.  Anything else is a :class:`~verify.read.latex.rewrite_base.LatexProblem`: nothing is
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verify.core.errors import LatexProblem
from verify.model.spelling import latex_of_index
from verify.read.latex.normalize import matching_paren, read_group, split_depth0, term_end
from verify.read.latex.rewrite_base import Context

DOTS = ("\\dots", "\\cdots", "\\ldots")
_TOKEN = re.compile(r"\\[A-Za-z]+|\d+|\S")
# A matrix entry's numbers digit by digit: A_{1n}, A_{11} (row 1, column 1) as written
_DIGIT_TOKEN = re.compile(r"\\[A-Za-z]+|\S")
_ANY_DOTS = re.compile(r"\\[lc]?dots(?![A-Za-z])")
_UNDERBRACE = re.compile(r"\\underbrace\s*(?=\{)")


@dataclass(frozen=True)
class Pattern:
    """Terms ``first, second, ..., last``: where they vary and the last term's bound there."""

    tokens: list[str]          # the first term's tokens
    varying: list[int]         # positions holding 1 in the first term, 2 in the second
    bound: str                 # the token the last term has at those positions

    def body(self, letter: str) -> str:
        """The general term with ``letter`` at the varying positions."""
        return _spelled(self.tokens, dict.fromkeys(self.varying, letter))


def pattern(first_text: str, second_text: str, last_text: str) -> Pattern:
    """The pattern of three terms, or a problem saying why there is none."""
    first, second, last = (_TOKEN.findall(t) for t in (first_text, second_text, last_text))
    if not len(first) == len(second) == len(last):
        raise LatexProblem(last_text, "\\dots: the terms do not follow one pattern")
    varying = [n for n, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    bounds = {last[n] for n in varying}
    same = all(a == c for n, (a, c) in enumerate(zip(first, last, strict=True))
               if n not in varying)
    if not varying or any((first[n], second[n]) != ("1", "2") for n in varying) or \
            len(bounds) != 1 or not same:
        raise LatexProblem(first_text, "\\dots: the terms do not follow one pattern "
                           "(1, 2, ..., last)")
    return Pattern(first, varying, bounds.pop())


LAST = 0   # the label of a matrix's last written row or column: its bound


@dataclass(frozen=True)
class Grid:
    """The entries of a matrix written with dots: where they vary with the row and with the
    column, and the bounds (the last row's and the last column's tokens there)."""

    tokens: list[str]          # the (1, 1) entry's tokens
    rows: list[int]            # positions holding the row number
    columns: list[int]         # positions holding the column number
    row_bound: str
    column_bound: str

    def body(self, row: str, column: str) -> str:
        """The general entry with the letters ``row`` and ``column`` at the varying places."""
        return _spelled(self.tokens, {**dict.fromkeys(self.rows, row),
                                      **dict.fromkeys(self.columns, column)})


def _spelled(tokens: list[str], at: dict[int, str]) -> str:
    """The tokens again, with ``at``'s letters in place; a command keeps a space only before
    a letter or digit (``\\hat{y}`` stays one name for the reader)."""
    def spaced(n: int, tok: str) -> str:
        following = at.get(n + 1, tokens[n + 1] if n + 1 < len(tokens) else "")
        return tok + " " * (tok.startswith("\\") and following[:1].isalnum())
    return "".join(("{" + at[n] + "}" if n and tokens[n - 1] in "_^" else at[n])
                   if n in at else spaced(n, tok) for n, tok in enumerate(tokens))


def grid(cells: dict[tuple[int, int], str], diagonal: bool) -> Grid:
    """The pattern of a matrix's written entries, keyed by (row, column) labels: 1, 2, ...
    for the rows and columns before the dots, :data:`LAST` for the last one.  The (1, 1)
    entry has ``1`` where the (last, 1) entry has the row bound and where the (1, last)
    entry has the column bound; every written entry must be that pattern at its place.  A
    ``diagonal`` matrix has entries (k, k) only, one index for both; nothing else is guessed."""
    tokens = {key: _DIGIT_TOKEN.findall(text) for key, text in cells.items()}
    first = tokens[(1, 1)]
    if any(len(t) != len(first) for t in tokens.values()):
        raise LatexProblem(cells[(1, 1)], "the entries of the matrix do not follow one pattern "
                           "(each entry the same but for its row and column numbers)")

    def varying(other: list[str]) -> tuple[list[int], str]:
        places = [n for n, (a, b) in enumerate(zip(first, other, strict=True)) if a != b]
        bounds = {other[n] for n in places}
        if not places or any(first[n] != "1" for n in places) or len(bounds) != 1:
            raise LatexProblem(cells[(1, 1)], "the entries of the matrix do not follow one "
                               "pattern: the first entry needs a 1 where the last row or "
                               "column has its size")
        return places, bounds.pop()
    if diagonal:
        rows, bound = varying(tokens[(LAST, LAST)])
        found = Grid(first, rows, rows, bound, bound)
    else:
        rows, row_bound = varying(tokens[(LAST, 1)])
        columns, column_bound = varying(tokens[(1, LAST)])
        if set(rows) & set(columns):
            raise LatexProblem(cells[(1, 1)], "the entries of the matrix do not follow one "
                               "pattern (a number that is both the row's and the column's)")
        found = Grid(first, rows, columns, row_bound, column_bound)
    _every_entry_fits(found, tokens, cells, "an entry of the matrix")
    return found


def off_diagonal(cells: dict[tuple[int, int], str]) -> Grid:
    """The pattern of the entries off a square matrix's diagonal (a softmax Jacobian's
    ``-\\hat{y}_1\\hat{y}_C``), from the (1, last) and (last, 1) entries: the first has ``1``
    where the second has the bound (the row number) and the bound where the second has ``1``
    (the column number); every written entry off the diagonal must be that pattern."""
    tokens = {key: _DIGIT_TOKEN.findall(text) for key, text in cells.items()}
    first, mirror = tokens[(1, LAST)], tokens[(LAST, 1)]
    problem = LatexProblem(cells[(1, LAST)], "the entries off the diagonal of the matrix do "
                           "not follow one pattern (each the same but for its row and column "
                           "numbers)")
    if any(len(t) != len(first) for t in tokens.values()):
        raise problem
    places = [n for n, (a, b) in enumerate(zip(first, mirror, strict=True)) if a != b]
    rows = [n for n in places if first[n] == "1"]
    columns = [n for n in places if mirror[n] == "1"]
    bounds = {first[n] for n in columns} | {mirror[n] for n in rows}
    if not rows or not columns or len(rows) + len(columns) != len(places) or len(bounds) != 1:
        raise problem
    bound = bounds.pop()
    found = Grid(first, rows, columns, bound, bound)
    _every_entry_fits(found, tokens, cells, "an entry off the diagonal of the matrix")
    return found


def _every_entry_fits(found: Grid, tokens: dict[tuple[int, int], list[str]],
                      cells: dict[tuple[int, int], str], what: str) -> None:
    """Each written entry is the pattern at its (row, column) labels, token for token."""
    for (row, column), have in tokens.items():
        at = {**{n: str(row) if row != LAST else found.row_bound for n in found.rows},
              **{n: str(column) if column != LAST else found.column_bound
                 for n in found.columns}}
        if [at.get(n, tok) for n, tok in enumerate(found.tokens)] != have:
            raise LatexProblem(cells[(row, column)], f"{what} that does not follow the "
                               "pattern of the others")


def used_tokens(*texts: str) -> set[str]:
    return {token for text in texts for token in _TOKEN.findall(text)}


def fresh_index(context: Context, used: set[str], raw: str, bound: str) -> tuple[str, str]:
    """``(spelling, name)`` of a declared index letter not in the terms, ranging over the
    bound's size (any range when the bound is not a declared name)."""
    lexicon, indices = context.lexicon, context.notation.indices
    found = lexicon.lookup(bound, (0, 0), "")
    size = None
    if found is not None:
        size = indices.get(found[0].name) if found[0].kind == "index" else found[0].name
    for name, over in indices.items():
        spelled = latex_of_index(name)
        # A primed letter is one token plus a quote: look for it in the raw text instead.
        free = spelled not in raw if "'" in spelled else spelled not in used
        if free and (size is None or over == size):
            return spelled, name
    raise LatexProblem("\\dots", "no declared index letter is free to sum \\dots over")


def expand_dots(text: str, context: Context) -> str:
    """Every ``\\dots`` of a sum pattern replaced by that sum (see the module docstring)."""
    found = _ANY_DOTS.search(text)
    if not found:
        return text
    start, end = _enclosing_group(text, found.start())
    inner = text[start:end]
    expanded = _expand_terms(inner, context)
    if expanded == inner:
        return text
    return text[:start] + expanded + expand_dots(text[end:], context)


def _expand_terms(text: str, context: Context) -> str:
    terms = split_depth0(text, ("+",))
    marks = [n for n, t in enumerate(terms) if t.strip() in DOTS]
    if len(marks) != 1:
        return text   # not a sum pattern: \dots is reported where it stands
    d = marks[0]
    if d < 2 or d + 1 >= len(terms):
        raise LatexProblem(text[-60:], "\\dots whose pattern is not clear (needs two "
                           "terms before it and the last one after it)")
    found = pattern(terms[d - 2], terms[d - 1], terms[d + 1])
    letter, _ = fresh_index(context, used_tokens(terms[d - 2], terms[d + 1]), text,
                            found.bound)
    summed = f"\\sum_{{{letter}=1}}^{{{found.bound}}} {{{found.body(letter)}}}"
    return " + ".join([*terms[:d - 2], summed, *terms[d + 2:]])


def close_open_dots(text: str, context: Context) -> str:
    """``\\underbrace{a_1 + a_2 + \\dots}_{Y} + a_k`` -> ``\\underbrace{\\sum_{m=1}^{k-1}
    a_m}_{Y} + a_k``.  Done on the whole step before the brace is taken apart, so the step and
    the brace's sub-claim read the same terms.  Braces without that shape are left alone."""
    for match in reversed(list(_UNDERBRACE.finditer(text))):
        open_at = match.end()
        inner, after = read_group(text, open_at)
        terms = split_depth0(inner, ("+",))
        if len(terms) < 3 or terms[-1].strip() not in DOTS:
            continue
        k = _skip_spaces(text, after)
        if text[k:k + 1] == "_":
            _, k = read_group(text, k + 1)
            k = _skip_spaces(text, k)
        if text[k:k + 1] != "+":
            continue
        following = text[k + 1:term_end(text, k + 1)]
        found = pattern(terms[-3], terms[-2], following)
        letter, _ = fresh_index(context, used_tokens(terms[-3], following), text, found.bound)
        summed = f"\\sum_{{{letter}=1}}^{{{found.bound}-1}} {{{found.body(letter)}}}"
        closed = " + ".join([*terms[:-3], summed])
        text = text[:open_at] + "{" + closed + "}" + text[after:]
    return text


def _skip_spaces(text: str, i: int) -> int:
    while text[i:i + 1].isspace():
        i += 1
    return i


def _enclosing_group(text: str, position: int) -> tuple[int, int]:
    """``(start, end)`` of the content of the innermost group around ``position`` (the whole
    text at depth 0)."""
    openers: list[int] = []
    i = 0
    while i < position:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "{([":
            openers.append(i)
        elif text[i] in "})]" and openers:
            openers.pop()
        i += 1
    if not openers:
        return 0, len(text)
    start = openers[-1]
    close = matching_paren(text, start) if text[start] in "([" else read_group(text, start)[1] - 1
    return start + 1, close if close > 0 else len(text)
