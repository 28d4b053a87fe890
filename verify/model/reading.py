r"""A bound expression written back as LaTeX in the document's own spellings: the *reading*.

What the tool understood a line to say, shown to its author (``--show-reading``, the JSON's
``reading``, "read as" in the reports and in grading feedback), so that a misreading the tool
cannot notice is caught by the person who wrote the line.  It is also what every message uses
to name an expression, so that nobody reads SymPy or the encoding language.

The printer is our own rather than SymPy's ``LatexPrinter``: that one writes ``\sin^{2}(x)``
for a power of a function (a spelling our reader has had to special-case), ``e^{x}`` for
``exp`` (``e`` may be a declared name) and ``z_{1}`` for a name ``z1``, and it knows nothing of
our nodes' precedence.  Here every node states its precedence and every operand is bracketed
(``\left(``..``\right)``) unless it binds tighter than its context, so the text is never
ambiguous:

* an *open* operator (``\sum``, ``\prod``, ``\nabla``, ``\frac{\partial}{\partial t}`` before
  a bracketed operand) extends to the end of its context, so it is bracketed unless it is the
  last operand of a sum or product;
* a name carrying a superscript (``x^{(i)}``, ``C^{-1}``, ``A^{\top}``) is bracketed before a
  further superscript (TeX refuses a double superscript);
* products of scalars are written with ``\cdot``, matrix products and inner products
  (``\mathbf{w}^{\top} \mathbf{x}``) by juxtaposition.

Names: the first ``latex:`` spelling of a symbol or definition (its subscript pattern or
argument list dropped, indices written as read: a sample superscript ``^{(i)}`` first when the
spelling has one), index letters as declared (``kp`` as ``k'``), anything else a one-letter or
Greek name as itself and a longer one in ``\mathrm``.  A spelling that is not a plain name
(a letter, Greek letter, accent or font of one, ``\operatorname{word}``) is not used: a
notation is input, and the reading is typeset in reports.

Size: at most :data:`READING_NODES` nodes and :data:`READING_DEPTH` levels are written; what lies
beyond is ``\cdots`` and the reading ends with :data:`SHORTENED`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from verify.core.limits import READING_DEPTH, READING_NODES
from verify.core.memo import Memo
from verify.model import expr as E
from verify.model.notation import Notation, abstract_of, component_of
from verify.model.spelling import GREEK, latex_of_index
from verify.model.verdict import Counterexample

SHORTENED = r" \quad \text{(shortened)}"
READINGS_KEPT = 20_000   # readings memoized per process (a class writes the same lines)

# Precedences, loosest first.  An operand is bracketed when its precedence is below what its
# context needs.
OPEN = 0      # \sum ..., \nabla_w ...: extends to the right; bracketed unless last
ADD = 1       # a + b, -a
MUL = 2       # a \cdot b, \frac{a}{b}, a^{\top} b, A B
POW = 3       # something with a superscript already (x^{2}, x^{(i)}, C^{-1})
ATOM = 4      # a name, a number, a call f\left(x\right), a bracket, an environment

# SymPy functions LaTeX has an operator for; others are written with \operatorname.
_OPERATORS = frozenset(("sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh",
                        "coth", "arcsin", "arccos", "arctan", "log", "exp", "det", "max",
                        "min"))
_SYMPY_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan"}
# A spelling's base that is safe to typeset and that our reader reads as a name.
# (\pi as a declared name's spelling too: the reader reads it as that name, not the constant)
_NAME = r"(?:[A-Za-z]|\\(?:" + "|".join(sorted(GREEK | {"pi", "varpi", "varrho", "varsigma"},
                                              key=lambda g: -len(g))) + r")(?![A-Za-z]))"
_SAFE_BASE = re.compile(
    r"(?:" + _NAME + r"|\\(?:mathbf|boldsymbol|bm|mathit|mathcal|mathsf|mathrm|mathbb|vec|"
    r"hat|tilde|bar|check|widehat|widetilde|overline)\s*\{\s*" + _NAME + r"\s*\}|"
    r"\\operatorname\s*\{[A-Za-z]+\})"
    r"(?:\s*\^\s*\{\s*\\text\s*\{[A-Za-z ]+\}\s*\})?'*")
# What may follow the base in a spelling: a subscript pattern, a sample superscript, a
# literal argument list.  Dropped here: the reading writes the indices it read.
_PATTERN = re.compile(r"\s*(?:_|\^\s*\{?\s*\(|\()")
_LITERAL_ARGS = re.compile(r"\([A-Za-z0-9\\{}_;:,. ]*\)")
_ARG_COMMANDS = frozenset({"mathbf", "boldsymbol", "bm", "mathit", "mathrm", "mathcal",
                           "mathsf", "vec", "hat", "tilde", "bar", *GREEK})


@dataclass(frozen=True)
class Spelling:
    """How one declared name is written: ``base`` (``\\mathbf{w}``), whether its first index
    is a sample superscript (``x^{(i)}``), and for a constant spelled with its arguments
    (``L(W)``) that literal text."""

    base: str
    sample: bool = False
    args: str = ""


@dataclass(frozen=True)
class Names:
    """Everything the printer needs from a notation (hashable: readings are memoized)."""

    spellings: tuple[tuple[str, Spelling], ...]
    indices: frozenset[str]
    vectors: tuple[tuple[str, int], ...]    # symbol -> family axes, for symbols with a shape
    labels: frozenset[str]                  # symbols of kind 'label'

    def spelling(self, name: str) -> Spelling | None:
        return dict(self.spellings).get(name)


def names_of(notation: Notation) -> Names:
    spellings: list[tuple[str, Spelling]] = []
    for name, decl in notation.symbols.items():
        spelling = _spelling(decl.latex, literal=True)
        if spelling is not None:
            spellings.append((name, spelling))
    for name, definition in notation.definitions.items():
        latex = definition.latex
        base = abstract_of(name, notation)
        if base is not None and base != name:
            # the derivative of an abstract function f: written f'(u), as it is read
            latex = (f"{(notation.definitions[base].latex or (base,))[0]}'",)
        spelling = _spelling(latex, literal=definition.style != "function")
        if spelling is not None:
            spellings.append((name, spelling))
    vectors = tuple((name, len(decl.family)) for name, decl in notation.symbols.items()
                    if decl.shape)
    labels = frozenset(name for name, decl in notation.symbols.items() if decl.kind == "label")
    return Names(tuple(spellings), frozenset(notation.indices), vectors, labels)


_NUMBERED = re.compile(r"(?:_\s*(?:\{\s*\d+\s*\}|\d)|\^\s*\{\s*[(\[]\s*\d+\s*[)\]]\s*\}|"
                       # a layer as a letter, W^L, a^{L-1} (verify/read/latex/names.py)
                       r"\^\s*(?:\{\s*(?!T\s*\})[A-Za-z](?:\s*[+-]\s*\d+)?\s*\}|(?!T)[A-Za-z]))+")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _spelling(latex: Sequence[str], literal: bool) -> Spelling | None:
    """The first spelling, if it is a plain name (anything else is not typeset: see above).
    ``literal``: a literal argument list (``L(W)``, ``D(\\mathbf{w}_{1:K})``) is part of the
    name (a function's arguments are its call's)."""
    if not latex:
        return None
    text = latex[0].strip()
    if literal and _WORD.fullmatch(text):
        return Spelling(f"\\mathit{{{text}}}")   # Cost: the word, one name
    match = _SAFE_BASE.match(text)
    if match is None:
        return None
    base, rest = match.group(0).strip(), text[match.end():].strip()
    if not rest:
        return Spelling(base)
    if literal and _NUMBERED.fullmatch(rest):
        # q_4, W_{12}, W^{(1)}: the number is part of the name, written with it
        return Spelling(base + rest)
    if _PATTERN.match(rest) is None:
        return None
    sample = bool(re.match(r"\^\s*\{?\s*\(", rest)) or bool(
        re.match(r"_\s*(?:\{[^{}]*\}|\w)\s*\^\s*\{?\s*\(", rest))
    args = ""
    tail = re.search(r"\(.*\)$", rest)
    if literal and tail is not None:
        args = tail.group(0)
        commands = set(re.findall(r"\\([A-Za-z]+)", args))
        if not _LITERAL_ARGS.fullmatch(args) or not commands <= _ARG_COMMANDS:
            return None
    return Spelling(base, sample, args)


# Key: the bound expression and the notation's names (every spelling the printer reads).
_READINGS: Memo[tuple[sp.Basic, Names], str] = Memo("model.reading.readings", READINGS_KEPT)


def reading(expr: sp.Basic | None, notation: Notation) -> str | None:
    """The LaTeX of a bound expression in the notation's spellings; None for no expression."""
    if expr is None:
        return None
    names = names_of(notation)
    key = (expr, names)
    found = _READINGS.get(key)
    if found is None:
        found = _READINGS[key] = render(expr, names)
    return found


def render(expr: sp.Basic, names: Names) -> str:
    printer = _Printer(names)
    text = printer.tex(expr)
    return text + SHORTENED if printer.shortened else text


_NO_NAMES = Names((), frozenset(), (), frozenset())


def plain(expr: sp.Basic) -> str:
    """``$...$``: an expression for a message, without the notation's spellings.  For texts
    kept under keys that leave spellings out (a judgement or a diagnosis in the verdict
    cache): two notations that differ only in spellings share them, so the text must not
    depend on spellings."""
    return f"${render(expr, _NO_NAMES)}$"


def variable(name: str, notation: Notation) -> str | None:
    """The LaTeX of one of the concretizer's variables in the notation's spellings: the
    declared component it stands for (``y_1_2`` -> ``y_{1,2}``, ``w_1_2`` ->
    ``\\mathbf{w}_{1,2}``, ``lam`` -> ``\\lambda``; a label's indicator ``lab_1_is_3`` ->
    ``1_{\\{\\mathrm{lab}_{1} = 3\\}}``); None for a name that is no declared component."""
    component = component_of(name, notation.symbols)
    if component is None:
        return None
    names = names_of(notation)
    symbol = sp.Symbol(component.symbol)
    node: sp.Basic = sp.IndexedBase(symbol)[tuple(sp.Integer(n) for n in component.numbers)] \
        if component.numbers else symbol
    text = render(node, names)
    if component.label_class is not None:
        return rf"1_{{\{{{text} = {component.label_class}\}}}}"
    return text


def with_names(example: Counterexample, notation: Notation) -> Counterexample:
    """The counterexample with :attr:`~verify.model.verdict.Counterexample.names`: each of its
    variables in the document's spellings (one that names no declared component keeps its
    own name)."""
    names = {name: shown for name in (*example.labels, *example.point)
             if (shown := variable(name, notation)) is not None}
    return replace(example, names=names)


def spelled(message: str, example: Counterexample | None,
            notation: Notation) -> tuple[str, Counterexample | None]:
    """A judgement's message and counterexample as the user reads them: the counterexample
    with its variables' spellings, and its description in the message (written where the
    judgement was made, spelling-free as its cache key) with those names."""
    message = spelled_names(message, notation)
    if example is None:
        return message, None
    named = with_names(example, notation)
    return message.replace(example.describe(), named.describe()), named


# A message written spelling-free (plain(): a reason of the concretization, cached without the
# notation's spellings) names a declared name as \mathrm{a1}, an entry as \mathrm{a1}_{2}.
_PLAIN_NAME = re.compile(r"\\mathrm\{([A-Za-z][A-Za-z0-9]*)\}(?:_\{(\d+(?:,\s*\d+)*)\})?")


def spelled_names(message: str, notation: Notation) -> str:
    r"""``message`` with each declared name that :func:`plain` wrote in its encoding name
    (``\mathrm{a1}_{1}``) in the document's spelling (``a^{L-1}_{1}``)."""
    if "\\mathrm{" not in message:
        return message
    names = names_of(notation)

    def spelled_name(match: re.Match[str]) -> str:
        name = match.group(1)
        if names.spelling(name) is None:
            return match.group(0)
        node: sp.Basic = sp.Symbol(name)
        if match.group(2) is not None:
            numbers = tuple(sp.Integer(n) for n in match.group(2).split(","))
            node = sp.IndexedBase(node)[numbers]
        return render(node, names)
    return _PLAIN_NAME.sub(spelled_name, message)


# Diagnoses name a label entry with the checker's names (verify/verdict/diagnose.py: "the label
# indicator y1_2 is 0", "y1_j = 0"; verify/verdict/candidates.py: "y1_j = 0"), as their cache
# keys hold no spellings; :func:`spelled_diagnosis` writes them in the document's spellings.
_INDICATOR = re.compile(r"(?<=the label indicator )([A-Za-z][A-Za-z0-9_]*)(?= is 0)")
_ENTRY = re.compile(r"(?<=holds only when )([A-Za-z][A-Za-z0-9_]*)_([A-Za-z]+)( = 0)")


def spelled_diagnosis(text: str, notation: Notation) -> str:
    """A diagnosis as the user reads it: a label entry it names (a concrete variable, or a
    declared vector at an index letter) in the document's spellings, ``$y_{j} = 0$``; any
    other name is left as it is."""
    def indicator(match: re.Match[str]) -> str:
        shown = variable(match.group(1), notation)
        return match.group(1) if shown is None else f"${shown}$"

    def entry(match: re.Match[str]) -> str:
        name, letter = match.group(1), match.group(2)
        if name not in notation.symbols or letter not in notation.indices:
            return match.group(0)
        node = sp.IndexedBase(sp.Symbol(name))[E.index_symbol(letter)]
        return f"${render(node, names_of(notation))} = 0$"
    return _ENTRY.sub(entry, _INDICATOR.sub(indicator, text))


def equation(lhs: sp.Basic, rhs: sp.Basic, notation: Notation) -> str:
    """``lhs = rhs`` (a sub-claim), each side in the notation's spellings."""
    return f"{reading(lhs, notation)} = {reading(rhs, notation)}"


class _Printer:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.spellings = dict(names.spellings)
        self.vectors = dict(names.vectors)
        self.budget = READING_NODES
        self.depth = 0
        self.shortened = False

    def tex(self, expr: sp.Basic) -> str:
        return self.node(expr)[0]

    # ---- dispatch -------------------------------------------------------------------------
    def node(self, expr: sp.Basic) -> tuple[str, int]:
        """``(latex, precedence)`` of one node."""
        self.budget -= 1
        if (self.budget < 0 or self.depth > READING_DEPTH) and expr.args and \
                not isinstance(expr, sp.Indexed):
            self.shortened = True
            return r"\cdots", ATOM
        self.depth += 1
        try:
            return self._node(expr)
        finally:
            self.depth -= 1

    def _node(self, expr: sp.Basic) -> tuple[str, int]:
        for kind, method in _DISPATCH:
            if isinstance(expr, kind):
                return method(self, expr)
        if isinstance(expr, sp.Function) and re.fullmatch(r"[A-Za-z]+", type(expr).__name__):
            return self.call(rf"\operatorname{{{type(expr).__name__}}}", expr.args), ATOM
        # A node outside the vocabulary: say so in words rather than show its class.
        return r"\text{(an expression that cannot be shown)}", ATOM

    def wrapped(self, expr: sp.Basic, need: int, last: bool = False) -> str:
        """``expr`` bracketed unless it binds at least as tightly as ``need``; an open
        operator may stay unbracketed only as the last operand (``last``)."""
        text, prec = self.node(expr)
        if prec >= need or (prec == OPEN and last):
            return text
        return rf"\left({text}\right)"

    def call(self, name: str, args: Sequence[sp.Basic]) -> str:
        inner = ", ".join(self.node(a)[0] for a in args)
        return rf"{name}\left({inner}\right)"

    # ---- names ----------------------------------------------------------------------------
    def name(self, name: str) -> tuple[str, int]:
        spelling = self.spellings.get(name)
        if spelling is not None:
            text = spelling.base + spelling.args
            return text, POW if _superscripted(text) else ATOM
        if name in self.names.indices:
            return latex_of_index(name), ATOM
        return plain_name(name), ATOM

    def symbol(self, expr: sp.Symbol) -> tuple[str, int]:
        if expr.is_integer and expr.name not in self.spellings:
            return latex_of_index(expr.name), ATOM   # index letters and sizes are integers
        return self.name(expr.name)

    def indexed(self, expr: sp.Indexed) -> tuple[str, int]:
        name = str(expr.base.label)
        spelling = self.spellings.get(name)
        base = spelling.base if spelling is not None else self.name(name)[0]
        items = [self.index(i) for i in expr.indices]
        text = base
        if spelling is not None and spelling.sample and items:
            text += f"^{{({items[0]})}}"
            items = items[1:]
        if items:
            text += "_{" + ",".join(items) + "}"
        if spelling is not None:
            text += spelling.args
        return text, POW if _superscripted(text) else ATOM

    def index(self, expr: sp.Basic) -> str:
        if isinstance(expr, sp.Symbol) and (expr.name in self.names.indices or expr.is_integer):
            return latex_of_index(expr.name)
        return self.node(expr)[0]

    def applied(self, expr: AppliedUndef) -> tuple[str, int]:
        return self.call(self.name(type(expr).__name__)[0], expr.args), ATOM

    # ---- numbers --------------------------------------------------------------------------
    def integer(self, expr: sp.Integer) -> tuple[str, int]:
        return str(int(expr)), ATOM if expr >= 0 else ADD

    def rational(self, expr: sp.Rational) -> tuple[str, int]:
        sign = "-" if expr < 0 else ""
        return rf"{sign}\frac{{{abs(expr.p)}}}{{{expr.q}}}", ADD if sign else MUL

    def float_(self, expr: sp.Float) -> tuple[str, int]:
        text = f"{float(expr):.15g}"
        prec = ADD if text.startswith("-") else ATOM
        if "e" in text:
            mantissa, exponent = text.split("e")
            return rf"{mantissa} \cdot 10^{{{int(exponent)}}}", ADD if prec == ADD else MUL
        return text, prec

    def constant(self, expr: sp.Basic) -> tuple[str, int]:
        if expr is sp.pi:
            return r"\pi", ATOM
        if expr is sp.E:
            return r"\exp\left(1\right)", ATOM
        if expr is sp.oo:
            return r"\infty", ATOM
        if expr is sp.S.NegativeInfinity:
            return r"-\infty", ADD
        if expr is sp.S.ImaginaryUnit:
            return r"\mathrm{i}", ATOM
        return r"\text{undefined}", ATOM

    # ---- arithmetic -----------------------------------------------------------------------
    def add(self, expr: sp.Add) -> tuple[str, int]:
        # SymPy keeps numbers first and no sign order: numbers go last and a positive term
        # first, as one writes (the order of terms changes nothing).
        terms = [t for t in expr.args if not t.is_number] + [t for t in expr.args
                                                              if t.is_number]
        positive = next((t for t in terms if not t.could_extract_minus_sign()), None)
        if positive is not None:
            terms.remove(positive)
            terms.insert(0, positive)
        parts: list[str] = []
        for number, term in enumerate(terms):
            if self.budget <= 0 and number:     # the rest of a huge sum is one \cdots
                self.shortened = True
                parts.append(r" + \cdots")
                break
            last = number == len(terms) - 1
            negative = term.could_extract_minus_sign()
            shown = -term if negative else term
            text = self.wrapped(shown, ADD if not negative else MUL, last) if number or \
                negative else self.wrapped(shown, ADD, last)
            if number == 0:
                parts.append(f"-{text}" if negative else text)
            else:
                parts.append(f" - {text}" if negative else f" + {text}")
        return "".join(parts), ADD

    def mul(self, expr: sp.Mul) -> tuple[str, int]:
        coefficient, factors = expr.as_coeff_mul()
        negative = coefficient < 0
        coefficient = abs(coefficient)
        above: list[sp.Basic] = []
        below: list[sp.Basic] = []
        if isinstance(coefficient, sp.Rational):
            if coefficient.p != 1:
                above.append(sp.Integer(coefficient.p))
            if coefficient.q != 1:
                below.append(sp.Integer(coefficient.q))
        elif coefficient != 1:
            above.append(coefficient)
        for factor in factors:
            if isinstance(factor, sp.Pow) and factor.exp.is_negative and \
                    factor.exp.is_number:
                below.append(factor.base if factor.exp == -1 else
                             sp.Pow(factor.base, -factor.exp, evaluate=False))
            else:
                above.append(factor)
        sign = "-" if negative else ""
        if below:
            numerator = self.product(above) if above else "1"
            return rf"{sign}\frac{{{numerator}}}{{{self.product(below)}}}", \
                ADD if negative else MUL
        if len(above) == 1:
            text, prec = self.node(above[0])
            if negative:
                return f"-{self.wrapped(above[0], MUL, last=True)}", ADD
            return text, prec
        return sign + self.product(above), ADD if negative else MUL

    def product(self, factors: Sequence[sp.Basic]) -> str:
        if len(factors) == 1:
            return self.node(factors[0])[0]
        parts = []
        for number, factor in enumerate(factors):
            if self.budget <= 0 and number:
                self.shortened = True
                parts.append(r"\cdots")
                break
            parts.append(self.wrapped(factor, MUL, last=number == len(factors) - 1))
        return r" \cdot ".join(parts)

    def power(self, expr: sp.Pow) -> tuple[str, int]:
        base, exponent = expr.args
        if exponent == sp.Rational(1, 2):
            return rf"\sqrt{{{self.node(base)[0]}}}", ATOM
        if exponent.is_number and exponent.is_negative:
            return self.mul(sp.Mul(sp.Integer(1), expr, evaluate=False))
        return f"{self.wrapped(base, ATOM)}^{{{self.node(exponent)[0]}}}", POW

    # ---- functions --------------------------------------------------------------------------
    def function(self, expr: sp.Function) -> tuple[str, int]:
        name = _SYMPY_NAMES.get(type(expr).__name__, type(expr).__name__)
        if isinstance(expr, sp.Abs):
            return rf"\left|{self.node(expr.args[0])[0]}\right|", ATOM
        command = rf"\{name}" if name in _OPERATORS else rf"\operatorname{{{name}}}"
        return self.call(command, expr.args), ATOM

    def delta(self, expr: sp.KroneckerDelta) -> tuple[str, int]:
        a, b = expr.args
        simple = all(isinstance(x, sp.Integer) or (isinstance(x, sp.Symbol) and
                                                   x.name in self.names.indices)
                     for x in (a, b))
        if simple and "delta" not in self.spellings and not any(
                s.base == r"\delta" for s in self.spellings.values()):
            return rf"\delta_{{{self.index(a)},{self.index(b)}}}", ATOM
        return rf"1_{{\{{{self.node(a)[0]} = {self.node(b)[0]}\}}}}", ATOM

    def piecewise(self, expr: sp.Piecewise) -> tuple[str, int]:
        rows = []
        for value, condition in expr.args:
            when = r"\text{otherwise}" if condition is sp.true else \
                rf"\text{{if }} {self.node(condition)[0]}"
            rows.append(f"{self.node(value)[0]} & {when}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}", ATOM

    def relation(self, expr: sp.core.relational.Relational) -> tuple[str, int]:
        symbol = {"==": "=", "!=": r"\neq", "<": "<", "<=": r"\leq", ">": ">",
                  ">=": r"\geq"}[expr.rel_op]
        return f"{self.node(expr.lhs)[0]} {symbol} {self.node(expr.rhs)[0]}", OPEN

    def logic(self, expr: sp.Basic) -> tuple[str, int]:
        if isinstance(expr, BooleanTrue):
            return r"\text{true}", ATOM
        if isinstance(expr, BooleanFalse):
            return r"\text{false}", ATOM
        word = {sp.And: "and", sp.Or: "or"}.get(type(expr))
        if word is None:
            return rf"\text{{not }} \left({self.node(expr.args[0])[0]}\right)", ATOM
        return rf" \text{{ {word} }} ".join(self.wrapped(a, ATOM) if isinstance(a, (
            sp.And, sp.Or)) else self.node(a)[0] for a in expr.args), OPEN

    def big(self, expr: sp.Sum | sp.Product) -> tuple[str, int]:
        operator = r"\sum" if isinstance(expr, sp.Sum) else r"\prod"
        heads = []
        for limit in reversed(expr.limits):   # SymPy lists the innermost first
            variable, lower, upper = limit
            heads.append(rf"{operator}_{{{self.index(variable)}={self.node(lower)[0]}}}"
                         rf"^{{{self.node(upper)[0]}}}")
        body = self.wrapped(expr.function, MUL, last=True)
        return " ".join(heads) + " " + body, OPEN

    # ---- our nodes --------------------------------------------------------------------------
    def dot(self, expr: E.Dot) -> tuple[str, int]:
        a, b = expr.args
        return rf"{self.wrapped(a, ATOM)}^{{\top}} {self.matrix_operand(b)}", MUL

    def matprod(self, expr: E.MatProd) -> tuple[str, int]:
        a, b = expr.args
        return f"{self.matrix_operand(a)} {self.matrix_operand(b)}", MUL

    def matrix_operand(self, expr: sp.Basic) -> str:
        """An operand of a matrix product: another matrix product, a transpose or an inverse
        need no bracket (the product is associative), a scalar product or sum does."""
        if isinstance(expr, (E.MatProd, E.Transposed, E.MatInv)):
            return self.node(expr)[0]
        return self.wrapped(expr, POW)

    def transposed(self, expr: E.Transposed) -> tuple[str, int]:
        return rf"{self.wrapped(expr.args[0], ATOM)}^{{\top}}", POW

    def matinv(self, expr: E.MatInv) -> tuple[str, int]:
        return f"{self.wrapped(expr.args[0], ATOM)}^{{-1}}", POW

    def entry(self, expr: E.Entry) -> tuple[str, int]:
        items = ",".join(self.index(i) for i in expr.args[1:])
        return rf"\left({self.node(expr.args[0])[0]}\right)_{{{items}}}", ATOM

    def hadamard(self, expr: E.Hadamard) -> tuple[str, int]:
        left, right = (self.wrapped(arg, POW) for arg in expr.args)
        return rf"{left} \odot {right}", ADD   # bracketed inside a product: 2 (a \odot b)

    def frobenius(self, expr: E.Frobenius) -> tuple[str, int]:
        left, right = (self.wrapped(arg, POW) for arg in expr.args)
        return rf"{left} : {right}", ADD   # bracketed inside a product: 2 (A : B)

    def differential(self, expr: E.TotalDifferential) -> tuple[str, int]:
        target = expr.args[0]
        if isinstance(target, (sp.Symbol, sp.Indexed)):
            return rf"d{self.node(target)[0]}", ATOM
        return rf"d\left({self.node(target)[0]}\right)", ATOM

    def det(self, expr: E.Det) -> tuple[str, int]:
        return self.call(r"\det", expr.args), ATOM

    def diag(self, expr: E.Diag) -> tuple[str, int]:
        return self.call(r"\operatorname{diag}", expr.args), ATOM

    def ones(self, expr: E.Ones) -> tuple[str, int]:
        return rf"\mathbf{{1}}_{{{self.node(expr.args[0])[0]}}}", ATOM

    def identity(self, expr: E.Identity) -> tuple[str, int]:
        return f"I_{{{self.node(expr.args[0])[0]}}}", ATOM

    def trace(self, expr: E.Trace) -> tuple[str, int]:
        return self.call(r"\operatorname{tr}", expr.args), ATOM

    def norm(self, expr: E.Norm | E.FrobNorm | E.Norm1) -> tuple[str, int]:
        kind = {E.FrobNorm: "_{F}", E.Norm1: "_{1}"}.get(type(expr), "")
        inner = self.node(expr.args[0])[0]
        if "|" in inner or "Vert" in inner:
            # Bars inside bars pair up two ways; \lVert..\rVert says which closes which.
            return rf"\left\lVert {inner}\right\rVert{kind}", ATOM
        return rf"\left\|{inner}\right\|{kind}", ATOM

    def deriv(self, expr: E.Deriv) -> tuple[str, int]:
        f, v = expr.args
        variable, prec = self.node(v)
        if prec < POW:
            variable = rf"\left({variable}\right)"
        if self.is_array(v):
            return rf"\nabla_{{{variable}}} {self.wrapped(f, POW, last=True)}", OPEN
        body, body_prec = self.node(f)
        if body_prec >= POW:
            return rf"\frac{{\partial {body}}}{{\partial {variable}}}", MUL
        return rf"\frac{{\partial}}{{\partial {variable}}} \left({body}\right)", OPEN

    def is_array(self, v: sp.Basic) -> bool:
        """Whether a derivative's variable is a vector or matrix (a gradient, not a partial)."""
        if isinstance(v, sp.Symbol):
            return v.name in self.vectors and self.vectors[v.name] == 0
        if isinstance(v, sp.Indexed):
            name = str(v.base.label)
            return name in self.vectors and len(v.indices) <= self.vectors[name]
        return isinstance(v, (E.VecOf, E.MatOf, sp.MatrixBase))

    def vecof(self, expr: E.VecOf) -> tuple[str, int]:
        body, index, lower, upper = expr.args
        if isinstance(body, sp.KroneckerDelta) and lower == 1 and index in body.args:
            # (delta_{1w}, ..., delta_{nw}): the unit vector e_w, as it was written
            other = body.args[1] if body.args[0] == index else body.args[0]
            return rf"\mathbf{{e}}_{{{self.index(other)}}}", ATOM
        rows = [body.xreplace({index: lower}), body.xreplace({index: lower + 1})]
        entries = [self.node(r)[0] for r in rows] + [r"\vdots",
                                                     self.node(body.xreplace({index: upper}))[0]]
        return r"\begin{pmatrix} " + r" \\ ".join(entries) + r" \end{pmatrix}", ATOM

    def matof(self, expr: E.MatOf) -> tuple[str, int]:
        body, row, lower, upper, column, left, right = expr.args

        def entry(r: sp.Expr, c: sp.Expr) -> str:
            shown = body
            if isinstance(body, sp.Piecewise) and len(body.args) == 2 and \
                    body.args[0].cond == sp.Eq(row, column):
                # one pattern on the diagonal, another off it: each corner shows its own
                shown = body.args[0].expr if r == c else body.args[1].expr
            return self.node(shown.xreplace({row: r, column: c}))[0]
        rows = [rf"{entry(lower, left)} & \cdots & {entry(lower, right)}",
                r"\vdots & \ddots & \vdots",
                rf"{entry(upper, left)} & \cdots & {entry(upper, right)}"]
        return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}", ATOM

    def matrix(self, expr: sp.MatrixBase) -> tuple[str, int]:
        rows = []
        for r in range(expr.rows):
            if self.budget <= 0 and r:
                self.shortened = True
                rows.append(" & ".join([r"\vdots"] * expr.cols))
                break
            rows.append(" & ".join(self.node(expr[r, c])[0] for c in range(expr.cols)))
        return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}", ATOM

    def derivative(self, expr: sp.Derivative) -> tuple[str, int]:
        body = self.wrapped(expr.expr, ATOM)
        parts = []
        for variable, count in expr.variable_count:
            power = f"^{{{count}}}" if count != 1 else ""
            parts.append(rf"\partial {self.wrapped(variable, POW)}{power}")
        total = sum(int(c) for _, c in expr.variable_count)
        top = r"\partial" + (f"^{{{total}}}" if total != 1 else "")
        return rf"\frac{{{top}}}{{{' '.join(parts)}}} {body}", OPEN


def _superscripted(text: str) -> bool:
    """Whether a name's text carries a superscript outside braces (another needs brackets)."""
    depth = 0
    for char in text:
        depth += char == "{"
        depth -= char == "}"
        if char == "^" and depth == 0:
            return True
    return False


def plain_name(name: str) -> str:
    """A name without a spelling: one letter as itself, a Greek name as its letter, a longer
    name upright (``\\mathrm{z1}``; never ``z_1``, which would read as an index)."""
    if re.fullmatch(r"[A-Za-z]", name):
        return name
    if name in GREEK:
        return "\\" + name
    shown = re.sub(r"[^A-Za-z0-9]", "", name) or "?"
    return rf"\mathrm{{{shown}}}"


Method = Callable[[_Printer, sp.Basic], tuple[str, int]]
# Order matters: our operators and defined functions before SymPy's generic Function.
_DISPATCH: tuple[tuple[type | tuple[type, ...], Method], ...] = (
    (sp.Indexed, _Printer.indexed),            # type: ignore[list-item]
    (sp.Symbol, _Printer.symbol),              # type: ignore[list-item]
    (sp.Integer, _Printer.integer),            # type: ignore[list-item]
    (sp.Rational, _Printer.rational),          # type: ignore[list-item]
    (sp.Float, _Printer.float_),               # type: ignore[list-item]
    (sp.NumberSymbol, _Printer.constant),
    (sp.core.numbers.ImaginaryUnit, _Printer.constant),
    ((sp.core.numbers.Infinity, sp.core.numbers.NegativeInfinity, sp.core.numbers.NaN,
      sp.core.numbers.ComplexInfinity), _Printer.constant),
    (E.Dot, _Printer.dot),                     # type: ignore[list-item]
    (E.MatProd, _Printer.matprod),             # type: ignore[list-item]
    (E.Transposed, _Printer.transposed),       # type: ignore[list-item]
    (E.MatInv, _Printer.matinv),               # type: ignore[list-item]
    (E.Deriv, _Printer.deriv),                 # type: ignore[list-item]
    (E.VecOf, _Printer.vecof),                 # type: ignore[list-item]
    (E.MatOf, _Printer.matof),                 # type: ignore[list-item]
    (E.Trace, _Printer.trace),                 # type: ignore[list-item]
    (E.Identity, _Printer.identity),           # type: ignore[list-item]
    (E.Ones, _Printer.ones),                   # type: ignore[list-item]
    (E.Hadamard, _Printer.hadamard),           # type: ignore[list-item]
    (E.Det, _Printer.det),                     # type: ignore[list-item]
    (E.Frobenius, _Printer.frobenius),         # type: ignore[list-item]
    (E.TotalDifferential, _Printer.differential),   # type: ignore[list-item]
    (E.Diag, _Printer.diag),                   # type: ignore[list-item]
    (E.Entry, _Printer.entry),                 # type: ignore[list-item]
    ((E.Norm, E.FrobNorm, E.Norm1), _Printer.norm),  # type: ignore[list-item]
    (AppliedUndef, _Printer.applied),          # type: ignore[list-item]
    (sp.Add, _Printer.add),                    # type: ignore[list-item]
    (sp.Mul, _Printer.mul),                    # type: ignore[list-item]
    (sp.Pow, _Printer.power),                  # type: ignore[list-item]
    ((sp.Sum, sp.Product), _Printer.big),      # type: ignore[list-item]
    (sp.KroneckerDelta, _Printer.delta),       # type: ignore[list-item]
    (sp.Piecewise, _Printer.piecewise),        # type: ignore[list-item]
    (sp.core.relational.Relational, _Printer.relation),  # type: ignore[list-item]
    ((BooleanTrue, BooleanFalse, sp.And, sp.Or, sp.Not), _Printer.logic),
    (sp.MatrixBase, _Printer.matrix),          # type: ignore[list-item]
    (sp.Derivative, _Printer.derivative),      # type: ignore[list-item]
    (sp.Function, _Printer.function),          # type: ignore[list-item]
)
