r"""Environments inside a step: vectors and matrices written out, and ``cases``.

* ``pmatrix``, ``bmatrix``, ``matrix`` with one column: ``(a \\ b \\ c)`` -> a SymPy column
  vector; with a ``\vdots`` row whose pattern is clear (``e_1 \\ e_2 \\ \vdots \\ e_K``) ->
  ``VecOf(e_m, m, 1, K)`` (:mod:`verify.read.latex.dots` reads the pattern); with one row, the
  row vector (the transpose of that column);
* with several rows and columns: the matrix of its entries; with dots (a row of ``\vdots``, a
  column of ``\cdots``), the matrix of the pattern its written corners show, ``MatOf``
  (:func:`dotted_matrix`);
* ``cases`` (``dcases``): ``v_1 & \text{if } j = k \\ v_2 & \text{otherwise}`` ->
  ``Piecewise((v_1, Eq(j, k)), (v_2, True))``.  A condition is ``a = b``, ``a \neq b``,
  ``a < b`` (``>``, ``\le``, ``\ge``), optionally after one of the words ``if``, ``when``,
  ``for``; or the word ``otherwise`` (``else``).  Any other prose is a reason for unparsed.

``array`` and every other environment are problems.
"""

from __future__ import annotations

import re

import sympy as sp

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.read.latex import products
from verify.read.latex.dots import LAST, fresh_index, grid, off_diagonal, pattern, used_tokens
from verify.read.latex.normalize import read_group, split_depth0
from verify.read.latex.rewrite_base import Atom, Reader

VECTORS = frozenset({"pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix"})
CASES = frozenset({"cases", "dcases"})
_BEGIN = re.compile(r"\\begin\s*\{([^{}]*)\}")
_ROW_OPTION = re.compile(r"^\s*\[[^\]]*\]")
_ACROSS = frozenset({"\\cdots", "\\dots", "\\ldots", "..."})
_DOWN = frozenset({"\\vdots"})
_DIAGONAL = frozenset({"\\ddots"})
_DOT_CELLS = _ACROSS | _DOWN | _DIAGONAL
_LETTERS_NEEDED = ("a matrix with dots is read with two declared index letters (one for its "
                   "rows, one for its columns) over its sizes, not used in its entries: declare "
                   "them, indices: {i: n, j: n}")
# a row of a column of rows: x_1^{T}, \mathbf{x}^{(1)T} (normalized to ^{T})
_ROW_OF = re.compile(r"(.+?)\s*\^\s*\{\s*T\s*\}")
_TEXT = r"\\(?:text|textrm|mbox|textit|mathrm|operatorname)\s*\{\s*"
_CONDITION_WORD = re.compile(_TEXT + r"(if|when|for)\s*\}\s*")
_OTHERWISE = re.compile(_TEXT + r"(?:otherwise|else)\s*\}$")
_TRAILING = re.compile(r"[\s,.;]+$")
_RELATIONS: tuple[tuple[str, type[sp.core.relational.Relational]], ...] = (
    ("\\neq", sp.Ne), ("\\ne", sp.Ne), ("\\leq", sp.Le), ("\\le", sp.Le), ("\\geq", sp.Ge),
    ("\\ge", sp.Ge), ("=", sp.Eq), ("<", sp.Lt), (">", sp.Gt))


def read_environment(text: str, i: int) -> tuple[str, str, int]:
    """``(name, body, index after \\end{name})`` of the environment starting at ``i``."""
    begin = _BEGIN.match(text, i)
    if begin is None:
        raise LatexProblem(text[i:i + 20], "\\begin without an environment name")
    name = begin.group(1).strip()
    depth = 1
    for match in re.finditer(r"\\(begin|end)\s*\{([^{}]*)\}", text[begin.end():]):
        depth += 1 if match.group(1) == "begin" else -1
        if depth == 0:
            if match.group(2).strip() != name:
                break
            start = begin.end()
            return name, text[start:start + match.start()], start + match.end()
    raise LatexProblem(begin.group(0), f"environment '{name}' is not closed")


def rows(body: str) -> list[list[str]]:
    """Cells by row: rows split at depth-0 ``\\\\`` (``\\\\[5pt]`` too), cells at ``&``.
    A last empty row (a trailing ``\\\\``) is dropped."""
    table = []
    for n, row in enumerate(split_depth0(body, ("\\\\",))):
        row = _ROW_OPTION.sub("", row) if n else row
        table.append([cell.strip() for cell in split_depth0(row, ("&",))])
    while table and table[-1] == [""]:
        table.pop()
    return table


def environment_atom(reader: Reader, text: str, i: int) -> tuple[Atom, int]:
    """The environment at ``i`` as an atom (a vector, or a scalar ``Piecewise``)."""
    name, body, end = read_environment(text, i)
    token = f"\\begin{{{name}}}"
    if name in VECTORS:
        table = rows(body)
        if table and all(len(row) == 1 for row in table):
            if all(_ROW_OF.fullmatch(row[0]) or row[0] in _DOT_CELLS for row in table) and \
                    any(_ROW_OF.fullmatch(row[0]) for row in table):
                return Atom(stacked_rows(reader, [row[0] for row in table], token), 2), end
            return Atom(column_vector(reader, table, token), 1), end
        if len(table) == 1:
            # (a_1 & a_2 & \cdots & a_n): a row vector, the transpose of its column
            return Atom(column_vector(reader, [[cell] for cell in table[0]], token), 1,
                        transposed=True), end
        return Atom(matrix(reader, table, token), 2), end
    if name in CASES:
        return Atom(cases(reader, rows(body), token), 0), end
    why = "a matrix given by its columns" if name == "array" else f"environment '{name}'"
    raise LatexProblem(token, f"{why} is not supported (column vectors pmatrix/bmatrix and "
                       "cases are)")


def column_vector(reader: Reader, table: list[list[str]], token: str) -> sp.Expr:
    if not table or any(len(row) != 1 or not row[0] for row in table):
        raise LatexProblem(token, "a matrix with several columns or empty entries (only "
                           "column vectors are read)")
    entries = [row[0] for row in table]
    marks = [n for n, entry in enumerate(entries) if entry in _DOT_CELLS]
    if not marks:
        return sp.ImmutableMatrix([reader.sub_expr(entry, token) for entry in entries])  # type: ignore[return-value]
    if marks != [2] or len(entries) != 4:
        raise LatexProblem(token, "dots whose pattern is not clear (write the entries for "
                           "1 and 2, the dots, and the last)")
    first, second, _, last = entries
    found = pattern(first, second, last)
    context = reader.context
    letter, name = fresh_index(context, used_tokens(first, last), " ".join(entries),
                               found.bound)
    # The written entries stand for the pattern, which is read (and accounted) as its body.
    reader.remove(" ".join(entries), "a \\vdots pattern, read as the vector it stands for")
    body = reader.sub_expr(found.body(letter), token)
    upper = reader.sub_expr(found.bound, token)
    return E.VecOf(body, E.index_symbol(name), sp.Integer(1), upper)


def stacked_rows(reader: Reader, entries: list[str], token: str) -> sp.Expr:
    r"""A column of transposed vectors, the matrix with those rows: ``(\mathbf{x}_1^T \\
    \mathbf{x}_2^T \\ \vdots \\ \mathbf{x}_N^T)``, a data matrix by its samples, ->
    ``MatOf(Entry(x_i, j), i, 1, N, j, 1, d)``.  Only as a pattern (1, 2, dots, the last),
    each row a vector whose length the notation names."""
    marks = [n for n, entry in enumerate(entries) if entry in _DOT_CELLS]
    if marks != [2] or len(entries) != 4:
        raise LatexProblem(token, "a column of rows x^T is read as a pattern only: the rows "
                           "for 1 and 2, \\vdots, and the last")
    inner = [_ROW_OF.fullmatch(entry).group(1)  # type: ignore[union-attr]
             for n, entry in enumerate(entries) if n != 2]
    found = pattern(*inner)
    context = reader.context
    raw = " ".join(entries)
    try:
        letter, name = fresh_index(context, used_tokens(*inner), raw, found.bound)
    except LatexProblem:
        raise LatexProblem(token, _LETTERS_NEEDED) from None
    reader.remove(raw, "a \\vdots pattern of rows, read as the matrix it stands for")
    row = reader.sub_expr(found.body(letter), token)
    shape = products.shape_of(row, context.notation)
    if products.rank_of(row, context.notation) != 1 or shape is None or shape[0] is None:
        raise LatexProblem(token, "a row x^T of the column is not a vector of a declared "
                           "length")
    try:
        _, column_name = fresh_index(context, used_tokens(*inner) | {letter},
                                     raw + " " + letter, shape[0])
    except LatexProblem:
        raise LatexProblem(token, _LETTERS_NEEDED) from None
    column = E.index_symbol(column_name)
    upper = reader.sub_expr(found.bound, token)
    return E.MatOf(E.Entry(row, column), E.index_symbol(name), sp.Integer(1),  # type: ignore[no-any-return]
                   upper, column, sp.Integer(1), E.size_symbol(shape[0]))


def matrix(reader: Reader, table: list[list[str]], token: str) -> sp.Expr:
    """A matrix of several columns written entry by entry (every row as long as the first, no
    entry empty); one with dots is read by :func:`dotted_matrix`."""
    if any(cell in _DOT_CELLS for row in table for cell in row):
        return dotted_matrix(reader, table, token)
    width = len(table[0]) if table else 0
    if not table or any(len(row) != width for row in table):
        raise LatexProblem(token, "a matrix whose rows have different numbers of entries")
    if any(not cell for row in table for cell in row):
        raise LatexProblem(token, "a matrix with an empty entry (write the 0 it stands for)")
    return sp.ImmutableMatrix([[reader.sub_expr(cell, token) for cell in row]  # type: ignore[return-value]
                               for row in table])


def dotted_matrix(reader: Reader, table: list[list[str]], token: str) -> sp.Expr:
    r"""A matrix written with dots: one row of ``\vdots`` (``\ddots`` where it crosses the
    dots column), one column of ``\cdots``, the rows and columns 1, 2, ... before them and the
    last one after them, so that the written entries show the pattern
    (:func:`verify.read.latex.dots.grid`): ``(\frac{\partial \hat{y}_1}{\partial z_1} &
    \dots & \frac{\partial \hat{y}_1}{\partial z_C} \\ \vdots & \ddots & \vdots \\
    ...)`` -> ``MatOf(\partial \hat{y}_i / \partial z_j, i, 1, C, j, 1, C)``.  A square one
    whose entries off the diagonal are all 0 or left empty is the diagonal matrix of its
    diagonal's pattern (``diag``)."""
    width = len(table[0])
    if any(len(row) != width for row in table):
        raise LatexProblem(token, "a matrix with dots whose rows have different numbers of "
                           "entries (write every row in full: its entries, \\cdots, \\vdots "
                           "or \\ddots)")
    down = [r for r, row in enumerate(table)
            if all(cell in _DOWN | _DIAGONAL or not cell for cell in row) and any(row)]
    across = [c for c in range(width)
              if all(row[c] in _ACROSS | _DIAGONAL or (r in down and row[c] in _DOWN) or
                     not row[c] for r, row in enumerate(table)) and
              any(row[c] in _ACROSS | _DIAGONAL for row in table)]
    if len(down) != 1 or len(across) != 1 or down[0] != len(table) - 2 or \
            across[0] != width - 2 or not down[0] or not across[0]:
        raise LatexProblem(token, "a matrix with dots whose pattern is not clear (write the "
                           "first rows, a row of \\vdots, the last row; in each, the first "
                           "entries, \\cdots, the last)")
    row_of = {r: (r + 1 if r < down[0] else LAST) for r in range(len(table)) if r != down[0]}
    column_of = {c: (c + 1 if c < across[0] else LAST) for c in range(width) if c != across[0]}
    cells = {(row_of[r], column_of[c]): table[r][c] for r in row_of for c in column_of}
    if any(text in _DOT_CELLS for text in cells.values()):
        raise LatexProblem(token, "dots in a matrix outside its row of \\vdots and its column "
                           "of \\cdots")
    diagonal = down[0] == across[0] and all(
        text in ("", "0") for (row, column), text in cells.items() if row != column)
    if diagonal:
        cells = {key: text for key, text in cells.items() if key[0] == key[1]}
    if any(not text for text in cells.values()):
        raise LatexProblem(token, "a matrix with an empty entry (write the 0 it stands for)")
    split = None
    try:
        found = grid(cells, diagonal)
    except LatexProblem:
        if down[0] != across[0]:
            raise
        # diag(y) - y y^T written out: one pattern on the diagonal, another off it
        found = grid({k: t for k, t in cells.items() if k[0] == k[1]}, True)
        split = off_diagonal({k: t for k, t in cells.items() if k[0] != k[1]})
        if split.row_bound != found.row_bound:
            raise LatexProblem(token, "a matrix whose diagonal and other entries end at "
                               "different sizes") from None
    everything = " ".join(cell for row in table for cell in row)
    used = used_tokens(*cells.values())
    try:
        row_letter, row_name = fresh_index(reader.context, used, everything, found.row_bound)
        column_letter, column_name = (row_letter, row_name) if diagonal else fresh_index(
            reader.context, used | {row_letter}, everything + " " + row_letter,
            found.column_bound)
    except LatexProblem:
        raise LatexProblem(token, _LETTERS_NEEDED) from None
    # The written entries stand for the pattern, which is read (and accounted) as its body.
    reader.remove(everything, "a dots pattern, read as the matrix it stands for")
    body = reader.sub_expr(found.body(row_letter, column_letter), token)
    row_count = reader.sub_expr(found.row_bound, token)
    row, one = E.index_symbol(row_name), sp.Integer(1)
    if diagonal:
        return E.Diag(E.VecOf(body, row, one, row_count))  # type: ignore[no-any-return]
    column = E.index_symbol(column_name)
    if split is not None:
        off = reader.sub_expr(split.body(row_letter, column_letter), token)
        body = sp.Piecewise((body, sp.Eq(row, column)), (off, True), evaluate=False)
    column_count = reader.sub_expr(found.column_bound, token)
    return E.MatOf(body, row, one, row_count, column, one,  # type: ignore[no-any-return]
                   column_count)


def cases(reader: Reader, table: list[list[str]], token: str) -> sp.Expr:
    if not table or any(len(row) != 2 for row in table):
        raise LatexProblem(token, "every row of 'cases' needs a value & a condition")
    pieces = [(reader.sub_expr(_TRAILING.sub("", value), token),
               condition(reader, row_condition)) for value, row_condition in table]
    return sp.Piecewise(*pieces, evaluate=False)  # type: ignore[no-any-return]


def condition(reader: Reader, text: str) -> sp.Basic:
    """A condition of a ``cases`` row (see the module docstring)."""
    text = _TRAILING.sub("", text.strip())
    if _OTHERWISE.match(text):
        return sp.true
    word = _CONDITION_WORD.match(text)
    if word:
        text = text[word.end():]
    for relation, build in _RELATIONS:
        sides = split_depth0(text, (relation,))
        if len(sides) == 2 and (relation[0] != "\\" or not
                                re.match(r"[A-Za-z]", sides[1][:1])):
            return build(reader.sub_expr(sides[0], text),  # type: ignore[call-arg]
                         reader.sub_expr(sides[1], text), evaluate=False)
    if re.search(r"\\(?:text|mbox|textrm)", text):
        group, _ = read_group(text, text.index("{")) if "{" in text else (text, 0)
        raise LatexProblem(text, f"prose inside the formula ('{group.strip()}' is not a "
                           "condition: use 'if', 'when', 'otherwise' and a relation)")
    raise LatexProblem(text, "a 'cases' condition that is not a relation (=, \\neq, <, >)")
