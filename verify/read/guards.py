r"""Guards: refuse, before SymPy touches them, inputs whose size would explode.

SymPy evaluates as it builds: ``10^{10^{10}}`` becomes an integer of ten billion digits while
the parser is still running, ``(a+b+c)^{1000}`` expands into half a million terms, a factorial
of ten million takes minutes.  No time limit inside the process can stop that (big-integer
arithmetic holds the interpreter), so the guards look first and say no, with a reason:

* :func:`check_latex` reads raw LaTeX (one step) with a tolerant scanner that estimates, in
  log10 space, the size of every number it can compute (digits, ``^``, ``!``, ``\frac``,
  ``\binom``, ``\Gamma``, products and sums of those) without building any of them;
* :func:`check_expression` walks a bound SymPy expression (node count, depth, integer sizes,
  exponents, power towers, factorial-like functions) before it is concretized;
* :func:`guard_document` applies :func:`check_expression` to every step, sub-claim and
  definition of a read document, turning a refused step into an unparsed one.

The bounds are in one table below; they are far above anything a derivation needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import sympy as sp
from sympy.core.function import AppliedUndef

from verify.core.errors import Refused
from verify.core.limits import (
    EXPRESSION_DEPTH,
    EXPRESSION_NODES,
    LATEX_SCANNER_NESTING,
    LITERAL_DIGITS,
    POWER_TOWER,
    RESULT_DIGITS,
    STEP_LATEX_CHARS,
    SYMBOLIC_EXPONENT,
)
from verify.core.memo import Memo, memoized
from verify.model.document import Chain, Document, Step
from verify.model.notation import Notation

_LOG10_2 = math.log10(2)
_DIGITS = frozenset("0123456789")
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+|\\[A-Za-z]+|\\.|\S")  # ASCII digits only
_SIZING = re.compile(r"\\(?:left|right|middle|[bB]ig{1,2}[lrm]?)$")
_MULTIPLY = {"*", "\\cdot", "\\times", "\\ast"}
_DIVIDE = {"/", "\\div"}
_FRACTIONS = {"\\frac", "\\dfrac", "\\tfrac", "\\cfrac"}
_BINOMIALS = {"\\binom", "\\dbinom", "\\tbinom"}
_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = {"}", ")", "]"}


# ---- LaTeX -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Size:
    """What the scanner knows of a sub-expression: ``digits`` an upper bound of log10 of its
    absolute value when it is a computable number (None when it involves any symbol), and
    ``tower`` how many powers are nested in its exponents."""

    digits: float | None = None
    tower: int = 0


_SYMBOLIC = _Size()


def _value(size: _Size) -> float | None:
    """The number itself (an upper bound of its absolute value), or None."""
    if size.digits is None:
        return None
    return math.inf if size.digits > 300 else 10.0 ** size.digits


def _combine(a: _Size, b: _Size, digits: float | None) -> _Size:
    return _Size(digits if a.digits is not None and b.digits is not None else None,
                 max(a.tower, b.tower))


class _Scanner:
    def __init__(self, text: str) -> None:
        self.tokens = [t for t in _TOKEN.findall(text) if not _SIZING.match(t)]
        self.position = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str | None:
        token = self.peek()
        self.position += token is not None
        return token

    def all(self) -> None:
        while self.peek() is not None:
            self.expression()
            if self.peek() in _CLOSE:   # a stray closer: the front end reports it
                self.take()

    def expression(self) -> _Size:
        """Terms joined by +, -, relations and separators (which only end a term here)."""
        size = self.term()
        while (token := self.peek()) is not None and token not in _CLOSE:
            self.take()
            right = self.term()
            digits = None if size.digits is None or right.digits is None else \
                max(size.digits, right.digits) + _LOG10_2
            size = _combine(size, right, digits)
        return size

    def term(self) -> _Size:
        size = self.factor()
        while (token := self.peek()) is not None and token not in _CLOSE and \
                token not in "+-=<>&,;|:" and token != "\\\\":
            divide = token in _DIVIDE
            if divide or token in _MULTIPLY:
                self.take()
            right = self.factor()
            digits = None if size.digits is None or right.digits is None else \
                size.digits + abs(right.digits)   # |a/b| <= |a| 10^|log b| for our numbers
            size = _combine(size, right, digits)
            self._bound(size)
        return size

    def factor(self) -> _Size:
        size = self.atom()
        self._bound(size)
        while (token := self.peek()) in ("^", "_", "!", "'"):
            self.take()
            if token == "^":
                size = self._power(size, self.operand())
            elif token == "_":
                self.operand()   # a subscript is a name's part: scanned, not computed
            elif token == "!":
                size = _Size(_factorial_digits(_value(size)), size.tower)
            self._bound(size)
        return size

    def _power(self, base: _Size, exponent: _Size) -> _Size:
        tower = max(base.tower, exponent.tower + 1)
        if tower > POWER_TOWER:
            raise Refused(f"a tower of {tower} powers (at most {POWER_TOWER})")
        value = _value(exponent)
        if value is None:
            return _Size(None, tower)
        if base.digits is None:
            if value > SYMBOLIC_EXPONENT:
                raise Refused(f"an exponent of about {_show(exponent)} "
                              f"(at most {SYMBOLIC_EXPONENT})")
            return _Size(None, tower)
        if base.digits == -math.inf:
            return _Size(-math.inf, tower)
        return _Size(abs(base.digits) * value if base.digits else 0.0, tower)

    def _bound(self, size: _Size) -> None:
        if size.digits is not None and size.digits > RESULT_DIGITS:
            raise Refused(f"a number of {_count(size.digits)} digits "
                          f"(at most {RESULT_DIGITS})")

    def operand(self) -> _Size:
        """A command's or script's argument: a group, or one token."""
        token = self.peek()
        if token is None or token in _CLOSE:
            return _SYMBOLIC
        if token == "{":
            return self.atom()
        self.take()
        if _is_number(token):
            return _number(token)
        return self._nested(self._command, token) if token.startswith("\\") else _SYMBOLIC

    def atom(self) -> _Size:
        while self.peek() in ("-", "+"):   # signs: a loop, not a recursion per sign
            self.take()
        token = self.peek()
        if token is None or token in _CLOSE:
            return _SYMBOLIC
        self.take()
        if token in _OPEN:
            return self._nested(self._group, _OPEN[token])
        if _is_number(token):
            return _number(token)
        if token.startswith("\\"):
            return self._nested(self._command, token)
        return _SYMBOLIC

    def _nested(self, read: Callable[[str], _Size], token: str) -> _Size:
        """Every recursion goes through here, so the depth is bounded."""
        self.depth += 1
        if self.depth > LATEX_SCANNER_NESTING:
            raise Refused(f"groups or commands nested deeper than {LATEX_SCANNER_NESTING}")
        try:
            return read(token)
        finally:
            self.depth -= 1

    def _group(self, closer: str) -> _Size:
        size = self.expression()
        if self.peek() == closer:
            self.take()
        return size

    def _command(self, token: str) -> _Size:
        if token in _FRACTIONS:
            top, bottom = self.operand(), self.operand()
            digits = None if top.digits is None or bottom.digits is None else \
                top.digits + abs(bottom.digits)
            return _combine(top, bottom, digits)
        if token in _BINOMIALS:
            top, bottom = self.operand(), self.operand()
            return _Size(_binomial_digits(_value(top), _value(bottom)),
                         max(top.tower, bottom.tower))
        if token == "\\sqrt":
            if self.peek() == "[":
                self.take()
                self._group("]")
            return self.operand()
        if token == "\\Gamma" and self.peek() in _OPEN:
            argument = self.atom()
            return _Size(_factorial_digits(_value(argument)), argument.tower)
        return _SYMBOLIC


def _is_number(token: str) -> bool:
    return token[0] in _DIGITS or (token[0] == "." and len(token) > 1)


def _number(token: str) -> _Size:
    digits = sum(c in _DIGITS for c in token)
    if digits > LITERAL_DIGITS:
        raise Refused(f"a number written with {digits} digits (at most {LITERAL_DIGITS})")
    value = float(token)
    return _Size(math.log10(value) if value > 0 else -math.inf)


def _factorial_digits(n: float | None) -> float | None:
    if n is None:
        return None
    if n > 1e6:
        return math.inf
    return math.lgamma(n + 1.0) / math.log(10) if n >= 0 else 0.0


def _binomial_digits(n: float | None, k: float | None) -> float | None:
    """An upper bound of log10 C(n, k): k log10(n) for the smaller side, n log10(2) else."""
    if n is None:
        return None
    if k is not None and 0 <= k <= n:
        return min(k, n - k) * math.log10(max(n, 1.0))
    return n * _LOG10_2


def _count(digits: float) -> str:
    return "more than 10^300" if digits > 1e300 else f"about {digits:.3g}"


def _show(size: _Size) -> str:
    return "10^" + f"{size.digits or 0.0:.3g}"


def check_latex(text: str) -> str | None:
    """Why one step's raw LaTeX is refused, or None.  Linear in the text; builds nothing."""
    if len(text) > STEP_LATEX_CHARS:
        return f"refused: longer than {STEP_LATEX_CHARS} characters"
    return _check_short_latex(text)


@memoized("read.guards.latex", 8192)   # key: the text, all the scan reads
def _check_short_latex(text: str) -> str | None:
    """Kept per text for the process (a class repeats its lines; texts are short here)."""
    try:
        _Scanner(text).all()
    except Refused as reason:
        return f"refused: {reason}"
    except (ValueError, OverflowError, RecursionError) as error:  # a guard bug: refuse, safely
        return f"refused: the size guard could not read it ({type(error).__name__})"
    return None


# ---- SymPy expressions ------------------------------------------------------------------
_FACTORIALS = (sp.factorial, sp.factorial2, sp.gamma, sp.subfactorial, sp.RisingFactorial,
               sp.FallingFactorial, sp.binomial, sp.loggamma)


def _walk(expr: sp.Basic) -> Iterator[tuple[sp.Basic, int]]:
    """Every node with its depth, iteratively (a deep tree must not exhaust the stack)."""
    stack: list[tuple[sp.Basic, int]] = [(expr, 0)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((arg, depth + 1) for arg in node.args if isinstance(arg, sp.Basic))


def _int_log10(n: int) -> float:
    return math.log10(n) if n.bit_length() < 1000 else n.bit_length() * _LOG10_2


def _log10(number: sp.Basic) -> float:
    """log10 of a SymPy number's absolute value, without converting a huge one to float."""
    if number == 0:
        return -math.inf
    if isinstance(number, sp.Rational):
        return _int_log10(abs(int(number.p))) - _int_log10(int(number.q))
    try:
        return math.log10(abs(float(number)))
    except (OverflowError, ValueError, TypeError):
        return math.inf


def _digits(number: sp.Basic) -> float:
    """Digits of a rational's numerator or denominator, whichever is longer."""
    if isinstance(number, sp.Rational):
        return max(_int_log10(abs(int(number.p)) or 1), _int_log10(int(number.q)))
    return 0.0


def _node_problem(node: sp.Basic) -> str | None:
    if isinstance(node, sp.Rational) and _digits(node) > RESULT_DIGITS:
        return f"a number of about {_digits(node):.3g} digits"
    if isinstance(node, sp.Pow) and node.exp.is_Number:
        exponent_digits = _log10(node.exp)
        exponent = math.inf if exponent_digits > 300 else 10.0 ** exponent_digits
        if node.base.is_Number and node.base != 0:
            digits = abs(_log10(node.base)) * exponent if _log10(node.base) else 0.0
            if digits > RESULT_DIGITS:
                return f"a power of {_count(digits)} digits"
        elif not node.base.is_Number and exponent > SYMBOLIC_EXPONENT:
            return f"an exponent of about 10^{exponent_digits:.3g} (at most {SYMBOLIC_EXPONENT})"
    if isinstance(node, _FACTORIALS):
        for arg in node.args:
            if arg.is_Number and _log10(arg) > math.log10(450):  # 450! has ~1000 digits
                return f"{type(node).__name__} of a number of about 10^{_log10(arg):.3g}"
    return None


def _tower(expr: sp.Basic, memo: dict[sp.Basic, int]) -> int:
    """Powers nested through exponents (``exp`` counts as a power); recursion is safe: the
    depth was bounded first."""
    found = memo.get(expr)
    if found is not None:
        return found
    height = max((_tower(a, memo) for a in expr.args if isinstance(a, sp.Basic)), default=0)
    if isinstance(expr, sp.Pow):
        height = max(height, _tower(expr.exp, memo) + 1)
    elif isinstance(expr, sp.exp):
        height = max(height, _tower(expr.args[0], memo) + 1)
    memo[expr] = height
    return height


def check_expression(expr: sp.Basic) -> str | None:
    """Why a bound expression is refused, or None.

    Kept per expression for the process (bounded): a class repeats its lines, and the walk
    costs about a millisecond a line.  Expressions are immutable, so the answer is too."""
    found = _CHECKED.get(expr)
    if found is None:
        found = _CHECKED[expr] = _check_expression(expr) or ""
    return found or None


CHECKS_KEPT = 8192
# Key: the expression, all the walk reads.
_CHECKED: Memo[sp.Basic, str] = Memo("read.guards.expressions", CHECKS_KEPT)


def _check_expression(expr: sp.Basic) -> str | None:
    for nodes, (node, depth) in enumerate(_walk(expr), 1):
        if nodes > EXPRESSION_NODES:
            return f"refused: more than {EXPRESSION_NODES} nodes"
        if depth > EXPRESSION_DEPTH:
            return f"refused: nested deeper than {EXPRESSION_DEPTH}"
        problem = _node_problem(node)
        if problem is not None:
            return f"refused: {problem}"
    tower = _tower(expr, {})
    if tower > POWER_TOWER:
        return f"refused: a tower of {tower} powers (at most {POWER_TOWER})"
    return None


# ---- documents ----------------------------------------------------------------------------
def _names(expr: sp.Basic) -> set[str]:
    names = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    names |= {type(f).__name__ for f in expr.atoms(AppliedUndef)}
    names |= {str(b.label) for b in expr.atoms(sp.IndexedBase)}
    return names


def refused_definitions(notation: Notation) -> dict[str, str]:
    """Definitions whose bodies are refused, with the reason."""
    found: dict[str, str] = {}
    for name, definition in notation.definitions.items():
        problem = check_expression(definition.body)
        if problem is not None:
            found[name] = problem
    return found


def _step_problem(step: Step, refused: dict[str, str]) -> str | None:
    parts = [e for e in [step.expr, *(s.lhs for s in step.subclaims),
                         *(s.rhs for s in step.subclaims)] if e is not None]
    for part in parts:
        problem = check_expression(part)
        if problem is not None:
            return problem
        for name in sorted(_names(part) & set(refused)) if refused else ():
            return f"refused: uses the definition {name!r}, {refused[name]}"
    return None


def _guard_chain(chain: Chain, refused: dict[str, str]) -> Chain:
    if chain.notation is not None:
        refused = {**refused, **refused_definitions(chain.notation)}
    steps = []
    for step in chain.steps:
        problem = _step_problem(step, refused) if step.expr is not None else None
        steps.append(step if problem is None else replace(
            step, expr=None, subclaims=(), problem=f"{step.location}: {problem}"))
    return replace(chain, steps=tuple(steps))


def guard_document(document: Document) -> Document:
    """The document with every refused step made unparsed (reason included)."""
    refused = refused_definitions(document.notation)
    return replace(document, chains=tuple(_guard_chain(c, refused) for c in document.chains))
