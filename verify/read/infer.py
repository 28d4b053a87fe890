r"""Infer a document's notation from the document itself (a first, sound slice of issue 14).

Given the display-math steps of a document (:func:`verify.read.latex.source.split_document`,
each normalised by :func:`verify.read.latex.normalize.normalize`) and, optionally, the names a
partial header already declares, :func:`infer_notation` proposes the rest:

* index letters and their ranges from ``\sum_{i=1}^{N}`` / ``\prod`` (the upper limit, a
  letter, becomes a size); a letter written as a subscript where a summed index stands
  elsewhere ranges over the same size;
* vectors from ``\mathbf``/``\boldsymbol``/``\vec``/``\bm`` and from transposes (``w^T x``),
  matrices from capitals transposed or multiplying a vector (``X w``, ``X^T``), their
  dimensions unified over the products and sums they stand in (a dimension nothing ties to a
  size gets a size of its own: rows and columns are never assumed equal);
* families from subscripts carrying an index (``x_i`` in ``\sum_i``: a family over ``N``;
  ``\mathbf{x}_i``: a family of vectors) and from sample superscripts ``x^{(i)}``;
* ``\sigma`` applied to something: the sigmoid; every other letter a real scalar.

Nothing is guessed where two readings are plausible: a letter summed over and also used as a
value, a capital that might be a scalar or a matrix, a name written as a call, a name defined
by the chain it starts (``L = ...``): such a name stays undeclared (its steps are then
``unparsed``) and an :class:`Ambiguity` names the one declaration that settles it.  Inference
only chooses what is *read*; every step is still checked in full under that reading.

Pure functions; the results are frozen dataclasses.  :func:`header_yaml` writes the inference
as a YAML front-matter header, each declaration's reason as a comment.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from verify.core.limits import SIZE_VALUE
from verify.read.latex.normalize import normalize
from verify.read.latex.source import RawChain, StatedShape, split_document, stated

if TYPE_CHECKING:
    from verify.model.notation import Notation

_GREEK = frozenset({
    "alpha", "beta", "gamma", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi",
    "varphi", "chi", "psi", "omega", "ell", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma",
    "Phi", "Psi", "Omega"})
_KEYWORD_NAMES = {"lambda": "lam"}      # a name the encoding language cannot take
_BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|pmb)\s*(?:\{\s*)?(\\[A-Za-z]+|[A-Za-z])")
# (a word of four small letters or more, '+ const', 'where', is prose, no product of names:
# one token, naming nothing; so is a function's name typed without its backslash, max(0, z))
_TOKEN = re.compile(r"\\(?:operatorname|text[a-z]*|mathrm|mbox|begin|end)\s*\{[^{}]*\}|"
                    r"(?<![A-Za-z\\])[Tt]r(?=\s*\()|\\[A-Za-z]+|\\.|"
                    r"(?<![A-Za-z\\^_])(?:[A-Z][a-z]{3,}|[a-z]{4,}|max|min|exp|log|sin|cos|tan|"
                    r"det|sup|inf|arg)(?![A-Za-z])|[A-Za-z]|"
                    r"\d+(?:\.\d+)?|\s+|.",
                    re.S)
# a side that is a power of a name alone (\hat{\sigma}^2, s^2)
_POWERED_NAME = re.compile(r"\s*(?:\\[A-Za-z]+\s*\{\s*\\?[A-Za-z]+\s*\}|\\?[A-Za-z]+)\s*\^\s*"
                           r"(?:\{\s*\d\s*\}|\d)\s*")
# a name that may be any function of one number (f'(u) written, f defined nowhere)
_ABSTRACT_NAME = re.compile(r"[a-z]|\\(?:phi|varphi|psi|eta)")
# a word alone (Cost, Loss, error): a chain that starts with it defines it by its second side
WORD_NAME = re.compile(r"\s*([A-Z][a-z]{3,}|[a-z]{4,})\s*")
_PROSE_WORDS = frozenset({"where", "with", "then", "thus", "hence", "since", "because",
                          "const", "constant", "this", "that", "therefore", "which"})
# a subscripted name right before \log (y_j \log p_j): the weight of a cross-entropy
_AGAINST_LOG = re.compile(r"(?<![A-Za-z\\])(\\?[A-Za-z]+)\s*_\s*(?:\{\s*[a-z]\s*\}|[a-z])\s*"
                          r"(?:\\cdot\s*)?\\(?:log|ln)\b")
# a side that is a name alone, perhaps with a subscript or accent (L, p_j, \hat{y}_i)
_LONE_NAME = re.compile(r"\s*(?:\\[A-Za-z]+\s*\{\s*\\?[A-Za-z]+\s*\}|\\?[A-Za-z]+)\s*"
                        r"(?:_\s*(?:\{[^{}]*\}|\\?[A-Za-z]+|\d))?\s*")
# a trace or a determinant: of a square matrix
_TRACE = re.compile(r"[Tt]r|[Tt]race|\\(?:operatorname|mathrm|text|textrm|rm)\s*\{\s*(?:[Tt]r|"
                    r"[Tt]race)\s*\}|\\det")
# Letters that, written before a bracket and also alone, multiply it: \lambda(a + b).
_PRODUCT_BEFORE_BRACKET = re.compile(r"\\(?:alpha|beta|gamma|epsilon|varepsilon|eta|lambda|mu|pi|"
                                     r"nu|rho|tau|theta|kappa)|[a-eik-oq-z]")
_ACCENTS = frozenset({"\\hat", "\\tilde", "\\bar", "\\check"})
_FUNCTIONS = frozenset({"\\exp", "\\ln", "\\log", "\\tanh", "\\cosh", "\\sinh", "\\sqrt",
                        "\\sin", "\\cos"})
_BIG = frozenset({"\\sum", "\\prod"})
_NEW_SIZES = ("n", "m", "p", "q", "r", "s")
# Letters never declared: the identity (built in where undeclared), Euler's number, the d of
# d/dx.
_RESERVED = frozenset({"I", "e", "d"})
_DEFAULT_VALUES = {"N": (1, 2)}
# What the words may call a matrix or a vector that its reading knows: square (rows and columns
# one size; symmetric, invertible say so too), and qualities that change no identity.  Any other
# quality (symmetric, orthogonal, diagonal, positive definite, a unit vector, a row) the
# reading does not know, nor where the words mean it (in one lemma only, say): the name is read
# as any value of its shape, and a refutation that uses it is a guess.
_SQUARE = frozenset({"symmetric", "square", "invertible", "invertibe", "non-singular",
                     "nonsingular"})
_HARMLESS = (_SQUARE - {"symmetric"}) | {"column", "real", "random", "constant"}


@dataclass(frozen=True)
class SizeGuess:
    name: str
    values: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class IndexGuess:
    letter: str
    size: str
    reason: str


@dataclass(frozen=True)
class SymbolGuess:
    name: str
    family: tuple[str, ...] = ()
    shape: tuple[str, ...] = ()
    latex: tuple[str, ...] = ()
    reason: str = ""
    kind: str = ""             # a value kind the document's words give: onehot, distribution


@dataclass(frozen=True)
class DefinitionGuess:
    name: str
    params: tuple[str, ...]
    body: str
    latex: tuple[str, ...]
    reason: str
    index: tuple[str, ...] = ()     # an indexed definition's index letters (p_j = ...)


@dataclass(frozen=True)
class Ambiguity:
    """A name left undeclared: why, and the one declaration (YAML) that settles it."""

    latex: str
    why: str
    settle: str
    line: int


@dataclass(frozen=True)
class Guess:
    """A declared name whose reading is a guess the document itself casts doubt on (it
    differentiates the name by a variable it does not depend on as read, a step introduces
    it, a line writes ``name = ...``, it is written as a call but read as a product): a
    refutation that uses it is no evidence of a slip (:mod:`verify.pipeline` makes it
    ``unknown``), and ``settle`` is the declaration that would settle it."""

    name: str           # the notation's name ('p', 'alpha')
    latex: str          # as the document writes it ('p', '\\alpha')
    why: str
    settle: str
    line: int
    structural: bool = False    # read as a product where it is written as a call
    # a given value the words qualify (a symmetric matrix): only its values are in doubt
    given: bool = False


@dataclass(frozen=True)
class SectionGuess:
    """Lines the document reads under a notation of their own (from ``first`` to ``last``):
    where it defines again, after a display's definition, a name in its words ("consider
    $f(A) = x^T A y$ where $A$ is ..."), the names those lines use, as inferred from them
    alone (a header's ``sections``: they shadow the document's there)."""

    first: int
    last: int
    note: str
    symbols: tuple[SymbolGuess, ...] = ()
    definitions: tuple[DefinitionGuess, ...] = ()


@dataclass(frozen=True)
class Inference:
    sizes: tuple[SizeGuess, ...] = ()
    indices: tuple[IndexGuess, ...] = ()
    symbols: tuple[SymbolGuess, ...] = ()
    definitions: tuple[DefinitionGuess, ...] = ()
    ambiguities: tuple[Ambiguity, ...] = ()
    guesses: tuple[Guess, ...] = ()
    variables: frozenset[str] = frozenset()   # the bases the document differentiates by
    # the bases differentiated by a variable they do not depend on as read (dp_j/da_i)
    dependents: frozenset[str] = frozenset()
    sections: tuple[SectionGuess, ...] = ()


@dataclass(frozen=True)
class Declared:
    """What a partial header already declares (names only: those are never inferred)."""

    sizes: frozenset[str] = frozenset()
    indices: Mapping[str, str] = field(default_factory=dict)
    names: frozenset[str] = frozenset()      # symbols and definitions
    spellings: frozenset[str] = frozenset()  # their bases as written (letters, \commands)


# ---------------------------------------------------------------- the scan of one step

@dataclass
class _Use:
    """One occurrence of a name in a step."""

    base: str                  # 'x', '\\theta', '\\hat{y}'
    line: int
    subs: tuple[str, ...] = ()  # subscript items ('i', 'j', '1'); ('?',) when not plain
    script: str = ""           # the subscript as written, spaces out ('t', 't+1')
    sample: str = ""           # the i of ^{(i)}
    layer: str = ""            # the 1 of ^{(1)}
    transposed: bool = False
    inverse: bool = False
    applied: bool = False      # a '(' right after the bare name
    value: bool = True         # stands where a value stands (not a sum's limit, a subscript)
    in_trace: bool = False     # inside the argument of a trace: a matrix
    call_like: bool = False    # before a bracket holding one name, as a call is: alpha(x)
    in_power: bool = False     # written inside a superscript (an exponent, or a label)
    glued: bool = False        # a digit right after the bare name: t1 (for t_1, a slip)
    primed: bool = False       # f'(x): the derivative of a function


@dataclass
class _Shape:
    kind: str                  # 's' scalar, 'v' column, 'r' row, 'm' matrix, '?' unknown
    dims: tuple[str, ...] = ()


_S = _Shape("s")
_U = _Shape("?")


class _Scan:
    """Occurrences, sums and (in the second pass) shape constraints of the whole document."""

    def __init__(self) -> None:
        self.uses: list[_Use] = []
        self.sums: list[tuple[tuple[str, ...], str, int]] = []   # letters, upper, line
        self.size_values: dict[str, tuple[int, ...]] = {}   # a size's check values where the
        #                                 document writes the length (\sum_{i=1}^{3}: (3,))
        self.limits: dict[str, int] = {}                          # size letter -> line
        self.first_sides: list[tuple[str, int]] = []              # a chain's defined name
        # a_1 = f(...): a numbered name a chain starts (base, number, line)
        self.numbered_sides: set[tuple[str, str, int]] = set()
        self.word_sides: dict[str, int] = {}      # Cost = ...: a word a chain starts, its line
        self.called_sides: set[str] = set()       # f(x) = ..., f'(x) = ...: a call a chain starts
        self.powered_sides: dict[str, int] = {}   # \hat{\sigma}^2 = ...: a power a chain starts
        self.abstract: dict[str, int] = {}        # f: any function of one number (f' its line)
        self.texts: list[tuple[str, int]] = []                    # each step, normalised
        self.pairs: list[tuple[_Use, _Use]] = []                  # adjacent names (a product)
        # each derivative: the uses it differentiates, the bases of its variables, its line
        self.derivatives: list[tuple[list[_Use], frozenset[str], int]] = []
        # the uses written as a derivative's numerator or variable (\partial y / \partial z)
        self.in_derivative: set[int] = set()
        # the uses that are the whole argument of a letter's call (y_i(x), f(x))
        self.as_argument: set[int] = set()
        # w_t beside w (t no index): another value of w, its own name (see _literals)
        self.literals: dict[tuple[str, str], str] = {}   # (base, subscript) -> its name
        # C_Y, W_Q: a capital subscript that is no index, a label: a name of its own (in
        # literals too, but of no kind or shape of its base's)
        self.labels: set[str] = set()
        # what the document's words say a name is (X \in \mathbb{R}^{n \times d})
        self.stated: dict[str, StatedShape] = {}
        # the kind of values they give it ("where \(y_i\) is one-hot")
        self.value_kinds: dict[str, StatedShape] = {}
        # the chains (by number) each line's steps belong to
        self.chains_of: dict[int, set[int]] = {}
        # x alone beside x^{(i)}, never in one chain: the line where x alone is one sample's
        # value (its own name, spelled x; the family is spelled x^{(i)})
        self.sample_points: dict[str, int] = {}
        # a small letter written only with two subscripts beside its capital, a matrix: the
        # matrix's entries (c_{ij} of C), spelled so
        self.entries: dict[str, str] = {}
        self.entry_letters: dict[str, tuple[str, str]] = {}     # the ij of c_{ij}
        # a letter alone (or plus or minus one) as a superscript: (letter, base, +-1, line)
        self.superscripts: list[tuple[str, str, bool, int]] = []


# an array's column specification (\begin{array}{crcl}, normalised to (crcl)): letters that
# are no names
_COLUMN_SPEC = re.compile(r"(\\begin\s*\{\s*(?:array|tabular)\s*\})\s*(?:\{[^{}]*\}|\([^()]*\))")


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(_COLUMN_SPEC.sub(r"\1", text))]


def _group(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The script argument at ``i`` (a braced group or one token), spaces skipped."""
    while i < len(tokens) and tokens[i].isspace():
        i += 1
    if i >= len(tokens):
        return [], i
    if tokens[i] != "{":
        return [tokens[i]], i + 1
    depth, j = 0, i
    while j < len(tokens):
        depth += tokens[j] == "{"
        depth -= tokens[j] == "}"
        if depth == 0:
            return tokens[i + 1:j], j + 1
        j += 1
    return tokens[i + 1:], len(tokens)


def _items(group: list[str]) -> tuple[str, ...]:
    """A name's subscript as items: ``ij``, ``i,j``, ``k'``, ``1`` -> letters; anything
    else (commands, arithmetic ``i+1``) -> ``('?',)``."""
    items: list[str] = []
    for token in group:
        if token.isspace() or token == ",":
            continue
        if token == "'" and items:
            items[-1] += "p"
        elif re.fullmatch(r"[A-Za-z]|\d+", token):
            items.append(token)
        else:
            return ("?",)
    return tuple(items) or ("?",)


class _Parser:
    """A small recursive reading of one normalised step: enough to see names, their scripts,
    products and sums; whatever it does not know has an unknown shape."""

    def __init__(self, scan: _Scan, tokens: list[str], line: int,
                 shape_of: _ShapeOf | None) -> None:
        self.scan, self.t, self.line, self.shape_of = scan, tokens, line, shape_of
        self.i = 0
        # derivative operators of the current term: (where its differentiand's uses start,
        # the bases of its variables)
        self.pending: list[tuple[int, frozenset[str]]] = []

    def peek(self) -> str:
        while self.i < len(self.t) and self.t[self.i].isspace():
            self.i += 1
        return self.t[self.i] if self.i < len(self.t) else ""

    def expression(self, stops: frozenset[str]) -> _Shape:
        shapes: list[_Shape] = []
        lone: list[_Use] = []
        while self.peek() and self.peek() not in stops:
            if self.peek() in "+-=":
                self.i += 1
                continue
            shape, alone = self.term(stops | frozenset("+-="))
            shapes.append(shape)
            if alone is not None and shape.kind == "s":
                lone.append(alone)
        known = [s for s in shapes if s.kind in "vr"]
        if known and self.shape_of is not None:
            # a lone scalar added to a vector: the name is a vector of that length
            for use in lone:
                self.shape_of.upgrade(use, known[0].dims[0])
        return self.unify_terms(shapes)

    def unify_terms(self, shapes: list[_Shape]) -> _Shape:
        known = [s for s in shapes if s.kind in "vrm"]
        if any(s.kind == "?" for s in shapes) or not shapes:
            result = _U
        else:
            result = known[0] if known else _S
        if self.shape_of is not None:
            for a, b in itertools.pairwise(known):
                if a.kind == b.kind:
                    for x, y in zip(a.dims, b.dims, strict=True):
                        self.shape_of.union(x, y)
        return result

    def term(self, stops: frozenset[str]) -> tuple[_Shape, _Use | None]:
        """The term's shape, and its one name when it is a name alone."""
        factors: list[_Shape] = []
        names: list[_Use | None] = []
        outer, self.pending = self.pending, []
        while self.peek() and self.peek() not in stops:
            start = self.i
            before = len(self.scan.uses)
            token = self.peek()
            factors.append(self.factor(stops))
            named = re.fullmatch(r"[A-Za-z]|\\[A-Za-z]+", token) is not None and \
                token[1:] not in ("frac", "sum", "prod") and len(self.scan.uses) == before + 1
            names.append(self.scan.uses[before] if named else None)
            if self.i == start:
                self.i += 1
        for left, right in itertools.pairwise(names):
            if left is not None and right is not None and self.shape_of is None:
                self.scan.pairs.append((left, right))
        if self.shape_of is None:
            # an operator (\frac{\partial}{\partial v}, \nabla_v) differentiates the rest of
            # its term
            for start, variables in self.pending:
                self.scan.derivatives.append((self.scan.uses[start:], variables, self.line))
        self.pending = outer
        shape = _S
        for factor in factors:
            shape = self.multiply(shape, factor)
        return shape, names[0] if len(names) == 1 else None

    def multiply(self, a: _Shape, b: _Shape) -> _Shape:
        if a.kind == "?" or b.kind == "?":
            return _U
        if a.kind == "s":
            return b
        if b.kind == "s":
            return a
        union = self.shape_of.union if self.shape_of is not None else (lambda x, y: None)
        left = a.dims[-1]
        right = b.dims[0]
        if (a.kind, b.kind) in {("r", "v"), ("r", "m"), ("m", "v"), ("m", "m")}:
            union(left, right)
            if a.kind == "r":
                return _S if b.kind == "v" else _Shape("r", (b.dims[1],))
            return _Shape("v", (a.dims[0],)) if b.kind == "v" else _Shape("m", (a.dims[0],
                                                                              b.dims[1]))
        if (a.kind, b.kind) == ("v", "r"):
            return _Shape("m", (a.dims[0], b.dims[0]))
        return _U

    def factor(self, stops: frozenset[str]) -> _Shape:
        token = self.peek()
        self.i += 1
        if token in ("(", "["):
            before, opened = len(self.scan.uses), self.i - 1
            inner = self.expression(frozenset({")", "]"}))
            self.i += self.peek() in (")", "]")
            written = [t for t in self.t[opened + 1:self.i - 1] if not t.isspace()]
            previous = next((t for t in reversed(self.t[:opened]) if not t.isspace()), "")
            callee = self.scan.uses[before - 1] if before else None
            # y_i(x), f(x): the argument of a letter's call, not of a standard function's
            # (\sigma(z), \exp(z) say nothing of z's shape)
            if token == "(" and len(self.scan.uses) == before + 1 and len(written) == 1 and \
                    callee is not None and (
                        (callee.base == previous and re.fullmatch(r"[A-Za-z]", previous)) or (
                        bool(callee.subs) and re.fullmatch(r"[A-Za-z0-9}]", previous))):
                self.scan.as_argument.add(id(self.scan.uses[before]))
            elif token == "(" and {"|", ",", ";"} & set(written) and callee is not None and \
                    callee.base == previous and re.fullmatch(r"[A-Za-z]", previous):
                # p(t | \pi, \mu), L(\mu, \sigma; x): a probability's or a likelihood's
                # arguments, whatever their shapes (the reader reads no such call): no use
                # alone there says t (or the data x, beside its entries x_i) is a scalar
                self.scan.as_argument |= {id(u) for u in self.scan.uses[before:]}
            return self.post(inner)
        if token == "{":
            inner = self.expression(frozenset({"}"}))
            self.i += self.peek() == "}"
            return self.post(inner)
        if token in _BIG:
            self.big(token)
            return _S
        if _TRACE.fullmatch(token):
            before = len(self.scan.uses)
            inner = _U
            if self.peek() in ("(", "{"):
                inner = self.factor(stops)
            for use in self.scan.uses[before:]:
                use.in_trace = True
            if inner.kind == "m" and self.shape_of is not None:
                # the trace of A X B: a square argument, A's rows as many as B's columns
                self.shape_of.union(inner.dims[0], inner.dims[1])
            return _S
        if token == "\\frac":
            top, after = _group(self.t, self.i)
            bottom, _ = _group(self.t, after)
            top = [t for t in top if not t.isspace()]
            bottom = [t for t in bottom if not t.isspace()]
            operator = bool(top) and top[0] in ("\\partial", "d") and bottom[:1] == top[:1]
            before = len(self.scan.uses)
            num = self.braced()
            middle = len(self.scan.uses)
            den = self.braced()
            if operator and self.shape_of is None:
                variables = frozenset(u.base for u in self.scan.uses[middle:])
                # its variable, and a numerator that is one name (\partial \hat{y}); a name
                # inside a longer numerator (d\sigma(z)) is an argument, not differentiated
                self.scan.in_derivative |= {id(u) for u in self.scan.uses[middle:]}
                if middle - before == 1:
                    self.scan.in_derivative.add(id(self.scan.uses[before]))
                if len(top) > 1:
                    self.scan.derivatives.append((self.scan.uses[before:middle], variables,
                                                  self.line))
                else:
                    self.pending.append((len(self.scan.uses), variables))
            return num if den.kind == "s" else _U
        if token in ("\\partial", "\\nabla"):
            if self.peek() == "_":
                self.i += 1
                before = len(self.scan.uses)
                self.sub_expression()
                if self.shape_of is None:
                    self.scan.in_derivative |= {id(u) for u in self.scan.uses[before:]}
                    self.pending.append((len(self.scan.uses), frozenset(
                        u.base for u in self.scan.uses[before:])))
            return _U
        if token in _FUNCTIONS:
            if self.peek() in ("_", "^"):
                self.i += 1
                self.sub_expression()
            if self.peek() in ("(", "{"):
                self.factor(stops)
            return _S
        if re.fullmatch(r"\\(?:text[a-z]*|mbox|mathrm)\s*\{\s*(?:if|for|when|otherwise)\b.*",
                        token, re.S):
            # a case's condition (\text{if } i = k): index letters compared, no values
            while self.i < len(self.t) and self.t[self.i] not in ("\\\\", "&") and \
                    not self.t[self.i].startswith("\\end"):
                self.i += 1
            return _S
        if token in ("\\cdot", "\\times"):
            return _S
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            if self.peek() == "_":      # 1_{\{y = k\}}: an indicator
                self.i += 1
                self.sub_expression()
            return _S
        if token in _ACCENTS and self.peek() == "{":
            accented, self.i = _group(self.t, self.i)
            return self.name(f"{token}{{{''.join(accented)}}}")
        if token == "\\Delta" and re.fullmatch(r"[A-Za-z]", self.peek()):
            return self.factor(stops)   # \Delta X: an increment of X, of X's shape (the reader's)
        if re.fullmatch(r"[A-Za-z]", token) or token[1:] in _GREEK or token == "\\pi":
            return self.name(token)     # (\pi: the number, unless a parameter; see _decide)
        if token in ("_", "^"):     # a script of a command (\delta_{ij}): no values
            self.sub_expression()
            return _S
        if token in ("\\|", "|"):
            return _U
        if token.startswith("\\"):
            return _U
        return _S if token in ("!",) else _U

    def braced(self) -> _Shape:
        group, end = _group(self.t, self.i)
        self.i = end
        return _Parser(self.scan, group, self.line, self.shape_of).expression(frozenset())

    def sub_expression(self) -> None:
        group, end = _group(self.t, self.i)
        self.i = end
        sub = _Parser(self.scan, group, self.line, None)
        before = len(self.scan.uses)
        sub.expression(frozenset())
        for use in self.scan.uses[before:]:
            use.value = False   # in a subscript (\nabla_{w_k}, 1_{\{y = k\}}): not a value

    def post(self, shape: _Shape) -> _Shape:
        while self.peek() in ("^", "'"):
            if self.peek() == "'":
                self.i += 1
                shape = _U
                continue
            self.i += 1
            group, self.i = _group(self.t, self.i)
            text = "".join(group).replace(" ", "")
            if text in ("T", "t"):     # (AX)^t: a transpose, as the reader reads it
                shape = _transpose(shape)
            elif text in ("-1", "-T", "-t") and shape.kind == "m":
                if self.shape_of is not None:
                    self.shape_of.union(shape.dims[0], shape.dims[1])
            elif shape.kind != "s":
                shape = _U
            if text not in ("T", "t", "-1", "-T", "-t"):
                _Parser(self.scan, group, self.line, None).expression(frozenset())
        return shape

    def big(self, token: str) -> None:
        letters: tuple[str, ...] = ()
        upper = ""
        for _ in range(2):
            mark = self.peek()
            if mark not in ("_", "^"):
                break
            self.i += 1
            group, self.i = _group(self.t, self.i)
            text = "".join(group).replace(" ", "")
            if mark == "_":
                head = re.split(r"=|\\in|\\neq|\\ne", text)[0]
                if re.fullmatch(r"[A-Za-z]('*)(,[A-Za-z]'*)*", head):
                    letters = tuple(x.replace("'", "p") for x in head.split(","))
                # k \in [K], k \in \{1, \dots, K\}: the upper limit K
                ranged = re.search(r"\\in(?:\[([A-Za-z])\]|"
                                   r"\\\{1,(?:2,)?\\[lc]?dots,([A-Za-z])\\\})", text)
                if ranged and not upper:
                    upper = ranged.group(1) or ranged.group(2)
            elif re.fullmatch(r"[A-Za-z]", text):
                upper = text
            elif re.fullmatch(r"[1-9]", text):
                upper = text    # a length written as a number: \sum_{i=1}^{3} w_i x_i
        self.scan.sums.append((letters, upper, self.line))
        if upper and not upper.isdigit():
            self.scan.limits.setdefault(upper, self.line)

    def name(self, base: str) -> _Shape:
        use = _Use(base, self.line)
        while self.peek() in ("_", "^", "'"):
            mark = self.peek()
            self.i += 1
            if mark == "'":
                if base[:1].isupper():
                    use.transposed = True   # X'X: a transposed matrix
                else:
                    use.applied = use.primed = True   # f'(x): a derivative, a function's
                continue
            group, self.i = _group(self.t, self.i)
            text = "".join(group).replace(" ", "")
            if mark == "_":
                use.subs = _items(group)
                use.script = text
            elif text in ("T", "t"):    # (a lowercase t: the reader's transpose mark too)
                use.transposed = True
            elif text in ("-1", "{-1}"):
                use.inverse = True
            elif text in ("-T", "{-T}", "-t"):     # A^{-T}: the inverse transposed
                use.inverse = use.transposed = True
            elif re.fullmatch(r"\([A-Za-z]\)", text):
                use.sample = text[1]
            elif re.fullmatch(r"[(\[]\d+[)\]]", text):
                use.layer = text[1:-1]
            else:
                start = len(self.scan.uses)
                _Parser(self.scan, group, self.line, None).expression(frozenset())
                for inner in self.scan.uses[start:]:
                    inner.in_power = True
                letter = re.fullmatch(r"\{?([A-Za-z])([+-]1)?\}?", text)
                if letter is not None:
                    self.scan.superscripts.append((letter.group(1), base,
                                                   letter.group(2) is not None, self.line))
        if not use.subs and self.i < len(self.t) and self.t[self.i][:1].isdigit():
            use.glued = True
        if self.i < len(self.t) and self.t[self.i] == "(" and not use.transposed:
            inside = "".join(itertools.takewhile(lambda t: t != ")", self.t[self.i + 1:]))
            # (\mathbf x unbraced too; s_i(\mathbf x), a subscripted name before a bracket
            # that holds one name, is written as a call as much as s(\mathbf x) is)
            use.call_like = re.fullmatch(r"\s*(?:\\[A-Za-z]+\s*\{?\s*)?\\?[A-Za-z]+\s*\}?\s*",
                                         inside) is not None
            use.applied = not use.subs
        literal = self.shape_of.literals.get((use.base, use.script)) \
            if self.shape_of is not None and use.subs else None
        if literal is not None:
            use.base, use.subs, use.script = literal, (), ""
        self.scan.uses.append(use)
        return self.shape_of(use) if self.shape_of is not None else _U


def _transpose(shape: _Shape) -> _Shape:
    if shape.kind == "v":
        return _Shape("r", shape.dims)
    if shape.kind == "r":
        return _Shape("v", shape.dims)
    if shape.kind == "m":
        return _Shape("m", (shape.dims[1], shape.dims[0]))
    return shape


class _ShapeOf:
    """Second pass: the shape of each occurrence under the kinds found, and the union-find of
    dimensions ('size:N', 'w.0', 'X.r', 'X.c')."""

    def __init__(self, kinds: Mapping[str, str], ranges: Mapping[str, str],
                 literals: Mapping[tuple[str, str], str] | None = None,
                 stated: Mapping[str, StatedShape] | None = None,
                 entries: Mapping[str, str] | None = None,
                 labels: Iterable[str] = ()) -> None:
        self.kinds, self.ranges = kinds, ranges
        self.entries = dict(entries or {})
        self.literals = dict(literals or {})
        self.stated = dict(stated or {})
        apart = set(labels)
        self.parents = {name: base for (base, _), name in self.literals.items()
                        if name not in apart}
        self.parent: dict[str, str] = {}
        self.upgrades: dict[str, tuple[str, int]] = {}   # scalar -> (a length, line): a vector

    def upgrade(self, use: _Use, dim: str) -> None:
        if self.kinds.get(use.base) == "scalar" and not use.base[-1:].isupper() and \
                use.base not in self.stated:
            self.upgrades.setdefault(use.base, (dim, use.line))

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra.startswith("size:") and rb.startswith("size:"):
                return   # two named sizes are never made one (the reader reports the misfit)
            if rb.startswith("size:"):
                ra, rb = rb, ra
            self.parent[rb] = ra

    def __call__(self, use: _Use) -> _Shape:
        if use.base in self.entries and len(use.subs) == 2:
            use = replace(use, base=self.entries[use.base])     # c_{ij}: an entry of C
        kind = self.kinds.get(use.base, "")
        said = self.stated.get(use.base)
        if said is not None and kind == "matrix" and _SQUARE & set(said.qualities):
            self.union(f"{use.base}.r", f"{use.base}.c")   # "a symmetric matrix $C$"
        if said is not None and said.dims:   # X \in \mathbb{R}^{n \times d}
            for axis, dim in zip((".0",) if len(said.dims) == 1 else (".r", ".c"), said.dims,
                                 strict=True):
                self.union(f"{use.base}{axis}", f"size:{dim}")
        parent = self.parents.get(use.base)
        if parent is not None:   # w_t has the shape of w
            for axis in ((".0",) if kind == "vector" else (".r", ".c") if kind == "matrix"
                         else ()):
                self.union(f"{use.base}{axis}", f"{parent}{axis}")
        subs = [s for s in use.subs if s != "?"]
        if kind == "vector":
            if subs:
                if len(subs) == 1 and subs[0] in self.ranges:
                    self.union(f"{use.base}.0", f"size:{self.ranges[subs[0]]}")
                return _S
            shape = _Shape("v", (f"{use.base}.0",))
        elif kind == "vectors":        # a family of vectors: x_i, x^{(i)}
            if len(subs) + bool(use.sample) > 1:
                if len(subs) == 2 and subs[1] in self.ranges:
                    self.union(f"{use.base}.0", f"size:{self.ranges[subs[1]]}")
                return _S
            shape = _Shape("v", (f"{use.base}.0",))
        elif kind == "matrix":
            if len(subs) == 2:
                for axis, sub in zip(("r", "c"), subs, strict=True):
                    if sub in self.ranges:
                        self.union(f"{use.base}.{axis}", f"size:{self.ranges[sub]}")
                return _S
            shape = _Shape("m", (f"{use.base}.r", f"{use.base}.c"))
            if use.inverse:
                self.union(f"{use.base}.r", f"{use.base}.c")
        elif kind in ("scalar", "scalars", "sigmoid", "size", "numbered"):
            return _S
        else:
            return _U
        return _transpose(shape) if use.transposed else shape


# A case's condition in a cases block (& i=j, & \text{if } i \neq j \\): a comparison of
# index letters, whose letters are no values.
_CASE_CONDITION = re.compile(r"&\s*(?:\\text\s*\{\s*(?:if|for|when)\s*\}\s*)?"
                             r"[A-Za-z]\s*(?:=|\\neq?|\\not\s*=|<|>|\\[lg]eq?)\s*[A-Za-z]\s*"
                             r"(?=\\\\|\\end\s*\{cases\}|$)")


def _scan_step(scan: _Scan, text: str, line: int, shape_of: _ShapeOf | None) -> None:
    if "cases" in text:
        text = _CASE_CONDITION.sub(" ", text)
    _Parser(scan, _tokens(text), line, shape_of).expression(frozenset())


# ---------------------------------------------------------------- the inference


def _symbol_name(base: str) -> tuple[str, tuple[str, ...]]:
    """The notation's name of a base and the spellings it needs (none for a plain letter);
    ``w_t`` (see :func:`_literals`) is ``wt``, spelled ``w_t``."""
    literal = re.fullmatch(r"(.+)_([A-Za-z])", base)
    if literal:
        return _symbol_name(literal.group(1))[0] + literal.group(2), (base,)
    accent = re.fullmatch(r"\\(hat|tilde|bar|check)\{(\\?[A-Za-z]+)\}", base)
    if accent:
        inner = accent.group(2).lstrip("\\")
        return _KEYWORD_NAMES.get(inner, inner) + accent.group(1), (base,)
    if base.startswith("\\"):
        name = base[1:]
        return _KEYWORD_NAMES.get(name, name), (base,)
    return base, ()


def symbol_name(base: str) -> tuple[str, tuple[str, ...]]:
    """The notation's name of a base as the document writes it (``\\lambda`` -> ``lam``), and
    the ``latex`` spellings its declaration needs."""
    return _symbol_name(base)


def infer_notation(chains: Sequence[RawChain], declared: Declared | None = None,
                   stated: Sequence[StatedShape] = ()) -> Inference:
    """The notation the chains' steps imply, beyond what ``declared`` already declares; a
    name the document's words give a shape (``stated``, one shape for it) has that shape."""
    declared = declared or Declared()
    steps = [(normalize(step.text), step.line, n == 0 and len(chain.steps) > 1)
             for chain in chains for n, step in enumerate(chain.steps)]
    scan = _Scan()
    for number, chain in enumerate(chains):
        for step in chain.steps:
            scan.chains_of.setdefault(step.line, set()).add(number)
    introduced: dict[str, int] = {}     # a name first written in a chain's later step
    seen: set[str] = set()
    redefined: dict[str, int] = {}      # a chain starts with a name used before: name = ...
    defining = False
    argument = ""                       # the parameter of a function the chain defines
    for (text, line, first), position in zip(steps, (n for chain in chains
                                                     for n in range(len(chain.steps))),
                                          strict=True):
        scan.texts.append((text, line))
        before = len(scan.uses)
        _scan_step(scan, text, line, None)
        mine = scan.uses[before:]
        if position == 0:
            # a call alone, f(w) = ...: a function being defined, the names of its body
            # are no step's abbreviations
            defining = re.fullmatch(r"[^()+\-=]*\([^()]*\)\s*", text) is not None
            if defining and first and mine:
                scan.called_sides.add(mine[0].base)
            # ... and f(x) = \frac{1}{1+e^{-x}}: x in its body is the parameter, no value
            # of the document's (beside its inputs x_1, x_2)
            parameter = re.fullmatch(r"\s*\\?[A-Za-z]+\s*(?:\^\s*\{?\s*\\prime\s*\}?|')?\s*"
                                     r"\(\s*([A-Za-z])\s*\)\s*", text)
            argument = parameter.group(1) if parameter else ""
        if argument:
            scan.as_argument |= {id(u) for u in mine if u.base == argument and not u.subs}
        named = [use for use in mine if use.value]      # (p_j: its index letter is no value)
        if first and len(named) == 1 and _POWERED_NAME.fullmatch(text):
            # \hat{\sigma}^2 = \frac{1}{n} \sum_i (y_i - \bar{y})^2: the square defined
            scan.powered_sides.setdefault(named[0].base, line)
        word = WORD_NAME.fullmatch(text)
        if first and word is not None and word.group(1) not in _PROSE_WORDS:
            scan.word_sides.setdefault(word.group(1), line)
            defining = True     # Loss = body: the body's names are not introduced by a step
        if first and len(named) == 1 and not named[0].transposed and not named[0].sample and \
                _LONE_NAME.fullmatch(text):
            scan.first_sides.append((named[0].base, line))
            if len(named[0].subs) == 1 and named[0].subs[0].isdigit():
                scan.numbered_sides.add((named[0].base, named[0].subs[0], line))
            defining = True     # name = body: the body's names are not introduced by a step
            if named[0].base in seen:
                redefined.setdefault(named[0].base, line)
        if position == 1 and scan.first_sides and scan.first_sides[-1][1] == line and \
                listing_of(scan.first_sides[-1][0], text):
            # x = \{x_1, x_2, ..., x_n\}, w = (w_1, ..., w_n)^T: its entries listed, no body
            # to define it by; what it is, its uses say (a vector of those entries)
            scan.first_sides.pop()
        if position > 1 or (position == 1 and not defining):
            for use in mine:
                if use.value and use.base not in seen:
                    introduced.setdefault(use.base, line)
        seen |= {use.base for use in mine}
    bold: dict[str, int] = {}
    bold_sub: dict[str, int] = {}
    for chain in chains:
        for step in chain.steps:
            for match in _BOLD.finditer(step.text):
                bold.setdefault(match.group(1), step.line)
                rest = step.text[match.end():].lstrip(" }")
                if rest.startswith("_"):
                    bold_sub.setdefault(match.group(1), step.line)
    said: dict[str, set[tuple[str, tuple[str, ...], bool]]] = {}
    # "with respect to $\pi$": differentiated by, in words (a variable: \pi = ... solves)
    scan.derivatives += [([], frozenset({s.base}), s.line) for s in stated if s.kind == "variable"]
    valued = [s for s in stated if s.kind in _VALUE_KINDS]
    shapes = [s for s in stated if s.kind not in _VALUE_KINDS | {"variable"}]
    for shape in shapes:
        said.setdefault(shape.base, set()).add((shape.kind, shape.dims, shape.member))
    # a name said to be two things (in two sections of the text, say) is said to be neither
    scan.stated = {shape.base: shape for shape in shapes if len(said[shape.base]) == 1 and
                   not (shape.member and shape.kind != "vector") and
                   shape.base not in declared.spellings}
    kinds_said = {base: {s.kind for s in valued if s.base == base} for base in
                  {s.base for s in valued}}
    scan.value_kinds = {s.base: s for s in valued if len(kinds_said[s.base]) == 1 and
                        s.base not in declared.spellings}
    inference = _decide(scan, bold, bold_sub, declared)
    if scan.entries:   # a derivative by c_{ij} is by an entry of C
        scan.derivatives = [([replace(u, base=scan.entries.get(u.base, u.base)) for u in uses],
                             frozenset(scan.entries.get(b, b) for b in bases), line)
                            for uses, bases, line in scan.derivatives]
    variables = frozenset(base for _, bases, _ in scan.derivatives for base in bases)
    dependents = frozenset(u.base for uses, bases, _ in scan.derivatives
                           if bases and not any(v.base in bases for v in uses) for u in uses)
    # any function of one number is a guess of its values only: the document may mean one
    # function it never writes (a pass for every function holds for that one too)
    abstract = tuple(Guess(_symbol_name(base)[0], base, f"{base} inferred any function of one "
                           "number (the document may mean one it does not write)",
                           f"definitions: {{{_symbol_name(base)[0]}: {{params: [t], body: "
                           "\"...\"}}", line, given=True)
                     for base, line in scan.abstract.items())
    return replace(inference, guesses=(*_guesses(scan, inference, introduced, redefined),
                                       *abstract),
                   variables=variables, dependents=dependents)


def _guesses(scan: _Scan, inference: Inference, introduced: Mapping[str, int],
             redefined: Mapping[str, int]) -> tuple[Guess, ...]:
    """The declared symbols whose reading the document itself casts doubt on: read as plain
    values (a scalar, a family, a vector) where the document treats them as something it
    defines.  Only refutations are affected (a proof under a reading proves that reading)."""
    declared = {s.name: s for s in inference.symbols}
    found: dict[str, tuple[int, str]] = {}

    # a name the document differentiates by is a variable: a line w = ... solves for it (a
    # result, not a definition), and a step that brings it in is no abbreviation of it
    variables = {base for _, bases, _ in scan.derivatives for base in bases}

    def note(base: str, line: int, why: str) -> None:
        if _symbol_name(base)[0] in declared and base not in found:
            found[base] = (line, why)
    for base, line in redefined.items():
        # a variable the line solves for (w = (X^T X)^{-1} X^T y), unless its second side is
        # in another variable the document differentiates by (p_j = e^{a_j} / \sum_k e^{a_k}
        # beside \partial L / \partial a_i: an intermediate of the chain rule, defined)
        if base in variables and not {u.base for u in scan.uses if u.line == line and
                                      u.value and u.base != base} & (variables - {base}):
            continue
        note(base, line, f"line {line} writes ${base} = \\ldots$, a definition inference does "
                         "not read")
    for base, line in scan.powered_sides.items():
        if base not in variables:
            note(base, line, f"line {line} starts a chain with a power of ${base}$ (a "
                             "definition of it?), which inference does not read")
    letters = {i.letter for i in inference.indices} | {z.name for z in inference.sizes}
    for uses, by_these, line in scan.derivatives:
        # \partial_{ij} by index letters is a shorthand whose variable is not written
        if uses and by_these and not by_these <= letters and \
                not any(u.base in by_these for u in uses):
            by = " ".join(sorted(by_these))
            for use in uses:
                if use.value:
                    note(use.base, line, f"${use.base}$ is differentiated by ${by}$ on line "
                                         f"{line}, but as read does not depend on it (a quantity "
                                         "the document defines elsewhere?)")
    for base, line in introduced.items():
        if base in variables or base in scan.stated:   # X \in \mathbb{R}^{n \times d}: no
            continue                                     # abbreviation
        note(base, line, f"${base}$ is first written on line {line}, in a step of a chain: "
                         "the step introduces it (an abbreviation?)")
    for symbol in inference.symbols:
        # x_i beside a square X (not taken as its rows or columns, _rows_of_matrices): read
        # apart, a step that relates them is refuted as read
        matrix = next((m for m in inference.symbols if m.name == symbol.name.upper() != symbol.name
                       and len(m.shape) == 2 and m.shape[0] == m.shape[1]), None)
        if matrix is not None and symbol.family and symbol.shape and \
                matrix.shape[0] in (*symbol.family, *symbol.shape):
            line = next(u.line for u in scan.uses if u.base == symbol.name)
            note(symbol.name, line, f"${symbol.name}_i$ is written beside the square matrix "
                                    f"${matrix.name}$: its rows, its columns, or apart?")
    given: set[str] = set()
    for said in scan.stated.values():
        unknown = [q for q in said.qualities if q not in _HARMLESS]
        if unknown:
            given.add(said.base)
            note(said.base, said.line, f"the words call ${said.base}$ {' and '.join(unknown)} "
                                       f"on line {said.line} ({said.text}), which its reading "
                                       "does not know")
    for use in scan.uses:
        if use.call_like:
            note(use.base, use.line, f"${use.base}$ is written as a call on line {use.line} but "
                                     "read as a product with the bracket")
    labels: set[str] = set()
    for text, line in scan.texts:
        if "\\sum" not in text:
            continue
        for match in _AGAINST_LOG.finditer(text):
            if match.group(1) in scan.value_kinds:
                continue      # "where \(y_i\) is one-hot": the words settle it
            # y_j \log p_j under a sum: a cross-entropy, whose y sums to 1 (one-hot labels or
            # a distribution) where the document's words say so; read as free reals it does not
            note(match.group(1), line, f"${match.group(1)}$ is summed against a logarithm on "
                                       f"line {line} (a cross-entropy: one-hot labels or a "
                                       "distribution?)")
            labels.add(match.group(1))
    guesses = []
    for base, (line, why) in sorted(found.items(), key=lambda item: item[1][0]):
        name, _ = _symbol_name(base)
        symbol = declared[name]
        calls = any(u.call_like for u in scan.uses if u.base == base)
        if base in given and why.startswith("the words call"):
            settle = (f"symbols: {{{name}: {{shape: {_flow(symbol.shape)}, symmetric: true}}}}"
                      if "symmetric" in why.split(" on line ")[0] and len(symbol.shape) == 2
                      else "a header that declares it (its quality cannot be declared: check "
                           "the step by hand)")
        elif base in labels and symbol.family and why.endswith("distribution?)"):
            settle = (f"symbols: {{{name}: {{shape: [{symbol.family[0]}], kind: onehot}}}} "
                      "(or kind: distribution)")
        elif calls:
            settle = f"definitions: {{{name}: {{params: [v], body: \"...\"}}}}"
        elif symbol.family:
            index = next((u.subs[0] for u in scan.uses if u.base == base and u.subs), "i")
            settle = f"definitions: {{{name}: {{index: [{index}], body: \"...\"}}}}"
        else:
            settle = f"definitions: {{{name}: {{body: \"...\"}}}}"
        # a label's kind (one-hot, a distribution) or a quality the words give doubts only
        # its values: a pass for every real value holds for those too
        guesses.append(Guess(name, (symbol.latex or (base,))[0], why, settle, line, calls,
                             (base in given and why.startswith("the words call")) or
                             (base in labels and why.endswith("distribution?)"))))
    return tuple(guesses)


def _decide(scan: _Scan, bold: Mapping[str, int], bold_sub: Mapping[str, int],
            declared: Declared) -> Inference:
    ambiguities: list[Ambiguity] = []
    skip: set[str] = set(declared.spellings) | set(_RESERVED)
    # e transposed alone (e^T e, a residual vector; e_j^T is a unit vector) in a document that
    # raises Euler's number to no power: a name like any other
    if any(u.base == "e" and u.transposed and not u.subs for u in scan.uses) and \
            not any("\\exp" in text for text, _ in scan.texts):
        skip.discard("e")
    # Sizes: the upper limits; indices: the summed letters.
    sizes: dict[str, str] = {}
    for letter, line in scan.limits.items():
        if letter not in declared.sizes and letter not in declared.names:
            sizes[letter] = f"{letter} inferred a size from line {line} (an upper limit)"
    known_sizes = set(sizes) | set(declared.sizes)
    ranges: dict[str, str] = dict(declared.indices)
    reasons: dict[str, str] = {}
    unlimited: dict[str, int] = {}
    limits_written: dict[str, dict[int, int]] = {}   # letter -> numeric upper limit -> its line
    for letters, upper, line in scan.sums:
        for letter in letters:
            if letter in declared.names or (letter in ranges and letter not in limits_written):
                continue
            if upper.isdigit():
                limits_written.setdefault(letter, {}).setdefault(int(upper), line)
            elif upper:
                ranges[letter] = upper
                reasons[letter] = f"{letter} inferred an index over {upper} from line {line}"
            else:
                unlimited.setdefault(letter, line)
    values = scan.size_values
    for letter, limits in limits_written.items():
        if letter in ranges or letter in unlimited:
            continue    # also summed to a named size, or without a limit: that reading
        if len(limits) > 1 or max(limits) > SIZE_VALUE:
            ambiguities.append(Ambiguity(
                letter, f"summed to {' and to '.join(map(str, sorted(limits)))} on line "
                f"{min(limits.values())}" if len(limits) > 1 else
                f"summed to {max(limits)} on line {min(limits.values())}, more than the "
                f"checker's largest size ({SIZE_VALUE})", f"indices: {{{letter}: SIZE}}",
                min(limits.values())))
            continue
        (length, line), = limits.items()
        name = next((n for n, v in values.items() if v == (length,)), "") or \
            _unused_size(scan, set(sizes) | set(declared.sizes) | set(values))
        if not name:
            continue
        if name not in values:
            values[name] = (length,)
            sizes[name] = (f"{name} inferred a size from line {line} (a sum over {letter} to "
                           f"{length}: the length written as a number, checked at {length} "
                           "only)")
        ranges[letter] = name
        reasons[letter] = f"{letter} inferred an index over {name} (1 to {length}) from line {line}"
    known_sizes = set(sizes) | set(declared.sizes)
    fresh = _fresh_size(scan, unlimited, ranges) if not known_sizes else ""
    if fresh:
        line = min(unlimited.values())
        sizes[fresh] = (f"{fresh} inferred a size from line {line} (the range of the sums "
                        "without an upper limit, which index the same names; nothing in the "
                        "document names it)")
        known_sizes.add(fresh)
    for letter, line in unlimited.items():
        if letter in ranges:
            continue
        if len(known_sizes) == 1:
            only = next(iter(known_sizes))
            ranges[letter] = only
            reasons[letter] = (f"{letter} inferred an index over {only} from line {line} (a sum "
                               "without an upper limit; the document's only size)")
        else:
            ambiguities.append(Ambiguity(letter, f"summed without an upper limit on line {line}",
                                         f"indices: {{{letter}: SIZE}}", line))
    for base, said in list(scan.stated.items()):
        if any(d in ranges or d.isdigit() for d in said.dims):
            del scan.stated[base]      # a dimension that is an index, or a number: not read
            continue
        for d in said.dims:
            if d not in sizes and d not in declared.sizes:
                sizes[d] = f"{d} inferred a size from line {said.line} ({said.text})"
    summed = {letter for letters, _, _ in scan.sums for letter in letters}
    # A letter both summed (or a size) and used as a value: neither reading is taken.
    for use in scan.uses:
        if use.value and not use.subs and use.base in summed and use.base in ranges and \
                use.base not in declared.indices:
            ambiguities.append(Ambiguity(use.base, f"summed over as an index and used as a "
                                         f"value on line {use.line}",
                                         f"symbols: {{OTHER: {{latex: ['{use.base}']}}}} "
                                         "(rename one of the two)", use.line))
            ranges.pop(use.base, None)
            reasons.pop(use.base, None)
            skip.add(use.base)
    for letter in list(sizes):
        if letter in ranges:
            ambiguities.append(Ambiguity(letter, "used both as an upper limit and as a summed "
                                         "index", f"sizes: {{{letter}: [2, 3]}}",
                                         scan.limits[letter]))
            sizes.pop(letter)
            ranges.pop(letter)
            skip.add(letter)
    valued = {use.base for use in scan.uses if use.value}
    skip |= summed | set(unlimited)
    # \pi is the number, unless the document solves for it (\pi = \frac{1}{N} \sum_n t_n)
    # or differentiates by it: then a parameter, a class prior (its name cannot be the
    # number's as well)
    if "\\pi" not in {base for base, _ in scan.first_sides} | \
            {base for _, bases, _ in scan.derivatives for base in bases}:
        skip.add("\\pi")
    # z_j^l, w_{ij}^l, a_i^{l-1}: l written over several names, once with l - 1, and never as
    # a value of its own is a layer, no exponent: left undeclared (so those lines are not read
    # as powers), with the reason
    for letter in sorted(_layer_letters(scan)):
        if letter in declared.names:
            continue
        skip.add(letter)
        over, line = next((base, line) for sup, base, _, line in scan.superscripts
                          if sup == letter)
        ambiguities.append(Ambiguity(letter, f"written over several names on line {line} "
                                     f"({letter} and {letter}-1 or {letter}+1), never as a value:"
                                     " a layer, not an exponent", f"symbols: {{NAME: {{latex: "
                                     f"['{over}^{letter}']}}}} (one per name and layer)", line))
    by_base: dict[str, list[_Use]] = {}
    for use in scan.uses:
        if use.base in valued and use.base not in skip | set(ranges) | set(sizes) and \
                use.base not in declared.sizes and not use.glued:
            by_base.setdefault(use.base, []).append(use)
    # Subscripts spread ranges: a letter at a position where a summed letter stands elsewhere.
    changed = True
    while changed:
        changed = False
        for base, uses in by_base.items():
            for position in range(2):
                here = [u for u in uses if len(u.subs) > position and u.subs[0] != "?"]
                known = {ranges[u.subs[position]] for u in here if u.subs[position] in ranges}
                if len(known) != 1:
                    continue
                size = next(iter(known))
                for use in here:
                    letter = use.subs[position]
                    if letter.isalpha() and letter not in ranges and letter not in sizes and \
                            letter not in skip | set(by_base) | declared.names:
                        ranges[letter] = size
                        reasons[letter] = (f"{letter} inferred an index over {size} from line "
                                           f"{use.line} (it stands where an index over {size} "
                                           f"stands in {base})")
                        changed = True
    _literals(scan, by_base, ranges, sizes, declared, summed)
    _labels(scan, by_base, set(ranges) | set(sizes) | summed | set(declared.indices) |
            set(declared.sizes) | declared.names)
    # a name the document differentiates by is a variable: a chain that starts with it
    # (X = \frac{1}{2}(A + A^T) after "equate it to zero") gives it a value, no definition
    variables = {base for _, bases, _ in scan.derivatives for base in bases}
    for word, at in scan.word_sides.items():
        ambiguities.append(Ambiguity(word, f"defined by the chain it starts on line {at} "
                                     f"({word} = ...)", f"definitions: {{{word}: {{body: "
                                     "\"...\", latex: ['" + word + "']}}", at))
    defined = {base: line for base, line in scan.first_sides if base not in variables}
    kinds: dict[str, str] = {}
    why: dict[str, str] = {}
    for base, uses in by_base.items():
        line = uses[0].line
        shown = base
        numbers = {number: at for b, number, at in scan.numbered_sides if b == base}
        if numbers and all(len(u.subs) == 1 and u.subs[0].isdigit() for u in uses if u.subs) \
                and all(id(u) in scan.as_argument for u in uses if not u.subs):
            # a_1 = f(m_1 x_1 + ...), a_2 = ...: each numbered name a chain starts is defined
            # by it (verify.read.inferred.defined_by_lines); the other numbers are scalars
            for number, at in sorted(numbers.items(), key=lambda item: int(item[0])):
                ambiguities.append(Ambiguity(
                    f"{base}_{{{number}}}", f"defined by the chain it starts on line {at} "
                    f"({base}_{number} = ...)", f"definitions: {{{_symbol_name(base)[0]}"
                    f"{number}: {{body: \"...\"}}}}", at))
            uses = [u for u in uses if u.subs and u.subs[0] not in numbers]
            by_base[base] = uses
            if not uses:
                continue
            line = uses[0].line
        elif base in defined and uses[0].line == defined[base]:
            ambiguities.append(Ambiguity(shown, f"defined by the chain it starts on line "
                                         f"{defined[base]} ({base} = ...)",
                                         f"definitions: {{{_symbol_name(base)[0]}: "
                                         "{body: \"...\"}}", defined[base]))
            continue
        if base in scan.stated:
            words = scan.stated[base]
            kinds[base] = "vectors" if words.member else words.kind
            why[base] = (f"{base} stated a {'family of vectors' if words.member else words.kind}"
                         f" on line {words.line} ({words.text})")
            continue
        if base == "\\sigma" and any(u.applied for u in uses):
            if all(u.applied for u in uses):
                kinds[base] = "sigmoid"
                why[base] = (f"\\sigma inferred the sigmoid from line "
                             f"{next(u.line for u in uses if u.applied)} (applied to an "
                             "argument; declare sigma otherwise if the document means another "
                             "function)")
            else:
                ambiguities.append(Ambiguity(base, "applied as a function and used as a value",
                                             "definitions: {sigma: {params: [t], body: ...}}",
                                             line))
            continue
        evidence = any(u.transposed for u in uses) or base in bold
        bracket = _PRODUCT_BEFORE_BRACKET.fullmatch(base) is not None and \
            any(not u.applied for u in uses)
        if all(u.applied for u in uses) and any(u.primed for u in uses) and \
                _ABSTRACT_NAME.fullmatch(base) and base not in scan.called_sides:
            # f(wx + b) and f'(wx + b), and nothing defines f: any function of one number
            kinds[base] = "abstract"
            scan.abstract[base] = next(u.line for u in uses if u.primed)
            why[base] = (f"{base} inferred any function of one number from line "
                         f"{scan.abstract[base]} (written as a call and differentiated, "
                         f"{base}'(...), and defined nowhere)")
            continue
        if any(u.applied for u in uses) and not evidence and not bracket:
            use = next(u for u in uses if u.applied)
            ambiguities.append(Ambiguity(shown, f"written as a call on line {use.line}: a "
                                         "function, or a product with a bracket?",
                                         f"definitions: {{{_symbol_name(base)[0]}: {{params: "
                                         "[v], body: \"...\"}}", use.line))
            continue
        sampled = {u.sample for u in uses if u.sample and u.sample not in sizes}
        listed = [u for u in uses if sampled and (u.layer.isdigit() or u.sample in sizes)]
        if listed:
            # x^{(1)}, ..., x^{(m)} in a design matrix written out, beside x^{(i)}: samples by
            # number, not layers (left out: the reader reads no number in brackets)
            uses = [u for u in uses if not any(u is v for v in listed)]
            by_base[base] = uses
            if not uses:
                continue
            line = uses[0].line
        letter = base.lstrip("\\")
        capital = letter[:1].isupper()
        transposed = next((u.line for u in uses if u.transposed), 0)
        is_bold = bold.get(base, 0)
        subs_letters = [u for u in uses if u.subs and u.subs != ("?",)
                        and any(s in ranges for s in u.subs)]
        samples = [u for u in uses if u.sample]
        bare = [u for u in uses if not u.subs and not u.sample]
        if any(u.layer for u in uses) or any(u.subs == ("?",) for u in uses):
            ambiguities.append(Ambiguity(shown, f"a subscript or superscript on line {line} "
                                         "that is no index", f"symbols: {{NAME: {{latex: "
                                         f"['{base}_{{...}}']}}}}", line))
            continue
        if samples and bare and not is_bold and not transposed and \
                not any(u.subs or u.applied for u in uses) and \
                not _chains(scan, samples) & _chains(scan, bare) and \
                len({u.sample for u in samples}) == 1:
            # "for a single example": x alone where no chain writes x^{(i)}, a sample's value
            scan.sample_points[base] = bare[0].line
            by_base[base] = samples
            kinds[base] = "scalars"
            why[base] = f"{base} inferred a family over samples from line {samples[0].line}"
            continue
        if samples and bare:
            ambiguities.append(Ambiguity(shown, f"used with a sample index ^{{(i)}} (line "
                                         f"{samples[0].line}) and without (line "
                                         f"{bare[0].line})", f"symbols: {{{letter}1: {{latex: "
                                         f"['{base}']}}}}", samples[0].line))
            continue
        traced = next((u.line for u in uses if u.in_trace), 0)
        member_transposed = 0 if capital else next(   # w_k^T x: member k of a family
            (u.line for u in uses if u.transposed and len(u.subs) == 1 and u.subs[0] in ranges
             and not bare), 0)
        numbered = [u for u in uses if u.subs]
        if numbered and all(len(u.subs) == 1 and u.subs[0].isdigit() for u in numbered) and \
                all(id(u) in scan.as_argument or u.glued for u in uses if not u.subs):
            # \theta_0, \theta_1 (and \theta alone only as J(\theta)'s argument, left unread;
            # t1 beside t_1 and t_2 is t times 1, as the reader reads it)
            by_base[base] = numbered
            kinds[base] = "numbered"
            why[base] = (f"{base}_{numbered[0].subs[0]} inferred a scalar from line "
                         f"{numbered[0].line} (a numbered name)")
        elif capital and (is_bold or transposed or traced):
            kinds[base] = "matrix"
            why[base] = f"{base} inferred a matrix from line {is_bold or transposed or traced}"
        elif samples and not bare and len({u.sample for u in samples}) == 1 and \
                all(u.sample for u in uses) and {len(u.subs) for u in uses} == {0, 1} and \
                all(not s or (s[0].isalpha() and s[0] not in by_base and s[0] not in sizes)
                    for s in (u.subs for u in uses)):
            # x^{(i)} and x_j^{(i)}: sample i a vector, j its entry (x_j^{(i)} never alone)
            kinds[base] = "vectors"
            entry = next(u for u in uses if u.subs)
            why[base] = (f"{base} inferred a family of vectors from line {entry.line} "
                         f"({base}_{entry.subs[0]}^{{({entry.sample})}}: an entry of the "
                         f"sample {base}^{{({entry.sample})}})")
        elif (is_bold and (base in bold_sub or samples)) or member_transposed:
            kinds[base] = "vectors"
            at = bold_sub.get(base) or member_transposed or samples[0].line
            why[base] = f"{base} inferred a family of vectors from line {at}"
        elif (is_bold or transposed) and not capital:
            kinds[base] = "vector"
            why[base] = f"{base} inferred a vector from line {is_bold or transposed}"
        elif subs_letters and not bare and {len(u.subs) for u in uses} == {1, 2} and \
                all(u.subs[0] in ranges for u in uses):
            kinds[base] = "vectors"     # x_i and x_{ij}: member i, its entry j
            two = next(u for u in uses if len(u.subs) == 2)
            why[base] = (f"{base} inferred a family of vectors from line {two.line} "
                         f"({base}_{{{''.join(two.subs)}}} beside {base}_{two.subs[0]})")
        elif subs_letters and not bare:
            kinds[base] = "scalars"
            why[base] = (f"{base} inferred a family over "
                         f"{', '.join(ranges.get(s, '?') for s in subs_letters[0].subs)} from "
                         f"line {subs_letters[0].line}")
        elif samples:
            kinds[base] = "scalars"
            why[base] = f"{base} inferred a family over samples from line {samples[0].line}"
        elif bare and subs_letters and \
                all(len(u.subs) == 1 and (u.subs[0] in ranges or u.subs[0].isdigit() or
                                          u.subs[0] in sizes) for u in uses if u.subs):
            # x and x_j: a vector if a product says so (its entries also written x_1, x_n)
            kinds[base] = "pending"
        elif any(u.subs for u in uses):
            ambiguities.append(Ambiguity(shown, f"subscripted on line "
                                         f"{next(u.line for u in uses if u.subs)} with no "
                                         "index the document sums over", f"indices: "
                                         f"{{{next(u for u in uses if u.subs).subs[0]}: SIZE}}",
                                         line))
        elif capital:
            kinds[base] = "capital"
        else:
            kinds[base] = "scalar"
            why[base] = f"{base} inferred a scalar from line {line}"
    # Capitals multiplying a vector are matrices; the others might be scalars: not guessed.
    for left, right in scan.pairs:
        row = kinds.get(left.base) == "matrix" or (left.transposed and (
            (kinds.get(left.base) == "vector" and not left.subs) or
            (kinds.get(left.base) == "vectors" and len(left.subs) == 1)))
        if row and kinds.get(right.base) in ("scalar", "pending") and \
                not right.subs and not right.base[-1:].isupper() and \
                right.base not in scan.stated:
            kinds[right.base] = "vector"
            why[right.base] = (f"{right.base} inferred a vector from line {right.line} (a "
                               "matrix multiplies it)")
    for base in [b for b, k in kinds.items() if k == "pending"]:
        # (pending has an entry by an index letter; others may be x_1 or x_n)
        use = next(u for u in by_base[base] if u.subs and u.subs[0] in ranges)
        alone = [u for u in by_base[base] if not u.subs and not u.sample]
        if all(id(u) in scan.in_derivative | scan.as_argument for u in alone):
            # written alone only where a derivative is (\partial \hat{y} / \partial z) or as
            # a call's whole argument (y_i(x)), and otherwise by its entries z_j: the vector
            # of those entries (as a family of scalars, z alone would mean nothing)
            where = "in a derivative" if all(id(u) in scan.in_derivative for u in alone) else \
                "as a call's argument" if all(id(u) in scan.as_argument for u in alone) else \
                "in a derivative or as a call's argument"
            kinds[base] = "vector"
            why[base] = (f"{base} inferred a vector from line {alone[0].line} (alone only "
                         f"{where}; {base}_{use.subs[0]} its entries)")
            continue
        kinds.pop(base)
        ambiguities.append(Ambiguity(base, f"used alone and with the index {use.subs[0]} (line "
                                     f"{use.line}): a vector, or a family of scalars?",
                                     f"symbols: {{{_symbol_name(base)[0]}: {{shape: "
                                     f"[{ranges[use.subs[0]]}]}}}}", use.line))
    for base in [b for b, k in kinds.items() if k == "capital"]:
        kinds[base] = "matrix"
        near = _adjacent_vector(scan, base, kinds)
        if near:
            why[base] = f"{base} inferred a matrix from line {near} (it multiplies a vector)"
        else:
            kinds.pop(base)
            ambiguities.append(Ambiguity(base, f"a capital on line {by_base[base][0].line}: a "
                                         "scalar or a matrix?", f"symbols: {{{base}: {{}}}} "
                                         f"or {{{base}: {{shape: [n, n]}}}}",
                                         by_base[base][0].line))
    for (base, script), name in scan.literals.items():
        if name in scan.labels:
            continue
        # w_t: another value of w (an iterate, a time step), of w's kind and shape
        kinds.pop(name, None)
        kind = kinds.get(base)
        if kind in ("scalar", "vector", "matrix") and name in by_base:
            kinds[name] = kind
            why[name] = (f"{name} inferred a {kind} from line {by_base[name][0].line} (like "
                         f"{base}: its subscript {script} is no index, so another value of "
                         f"{base})")
    # (a small letter only differentiated by, \partial_{x_{ij}}: its subscripts as written)
    by_only = {b for _, bases, _ in scan.derivatives for b in bases
               if len(b) == 1 and b.islower() and b not in by_base}
    for base in sorted(b for b in {*by_base, *by_only} if len(b) == 1 and b.islower()):
        whole = base.upper()
        entries = by_base.get(base, [])
        written = [tuple(m.groups()) for text, _ in scan.texts for m in re.finditer(
            rf"(?<![A-Za-z\\]){base}_\{{\s*([a-z])\s*([a-z])\s*\}}", text)]
        if kinds.get(whole) == "matrix" and (written if base in by_only else entries) and \
                all(len(u.subs) == 2 and not (u.transposed or u.applied or u.sample or u.layer)
                    for u in entries) and not any(u.subs for u in by_base[whole]):
            # c_{ij} beside a matrix C written without subscripts: C's entries, as a header
            # spells them (C: {latex: ['C', 'c']})
            kinds.pop(base, None)
            why.pop(base, None)
            ambiguities[:] = [a for a in ambiguities if a.latex != base]
            scan.entries[base] = whole
            pair = entries[0].subs if entries else written[0]
            scan.entry_letters[base] = (pair[0], pair[1])
            why[whole] += f"; {base}_{{{''.join(pair)}}} its entries"
    return _assemble(scan, kinds, why, ranges, reasons, sizes, by_base, ambiguities)


_ITERATE = re.compile(r"\{?([A-Za-z])[+-]1\}?")   # the t+1 of w_{t+1}


def listing_of(base: str, text: str) -> bool:
    """Whether ``text`` lists ``base``'s entries, ``\\{x_1, x_2, ..., x_n\\}``, ``(w_1, \\dots,
    w_n)^T``, ``[b_1, b_2, b_3]^T``: brackets around comma-separated entries of that name."""
    inner = re.fullmatch(r"\s*(?:\\left\s*)?(?:\\\{|\(|\[)(?P<items>.*)(?:\\right\s*)?"
                         r"(?:\\\}|\)|\])\s*(?:\^\s*\{?\s*T\s*\}?)?\s*[.,;]?\s*", text, re.S)
    if inner is None:
        return False
    items = [item.strip() for item in inner.group("items").split(",")]
    entry = re.compile(re.escape(base) + r"\s*_\s*\{?\s*\w+\s*\}?$")
    dots = {"...", "\\dots", "\\ldots", "\\cdots", "…"}
    return len(items) >= 2 and all(entry.match(i) or i in dots for i in items) and \
        sum(bool(entry.match(i)) for i in items) >= 2


def _layer_letters(scan: _Scan) -> set[str]:
    """Letters written as superscripts over two names or more, once as ``l - 1`` or ``l + 1``,
    and nowhere as a value outside superscripts (``n x^{n-1}`` uses n as a value: a power)."""
    bases: dict[str, set[str]] = {}
    shifted: set[str] = set()
    for letter, base, plus_minus, _ in scan.superscripts:
        bases.setdefault(letter, set()).add(base)
        if plus_minus:
            shifted.add(letter)
    valued = {use.base for use in scan.uses if use.value and not use.in_power}
    return {letter for letter, over in bases.items()
            if len(over) >= 2 and letter in shifted and letter not in valued}


def _labels(scan: _Scan, by_base: dict[str, list[_Use]], taken: set[str]) -> None:
    """Labels: ``C_Y`` and ``C_R`` (covariances), ``W_Q``: a subscript that is one capital
    letter, never an index, a size or a declared name, makes the name its own (``CY``,
    spelled ``C_Y``), of whatever kind its own uses say (recorded in ``scan.literals`` and
    ``scan.labels``, renamed in ``by_base``)."""
    for base in list(by_base):
        kept: list[_Use] = []
        for use in by_base[base]:
            label = use.subs[0] if len(use.subs) == 1 else ""
            if re.fullmatch(r"[A-Z]", label) and label not in taken and not use.sample and \
                    not use.layer:
                name = scan.literals.setdefault((base, use.script), f"{base}_{label}")
                scan.labels.add(name)
                use.base, use.subs, use.script = name, (), ""
                by_base.setdefault(name, []).append(use)
            else:
                kept.append(use)
        by_base[base] = kept
        if not kept:
            del by_base[base]


def _literals(scan: _Scan, by_base: dict[str, list[_Use]], ranges: Mapping[str, str],
              sizes: Mapping[str, str], declared: Declared, summed: set[str]) -> None:
    """Iterates: ``w_t`` and ``w_{t+1}`` beside ``w`` (``t`` never summed nor ranging, and
    written with a step ``t+1`` or ``t-1`` on the same name, as an update rule is) are other
    values of ``w``, not its entries: ``w_t`` is its own name, of ``w``'s kind (recorded in
    ``scan.literals``, renamed in ``by_base``); ``w_{t+1}`` is left out of ``w``'s evidence,
    and stays unread, as a header could not declare it either."""
    for base in list(by_base):
        uses = by_base[base]
        plain = [u for u in uses if not u.subs or all(
            x in ranges or x.isdigit() or x in sizes for x in u.subs if x != "?")]
        steps = {m.group(1) for u in uses if u.subs == ("?",)
                 for m in [_ITERATE.fullmatch(u.script)] if m}
        if not plain or not steps:
            continue
        kept: list[_Use] = []
        for use in uses:
            letter = use.subs[0] if len(use.subs) == 1 else ""
            if letter in steps and letter not in ranges and letter not in sizes and \
                    letter not in summed and letter not in declared.indices and \
                    letter not in declared.sizes:
                name = scan.literals.setdefault((base, use.script), f"{base}_{letter}")
                use.base, use.subs, use.script = name, (), ""
                by_base.setdefault(name, []).append(use)
            elif use.subs == ("?",) and _ITERATE.fullmatch(use.script):
                # w_{t+1} = ...: the chain defines the next iterate, not w
                if (base, use.line) in scan.first_sides:
                    scan.first_sides.remove((base, use.line))
                continue
            else:
                kept.append(use)
        by_base[base] = kept


def _fresh_size(scan: _Scan, unlimited: Mapping[str, int], ranges: Mapping[str, str]) -> str:
    """A size for the sums without an upper limit of a document that names no size
    (``\\sum_i y_i \\log p_i``, ``\\sum_j \\exp(o_j)``), when their letters all index the same
    names (linked by the names each subscripts): they range over one length.  Letters that
    index different names might range over different lengths: then '' (left undeclared)."""
    letters = [x for x in unlimited if x not in ranges]
    if not letters:
        return ""
    parent = {x: x for x in letters}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x
    by_base: dict[str, set[str]] = {}
    for use in scan.uses:
        if use.subs and use.subs[0] in parent and len(use.subs) == 1:
            by_base.setdefault(use.base, set()).add(use.subs[0])
        elif any(sub in parent for sub in use.subs):
            return ""       # x_{ij}: two axes, perhaps of two lengths
    for group in by_base.values():
        first, *rest = sorted(group)
        for other in rest:
            parent[find(other)] = find(first)
    if len({find(x) for x in letters}) != 1 or not all(
            any(x in group for group in by_base.values()) for x in letters):
        return ""
    taken = {u.base for u in scan.uses} | {x for s, _, _ in scan.sums for x in s}
    return next((n for n in ("n", "K", "m") if n not in taken), "")


def _unused_size(scan: _Scan, taken_sizes: set[str]) -> str:
    """A size name the document writes nowhere (for a length it writes as a number)."""
    taken = {u.base for u in scan.uses} | {x for s, _, _ in scan.sums for x in s} | \
        set(scan.limits) | taken_sizes
    return next((n for n in ("n", "m", "K", "D", "M", "P") if n not in taken), "")


def _adjacent_vector(scan: _Scan, base: str, kinds: Mapping[str, str]) -> int:
    """The line where ``base`` multiplies a vector (``X w``, ``X \\mathbf{x}_i``)."""
    for use, after in scan.pairs:
        if use.base == base and not after.transposed and \
                ((kinds.get(after.base) == "vector" and not after.subs) or
                 (kinds.get(after.base) == "vectors" and
                  len(after.subs) + bool(after.sample) == 1)):
            return use.line
    return 0


def _entry_letters(uses: Sequence[_Use], position: int, size: str, base: str,
                   ranges: dict[str, str], reasons: dict[str, str],
                   by_base: Mapping[str, list[_Use]], sizes: Mapping[str, str]) -> None:
    """A letter naming an entry of a vector (``w_j`` of a vector ``w``) ranges over its
    length."""
    for use in uses:
        # w_j of a vector w, x_{ij} of a family x (member i), x_j^{(i)} of a sample x^{(i)}
        if (len(use.subs) == position + 1 and not use.sample) or \
                (position == 1 and use.sample and len(use.subs) == 1):
            letter = use.subs[-1]
            if letter.isalpha() and letter not in ranges and letter not in by_base and \
                    letter not in sizes:
                ranges[letter] = size
                reasons[letter] = (f"{letter} inferred an index over {size} from line "
                                   f"{use.line} (an entry of {base})")


def _assemble(scan: _Scan, kinds: dict[str, str], why: dict[str, str],
              ranges: dict[str, str], reasons: dict[str, str], sizes: Mapping[str, str],
              by_base: Mapping[str, list[_Use]], ambiguities: list[Ambiguity]) -> Inference:
    # Second pass over the same steps, now with the kinds: dimensions unified; a scalar added
    # to a vector is a vector, and the pass is run again with it (a few rounds at most).
    for _ in range(4):
        shape_of = _ShapeOf(kinds, ranges, scan.literals, scan.stated, scan.entries, scan.labels)
        for text, line in scan.texts:
            _scan_step(_Scan(), text, line, shape_of)
        if not shape_of.upgrades:
            break
        for base, (_dim, line) in shape_of.upgrades.items():
            kinds[base] = "vector"
            why[base] = f"{base} inferred a vector from line {line} (added to a vector)"
    for base in [b for b, k in kinds.items() if k == "matrix"]:
        hinge = _square_by_one_step(scan, kinds, ranges, shape_of, base)
        if hinge:
            kinds.pop(base)
            ambiguities.append(Ambiguity(base, f"a matrix that only line {hinge} makes square "
                                         "(a wrong step must not choose its own reading)",
                                         f"symbols: {{{_symbol_name(base)[0]}: {{shape: "
                                         "[ROWS, COLUMNS]}}", hinge))
        shape_of = _ShapeOf(kinds, ranges, scan.literals, scan.stated, scan.entries, scan.labels)
        for text, line in scan.texts:
            _scan_step(_Scan(), text, line, shape_of)
    used = {u.base for u in scan.uses} | set(sizes) | set(ranges)
    letters_used = {b for b in used if len(b) == 1}
    new_sizes: dict[str, str] = {}
    names_for: dict[str, str] = {}

    def size_of(node: str) -> str:
        root = shape_of.find(node)
        if root.startswith("size:"):
            return root[5:]
        if root not in names_for:
            fresh = next((s for s in _NEW_SIZES if s not in letters_used and s not in sizes
                          and s not in new_sizes), f"n{len(names_for) + 1}")
            names_for[root] = fresh
            new_sizes[fresh] = (f"{fresh} inferred a size: the length of {node.split('.')[0]} "
                                "(nothing in the document names it)")
        return names_for[root]

    symbols: list[SymbolGuess] = []
    definitions: list[DefinitionGuess] = []
    for base, kind in kinds.items():
        name, latex = _symbol_name(base)
        uses = by_base[base]
        if kind == "abstract":
            definitions.append(DefinitionGuess(name, ("t",), "any", latex, why[base]))
            continue
        if kind == "sigmoid":
            definitions.append(DefinitionGuess(name, ("t",), "1 / (1 + exp(-t))", latex,
                                               why[base]))
            continue
        if kind == "scalar" and base == "\\sigma":
            # \sigma, a number: a standard deviation (\sqrt{2\pi\sigma^2}, \log\sigma), as
            # ever; drawn positive, so log(\sigma^n) = n log(\sigma) is not refuted at -1
            symbols.append(SymbolGuess(name, latex=latex, kind="positive", reason=(
                f"{why[base]}; positive: a standard deviation")))
        elif kind == "scalar":
            symbols.append(SymbolGuess(name, latex=latex, reason=why[base]))
        elif kind == "numbered":
            for number in sorted({u.subs[0] for u in uses}, key=int):
                symbols.append(SymbolGuess(f"{name}{number}", latex=(f"{base}_{{{number}}}",),
                                           reason=why[base].replace(
                                               f"_{next(u for u in uses if u.subs).subs[0]} ",
                                               f"_{number} ")))
        elif kind == "vector":
            said = scan.value_kinds.get(base)
            symbols.append(SymbolGuess(name, shape=(size_of(f"{base}.0"),), latex=latex,
                                       reason=why[base] + (f"; {base} {_kind_words(said)}"
                                                           if said else ""),
                                       kind=said.kind if said else ""))
            _entry_letters(uses, 0, size_of(f"{base}.0"), base, ranges, reasons, by_base, sizes)
        elif kind == "matrix":
            small = tuple(b for b, c in scan.entries.items() if c == base)
            shape = (size_of(f"{base}.r"), size_of(f"{base}.c"))
            symbols.append(SymbolGuess(name, shape=shape,
                                       latex=(*(latex or (base,)), *small) if small else latex,
                                       reason=why[base]))
            for letters in (scan.entry_letters[b] for b in small):
                # x_{ij} of X: i over its rows, j over its columns, where nothing else says
                if letters[0] != letters[1] and not {*letters} & {*ranges, *by_base, *sizes}:
                    for letter, size in zip(letters, shape, strict=True):
                        ranges[letter] = size
                        reasons[letter] = (f"{letter} inferred an index over {size} (an entry "
                                           f"{small[0]}_{{{''.join(letters)}}} of {base})")
        elif kind == "vectors":
            index = next((u.sample or u.subs[0] for u in uses if u.sample or u.subs), "")
            if index not in ranges:
                ambiguities.append(Ambiguity(base, f"a family of vectors over {index}, whose "
                                             "range nothing gives", f"indices: {{{index}: SIZE}}",
                                             uses[0].line))
                continue
            sample = any(u.sample for u in uses)
            spelled = (f"{base}^{{({index})}}",) if sample else latex
            symbols.append(SymbolGuess(name, family=(ranges[index],),
                                       shape=(size_of(f"{base}.0"),), latex=spelled,
                                       reason=why[base]))
            _entry_letters(uses, 1, size_of(f"{base}.0"), base, ranges, reasons, by_base, sizes)
        elif kind == "scalars":
            first = next(u for u in uses if u.subs or u.sample)
            items = (first.sample,) if first.sample else first.subs
            if any(i not in ranges for i in items) or \
                    any(len(u.subs) + bool(u.sample) != len(items) for u in uses):
                ambiguities.append(Ambiguity(base, f"subscripts of different lengths or "
                                             f"without a range (line {first.line})",
                                             f"symbols: {{{name}: {{family: [SIZE]}}}}",
                                             first.line))
                continue
            spelled = (f"{base}^{{({first.sample})}}",) if first.sample else latex
            said = scan.value_kinds.get(base)
            if said is not None and len(items) == 1 and not first.sample:
                # y_i one-hot (a distribution): the vector of the y_i, of that kind
                symbols.append(SymbolGuess(name, shape=(ranges[items[0]],), latex=spelled,
                                           reason=f"{base} inferred {_kind_words(said)}, a "
                                                  f"vector over {ranges[items[0]]}",
                                           kind=said.kind))
                continue
            symbols.append(SymbolGuess(name, family=tuple(ranges[i] for i in items),
                                       latex=spelled, reason=why[base]))
    symbols, rows = _rows_of_matrices(symbols, by_base, ranges, reasons)
    definitions += rows
    definitions += _standard_calls(scan, symbols, definitions, ranges)
    taken = {g.name for g in symbols} | {d.name for d in definitions}
    for base, line in scan.sample_points.items():
        name = _symbol_name(base)[0] + "1"
        if name not in taken and kinds.get(base) == "scalars":
            symbols.append(SymbolGuess(name, latex=(base,), reason=(
                f"{base} inferred one sample's value from line {line} (written alone where no "
                f"chain writes {base}^{{(i)}})")))
    all_sizes = [SizeGuess(n, scan.size_values.get(n) or _DEFAULT_VALUES.get(n, (2, 3)), r)
                 for n, r in sizes.items()]
    all_sizes += [SizeGuess(n, (2, 3), r) for n, r in new_sizes.items()]
    indices = tuple(IndexGuess(letter, size, reasons.get(letter, ""))
                    for letter, size in ranges.items() if letter in reasons)
    return Inference(tuple(all_sizes), indices, tuple(symbols), tuple(definitions),
                     tuple(_unique(ambiguities)))


_VALUE_KINDS = frozenset({"onehot", "distribution"})
_ENTRY_LETTERS = ("j", "k", "l", "q", "r", "s")


def _rows_of_matrices(symbols: list[SymbolGuess], by_base: Mapping[str, list[_Use]],
                      ranges: dict[str, str], reasons: dict[str, str]
                      ) -> tuple[list[SymbolGuess], list[DefinitionGuess]]:
    r"""x_i, a family of vectors over N of length d, beside the matrix X, N-by-d (two sizes):
    the rows of X, as ML notes write a data matrix by its samples (x_i^T its i-th row); beside
    X d-by-N, its columns (X = [x_1 ... x_N]).  Read apart, every step that uses their
    relation (\sum_i x_i y_i = X^T y) would be refuted.  Not where the sizes are one (X square:
    rows or columns?), nor where x_i is also written by its entries or with a sample index."""
    matrices = {s.name: s for s in symbols if len(s.shape) == 2 and not s.family}
    kept: list[SymbolGuess] = []
    rows: list[DefinitionGuess] = []
    for symbol in symbols:
        matrix = matrices.get(symbol.name.upper())
        uses = by_base.get(symbol.name, [])
        letters = {u.subs[0] for u in uses if len(u.subs) == 1}
        pair = (*symbol.family, *symbol.shape)
        if matrix is None or symbol.name.upper() == symbol.name or len(symbol.family) != 1 or \
                len(symbol.shape) != 1 or matrix.shape not in (pair, pair[::-1]) or \
                matrix.shape[0] == matrix.shape[1] or len(letters) != 1 or \
                any(len(u.subs) != 1 or u.sample for u in uses) or symbol.latex:
            kept.append(symbol)
            continue
        entry = next((letter for letter, size in ranges.items()
                      if size == symbol.shape[0] and letter not in letters), None)
        if entry is None:
            entry = next((letter for letter in _ENTRY_LETTERS if letter not in ranges and
                          letter not in by_base and letter not in matrices), None)
            if entry is None:
                kept.append(symbol)
                continue
            ranges[entry] = symbol.shape[0]
            reasons[entry] = (f"{entry} inferred an index over {symbol.shape[0]} (the entries "
                              f"of a row of {matrix.name})")
        [index] = letters
        by_rows = matrix.shape == pair
        at = f"{index}, {entry}" if by_rows else f"{entry}, {index}"
        what = ("rows", "row length") if by_rows else ("columns", "column length")
        rows.append(DefinitionGuess(
            symbol.name, (), f"vec({matrix.name}[{at}], ({entry}, 1, {symbol.shape[0]}))", (),
            f"{symbol.name} inferred the {what[0]} of {matrix.name} from line {uses[0].line} "
            f"({symbol.name}_{index}, a vector of {matrix.name}'s {what[1]}, one for each of "
            f"its {what[0]})", (index,)))
    return kept, rows


def _chains(scan: _Scan, uses: Sequence[_Use]) -> set[int]:
    """The chains (by number) the uses' lines belong to."""
    return set().union(*(scan.chains_of.get(u.line, set()) for u in uses))


# An upright word applied to a bracket (\operatorname{logsumexp}(x), \mathrm{softmax}_j(z)):
# the word, then the first name in the bracket
_UPRIGHT_CALL = re.compile(r"(\\(?:operatorname\*?|mathrm|text|textrm)\s*\{\s*[A-Za-z][A-Za-z0-9]*"
                           r"\s*\})\s*(?:_\s*(?:\{[^{}]*\}|\w)\s*)?(?:\\left\s*)?\(\s*"
                           r"(?:\\(?:mathbf|boldsymbol|bm|vec)\s*\{\s*)?(\\?[A-Za-z]+)")


def _standard_calls(scan: _Scan, symbols: Sequence[SymbolGuess],
                    definitions: Sequence[DefinitionGuess],
                    ranges: Mapping[str, str]) -> list[DefinitionGuess]:
    r"""The standard definitions (:mod:`verify.model.stdlib`) the document applies by their
    usual names (``\operatorname{logsumexp}(x)``, ``\mathrm{softmax}_j(z)``), as a header's
    ``use:`` would declare them: one that runs over a vector's entries takes the length of the
    vector its call names first and an index letter over that length (else it stays
    undeclared)."""
    from verify.model.stdlib import lookup_spelling
    shapes = {g.name: g.shape for g in symbols}
    taken = {g.name for g in symbols} | {d.name for d in definitions}
    found: dict[str, DefinitionGuess] = {}
    for text, line in scan.texts:
        for match in _UPRIGHT_CALL.finditer(text):
            entry = lookup_spelling(match.group(1))
            # (\tanh is the reader's own; \sigma applied is the sigmoid by _decide: an upright
            # sigmoid is declared with its own spelling only)
            if entry is None or entry.key == "tanh" or entry.name in taken or \
                    entry.name in found:
                continue
            size = index = None
            if entry.sized:
                shape = shapes.get(_symbol_name(match.group(2))[0], ())
                size = shape[0] if len(shape) == 1 else None
                index = next((letter for letter, over in ranges.items() if over == size), None)
                if size is None or index is None:
                    continue
            declared = entry.declaration(size, index, taken=taken, latex=(
                (match.group(1),) if entry.key == "sigmoid" else None))
            found[entry.name] = DefinitionGuess(
                entry.name, tuple(declared["params"]), declared["body"],
                tuple(declared["latex"]),
                f"{match.group(1)} inferred the standard {entry.key} from line {line} (applied "
                "by its name)")
    return list(found.values())


def _kind_words(said: StatedShape) -> str:
    kind = "one-hot" if said.kind == "onehot" else "a distribution"
    return f"{kind} from line {said.line} ({said.text})"


def _square_by_one_step(scan: _Scan, kinds: Mapping[str, str], ranges: Mapping[str, str],
                        shape_of: _ShapeOf, base: str) -> int:
    """The line of the one step without which matrix ``base`` would not be square (0: none,
    or it is not square).  A matrix squared by a single step is that step's own claim: read
    square, a step wrong for the rectangular matrix the author meant (``X^{-1}`` of a data
    matrix) could pass."""
    if shape_of.find(f"{base}.r") != shape_of.find(f"{base}.c"):
        return 0
    said = scan.stated.get(base)
    if said is not None and _SQUARE & set(said.qualities):
        return 0     # the words make it square ("a symmetric matrix $C$"), not a step
    for leave_out, (_text, line) in enumerate(scan.texts):
        alone = _ShapeOf(kinds, ranges, scan.literals, scan.stated, scan.entries, scan.labels)
        for n, (text, at) in enumerate(scan.texts):
            if n != leave_out:
                _scan_step(_Scan(), text, at, alone)
        if alone.find(f"{base}.r") != alone.find(f"{base}.c"):
            return line
    return 0


def _unique(items: Iterable[Ambiguity]) -> list[Ambiguity]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.latex not in seen:
            seen.add(item.latex)
            out.append(item)
    return out


# ---------------------------------------------------------------- documents and headers


def infer_document(text: str, suffix: str = ".md", declared: Declared | None = None) -> Inference:
    """The inference for a document's text (its header, if any, is not read here: pass what it
    declares as ``declared``)."""
    return infer_notation(split_document(text, suffix), declared, stated(text, suffix))


def _flow(values: Sequence[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _quoted(spellings: Sequence[str]) -> str:
    return _flow(["'" + s.replace("'", "''") + "'" for s in spellings])


def header_yaml(inference: Inference, title: str | None = None, pasted: bool = True) -> str:
    """The inference as YAML front matter (``---`` to ``---``), each declaration's reason a
    comment after it, the ambiguities as comments at the end (what to declare by hand).
    ``pasted``: a section's lines are those of the document with this header at its top."""
    lines = ["---", "# notation inferred from the document: check it, edit it, keep it"]
    if title:
        lines.append(f"title: {_quoted([title])[1:-1]}")
    if inference.sizes:
        lines.append("sizes:")
        lines += [f"  {s.name}: {_flow([str(v) for v in s.values])}    # {s.reason}"
                  for s in inference.sizes]
    if inference.indices:
        lines.append("indices:")
        lines += [f"  {i.letter}: {i.size}    # {i.reason}" for i in inference.indices]
    lines += _names_yaml(inference.symbols, inference.definitions, "")
    tail = []
    if inference.ambiguities:
        tail.append("# left undeclared (their steps stay unparsed until declared):")
        tail += [f"#   {a.latex}: {a.why}; settle it with {a.settle}"
                 for a in inference.ambiguities]
    if inference.guesses:
        tail.append("# read by a guess (without a header, a refutation that uses it is unknown):")
        tail += [f"#   {g.latex}: {g.why}; settle it with {g.settle}"
                 for g in inference.guesses]
    tail.append("---")
    if inference.sections:
        # a section's lines are the document's once this header is pasted at its top
        # (``pasted``: else as the document without it counts them)
        lines.append("# a section's lines count this header's own: paste it at the top")
        shift = len(lines) + len(sections_yaml(inference).splitlines()) + len(tail) \
            if pasted else 0
        lines += sections_yaml(inference, shift).splitlines()
    return "\n".join(lines + tail) + "\n"


def sections_yaml(inference: Inference, shift: int = 0) -> str:
    """The ``sections:`` of the inferred header ('' when it has none), their lines moved down
    by ``shift`` (the header's own lines, once it is pasted at the top of the document)."""
    if not inference.sections:
        return ""
    lines = ["sections:"]
    for section in inference.sections:
        lines.append(f"  - lines: [{section.first + shift}, {section.last + shift}]")
        lines.append(f"    note: {_quoted([section.note])[1:-1]}")
        lines.append("    notation:")
        lines += _names_yaml(section.symbols, section.definitions, "      ")
    return "\n".join(lines) + "\n"


def _names_yaml(symbols: Sequence[SymbolGuess], definitions: Sequence[DefinitionGuess],
                indent: str) -> list[str]:
    """The ``symbols:`` and ``definitions:`` of a header (or of a section's notation, indented),
    each declaration's reason a comment after it."""
    lines = []
    if symbols:
        lines.append(f"{indent}symbols:")
        for symbol in symbols:
            parts = []
            if symbol.family:
                parts.append(f"family: {_flow(symbol.family)}")
            if symbol.shape:
                parts.append(f"shape: {_flow(symbol.shape)}")
            if symbol.latex:
                parts.append(f"latex: {_quoted(symbol.latex)}")
            if symbol.kind:
                parts.append(f"kind: {symbol.kind}")
            lines.append(f"{indent}  {symbol.name}: {{{', '.join(parts)}}}    # {symbol.reason}")
    if definitions:
        lines.append(f"{indent}definitions:")
        for definition in definitions:
            parts = [f"params: {_flow(definition.params)}"] if definition.params else []
            parts += [f"index: {_flow(definition.index)}"] if definition.index else []
            parts.append(f'body: "{definition.body}"')
            if definition.latex:
                parts.append(f"latex: {_quoted(definition.latex)}")
            lines.append(f"{indent}  {definition.name}: {{{', '.join(parts)}}}    "
                         f"# {definition.reason}")
    return lines


_SPELLING_BASE = re.compile(r"\\(?:hat|tilde|bar|check)\{\\?[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z]")


def declared_of(notation: Notation) -> Declared:
    """What a (partial) header declares, as :func:`infer_notation` needs it."""
    from verify.read.latex.normalize import canonical_spelling
    spellings: set[str] = set()
    for name, spelled in [*((n, d.latex) for n, d in notation.symbols.items()),
                          *((n, d.latex) for n, d in notation.definitions.items())]:
        for text in spelled or ((name,) if len(name) == 1 else (f"\\{name}",)):
            match = _SPELLING_BASE.match(canonical_spelling(text))
            if match:
                spellings.add(match.group(0))
    return Declared(frozenset(notation.sizes), dict(notation.indices),
                    frozenset(notation.symbols) | frozenset(notation.definitions),
                    frozenset(spellings))
