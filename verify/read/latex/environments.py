r"""Environments inside a step: column vectors and ``cases``.

* ``pmatrix``, ``bmatrix``, ``matrix`` with one column: ``(a \\ b \\ c)`` -> a SymPy column
  vector; with a ``\vdots`` row whose pattern is clear (``e_1 \\ e_2 \\ \vdots \\ e_K``) ->
  ``VecOf(e_m, m, 1, K)`` (:mod:`verify.read.latex.dots` reads the pattern);
* ``cases`` (``dcases``): ``v_1 & \text{if } j = k \\ v_2 & \text{otherwise}`` ->
  ``Piecewise((v_1, Eq(j, k)), (v_2, True))``.  A condition is ``a = b``, ``a \neq b``,
  ``a < b`` (``>``, ``\le``, ``\ge``), optionally after one of the words ``if``, ``when``,
  ``for``; or the word ``otherwise`` (``else``).  Any other prose is a reason for unparsed.

Matrices with several columns, ``array`` and every other environment are problems.
"""

from __future__ import annotations

import re

import sympy as sp

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.read.latex.dots import fresh_index, pattern, used_tokens
from verify.read.latex.normalize import read_group, split_depth0
from verify.read.latex.rewrite_base import Atom, Reader

VECTORS = frozenset({"pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix"})
CASES = frozenset({"cases", "dcases"})
_BEGIN = re.compile(r"\\begin\s*\{([^{}]*)\}")
_ROW_OPTION = re.compile(r"^\s*\[[^\]]*\]")
_VDOTS = re.compile(r"^\\[vc]?dots$|^\\ddots$")
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
        return Atom(column_vector(reader, rows(body), token), 1), end
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
    marks = [n for n, entry in enumerate(entries) if _VDOTS.match(entry)]
    if not marks:
        return sp.ImmutableMatrix([reader.sub_expr(entry, token) for entry in entries])  # type: ignore[return-value]
    if marks != [2] or len(entries) != 4:
        raise LatexProblem(token, "\\vdots whose pattern is not clear (write the entries for "
                           "1 and 2, \\vdots, and the last)")
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
