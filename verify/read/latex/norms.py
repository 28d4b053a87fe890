r"""Traces and norms: ``\operatorname{tr}(AB)``, ``\|X\mathbf{w} - \mathbf{y}\|^2``,
``\lVert w \rVert_2^2``, ``\|X\|_F``, ``\|x\|_1``.

Each is read whole (its name or bars, the argument, the subscript naming the norm, an exponent)
into :class:`verify.model.expr.Trace`, ``Norm``, ``FrobNorm`` or ``Norm1`` and enters the text as
one scalar placeholder; the argument is read on its own.

* The trace is spelled ``\operatorname{tr}`` (``\mathrm{tr}`` becomes that in normalisation),
  ``\text{tr}``, ``\mbox{tr}``, ``{\rm tr}``, ``\tr``, with ``Tr``, ``trace`` or ``Trace`` (a
  blog's own macro) for ``tr``; the bare word ``tr(`` or ``Tr(`` (``x Tr(A)``, ``xTr(A)``)
  only where the notation knows none of its letters (else ``tr`` may be a product of declared
  names), ``trace(`` or ``Trace(`` (not glued to a letter before it) unless it knows the word
  or every one of its letters.  Its argument is bracketed.
  A vector's trace, and a matrix whose declared rows and columns differ, are refused; a scalar
  (``x^T A x``, a 1x1 matrix) is its own trace, as derivations use it
  (``x^T A x = tr(x^T A x)``).
* A norm is written between ``\|`` (or ``\Vert``) bars or ``\lVert ... \rVert``.  ``\|a\|`` and
  ``\|a\|_2`` of a vector are its Euclidean norm, ``\|A\|_F`` the Frobenius norm (of any
  array), ``\|a\|_1`` the sum of absolute values; of a scalar each is its absolute value.
  ``||a||`` is read so too when no single ``|`` stands between its bars.
  Refused: a matrix between plain bars or with ``_2`` (the spectral norm, or a Frobenius norm
  written loosely?), ``\|A\|_1`` of a matrix, any other subscript, bars that pair up in two
  ways (``\|a\| b \|c\|``).
"""

from __future__ import annotations

import re

import sympy as sp

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.read.latex import products
from verify.read.latex.normalize import matching_paren, outside_brackets, read_group
from verify.read.latex.rewrite_base import Atom, Reader

_WORD = r"(?:tr|Tr|trace|Trace)"
_TRACE = re.compile(r"\\(?:operatorname|text|textrm|textup|mbox|mathrm)\s*\{\s*" + _WORD +
                    r"\s*\}|\{\s*\\rm\s+" + _WORD + r"\s*\}|\\(?:tr|Tr|trace|Trace)(?![A-Za-z])"
                    r"|(?P<bare>(?<![A-Za-z\\])(?:trace|Trace)(?=\s*\()|(?<!\\)(?:tr|Tr)(?=\s*\())")
_OPEN = re.compile(r"\\(?:\||l?Vert(?![A-Za-z]))|\|\|")
# The tokens that matter when looking for a norm's closing bar.
_BAR_TOKEN = re.compile(r"\\(?:\||[lr]?Vert(?![A-Za-z]))|\\[{}]|\\[A-Za-z]+|\\.|\|\||\||"
                        r"[{}()\[\]]")
_OPENERS = frozenset({"{", "(", "[", "\\{", "\\lVert"})
_CLOSERS = frozenset({"}", ")", "]", "\\}"})
_TRANSPOSE = re.compile(r"^(?:-\s*1?)?\s*\{?\s*T\s*\}?$")
_OPERATOR = re.compile(r"[+\-=,]|\\(?:cdot|times)(?![A-Za-z])")


def construct(reader: Reader, text: str, i: int) -> tuple[Atom, int] | None:
    """A trace or a norm starting at ``text[i]`` and the index after it, or None when none
    starts there."""
    if text[i] not in "\\{tT|":
        return None
    if text.startswith("\\langle", i) and not text[i + 7:i + 8].isalpha():
        return _inner_product(reader, text, i)
    opener = _OPEN.match(text, i)
    if opener is not None:
        style = {"\\lVert": "paired", "||": "double"}.get(opener.group(0), "bar")
        if style == "double" and _closing(text, opener.end(), style)[0] < 0:
            return None   # not a norm: the bars are absolute values (or refused as such)
        return _norm(reader, text, i, opener.end(), style)
    other = _DET_DIAG.match(text, i)
    if other is not None:
        return _det_or_diag(reader, text, i, other)
    name = _TRACE.match(text, i)
    if name is None:
        return None
    if name.group("bare") is not None and _letters_known(reader, name.group(0)):
        return None
    return _trace(reader, text, i, name.end())


def _inner_product(reader: Reader, text: str, i: int) -> tuple[Atom, int]:
    r"""``\langle a, b \rangle``: ``a^T b`` of two vectors, ``tr(A^T B)`` (the Frobenius inner
    product) of two matrices, ``ab`` of two scalars.  The comma is the one at the brackets'
    own depth; anything else between them (no comma, two commas, shapes that differ) is
    refused."""
    depth, k, commas = 0, i + len("\\langle"), []
    close = -1
    while k < len(text):
        if text.startswith("\\langle", k):
            depth += 1
            k += len("\\langle")
            continue
        if text.startswith("\\rangle", k):
            if depth == 0:
                close = k
                break
            depth -= 1
            k += len("\\rangle")
            continue
        char = text[k]
        if char == "\\":
            k += 2
            continue
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif char == "," and depth == 0:
            commas.append(k)
        k += 1
    source = text[i:close + len("\\rangle")] if close >= 0 else text[i:][:60]
    if close < 0:
        raise LatexProblem(source, "\\langle without its \\rangle")
    if len(commas) != 1:
        raise LatexProblem(source, "an inner product \\langle a, b \\rangle needs exactly one "
                           "comma between its two sides")
    start = i + len("\\langle")
    left = reader.sub_expr(text[start:commas[0]], source)
    right = reader.sub_expr(text[commas[0] + 1:close], source)
    notation = reader.context.notation
    ranks = products.rank_of(left, notation), products.rank_of(right, notation)
    if ranks[0] != ranks[1]:
        raise LatexProblem(source, "the two sides of the inner product are not alike (a "
                           "scalar, a vector or a matrix each)")
    end = close + len("\\rangle")
    frobenius = _FROBENIUS_MARK.match(text, end)
    if frobenius is not None:
        # \langle A, B \rangle_F: the Frobenius inner product, said so (frob_norm_yusukey01)
        if ranks[0] != 2:
            raise LatexProblem(text[i:frobenius.end()], "\\langle a, b \\rangle_F is the "
                               "Frobenius inner product of two matrices, and these are not")
        reader.remove(frobenius.group(0), "the F of a Frobenius inner product")
        end = frobenius.end()
    if ranks[0] == 0:
        value: sp.Expr = left * right
    elif ranks[0] == 1:
        value = E.Dot(left, right)
    else:
        value = E.Trace(E.MatProd(E.Transposed(left), right))
    return Atom(value, 0), end


_FROBENIUS_MARK = re.compile(r"\s*_\s*(?:\{\s*F\s*\}|F(?![A-Za-z]))")


_DET_DIAG = re.compile(r"\\(?P<det>det)(?![A-Za-z])|\\(?:operatorname|text|mathrm|mbox)\s*\{\s*"
                       r"(?P<diag>diag)\s*\}")


def starts(text: str, i: int) -> bool:
    """Whether a trace, a determinant or a diag is named at ``text[i]`` (no side effects)."""
    return bool(_DET_DIAG.match(text, i) or _TRACE.match(text, i))


def _det_or_diag(reader: Reader, text: str, i: int,
                 name: re.Match[str]) -> tuple[Atom, int]:
    r"""``\det(A)``, ``\det A``, ``\operatorname{diag}(v)``: the argument bracketed, or one name
    (with its subscript) after the command."""
    shown = "\\det" if name.group("det") else "\\operatorname{diag}"
    k = name.end()
    while text[k:k + 1] == " ":
        k += 1
    bracketed = _bracketed(text, i, k, shown)
    if bracketed is not None:
        inner, after = bracketed
    elif reader.at_atom(text, k):
        atom, after = reader.read_atom(text, k)
        if atom.power is not None or atom.transposed or atom.inverse:
            raise LatexProblem(text[i:after], f"{shown} of a name with a script: write the "
                               "brackets you mean")
        inner = text[k:after]
    else:
        raise LatexProblem(text[i:k + 10], f"the argument of {shown} without brackets: write "
                           f"{shown}(...) around what it applies to")
    source = text[i:after]
    reader.remove(text[i:name.end()], "the name of a determinant or diag")
    argument = reader.sub_expr(inner, source)
    notation = reader.context.notation
    rank = products.rank_of(argument, notation)
    if name.group("det"):
        if rank == 1:
            raise LatexProblem(source, "the determinant of a vector is undefined")
        shape = products.shape_of(argument, notation)
        if shape is not None and None not in shape and shape[0] != shape[1]:
            raise LatexProblem(source, f"the argument is {shape[0]}\u00d7{shape[1]}: the "
                               "determinant of a matrix that is not square is undefined")
        return Atom(E.Det(argument), 0), after
    if rank != 1:
        raise LatexProblem(source, "\\operatorname{diag} is read of a vector only (of a "
                           "matrix it could be its diagonal, or the matrix of it)")
    return Atom(E.Diag(argument), 2), after


def _bracketed(text: str, i: int, k: int, shown: str) -> tuple[str, int] | None:
    """The argument of the command ``shown`` (at ``i``) in the bracket or group at ``k``, and
    the index after it; None when no bracket opens there."""
    if text[k:k + 1] in ("(", "["):
        close = matching_paren(text, k)
        if close < 0:
            raise LatexProblem(text[i:][:60], f"the argument of {shown} is not closed")
        return text[k + 1:close], close + 1
    if text[k:k + 1] == "{":
        return read_group(text, k)
    return None


def _letters_known(reader: Reader, word: str) -> bool:
    """Whether the bare word may be a product of declared names: ``tr`` where ``t`` or ``r``
    is declared; ``trace`` only where the word itself, or each of its five letters, is."""
    lexicon = reader.context.lexicon
    if len(word) >= 5:
        return lexicon.knows(word) or all(lexicon.knows(part) for part in word)
    return any(lexicon.knows(part) for part in (word, *word))


def _trace(reader: Reader, text: str, i: int, end: int) -> tuple[Atom, int]:
    shown = text[i:end].strip()
    k = end
    while text[k:k + 1] == " ":
        k += 1
    if text[k:k + 1] in ("^", "_"):
        raise LatexProblem(text[i:k + 3], f"a script on {shown} (an exponent belongs after the "
                           f"argument: ({shown}(A))^2; a partial trace is not read)")
    bracketed = _bracketed(text, i, k, shown)
    if bracketed is not None:
        inner, after = bracketed
    else:
        raise LatexProblem(text[i:k + 10], f"the argument of {shown} without brackets: write "
                           f"{shown}(...) around what it applies to")
    source = text[i:after]
    reader.remove(text[i:end], "the name of a trace")
    argument = reader.sub_expr(inner, source)
    notation = reader.context.notation
    rank = products.rank_of(argument, notation)
    if rank == 1:
        raise LatexProblem(source, "the trace of a vector is undefined (it needs a square "
                           "matrix)")
    shape = products.shape_of(argument, notation)
    if shape is not None and None not in shape and shape[0] != shape[1]:
        raise LatexProblem(source, f"the argument is {shape[0]}\u00d7{shape[1]}: the trace "
                           "of a matrix that is not square is undefined")
    return Atom(E.Trace(argument), 0), after


def _norm(reader: Reader, text: str, i: int, start: int, style: str) -> tuple[Atom, int]:
    close, close_end = _closing(text, start, style)
    if close < 0:
        raise LatexProblem(text[i:][:60], "a norm's bar that is not closed by another at the "
                           "same depth")
    if style != "paired":
        _check_pairing(text, i, close_end, style)
    inner = text[start:close]
    k, sub, sup = close_end, None, None
    while True:
        while text[k:k + 1] == " ":
            k += 1
        mark = text[k:k + 1]
        if mark == "_" and sub is None:
            sub, k = read_group(text, k + 1)
            reader.remove("_{" + sub + "}", "the subscript of a norm, which names the norm")
        elif mark == "^" and sup is None:
            sup, k = read_group(text, k + 1)
        else:
            break
    source = text[i:k]
    if not inner.strip():
        raise LatexProblem(source, "an empty norm")
    if sup is not None and _TRANSPOSE.match(sup.strip()):
        raise LatexProblem(source, "a transpose of a norm (a number)")
    argument = reader.sub_expr(inner, source)
    return Atom(_norm_node(argument, sub, source, reader), 0, power=sup), k


def _norm_node(argument: sp.Expr, sub: str | None, source: str, reader: Reader) -> sp.Expr:
    kind = (sub or "").strip().strip("{} ")
    matrix = products.rank_of(argument, reader.context.notation) == 2
    if kind == "F":
        return E.FrobNorm(argument)
    if kind in ("", "2"):
        if matrix:
            why = ("the spectral norm of a matrix is not read" if kind else "a matrix between "
                   "norm bars is ambiguous (the spectral or the Frobenius norm?)")
            raise LatexProblem(source, why + ": write \\|A\\|_F for the Frobenius norm")
        return E.Norm(argument)
    if kind == "1":
        if matrix:
            raise LatexProblem(source, "\\|A\\|_1 of a matrix is ambiguous (the largest column "
                               "sum, or the sum of all entries' absolute values?)")
        return E.Norm1(argument)
    raise LatexProblem(source, f"the norm with subscript {kind} is not read (only \\|a\\|, "
                       "\\|a\\|_2, \\|a\\|_1 and \\|A\\|_F are)")


def _closing(text: str, start: int, style: str) -> tuple[int, int]:
    """Where the norm opened before ``start`` closes (the closer's start and end): for
    ``\\lVert`` (``style`` "paired") its ``\\rVert``, for ``\\|``/``\\Vert`` ("bar") the next
    of those at the same depth, for ``||`` ("double") the next ``||`` at the same depth with no
    single ``|`` before it (``||a| - |b||`` is an absolute value).  ``(-1, -1)`` when the
    group the norm stands in ends first or a closer of another kind comes."""
    paired = style == "paired"
    depth = 0
    for match in _BAR_TOKEN.finditer(text, start):
        token = match.group(0)
        if style == "double" and depth == 0 and token in ("|", "||"):
            return (match.start(), match.end()) if token == "||" else (-1, -1)
        if token in _OPENERS:
            depth += 1
        elif token in _CLOSERS:
            depth -= 1
            if depth < 0:
                return -1, -1
        elif token == "\\rVert":
            if depth == 0:
                return (match.start(), match.end()) if paired else (-1, -1)
            depth -= 1
        elif token in ("\\|", "\\Vert") and depth == 0 and style == "bar":
            return match.start(), match.end()
    return -1, -1


def _check_pairing(text: str, i: int, close_end: int, style: str) -> None:
    r"""``\|a\| b \|c\|`` is also ``\|a \|b\| c\|``: refused, as ``|a| b |c|`` is.  Scripts on
    the first norm (``\|a\|^2 \|b\|``) and an operator between the two leave one pairing."""
    following, following_end = _closing(text, close_end, style)
    if following < 0:
        return
    between = text[close_end:following]
    k = 0
    while True:
        while between[k:k + 1] == " ":
            k += 1
        if between[k:k + 1] not in ("^", "_"):
            break
        k = read_group(between, k + 1)[1]
    rest = between[k:]
    if rest.strip() and not _OPERATOR.search(outside_brackets(rest)):
        raise LatexProblem(text[i:following_end][:60], "the norm bars pair up in two ways "
                           "(\\|a\\| b \\|c\\| or \\|a \\|b\\| c\\|): write \\cdot between "
                           "the norms, or brackets around each, or \\lVert ... \\rVert")

