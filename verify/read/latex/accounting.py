r"""Token accounting: after a line is read, every name and number of its source is either
represented in the reading or was removed by a named rule.

This is the net under every reader rule.  A reading that silently loses content (an exponent
written on a function's name, a factor after a gap, a subscript the parser ignored) is a wrong
verdict waiting to happen, so it becomes ``unparsed`` with "part of the line was not read",
naming what was lost.

The source is scanned on its own, independently of how the rewriter walked it:

* names: every spelling the notation knows (``w``, ``\sigma``, ``\hat{y}``, an index letter, a
  size) must name a declared thing that occurs in the reading;
* numbers: every digit string must occur in the reading (an integer or a rational's numerator
  or denominator, before SymPy folds ``2 \cdot 3`` into ``6``).

What a rule took out on purpose is subtracted first: the rewriter records each removal with the
rule's name (a literal argument list of a spelling, the parameters after ``;``, the ``1`` of an
indicator ``1_{\{...\}}``, the ``-1`` of an inverse and the ``T`` of a transpose, the ``d`` of a
differential, a sub-expression read and accounted on its own).  Prose inside ``\text{...}`` is an
annotation, never mathematics, and is not scanned; nor are environment names and row
options (``\begin{pmatrix}``, ``\\[5pt]``).  Brackets and operators are not counted:
the parser's grammar cannot lose them without also losing an operand, which is counted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import sympy as sp
from sympy.core.function import AppliedUndef

from verify.read.latex.names import Lexicon, decorated

Removal = tuple[str, str]   # (the source text a rule took out, the rule's name)

_TOKEN = re.compile(
    r"(?P<skip>\\(?:begin|end)\s*\{[^{}]*\}|\\\\\s*\[[^\]]*\])"
    # A fraction of two numbers is one number: the parser builds it reduced (2/4 as 1/2).
    r"|(?P<ratio>\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\})"
    # TeX takes one character as an unbraced argument: \frac12 is 1/2, x^23 is x^2 3.
    r"|(?P<digits>\\[dt]?frac\s*\d\s*\d?|[\^_]\s*\d)"
    r"|(?P<text>\\(?:text[a-z]*|mbox|mathrm|operatorname)\s*\{(?:[^{}]|\{[^{}]*\})*\})"
    r"|(?P<transpose>\^\s*\{\s*T\s*\}|\^\s*T(?![A-Za-z]))"
    r"|(?P<accent>\\(?:hat|tilde|bar|check)\{(?:[A-Za-z]|\\[A-Za-z]+)\})"
    r"|(?P<command>\\[A-Za-z]+)"
    r"|(?P<letter>[A-Za-z]'*)"
    r"|(?P<number>\d+(?:\.\d+)?|\.\d+)")


def source_tokens(text: str, lexicon: Lexicon) -> Counter[str]:
    """The names (as spelled) and numbers of ``text`` that a reading must account for."""
    tokens: Counter[str] = Counter()
    position = 0
    while True:
        match = _TOKEN.search(text, position)
        if match is None:
            return tokens
        kind, token, position = match.lastgroup, match.group(0), match.end()
        if kind in ("accent", "command", "letter"):
            # L^{\text{Logistic}} is one spelling, not L and a word.
            spelled, after = decorated(token, text, position)
            if spelled != token and lexicon.knows(spelled):
                token, position = spelled, after
        if kind == "ratio":
            top, bottom = re.findall(r"\d+", token)
            tokens[str(sp.Rational(int(top), int(bottom)))] += 1
        elif kind == "digits":
            tokens.update(_number(digit) for digit in re.findall(r"\d", token))
        elif kind == "number":
            tokens[_number(token)] += 1
        elif kind not in ("transpose", "skip") and lexicon.knows(token):
            tokens[token] += 1


def unaccounted(text: str, reading: Iterable[sp.Basic], removed: Iterable[Removal],
                lexicon: Lexicon) -> list[str]:
    """The tokens of ``text`` that neither ``reading`` (the parser's tree and the meanings of
    its placeholders) holds nor a rule removed, in the order they are written."""
    wanted = source_tokens(text, lexicon)
    for piece, _rule in removed:
        wanted -= source_tokens(piece, lexicon)
    names, numbers = _represented(reading)
    lost: list[str] = []
    for token in wanted:
        if token[0].isdigit():
            if token not in numbers:
                lost.append(token)
        elif not any(spelling.entry.name in names for spelling in lexicon.bases[token]):
            lost.append(token)
    return lost


def _number(digits: str) -> str:
    """A number's canonical text: ``007`` and ``7`` alike, ``0.50`` as ``1/2``."""
    return str(sp.Rational(digits))


def _represented(reading: Iterable[sp.Basic]) -> tuple[set[str], set[str]]:
    names: set[str] = set()
    numbers: set[str] = set()
    for root in reading:
        for node in sp.preorder_traversal(root):
            if isinstance(node, sp.Symbol):
                names.add(node.name)
            elif isinstance(node, sp.IndexedBase):
                names.add(str(node.label))
            elif isinstance(node, AppliedUndef):
                names.add(type(node).__name__)
            elif isinstance(node, sp.Rational):
                numbers.update({str(node), str(abs(node)), str(abs(node.p)), str(node.q)})
            elif node is sp.pi:
                names.add("pi")
    return names, numbers
