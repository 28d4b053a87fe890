r"""Derivatives in a step: ``\frac{d}{dv}``, ``\frac{\partial F}{\partial v}``, ``\nabla_v``,
``(F)'``.

The parser only differentiates by one letter, so the variable (``w_k``, ``w_{jl}``, even an
expression such as ``g_k(z)``) becomes a placeholder letter ``a`` and the derivative enters the
text as ``\frac{d}{da}``; :mod:`verify.read.latex.step` turns the parser's ``Derivative`` back into
``Deriv(F, v)``.  ``(F)'`` has no variable of its own: it is the chain's (the first step's
derivative variable, :mod:`verify.read.latex.document`).
"""

from __future__ import annotations

import re

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.read.latex.normalize import read_group
from verify.read.latex.rewrite_base import Reader

_DIFFERENTIAL = re.compile(r"^(\\partial(?![A-Za-z])|d(?![a-z]{2}))\s*(\^.*)?")
# Over a differential denominator, a numerator's leading 'd' is the differential even when
# the function's letters follow it directly (\frac{dF}{dv}).
_LEADING = re.compile(r"^(\\partial(?![A-Za-z])|d)")


def operator(reader: Reader, target_text: str) -> str:
    """``d/dv`` as placeholder LaTeX, ``v`` read from ``target_text``."""
    target = reader.sub_expr(_unbraced(target_text), target_text)
    return " \\frac{d}{d" + reader.placeholder(target, latin=True) + "} "


def fraction(reader: Reader, text: str, i: int, out: list[str]) -> int:
    """``\\frac`` whose arguments start at ``text[i]``: a derivative or a plain fraction."""
    numerator, j = read_group(text, i)
    denominator, end = read_group(text, j)
    num, den = _unbraced(numerator), _unbraced(denominator)
    differential = _DIFFERENTIAL.match(den)
    leading = _LEADING.match(num)
    if differential and leading:
        if differential.group(2) or num[leading.end():].lstrip().startswith("^"):
            raise LatexProblem("\\frac{" + numerator + "}{" + denominator + "}",
                               "higher derivatives are not supported")
        reader.remove(leading.group(0) + " " + differential.group(1), "the d of a differential")
        head = operator(reader, den[differential.end():])
        body = num[leading.end():].strip()
        out.append(head if not body else "(" + head + "(" + reader.rewrite(body) + "))")
        return end
    out.append("\\frac{" + reader.rewrite(numerator) + "}{" + reader.rewrite(denominator) + "}")
    return end


def _unbraced(text: str) -> str:
    """``{dx}`` -> ``dx``: braces around a whole argument (``\\frac{d}{{dx}}``, as some
    editors write every group) say nothing."""
    text = text.strip()
    while text.startswith("{") and read_group(text, 0)[1] == len(text):
        text = text[1:-1].strip()
    return text


def prime(reader: Reader, text: str, i: int, close: int, out: list[str]) -> int:
    """``(F)'`` with ``(`` at ``i`` and ``)`` at ``close``: ``Deriv(F, chain variable)``."""
    target = reader.context.prime_target
    if target is None:
        raise LatexProblem(text[i:close + 2][-40:], "(...)' but the chain does not start "
                           "with a derivative to take its variable from")
    inner = reader.sub_expr(text[i + 1:close], text[i:close + 2])
    out.append("(" + reader.placeholder(E.Deriv(inner, target)) + ")")
    return close + 2
