r"""Random bound expressions over a test notation, and a renderer writing each one in LaTeX.

Used by ``tests/test_roundtrip.py``: an expression is generated as a small tree (:class:`Node`
and its subclasses), turned into the bound SymPy expression the reader should produce
(:func:`to_sympy`, the vocabulary of :mod:`verify.model.expr`), and rendered with spellings drawn
from hypothesis data (:class:`Renderer`).  The reader's reading of the rendered line must be
that expression at the checked sizes, or the line must be refused.

Only spellings that are unambiguous in ordinary mathematical convention are rendered: an
operator that extends to the right (``\sum``, ``\frac{\partial}{\partial t}``, ``\log t``,
``a/b``) is the last factor of its product or is bracketed; a sum inside a product or a power
is bracketed; juxtaposition never puts a number after a factor or a fraction after a number.

Spellings the reader is known to get wrong, while the fixes are on their way, sit behind the
switches below; turn one on to test its fix.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import sympy as sp
from hypothesis import strategies as st

from verify.model import expr as E

# ---- switches for spellings whose reader fixes are pending (issue 11) -----------------------
# ``\sigma^2(t)``, ``\sigma^{2}(t)``, ``\ln^2 t``: an exponent on a function name before its
# arguments (was read as ``\sigma(t)``, the exponent dropped).
FUNCTION_POWERS = True
# ``2 \quad t``: a ``\quad`` gap between two factors (everything after it was taken as a note).
QUAD_GAPS = True

# ---- the test notations ---------------------------------------------------------------------
SOFTMAX: dict[str, Any] = {
    "sizes": {"K": [2, 3], "N": [1, 2], "n": [2, 3]},
    "indices": {"i": "N", "j": "K", "k": "K", "m": "K", "l": "n"},
    "symbols": {
        "t": {}, "a": {},
        "lam": {"kind": "positive", "latex": ["\\lambda"]},
        "w": {"family": ["K"], "shape": ["n"], "latex": ["\\mathbf{w}", "w"]},
        "x": {"family": ["N"], "shape": ["n"]},
        "y": {"family": ["N"], "shape": ["K"], "kind": "onehot"},
    },
    "definitions": {
        "sigma": {"params": ["v"], "body": "1 / (1 + exp(-v))"},
        "p": {"index": ["k", "i"],
              "body": "exp(dot(w[k], x[i])) / Sum(exp(dot(w[m], x[i])), (m, 1, K))"},
        "L": {"body": "-1/N * Sum(y[i, k] * log(p[k, i]), (i, 1, N), (k, 1, K))"},
    },
}
NOTATIONS: dict[str, dict[str, Any]] = {"softmax": SOFTMAX}

# index letters by the size they range over; the smallest checked size bounds the numbers
LETTERS = {"K": ("j", "k", "m"), "N": ("i",), "n": ("l",)}
SMALLEST = {"K": 2, "N": 1, "n": 2}
VECTORS = {"w": "K", "x": "N"}     # family name -> the size of its family index
SCALARS = ("t", "a", "lam")


# ---- the tree -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    """An expression as generated; each subclass knows its SymPy meaning."""


@dataclass(frozen=True)
class Num(Node):
    value: int


@dataclass(frozen=True)
class Ratio(Node):          # p/q of two positive integers
    p: int
    q: int


@dataclass(frozen=True)
class Scalar(Node):
    name: str


@dataclass(frozen=True)
class Vec(Node):            # a member of a family: w_k, x_1 (a vector; only inside Dot, D)
    base: str
    index: str


@dataclass(frozen=True)
class Comp(Node):           # a component w_{k,l}
    vec: Vec
    comp: str


@dataclass(frozen=True)
class Onehot(Node):         # y_{ik}
    sample: str
    cls: str


@dataclass(frozen=True)
class Prob(Node):           # p_{ki}, the indexed definition
    cls: str
    sample: str


@dataclass(frozen=True)
class Const(Node):          # L
    name: str


@dataclass(frozen=True)
class Delta(Node):
    left: str
    right: str


@dataclass(frozen=True)
class Dot(Node):
    left: Vec
    right: Vec


@dataclass(frozen=True)
class Call(Node):           # sigma(arg)
    arg: Node


@dataclass(frozen=True)
class Exp(Node):
    arg: Node


@dataclass(frozen=True)
class Log(Node):            # arg positive
    arg: Node


@dataclass(frozen=True)
class Sqrt(Node):           # arg positive
    arg: Node


@dataclass(frozen=True)
class Hyper(Node):          # tanh, cosh or sinh of arg, undeclared (the reader knows them)
    name: str
    arg: Node


@dataclass(frozen=True)
class Abs(Node):            # |arg| of a scalar
    arg: Node


@dataclass(frozen=True)
class Power(Node):          # base ** exponent; a negative exponent only on a positive base
    base: Node
    exponent: int


@dataclass(frozen=True)
class Add(Node):            # terms with their signs (+1 or -1)
    terms: tuple[tuple[int, Node], ...]


@dataclass(frozen=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True)
class Mul(Node):
    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Frac(Node):           # den positive
    num: Node
    den: Node


@dataclass(frozen=True)
class Sum(Node):
    letter: str
    size: str
    body: Node


@dataclass(frozen=True)
class D(Node):              # d body / d var: var a Scalar, a Comp, or (at the top) a Vec
    body: Node
    var: Node


def _index(text: str) -> sp.Expr:
    return sp.Integer(int(text)) if text.isdigit() else E.index_symbol(text)


def to_sympy(node: Node) -> sp.Expr:
    """The bound expression the reader should produce for ``node``."""
    match node:
        case Num(value):
            return sp.Integer(value)
        case Ratio(p, q):
            return sp.Rational(p, q)
        case Scalar(name):
            return E.value_symbol(name)
        case Vec(base, index):
            return E.family(base)[_index(index)]
        case Comp(Vec(base, index), comp):
            return E.family(base)[_index(index), _index(comp)]
        case Onehot(sample, cls):
            return E.family("y")[_index(sample), _index(cls)]
        case Prob(cls, sample):
            return E.family("p")[_index(cls), _index(sample)]
        case Const(name):
            return E.value_symbol(name)
        case Delta(left, right):
            return E.indicator(_index(left), _index(right))
        case Dot(left, right):
            return E.Dot(to_sympy(left), to_sympy(right))
        case Call(arg):
            return sp.Function("sigma")(to_sympy(arg))
        case Exp(arg):
            return sp.exp(to_sympy(arg))
        case Log(arg):
            return sp.log(to_sympy(arg))
        case Sqrt(arg):
            return sp.sqrt(to_sympy(arg))
        case Hyper(name, arg):
            return {"tanh": sp.tanh, "cosh": sp.cosh, "sinh": sp.sinh}[name](to_sympy(arg))
        case Abs(arg):
            return sp.Abs(to_sympy(arg))
        case Power(base, exponent):
            return to_sympy(base) ** exponent
        case Add(terms):
            return sp.Add(*(sign * to_sympy(term) for sign, term in terms))
        case Neg(arg):
            return -to_sympy(arg)
        case Mul(factors):
            return sp.Mul(*(to_sympy(f) for f in factors))
        case Frac(num, den):
            return to_sympy(num) / to_sympy(den)
        case Sum(letter, size, body):
            return sp.Sum(to_sympy(body), (E.index_symbol(letter), 1, E.size_symbol(size)))
        case D(body, var):
            return E.Deriv(to_sympy(body), to_sympy(var))
    raise TypeError(f"not a node: {node!r}")


# ---- the generator --------------------------------------------------------------------------
T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]


class Generator:
    """Draws a random scalar expression; ``bound`` holds the letters of enclosing sums (never
    bound twice), ``depth`` what is left of the nesting budget."""

    def __init__(self, draw: Draw[Any], depth: int = 3) -> None:
        self.draw = draw
        self.depth = depth

    def pick(self, options: tuple[T, ...] | list[T]) -> T:
        return self.draw(st.sampled_from(list(options)))

    def letter_or_number(self, size: str, bound: frozenset[str]) -> str:
        letters = list(LETTERS[size])
        numbers = [str(v) for v in range(1, SMALLEST[size] + 1)]
        bound_here = [x for x in letters if x in bound]
        # prefer the letters of enclosing sums: a sum should usually use its index
        if bound_here and self.draw(st.booleans()):
            return self.pick(bound_here)
        return self.pick(letters + numbers)

    def vec(self, bound: frozenset[str]) -> Vec:
        base = self.pick(tuple(VECTORS))
        return Vec(base, self.letter_or_number(VECTORS[base], bound))

    def leaf(self, bound: frozenset[str]) -> Node:
        kind = self.pick(("num", "ratio", "scalar", "scalar", "comp", "onehot", "prob", "const",
                          "delta", "dot"))
        if kind == "num":
            return Num(self.draw(st.integers(1, 9)))
        if kind == "ratio":
            p, q = self.draw(st.integers(1, 7)), self.draw(st.integers(2, 7))
            if sp.gcd(p, q) != 1:
                return Num(p)
            return Ratio(p, q)
        if kind == "scalar":
            return Scalar(self.pick(SCALARS))
        if kind == "comp":
            return Comp(self.vec(bound), self.letter_or_number("n", bound))
        if kind == "onehot":
            return Onehot(self.letter_or_number("N", bound), self.letter_or_number("K", bound))
        if kind == "prob":
            return Prob(self.letter_or_number("K", bound), self.letter_or_number("N", bound))
        if kind == "const":
            return Const("L")
        if kind == "delta":
            size = self.pick(("K", "K", "N"))
            return Delta(self.letter_or_number(size, bound), self.letter_or_number(size, bound))
        return Dot(self.vec(bound), self.vec(bound))

    def positive(self, bound: frozenset[str], depth: int) -> Node:
        """An expression positive at every point (a denominator, a log's argument)."""
        kind = self.pick(("lam", "num", "exp", "sigma", "prob", "square", "product"))
        if kind == "lam" or depth <= 0:
            return Scalar("lam") if kind != "num" else Num(self.draw(st.integers(2, 5)))
        if kind == "num":
            return Num(self.draw(st.integers(2, 5)))
        if kind == "exp":
            return Exp(self.scalar(bound, depth - 1))
        if kind == "sigma":
            return Call(self.scalar(bound, depth - 1))
        if kind == "prob":
            return Prob(self.letter_or_number("K", bound), self.letter_or_number("N", bound))
        if kind == "square":   # 1 + x^2
            return Add(((1, Num(1)), (1, Power(self.scalar(bound, depth - 1), 2))))
        return Mul((self.positive(bound, depth - 1), self.positive(bound, depth - 1)))

    def scalar(self, bound: frozenset[str], depth: int | None = None) -> Node:
        depth = self.depth if depth is None else depth
        if depth <= 0:
            return self.leaf(bound)
        kind = self.pick(("leaf", "leaf", "add", "mul", "neg", "frac", "power", "call", "exp",
                          "log", "sqrt", "sum", "deriv", "function-power", "hyper", "abs"))
        below = depth - 1
        if kind == "leaf":
            return self.leaf(bound)
        if kind == "add":
            count = self.draw(st.integers(2, 3))
            return Add(tuple((self.pick((1, -1)) if n else 1, self.scalar(bound, below))
                             for n in range(count)))
        if kind == "mul":
            count = self.draw(st.integers(2, 3))
            return Mul(tuple(self.scalar(bound, below) for _ in range(count)))
        if kind == "neg":
            return Neg(self.scalar(bound, below))
        if kind == "frac":
            return Frac(self.scalar(bound, below), self.positive(bound, below))
        if kind == "power":
            exponent = self.pick((2, 3, -1, -2))
            base = self.scalar(bound, below) if exponent > 0 else self.positive(bound, below)
            return Power(base, exponent)
        if kind == "call":
            return Call(self.scalar(bound, below))
        if kind == "function-power":   # sigma(x)^2, log(x)^3: spelt \sigma^2(x) too
            base = Call(self.scalar(bound, below)) if self.draw(st.booleans()) \
                else Log(self.positive(bound, below))
            return Power(base, self.pick((2, 3)))
        if kind == "exp":
            return Exp(self.scalar(bound, below))
        if kind == "hyper":
            return Hyper(self.pick(("tanh", "cosh", "sinh")), self.scalar(bound, below))
        if kind == "abs":
            return Abs(self.scalar(bound, below))
        if kind == "log":
            return Log(self.positive(bound, below))
        if kind == "sqrt":
            return Sqrt(self.positive(bound, below))
        if kind == "sum":
            size = self.pick(("K", "K", "N", "n"))
            free = [x for x in LETTERS[size] if x not in bound]
            if not free:
                return self.leaf(bound)
            letter = self.pick(free)
            return Sum(letter, size, self.scalar(bound | {letter}, below))
        var = self.variable(bound)
        return D(self.scalar(bound, below), var)

    def variable(self, bound: frozenset[str]) -> Node:
        """What a derivative in the middle of an expression differentiates by."""
        if self.draw(st.booleans()):
            return Scalar(self.pick(SCALARS))
        return Comp(self.vec(bound), self.letter_or_number("n", bound))

    def top(self) -> Node:
        """A whole line: a scalar expression, or now and then a gradient by a vector."""
        if self.draw(st.integers(0, 9)) == 0:
            return D(self.scalar(frozenset(), self.depth - 1), self.vec(frozenset()))
        return self.scalar(frozenset())


# ---- the renderer ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Tex:
    r"""A rendered piece and what its parent must know to place it.

    ``level``: ``"atom"`` (safe anywhere, also as a power base), ``"product"`` (factors,
    needs brackets in a power), ``"sum"`` (terms or a leading minus: brackets in a product).
    ``open_right``: it would swallow what follows it (``\sum_k a``, ``\log t``, ``a/b``).
    ``sup``: it ends in a superscript (``e^{t}``, ``w_k^T x``): no second ``^``.
    ``lead``: ``"digit"``, ``"frac"``, ``"bracket"`` or ``"name"``."""

    text: str
    level: str
    open_right: bool = False
    sup: bool = False
    lead: str = "name"
    base: bool = True      # may carry an exponent as written (not \\frac{a}{b}^2, \\exp(t)^2)
    factor: bool = False   # a bracket may follow it directly as a factor (2(t+1), t(a+b))


BRACKETS = (("(", ")"), ("\\left(", "\\right)"), ("\\bigl(", "\\bigr)"), ("\\Bigl(", "\\Bigr)"),
            ("[", "]"), ("\\left[", "\\right]"))
TRANSPOSES = ("^T", "^{T}", "^\\top", "^{\\top}", "^{\\mathsf T}", "^{\\mathsf{T}}",
              "^{\\intercal}", "^\\intercal")
FONTS = {"w": ("\\mathbf{w}", "\\boldsymbol{w}", "\\bm{w}", "w", "\\mathbf w", "\\vec{w}"),
         "x": ("x", "\\mathbf{x}", "\\boldsymbol{x}", "\\bm{x}", "\\mathbf x")}


class Renderer:
    """Writes a :class:`Node` as LaTeX, every spelling drawn from hypothesis data; ``plain``
    keeps the first spelling of every choice (the easy spellings)."""

    def __init__(self, draw: Draw[Any], plain: bool = False) -> None:
        self.draw = draw
        self.plain = plain

    def pick(self, options: tuple[T, ...] | list[T]) -> T:
        if self.plain:
            return next(iter(options))
        return self.draw(st.sampled_from(list(options)))

    # ---- helpers ------------------------------------------------------------------------
    def bracket(self, text: str) -> Tex:
        left, right = self.pick(BRACKETS)
        return Tex(f"{left}{text}{right}", "atom", lead="bracket", factor=True)

    def tight(self, piece: Tex) -> Tex:
        """``piece`` fit to be a power base."""
        if piece.level == "atom" and piece.base and not piece.open_right and not piece.sup:
            return piece
        return self.bracket(piece.text)

    def group(self, text: str) -> str:
        """A subscript or superscript argument: braced, or bare when one character."""
        if len(text) == 1 and self.pick((False, True)):
            return text
        return "{" + text + "}"

    def pair(self, first: str, second: str) -> str:
        """Two subscript items: ``{k,l}``, ``{kl}``, ``{k l}``."""
        if first.isdigit() and second.isdigit():
            return "{" + first + "," + second + "}"
        return "{" + first + self.pick((",", ", ", "", " ")) + second + "}"

    def vector(self, vec: Vec) -> str:
        return self.pick(FONTS[vec.base]) + "_" + self.group(vec.index)

    def scalar_name(self, name: str) -> str:
        return "\\lambda" if name == "lam" else name

    def power(self, base: Tex, exponent: int) -> Tex:
        text = str(exponent)
        sup = "^" + (self.group(text) if exponent >= 0 else "{" + text + "}")
        return Tex(self.tight(base).text + sup, "atom", sup=True, lead=base.lead)

    def args(self, inner: str, braces: bool = False) -> str:
        """A call's argument list; ``braces``: ``\\{..\\}`` and ``[..]`` too (``\\exp\\{t\\}``)."""
        extra = [("\\left\\{", "\\right\\}"), ("\\{", "\\}"), *BRACKETS[4:]] if braces else []
        left, right = self.pick([*BRACKETS[:4], *extra])
        return f"{left}{inner}{right}"

    # ---- nodes --------------------------------------------------------------------------
    def render(self, node: Node) -> Tex:
        match node:
            case Num(value):
                return Tex(str(value), "atom", lead="digit", factor=True)
            case Ratio(p, q):
                forms = ["frac", "dfrac", "slash"] + ["short"] * (p < 10 and q < 10) + \
                    ["decimal"] * (10**6 % q == 0)
                form = self.pick(forms)
                if form == "slash":
                    return Tex(f"{p}/{q}", "product", open_right=True, lead="digit")
                if form == "short":   # \frac12
                    return Tex(f"\\frac{p}{q}", "atom", lead="frac", base=False)
                if form == "decimal":
                    return Tex(str(Decimal(p) / Decimal(q)), "atom", lead="digit", base=False,
                               factor=True)
                return Tex(f"\\{form}{{{p}}}{{{q}}}", "atom", lead="frac", base=False)
            case Scalar(name):
                return Tex(self.scalar_name(name), "atom", factor=True)
            case Comp(vec, comp):
                return Tex(self.pick(FONTS[vec.base]) + "_" + self.pair(vec.index, comp), "atom",
                           factor=True)
            case Onehot(sample, cls):
                return Tex("y_" + self.pair(sample, cls), "atom")
            case Prob(cls, sample):
                return Tex("p_" + self.pair(cls, sample), "atom")
            case Const(name):
                return Tex(name, "atom")
            case Delta(left, right):
                return self.delta(left, right)
            case Dot(left, right):
                gap = self.pick(("", " ", "\\,"))
                first = self.vector(left)
                text = first + self.pick(TRANSPOSES) + gap + " " + self.vector(right)
                return Tex(text, "product")
            case Call(arg):
                return Tex("\\sigma" + self.args(self.render(arg).text), "atom")
            case Exp(arg):
                return self.exp(arg)
            case Log(arg):
                return self.log(arg)
            case Sqrt(arg):
                inner = self.render(arg)
                form = self.pick(("sqrt", "half", "frac-half"))
                if form == "sqrt":
                    return Tex("\\sqrt{" + inner.text + "}", "atom")
                half = "{1/2}" if form == "half" else "{\\frac{1}{2}}"
                return Tex(self.tight(inner).text + "^" + half, "atom", sup=True)
            case Hyper(name, arg):
                return self.hyper(name, arg)
            case Abs(arg):
                within = self.render(arg).text
                if "|" in within:   # |(|a| + t)|: a bar inside is bracketed, or bars pair up
                    within = self.bracket(within).text
                left, right = self.pick((("|", "|"), ("\\left|", "\\right|"),
                                         ("\\lvert ", "\\rvert ")))
                return Tex(left + within + right, "atom", factor=True)
            case Power(base, exponent):
                return self.power_of(base, exponent)
            case Add(terms):
                return self.add(terms)
            case Neg(arg):
                inner = self.render(arg)
                if inner.level == "sum":
                    inner = self.bracket(inner.text)
                return Tex("-" + inner.text, "sum", inner.open_right)
            case Mul(factors):
                return self.mul([self.render(f) for f in factors])
            case Frac(num, den):
                return self.fraction(num, den)
            case Sum(letter, size, body):
                return self.sum(letter, size, body)
            case D(body, var):
                return self.derivative(body, var)
        raise TypeError(f"not a node: {node!r}")

    def delta(self, left: str, right: str) -> Tex:
        form = self.pick(("delta", "delta", "indicator", "mathbb"))
        if form == "delta":
            return Tex("\\delta_" + self.pair(left, right), "atom")
        eq = self.pick(("=", " = "))
        one = "1" if form == "indicator" else "\\mathbb{1}"
        return Tex(one + "_{\\{" + left + eq + right + "\\}}", "atom",
                   lead="digit" if form == "indicator" else "name")

    def exp(self, arg: Node) -> Tex:
        inner = self.render(arg)
        form = self.pick(("exp", "e", "bare"))
        if form == "e":
            return Tex("e^" + self.group(inner.text), "atom", sup=True)
        if form == "bare" and inner.level == "atom" and not inner.sup and inner.lead == "name":
            return Tex("\\exp " + inner.text, "product", open_right=True)
        return Tex("\\exp" + self.args(inner.text, braces=True), "atom", base=False)

    def hyper(self, name: str, arg: Node) -> Tex:
        inner = self.render(arg)
        command = self.pick((f"\\{name}", f"\\operatorname{{{name}}}", f"\\text{{{name}}}"))
        if self.pick((False, True)) and inner.level == "atom" and not inner.sup and \
                inner.lead == "name":
            return Tex(command + " " + inner.text, "product", open_right=True)
        return Tex(command + self.args(inner.text), "atom", base=False)

    def log(self, arg: Node) -> Tex:
        inner = self.render(arg)
        name = self.pick(("\\log", "\\ln"))
        if self.pick((False, True)) and inner.level == "atom" and not inner.sup and \
                inner.lead == "name":
            return Tex(name + " " + inner.text, "product", open_right=True)
        return Tex(name + self.args(inner.text, braces=True), "atom", base=False)

    def power_of(self, base: Node, exponent: int) -> Tex:
        if isinstance(base, Call | Log) and exponent > 0:
            arg = self.render(base.arg).text
            name = "\\sigma" if isinstance(base, Call) else self.pick(("\\log", "\\ln"))
            form = self.pick(("after", "bracketed", "before"))
            if form == "before" and FUNCTION_POWERS:
                return Tex(name + "^" + self.group(str(exponent)) + self.args(arg), "atom")
            if form == "after" and isinstance(base, Call):
                # \sigma(t)^2: the square of the value (a log's is left out: \log(x)^2 is
                # read both ways in practice)
                return Tex(name + self.args(arg) + "^" + self.group(str(exponent)), "atom",
                           sup=True)
            return self.power(self.bracket(name + self.args(arg)), exponent)
        return self.power(self.render(base), exponent)

    def add(self, terms: tuple[tuple[int, Node], ...]) -> Tex:
        parts: list[str] = []
        for n, (sign, term) in enumerate(terms):
            piece = self.render(term)
            if piece.level == "sum" and (n or sign < 0):
                piece = self.bracket(piece.text)
            if n == 0:
                parts.append(("-" if sign < 0 else "") + piece.text)
            else:
                parts.append(self.pick((" + ", "+")) if sign > 0 else
                             self.pick((" - ", "-", " \u2212 ", " \u2013 ")))
                parts.append(piece.text)
        return Tex("".join(parts), "sum")

    def separator(self, left: Tex, right: Tex) -> str:
        explicit = (" \\cdot ", "\\cdot ", " \\times ")
        gaps = [" ", "\\, ", "\\; ", "~", "\\ "]
        if QUAD_GAPS:
            gaps += [" \\quad ", "\\qquad "]
        if right.lead == "bracket" and left.factor and not left.open_right:
            return self.pick(["", *explicit, *gaps])
        if right.lead == "digit" or right.lead == "bracket" or \
                (right.lead == "frac" and left.lead == "digit"):
            return self.pick(explicit)
        return self.pick([*explicit, *gaps])

    def mul(self, pieces: list[Tex]) -> Tex:
        fixed: list[Tex] = []
        for n, piece in enumerate(pieces):
            last = n == len(pieces) - 1
            if piece.level == "sum" or (piece.open_right and not last):
                piece = self.bracket(piece.text)
            fixed.append(piece)
        text = fixed[0].text
        for left, right in itertools.pairwise(fixed):
            text += self.separator(left, right) + right.text
        return Tex(text, "product", fixed[-1].open_right, lead=fixed[0].lead)

    def fraction(self, num: Node, den: Node) -> Tex:
        top, bottom = self.render(num), self.render(den)
        if self.pick(("frac", "frac", "slash")) == "slash":
            left = top if top.level == "atom" and not top.open_right else self.bracket(top.text)
            right = bottom if bottom.level == "atom" and not bottom.open_right \
                else self.bracket(bottom.text)
            return Tex(left.text + "/" + right.text, "product", open_right=True, lead=left.lead)
        return Tex("\\frac{" + top.text + "}{" + bottom.text + "}", "atom", lead="frac",
                   base=False)

    def sum(self, letter: str, size: str, body: Node) -> Tex:
        inner = self.render(body)
        if inner.level == "sum":
            inner = self.bracket(inner.text)
        limits = self.pick((f"_{{{letter}=1}}^{{{size}}}", f"_{{{letter}=1}}^{size}",
                            f"^{{{size}}}_{{{letter}=1}}", f"_{{{letter}}}", f"_{letter}",
                            f"_{letter}^{size}", f"_{{{letter}}}^{{{size}}}",
                            f"\\limits_{{{letter}=1}}^{{{size}}}"))
        return Tex("\\sum" + limits + " " + inner.text, "product", open_right=True)

    def derivative(self, body: Node, var: Node) -> Tex:
        inner = self.render(body)
        if isinstance(var, Vec):
            variable = self.vector(var)
            forms = ["nabla", "partial-op", "partial-frac"]
        else:
            variable = self.render(var).text
            forms = ["partial-op", "partial-frac"] + (["d-op", "d-frac"]
                                                      if isinstance(var, Scalar) else [])
        form = self.pick(forms)
        simple = inner.level == "atom" and not inner.open_right and inner.lead == "name" \
            and not inner.sup
        if form.endswith("frac") and simple:
            mark = "\\partial " if form.startswith("partial") else "d"
            space = self.pick((" ", "")) if mark == "d" and inner.text[0].isalpha() else ""
            return Tex(f"\\frac{{{mark}{space}{inner.text}}}{{{mark}{variable}}}", "atom",
                       lead="frac", base=False)
        if form == "nabla":
            head = "\\nabla_{" + variable + "}"
        elif form.startswith("d"):
            head = self.pick(("\\frac{d}{d" + variable + "}", "\\frac{d}{{d" + variable + "}}"))
        else:
            head = "\\frac{\\partial}{\\partial " + variable + "}"
        # a bracketed body follows without a space: ' (1)' at the end of a line is an
        # equation number (docs/latex-frontend.md)
        body_text = " " + inner.text if simple else self.bracket(inner.text).text
        return Tex(head + body_text, "product", open_right=True, lead="frac")


def render_line(node: Node, draw: Draw[Any], plain: bool = False) -> str:
    """A whole line: the node's LaTeX."""
    return Renderer(draw, plain).render(node).text


@st.composite
def cases(draw: Draw[Any], depth: int = 3, plain: bool = False) -> tuple[Node, str]:
    """A generated expression and one rendering of it (``plain``: the easy spellings)."""
    node = Generator(draw, depth).top()
    return node, render_line(node, draw, plain)
