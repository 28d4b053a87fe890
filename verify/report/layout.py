"""Laying out one equation: rows for a long one, and how wide it will roughly be.

LaTeX measures the equation for real (``\\stepmath`` in the report's preamble): if the equation
as written fits the line it is used, else the broken form built here, and only if that is still
too wide is it scaled down.  The estimate below only decides where to break, never whether.
"""

from __future__ import annotations

import itertools
import math

from verify.report.sanitize import SIZED, Token, tokenize, words

ROW_UNITS = 52.0          # a row's target width in rough character units (a 10pt line holds ~85)
_INVISIBLE = words("left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr "
                       "Biggl Biggr mathbf boldsymbol mathcal mathbb mathrm mathit mathsf "
                       "operatorname displaystyle textstyle limits nolimits")
_WIDE = words("sum prod int quad qquad")
_TERM_BREAKS = frozenset({("char", "+"), ("char", "-"), ("char", "=")})
_FACTOR_BREAKS = frozenset({("word", "cdot"), ("word", "times")})


def estimate(tokens: list[Token]) -> float:
    """Rough printed width: a character is 1, a fraction as wide as its wider part, a script
    six tenths of its content."""
    total = 0.0
    index = 0
    while index < len(tokens):
        kind, value = tokens[index]
        if kind == "word" and value in ("frac", "dfrac", "tfrac", "binom"):
            top, index = _argument(tokens, index + 1)
            bottom, index = _argument(tokens, index)
            total += max(estimate(top), estimate(bottom)) + 0.5
        elif kind == "char" and value in "^_":
            script, index = _argument(tokens, index + 1)
            total += 0.6 * estimate(script)
        else:
            total += _token_width(kind, value)
            index += 1
    return total


def _token_width(kind: str, value: str) -> float:
    if kind == "word":
        return 0.0 if value in _INVISIBLE else 2.0 if value in _WIDE else 1.3
    if kind == "char" and value in "{} ":
        return 0.0
    return 1.0


def _argument(tokens: list[Token], index: int) -> tuple[list[Token], int]:
    """One argument from ``index``: the inside of a brace group, or a single token."""
    while index < len(tokens) and tokens[index] == ("char", " "):
        index += 1
    if index >= len(tokens):
        return [], index
    if tokens[index] != ("char", "{"):
        return [tokens[index]], index + 1
    depth = 0
    for end in range(index, len(tokens)):
        depth += {("char", "{"): 1, ("char", "}"): -1}.get(tokens[end], 0)
        if depth == 0:
            return tokens[index + 1:end], end + 1
    return tokens[index + 1:], len(tokens)


def broken(latex: str) -> str:
    """``latex`` (checked safe) as aligned rows broken before top-level ``+ - = \\cdot``,
    or inside one outer ``\\left( ... \\right)`` pair; unchanged if there is nowhere to break."""
    tokens = tokenize(latex)
    outer = _outer_left(tokens)
    # Break between terms where that is enough; between factors only where it is not.
    for operators in (_TERM_BREAKS, _TERM_BREAKS | _FACTOR_BREAKS):
        rows = _rows(tokens, outer, operators)
        if max(estimate(tokens[start:end]) for start, end in rows) <= ROW_UNITS * 1.15:
            break
    if len(rows) < 2:
        return latex
    texts = [_row_text(tokens, start, end, outer) for start, end in rows]
    return "\\begin{aligned}&" + "\\\\&\\qquad ".join(texts) + "\\end{aligned}"


def _rows(tokens: list[Token], outer: tuple[int, int] | None,
          operators: frozenset[Token]) -> list[tuple[int, int]]:
    inner = _cuts(tokens, outer[0] + 2, outer[1], operators) if outer else []
    edges = sorted({0, *_cuts(tokens, 0, len(tokens), operators), *inner, len(tokens)})
    spans = list(itertools.pairwise(edges))
    return _fill_rows([(span, estimate(tokens[span[0]:span[1]])) for span in spans])


def _row_text(tokens: list[Token], start: int, end: int, outer: tuple[int, int] | None) -> str:
    """One row; a row that cuts the outer ``\\left``...``\\right`` pair closes or reopens it
    with an invisible delimiter, and a phantom of the whole inside keeps every row's
    delimiters one size."""
    if outer is None:
        return _detok(tokens[start:end])
    left, right = outer
    phantom = "\\vphantom{" + _detok(tokens[left + 2:right]) + "}"
    opens_inside = left < start <= right
    ends_inside = left < end <= right
    if start <= left < end and ends_inside:
        text = _detok(tokens[start:left + 2]) + phantom + _detok(tokens[left + 2:end])
    else:
        text = _detok(tokens[start:end])
    if opens_inside:
        text = "\\left." + phantom + " " + text
    if ends_inside:
        text += "\\right."
    return text


def _fill_rows(spans: list[tuple[tuple[int, int], float]]) -> list[tuple[int, int]]:
    """Spans joined into rows of about equal width, as few rows as ``ROW_UNITS`` allows."""
    total = sum(width for _, width in spans)
    target = total / max(1, math.ceil(total / ROW_UNITS))
    rows: list[tuple[int, int]] = []
    first, width = spans[0][0][0], 0.0
    for (start, end), piece in spans:
        if width and width + piece / 2 > target:
            rows.append((first, start))
            first, width = start, 0.0
        width += piece
        last = end
    rows.append((first, last))
    return rows


def _outer_left(tokens: list[Token]) -> tuple[int, int] | None:
    """(index of \\left, index of \\right) of a top-level pair spanning half the equation."""
    depth = 0
    opened = 0
    for index, change in enumerate(_nesting(tokens)):
        if change > 0 and depth == 0:
            opened = index
        depth += change
        if change < 0 and depth == 0 and tokens[index] == ("word", "right") and \
                tokens[opened] == ("word", "left") and index - opened > len(tokens) // 2:
            return opened, index
    return None


def _cuts(tokens: list[Token], start: int, end: int, operators: frozenset[Token]) -> list[int]:
    """Break points between ``start`` and ``end`` at that level of nesting."""
    depth = 0
    cuts = []
    changes = _nesting(tokens)
    for index in range(start, end):
        depth += changes[index]
        if changes[index] == 0 and depth == 0 and index > start and \
                tokens[index] in operators and _is_binary(tokens, start, index):
            cuts.append(index)
    return cuts


def _nesting(tokens: list[Token]) -> list[int]:
    """How each token changes the nesting: +1 opens, -1 closes.  The delimiter after
    ``\\left``, ``\\right`` or ``\\big`` belongs to it and changes nothing itself."""
    changes = [0] * len(tokens)
    sized = False
    for index, token in enumerate(tokens):
        if sized and token != ("char", " "):
            sized = False
            continue
        if token in _OPENING:
            changes[index] = 1
        elif token in _CLOSING:
            changes[index] = -1
        sized = token[0] == "word" and token[1] in SIZED
    return changes


# Plain parentheses count as nesting too: a break inside (1 - g) reads badly.
_OPENING = frozenset({("char", "{"), ("char", "("), ("char", "["), ("word", "begin"),
                      ("word", "left")})
_CLOSING = frozenset({("char", "}"), ("char", ")"), ("char", "]"), ("word", "end"),
                      ("word", "right")})
_NOT_OPERAND_CHARS = frozenset("([{=+-^_&,<>")
_OPERATOR_WORDS = words("cdot times pm mp leq le geq ge neq ne approx equiv sim propto to "
                            "in notin subset subseteq mid quad qquad sum prod int left middle "
                            "big Big bigg Bigg bigl Bigl biggl Biggl frac dfrac tfrac mathbf "
                            "boldsymbol mathcal mathbb mathrm operatorname text begin implies "
                            "iff Rightarrow rightarrow")


def _is_binary(tokens: list[Token], start: int, index: int) -> bool:
    """Is the operator here binary: not a sign right after another operator or an opening?"""
    before = index - 1
    while before >= start and tokens[before] == ("char", " "):
        before -= 1
    if before < start:
        return False
    kind, value = tokens[before]
    if kind == "char":
        return value not in _NOT_OPERAND_CHARS
    if kind == "word":
        return value not in _OPERATOR_WORDS
    return value != "{"


def _detok(tokens: list[Token]) -> str:
    """Tokens back to LaTeX; a space after a control word keeps it from running on."""
    out = []
    for kind, value in tokens:
        if kind == "word":
            out.append("\\" + value + " ")
        elif kind == "symbol":
            out.append("\\" + value)
        else:
            out.append(value)
    return "".join(out)
