r"""Rewrite one normalised LaTeX step into placeholder LaTeX the parser can read.

Every declared name becomes a fresh one-letter placeholder, remembered with the SymPy object it
stands for (``w_k`` -> ``w[k]``, ``\sigma_k^{(i)}`` -> ``sigma[i, k]``).  Constructs the parser
cannot read correctly are built directly and enter the text as one more placeholder; each family
has its own module:

* :mod:`verify.read.latex.products`: juxtaposed vectors and matrices (``w_k^T C^{-1} w_k``);
* :mod:`verify.read.latex.calls`: declared functions, conditional probabilities, indicators;
* :mod:`verify.read.latex.norms`: traces and norms (``\operatorname{tr}(AB)``, ``\|w\|_2^2``);
* :mod:`verify.read.latex.environments`: column vectors (``pmatrix``) and ``cases``;
* :mod:`verify.read.latex.dots`: ``\dots`` and ``\vdots`` with a clear pattern;
* :mod:`verify.read.latex.sums`: ``\sum``/``\prod`` limits, including the ones leaving an index out;
* :mod:`verify.read.latex.derivatives`: ``\frac{\partial F}{\partial w_{jl}}``, ``\nabla_v``,
``(F)'``.

Here: the walk itself, names and their indices, numbers, bracketed matrices, and the commands
that are refused.

Anything not understood raises :class:`LatexProblem` with the offending token: nothing is
guessed and no letter reaches the parser unaccounted for.
"""

from __future__ import annotations

import re

import sympy as sp

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.model.spelling import GREEK
from verify.read.latex import differentials, norms, products
from verify.read.latex.calls import call, indicator
from verify.read.latex.derivatives import fraction, mentioned, operator, prime, primed_call
from verify.read.latex.dots import DOTS, expand_dots
from verify.read.latex.environments import environment_atom
from verify.read.latex.names import TEXT_NAME, Entry, decorated, literal_kind, subscript_items
from verify.read.latex.normalize import (
    matching_paren,
    outside_brackets,
    read_group,
    split_depth0,
    term_end,
)
from verify.read.latex.rewrite_base import Atom, Context
from verify.read.latex.sums import big_operator

__all__ = ["Atom", "Context", "Rewriter"]

LATIN_POOL = "abcfghkmnpqrstuvwxyzABCDFGHJKLMNPQRSUVWXYZ"  # no d e E i I j l o O T: special
GREEK_POOL = ("alpha", "beta", "gamma", "zeta", "eta", "theta", "iota", "kappa", "mu", "nu",
              "xi", "rho", "tau", "upsilon", "chi", "psi", "omega")
# Functions of one argument the parser knows, read without a declaration: the argument is
# made explicit (function_argument); an exponent on the name raises the value.
_FUNCTIONS = frozenset({"\\exp", "\\ln", "\\log", "\\tanh", "\\cosh", "\\sinh"})
_PASS = frozenset({*_FUNCTIONS, "\\sqrt", "\\cdot", "\\times"})
_RELATIONS = frozenset({"\\neq", "\\ne", "\\approx", "\\le", "\\leq", "\\ge", "\\geq", "\\in",
                        "\\to", "\\rightarrow", "\\Rightarrow", "\\implies", "\\iff", "\\sim",
                        "\\propto", "\\mid", "\\equiv", "\\gets", "\\leftarrow", "\\mapsto"})
_ALL_DOTS = frozenset({*DOTS, "\\vdots", "\\ddots"})
_ACCENTS = frozenset({"\\hat", "\\tilde", "\\bar", "\\check", "\\operatorname"})
_BASE = re.compile(r"\\(?:hat|tilde|bar|check)\{(?:[A-Za-z]|\\[A-Za-z]+)\}|"
                   r"\\operatorname\{[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z]")
_SAMPLE = re.compile(r"^\(\s*([A-Za-z]'*)\s*\)$")
_INVERSE = re.compile(r"^-\s*(?:1\s*(\^?\s*\{?\s*T\s*\}?)?|(T))$")   # -1, -1T, -T
# Where the argument of an unbracketed \ln or \exp ends (besides + - = , & / *).
_ARGUMENT_ENDS = frozenset({"\\cdot", "\\times", "\\right", "\\\\", "\\quad", "\\qquad",
                            "\\end"})
_TRANSPOSE_MARK = re.compile(r"^(?:-\s*1?)?\s*\^?\s*\{?\s*T\s*\}?$")   # T, -T, -1T
_FUNCTION_NEXT = re.compile(r"\s*\\(?:exp|ln|log|tanh|cosh|sinh)(?![A-Za-z])")
_BARE_FUNCTION = re.compile(r"(?<![\\A-Za-z])(log|ln|exp|tanh|cosh|sinh|sech)(?=\s*\()")
# What starts a factor after a name (a name, a bracket, a command that is not an operator).
_FACTOR_NEXT = re.compile(r"\s*(?:[A-Za-z(]|\\(?!(?:cdot|times|right|quad|qquad|end|frac|sum|"
                          r"prod|int|le|leq|ge|geq|neq|ne|to|in)(?![A-Za-z]))[A-Za-z]+)")
_TEXT_WORD = re.compile(r"\\(?:text|textrm|textit|textbf|textsf|mbox|mathrm)\s*\{")


class Rewriter:
    """One parser call's worth of placeholders (implements
    :class:`verify.read.latex.rewrite_base.Reader`)."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.table: dict[str, sp.Expr] = {}        # placeholder name -> meaning
        self._by_expr: dict[sp.Basic, str] = {}    # meaning -> placeholder LaTeX
        self._latin = list(LATIN_POOL)
        self._greek = list(GREEK_POOL)
        # Source text a named rule took out on purpose (see verify.read.latex.accounting).
        self.removed: list[tuple[str, str]] = []

    def remove(self, text: str, rule: str) -> None:
        """Record that ``rule`` took ``text`` out of the reading on purpose."""
        self.removed.append((text, rule))

    # ---- placeholders ---------------------------------------------------------------------
    def placeholder(self, expr: sp.Expr, latin: bool = False) -> str:
        known = self._by_expr.get(expr)
        if known is not None and (not latin or not known.startswith("\\")):
            return known
        if self._latin:
            name = self._latin.pop(0)
            tex = name
        elif self._greek and not latin:
            name = self._greek.pop(0)
            tex = "\\" + name
        else:
            raise LatexProblem(str(expr), "too many distinct names in one step")
        self.table[name] = expr
        self._by_expr.setdefault(expr, tex)
        return tex

    # ---- main walk ------------------------------------------------------------------------
    def rewrite(self, text: str) -> str:
        text = self.hadamard(self.frobenius(self.function_words(text)))
        expanded = expand_dots(text, self.context)
        if expanded != text:
            # The terms of a clear pattern stand for the sum it is read as.
            self.remove(text, "a \\dots pattern, read as the sum it stands for")
        text = expanded
        out: list[str] = []
        run: list[Atom] = []   # consecutive names: vectors and matrices multiply in order
        start = 0              # where the run starts in the text, for its messages
        i = 0
        while i < len(text):
            char = text[i]
            if char.isspace():
                i += 1
                if not run:
                    out.append(" ")
                continue
            if not run:
                start = i
            special = self.entrywise(text, i) if text.startswith(_HELD, i) else \
                self.frobenius_atom(text, i) if text.startswith(_FROB, i) else \
                norms.construct(self, text, i)   # a trace or a norm: one scalar
            if special is None and differentials.starts(self, text, i):
                special = differentials.differential(self, text, i)   # dX, d(x^T A x)
            if special is None and char == "\\":
                special = self.vector_function(text, i)
            if special is None and (char == "1" or text.startswith("\\mathbf", i)):
                special = self.ones(text, i)
            if special is None and self.at_atom(text, i):
                special = self.read_atom(text, i)
            if special is not None:
                atom, i = special
                run.append(atom)
                continue
            if text.startswith("\\begin", i):
                atom, i = self.marked(*environment_atom(self, text, i), text)
                run.append(atom)
                continue
            group = self.matrix_group(text, i, run) if char == "(" else None
            if group is not None:
                atom, i = group
                run.append(atom)
                continue
            if run:
                out.append(self.flush(run, text[start:i]))
                run = []
            i = self.step(text, i, out)
        if run:
            out.append(self.flush(run, text[start:]))
        return "".join(out)

    def hadamard(self, text: str) -> str:
        r"""``a \odot b``: the entrywise product of the factors around it, each operand the
        run of factors to the next ``+``, ``-``, ``=``, ``,`` or bracket of its own level
        (``\sigma'(z) \odot W^T \delta`` is ``\sigma'(z) \odot (W^T \delta)``), read on its own
        and entering the text as one placeholder; innermost brackets first."""
        while True:
            found = _ODOT.search(text)
            if found is None:
                return text
            start, end = _level_span(text, found.start())
            left = _term_start(text, start, found.start())
            pieces = [text[left:found.start()]]
            position = found.end()
            while True:
                stop = term_end(text, position, "+-=,&", frozenset({"\\odot", "\\right",
                                                                     "\\cdot", "\\times"}),
                                leading_sign=True)
                stop = min(stop, end)
                pieces.append(text[position:stop])
                following = _ODOT.match(text, stop)
                if following is None:
                    break
                position = following.end()
            source = text[left:stop]
            if any(not piece.strip() for piece in pieces):
                raise LatexProblem(source, "\\odot needs a factor on each side")
            # \entrywiseproduct{a}{b}: read as one factor where the walk meets it (here, or
            # in the parse of a bracket holding it)
            held = pieces[0]
            for piece in pieces[1:]:
                held = _HELD + "{" + held + "}{" + piece + "}"
            text = text[:left] + " " + held + " " + text[stop:]

    def frobenius(self, text: str) -> str:
        r"""``A : B``, the Frobenius product ``tr(A^T B)`` of two vectors or matrices, as
        matrix-calculus answers write it (``df = 2M : dM``, ``G : dX + H : dY``): each operand
        the run of factors to the next ``+``, ``-``, ``=``, ``,`` or bracket of its own level,
        so ``2M : dX A^T`` is ``(2M) : (dX A^T)``, read on its own and entering the text as one
        placeholder; innermost first.  A colon in a sub- or superscript (``z_{1:K}``), of
        ``:=``, or in a set's braces is left alone; ``A : B : C`` (not associative) is refused."""
        position = 0
        while True:
            found = _COLON.search(text, position)
            if found is None:
                return text
            k = found.start()
            start, end = _level_span(text, k)
            opener = text[:start - 1].rstrip() if start > 0 else ""
            if start > 0 and ((text[start - 1] == "{" and (opener[-1:] in ("_", "^") or
                                                           _WORDS_GROUP.search(opener))) or
                              text[max(0, start - 2):start] == "\\{"):
                position = k + 1   # z_{1:K}, \{x : x > 0\}, \text{note: ...}
                continue
            left = _term_start(text, start, k)
            stop = min(term_end(text, k + 1, "+-=,&:", frozenset({"\\right"}),
                                leading_sign=True), end)
            source = text[left:stop]
            if text[stop:stop + 1] == ":":
                raise LatexProblem(text[left:stop + 10], "A : B : C: the Frobenius product "
                                   "is not associative; write brackets")
            pieces = [text[left:k], text[k + 1:stop]]
            if any(not piece.strip() for piece in pieces):
                raise LatexProblem(source, "':' needs an operand on each side (A : B, the "
                                   "Frobenius product)")
            held = _FROB + "{" + pieces[0] + "}{" + pieces[1] + "}"
            text = text[:left] + " " + held + " " + text[stop:]
            position = 0

    def frobenius_atom(self, text: str, i: int) -> tuple[Atom, int]:
        """The factor ``frobenius`` wrote at ``text[i]``: ``\\frobeniusproduct{a}{b}``."""
        left, k = read_group(text, i + len(_FROB))
        right, end = read_group(text, k)
        source = left.strip() + " : " + right.strip()
        a, b = self.sub_expr(left, source), self.sub_expr(right, source)
        notation = self.context.notation
        if products.rank_of(a, notation) == 0 or products.rank_of(b, notation) == 0:
            raise LatexProblem(source, "':' between scalars (a ratio?) is not read: A : B "
                               "is read only as the Frobenius product of two vectors or "
                               "matrices")
        shapes = [products.shape_of(a, notation), products.shape_of(b, notation)]
        known = [shape for shape in shapes if shape is not None and None not in shape]
        if len(known) == 2 and known[0] != known[1]:   # what is not known, the sizes check
            raise LatexProblem(source, f"${left.strip()}$ and ${right.strip()}$ have different "
                               "shapes: their Frobenius product is undefined")
        return Atom(E.Frobenius(a, b), 0), end

    def ones(self, text: str, i: int) -> tuple[Atom, int] | None:
        r"""``\mathbf{1}``, ``\mathbf{1}_n``, and a bare ``1^T`` (a 1 cannot be transposed
        otherwise): the vector of ones, its length written or taken from what it meets
        (products.sized_identities); None for anything else at ``text[i]``."""
        match = _ONES.match(text, i)
        if match is None or (match.group("bare") and i > 0 and
                             re.match(r"[\d.]", text[i - 1])):
            return None
        size: sp.Expr = products.UNSIZED
        written = match.group("size") or match.group("size1")
        if written:
            found = self.context.lexicon.lookup(written, (0, 0), "")
            if found is None or found[0].kind != "size":
                raise LatexProblem(match.group(0), "the subscript of \\mathbf{1} must be a "
                                   "declared size")
            size = E.size_symbol(found[0].name)
        transposed = bool(match.group("t"))
        if transposed:
            self.remove("T", "a transpose mark")
        self.remove("1", "the ones of a vector of ones")
        return Atom(E.Ones(size), 1, transposed=transposed), match.end()

    def vector_function(self, text: str, i: int) -> tuple[Atom, int] | None:
        r"""``\exp(\mathbf{z})``, ``\log(X w)`` at ``text[i]``: of a vector, the vector of its
        entries' values, one factor of a product (``X^T \exp(z)``); None for anything else
        (a scalar argument, a script after it: left to the walk)."""
        match = _VECTOR_FUNCTION.match(text, i)
        if match is None:
            return None
        opening = match.end() - 1
        close = matching_paren(text, opening)
        if close < 0:
            return None
        transpose = re.match(r"\s*\^\s*\{\s*T\s*\}", text[close + 1:])
        if transpose is None and re.match(r"\s*[\^_']", text[close + 1:]):
            return None
        end = close + 1 + (transpose.end() if transpose else 0)
        mark = len(self.removed)
        try:
            inner = self.sub_expr(text[opening + 1:close], text[i:close + 1])
        except LatexProblem:
            del self.removed[mark:]
            return None
        rank = products.rank_of(inner, self.context.notation)
        if rank == 0:
            del self.removed[mark:]
            return None
        function = {"exp": sp.exp, "ln": sp.log, "log": sp.log, "tanh": sp.tanh,
                    "cosh": sp.cosh, "sinh": sp.sinh}[match.group(1)]
        if transpose:
            self.remove("T", "a transpose mark")
        return Atom(function(inner), rank, transposed=bool(transpose)), end

    def entrywise(self, text: str, i: int) -> tuple[Atom, int]:
        """The factor ``hadamard`` wrote at ``text[i]``: ``\\entrywiseproduct{a}{b}``."""
        left, k = read_group(text, i + len(_HELD))
        right, end = read_group(text, k)
        value = E.Hadamard(self.sub_expr(left, text[i:end]), self.sub_expr(right, text[i:end]))
        return Atom(value, products.rank_of(value, self.context.notation)), end

    def function_words(self, text: str) -> str:
        r"""``log(x)``, ``exp(z)``, ``tanh(t)``: a standard function's name written without its
        backslash, before a bracket, is the function where the notation leaves a letter of
        it undeclared (so it cannot be a product of names); where every letter is declared
        it is left to be read as that product (or refused)."""
        lexicon = self.context.lexicon
        # \text{softmax} where the notation spells a name \operatorname{softmax} (or
        # \text{softmax}): that name, not prose
        text = TEXT_NAME.sub(lambda m: "\\operatorname{" + m.group(1) + "}"
                             if lexicon.knows("\\operatorname{" + m.group(1) + "}")
                             else m.group(0), text)

        def command(match: re.Match[str]) -> str:
            word = match.group(1)
            if lexicon.knows(word) or all(lexicon.knows(letter) for letter in word):
                return match.group(0)
            self.remove(word, "a function's name written without its backslash")
            return "\\" + ("ln" if word == "log" else word)
        return _BARE_FUNCTION.sub(command, text)

    def step(self, text: str, i: int, out: list[str]) -> int:
        """Rewrite the token at ``i`` (not a name); return the index after it."""
        char = text[i]
        if char.isdigit() or (char == "." and text[i + 1:i + 2].isdigit()):
            return self.number(text, i, out)
        if char == "\\":
            return self.command(text, i, out)
        if char in "([":
            close = matching_paren(text, i)
            if close > 0 and text[close + 1:close + 2] == "'":
                return prime(self, text, i, close, out)
            if close > 0 and re.match(r"\s*_", text[close + 1:]):
                return self.entry(text, i, close, out)
            out.append(char)
            return i + 1
        if char == "^":
            group, end = read_group(text, i + 1)
            if _TRANSPOSE_MARK.match(self.mark(group)):
                raise LatexProblem(text[max(0, i - 20):end], "a transpose of a bracket or of "
                                   "something that is not a declared vector or matrix is not "
                                   "read")
            out.append("^{" + self.rewrite(group) + "}")
            return end
        if char == "_" and text[:i].rstrip()[-1:] in ")]":
            raise LatexProblem(text[max(0, i - 10):i + 10], "a subscript on a bracket (a list "
                               "given by its entries, as in [..]_{k=1}^{K}, is not read)")
        if char == "." and text[:i].rstrip()[-1:] == ")" and \
                re.match(r"\s*(?:[A-Za-z(]|\\[A-Za-z])", text[i + 1:]):
            # (1 - \sigma(t)).y_i x_i: a period after a bracket, before a factor, is a
            # product dot typed on the baseline (no number or sentence goes there)
            out.append(" \\cdot ")
            return i + 1
        if char == "/":
            self.check_division(text, i)
        if char == "|":
            return self.absolute(text, i, out)
        if char in "'_<>&;:":
            why = {"'": "a prime outside (...)'", "_": "a subscript on something that is not "
                   "a name", "|": "'|' (a conditional probability of an undeclared function, "
                   "or an absolute value) is not supported"}.get(
                       char, f"'{char}' is not part of an expression")
            raise LatexProblem(text[max(0, i - 10):i + 10], why)
        out.append(char)
        return i + 1

    def entry(self, text: str, i: int, close: int, out: list[str]) -> int:
        """``(X w)_i``, ``(A^{-1})_{ij}``, ``[A^T B^T]_{ij}``: the bracket at ``i`` closing at
        ``close``, then a subscript of declared index letters or numbers, one per axis of the
        vector or matrix in it.  A subscript with ``=`` (a list given by its entries,
        ``[..]_{k=1}^{K}``) or of the wrong count is refused."""
        underscore = text.index("_", close)
        sub, end = read_group(text, underscore + 1)
        source = text[i:end]
        if "=" in sub or ":" in sub:
            raise LatexProblem(source, "a subscript on a bracket (a list given by its "
                               "entries, as in [..]_{k=1}^{K}, is not read)")
        inner = self.sub_expr(text[i + 1:close], source)
        rank = products.rank_of(inner, self.context.notation)
        items = subscript_items(sub)
        if rank == 0 or len(items) != rank:
            what = "a scalar" if rank == 0 else "a vector" if rank == 1 else "a matrix"
            raise LatexProblem(source, f"the bracket holds {what}: it takes "
                               f"{rank} {'index' if rank == 1 else 'indices'}, "
                               f"got {len(items)}")
        indices = [self.index(item, source) for item in items]
        if any(index is None for index in indices):
            raise LatexProblem(source, "a range as the subscript of a bracket is not read")
        out.append("(" + self.placeholder(E.Entry(inner, *indices)) + ")")
        return end

    def absolute(self, text: str, i: int, out: list[str]) -> int:
        """``|x|`` with the first ``|`` at ``i``: the absolute value of a scalar.  The next bar
        at the same depth closes it.  Refused: ``||x||`` (a norm), the bars around a vector or
        a matrix (a norm or a determinant), bars that pair up two ways (``|a| b |c|`` is also
        ``|a |b| c|``; ``|a| |b|`` and ``|a| + |b|`` are not), and a bar that is not closed
        (a conditional probability of an undeclared function, ``p(y|x)``)."""
        if text[i + 1:i + 2] == "|":
            raise LatexProblem(text[i:i + 20], "'||..||' (a norm) is not read")
        close = _next_bar(text, i + 1)
        if close < 0:
            raise LatexProblem(text[max(0, i - 10):i + 10], "a '|' that is not closed by "
                               "another at the same depth (a conditional probability of an "
                               "undeclared function?) is not read")
        following = _next_bar(text, close + 1)
        between = outside_brackets(text[close + 1:following]) if following >= 0 else ""
        if following >= 0 and between.strip() and \
                not re.search(r"[+\-=,]|\\cdot|\\times", between):
            raise LatexProblem(text[i:following + 1][:60], "the bars pair up in two ways "
                               "(|a| b |c| or |a |b| c|): write \\cdot between the absolute "
                               "values, or brackets around each: (|a|) b (|c|)")
        inner = self.sub_expr(text[i + 1:close], text[i:close + 1])
        rank = products.rank_of(inner, self.context.notation)
        if rank == 2:
            # |A|, \log|\Sigma|: of a matrix, bars are its determinant
            shape = products.shape_of(inner, self.context.notation)
            if shape is not None and None not in shape and shape[0] != shape[1]:
                raise LatexProblem(text[i:close + 1], f"|..| of a {shape[0]}\u00d7{shape[1]} "
                                   "matrix: a determinant needs a square matrix")
            out.append("(" + self.placeholder(E.Det(inner)) + ")")
            return close + 1
        if rank != 0:
            raise LatexProblem(text[i:close + 1], "bars around a vector (a norm, or its "
                               "length?) are not read: write \\|v\\| for its norm")
        out.append("(" + self.placeholder(sp.Abs(inner)) + ")")
        return close + 1

    def at_atom(self, text: str, i: int) -> bool:
        if text[i].isalpha():
            return True
        match = re.match(r"\\([A-Za-z]+)", text[i:])
        if match is None:
            return False
        return bool(match.group(1) in GREEK or "\\" + match.group(1) in _ACCENTS
                    or self.context.lexicon.knows(match.group(0)))

    def matrix_group(self, text: str, i: int, run: list[Atom]) -> tuple[Atom, int] | None:
        """A bracketed vector or matrix that is part of a product run, read in the written
        order: ``(C^{-1} + C^{-1T}) w_k`` (a matrix followed by a vector or matrix),
        ``(X w - y)^{T}`` (transposed or inverted: it opens or joins a run), and ``w^T (a + b)``
        (after a row vector or a matrix).  Any other bracket (scalars, a vector scaled by
        what follows, unreadable text) is left to the walk."""
        close = matching_paren(text, i)
        if close < 0:
            return None
        mark = len(self.removed)   # a tentative reading: its removals go if it is dropped
        group = self._matrix_group(text, i, close, run)
        if group is None:
            del self.removed[mark:]
        return group

    def _matrix_group(self, text: str, i: int, close: int,
                      run: list[Atom]) -> tuple[Atom, int] | None:
        end = close + 1
        mark = ""
        while text[end:end + 1] == " ":
            end += 1
        if text[end:end + 1] == "^":
            group, past = read_group(text, end + 1)
            group = self.mark(group)
            if _TRANSPOSE_MARK.match(group) or _INVERSE.match(group):
                mark, end = group.replace(" ", ""), past
        after = end
        while text[after:after + 1] == " ":
            after += 1
        if not mark and text[after:after + 1] == "_":
            return None   # (X w)_i: an entry, read by the walk
        joins = bool(run) and (run[-1].rank == 2 or (run[-1].rank == 1 and run[-1].transposed))
        # z (w^T), {\textbf{z}}{\textbf{w}^T}: after a column, a bracket of rows is the outer
        # product's row (anything else after a column is left to the walk, as before)
        after_column = bool(run) and run[-1].rank == 1 and not run[-1].transposed and not mark
        try:
            followed = after < len(text) and self._factor_rank(text, after) >= 1
            bracket_next = text[after:after + 1] == "("
            if not (mark or joins or followed or bracket_next or after_column):
                return None
            inner = self.sub_expr(text[i + 1:close], text[i:close + 1])
        except LatexProblem:
            return None   # reported, with its own reason, when the walk reaches it
        notation = self.context.notation
        rank = products.rank_of(inner, notation)
        if rank == 0 and mark == "T" and inner.is_Number:
            return None   # (1)^T: a number has no transpose ({\tt1}^T is the ones vector)
        if rank == 0 and mark == "T":
            # (y^T X w)^T: the transpose of a 1x1 value (the concretization checks that it is
            # one at every size).
            self.remove(mark, "a transpose mark")
            return Atom(E.Transposed(inner), 0), end
        column = products.column_of(inner, notation) if rank == 1 and not mark else None
        if column is None and after_column and not (joins or followed or bracket_next):
            return None
        if column is not None:
            # (w^T X^T - y^T)(X w - y): a bracket of rows is the row it is.
            return Atom(column, 1, transposed=True), close + 1
        if rank == 1 and not mark and bracket_next and _transposed_bracket(text, after):
            # (a - b)(a - b)^T: a column before a transposed bracket, the outer product
            return Atom(inner, 1), close + 1
        if rank == 0 or (rank == 1 and not (mark == "T" or joins)):
            return None
        if rank == 1 and mark == "T":
            return Atom(inner, 1, transposed=True), end
        if rank == 1:
            return Atom(inner, 1), close + 1
        transposed, inverse = "T" in mark, mark.startswith("-")
        if mark:
            self.remove(mark, "an inverse or transpose mark")
        if not (mark or joins or followed or bracket_next):
            return None
        return Atom(inner, 2, transposed, inverse), (end if mark else close + 1)

    def marked(self, atom: Atom, end: int, text: str) -> tuple[Atom, int]:
        r"""A vector or matrix written out (``\begin{bmatrix}..\end{bmatrix}``) with the
        transpose or inverse mark after it (``^T``, ``^{\top}``, ``^{-1}``), as one atom."""
        at = end
        while text[at:at + 1] == " ":
            at += 1
        if atom.rank == 0 or text[at:at + 1] != "^":
            return atom, end
        group, past = read_group(text, at + 1)
        mark = self.mark(group).replace(" ", "")
        if not (_TRANSPOSE_MARK.match(mark) or _INVERSE.match(mark)):
            return atom, end
        self.remove(mark, "an inverse or transpose mark")
        if atom.rank == 1:
            if mark != "T":
                raise LatexProblem(text[at:past], "a vector has no inverse")
            return Atom(atom.expr, 1, transposed=not atom.transposed), past
        return Atom(atom.expr, 2, "T" in mark, mark.startswith("-")), past

    def _factor_rank(self, text: str, i: int) -> int:
        """The rank of the name or differential at ``text[i]`` (0 when neither starts there),
        read tentatively: what the reading took out is recorded when the walk reads it."""
        mark = len(self.removed)
        try:
            if differentials.starts(self, text, i):
                return differentials.differential(self, text, i)[0].rank
            return self.read_atom(text, i)[0].rank if self.at_atom(text, i) else 0
        finally:
            del self.removed[mark:]

    # ---- names --------------------------------------------------------------------------
    def read_atom(self, text: str, i: int) -> tuple[Atom, int]:
        match = _BASE.match(text, i)
        assert match is not None
        base, j = decorated(match.group(0), text, match.end())
        primes = 0
        while text[j:j + 1] == "'":
            primes += 1
            j += 1
        sub: str | None = None
        sups: list[str] = []
        while True:
            k = j
            while k < len(text) and text[k] == " ":
                k += 1
            if text[k:k + 1] == "_" and sub is None:
                sub, j = read_group(text, k + 1)
            elif text[k:k + 1] == "^":
                group, j = read_group(text, k + 1)
                sups.append(group.strip())
            else:
                break
        base, sub, sups, folded = self.context.lexicon.literal(base, sub, sups)
        if folded:
            self.remove(match.group(0) + "".join(folded), "a subscript or superscript that is "
                        "part of a declared name's spelling (\\theta_0, W^{(1)})")
        label = next((sup for sup in sups if literal_kind("^", sup)), None)
        if label is not None:
            # u^{(1)} u^{(2)} is not u^3: a number in brackets over a name labels it.
            raise LatexProblem(text[i:j], f"'^{{{label}}}' on {base}: a number in brackets over "
                               "a name is a label (a layer, a sample), not an exponent; declare "
                               f"the name spelled {base}^{{{label}}}, or write the power without "
                               "brackets")
        items = subscript_items(sub) if sub is not None else []
        samples = [m.group(1) for m in map(_SAMPLE.match, sups) if m]
        sups = [s for s in sups if not _SAMPLE.match(s)]
        spelled = base + "'" * primes
        if not samples:
            sample = self.bare_sample(spelled, items, sups)
            if sample is not None:
                samples, sups = [sample], [s for s in sups if s != sample]
        found = self.context.lexicon.lookup(spelled, (len(items), len(samples)), text[j:])
        token = text[i:j]
        if found is None and primes == 1 and "T" not in sups:
            plain = self.context.lexicon.lookup(base, (len(items), len(samples)), text[j:])
            if plain is not None and plain[0].kind == "symbol" and plain[0].shape and \
                    not plain[1] and _FACTOR_NEXT.match(text, j):
                # X'X, X'y, (X'X)^{-1}X'y, \beta'x: the statistician's transpose, read only
                # on a declared vector or matrix that multiplies what follows; x - x' and
                # k(x, x') (another point) stay refused.
                self.remove("'", "a prime read as a transpose")
                found, sups, spelled = plain, [*sups, "T"], base
        if found is None and primes:
            primed = primed_call(self, base, primes, items + samples, text, i, j)
            if primed is not None:   # f'(x): the derivative of a declared function
                return self.raised(primed[0], sups, text[i:primed[1]]), primed[1]
        if found is None:
            return self.unknown(spelled, items, samples, sups, text, i, j)
        entry, consumed = found
        if consumed:
            self.remove(text[j:j + consumed], "the literal arguments of a spelling")
        j += consumed
        written = [self.index(item, token) for item in samples + items]
        indices = [x for x in written if x is not None]
        if entry.kind == "definition" and entry.style == "function":
            # f^2(x), \log^2-style: the exponent is written on the name but raises the
            # value; f^{-1}(x) and f^T(x) are refused (an inverse function, or a misreading).
            atom, end = call(self, entry, indices, text, j, token)
            return self.raised(atom, sups, text[i:end]), end
        if entry.kind == "definition" and text[j:j + 1] == "(":
            numbered = any(piece.startswith("_") for piece in folded)
            after = self.bracket_after_member(entry, spelled, len(indices), text, i, j, numbered)
            late = re.match(r"\s*_", text[after:]) if after > j and not indices else None
            j = after
            if late is not None and entry.style == "indexed":
                # \mathrm{softmax}(\mathbf{z})_j: the index after the arguments
                sub_late, j = read_group(text, after + late.end())
                written = [self.index(item, text[i:j]) for item in subscript_items(sub_late)]
                indices = [x for x in written if x is not None]
                if len(indices) != entry.params or len(written) != len(indices):
                    raise LatexProblem(text[i:j], f"{entry.name!r} takes {entry.params} "
                                       "indices")
                return Atom(E.family(entry.name)[tuple(indices)], 0,
                            *self.superscripts(sups, text[i:j], 0)), j
        if entry.style == "indexed" and consumed and not written:
            # A spelling with a literal argument list names the definition as declared:
            # 'D(w_{1:K})' of DE[j] is DE at its own index letters.
            return self.raised(Atom(self.declared_member(entry, token), 0), sups, token), j
        if entry.style == "indexed" and (None in written or not written) and \
                entry.params == len(written or [None]):
            sliced = self.slice(entry, written or [None], token)
            transposed, inverse, power = self.superscripts(sups, token, 1)
            return Atom(sliced, 1, transposed, inverse, power), j
        if entry.kind == "symbol" and entry.family and not indices:
            # The checker could give the whole family no value either; say so here, where the
            # text is known ('Wk': an OCR'd 'W_k' whose '_' was lost).
            sizes = ", ".join(self.context.notation.symbols[entry.name].family)
            lost = " (did 'W_k' lose its '_'?)" if text[j:j + 1].isalpha() else ""
            raise LatexProblem(text[i:j + 1], f"{entry.name!r} is a family, one per {sizes}: "
                               f"it needs its index{lost}")
        expr, rank = self.meaning(entry, indices, token)
        if entry.kind == "definition" and entry.style != "function":
            # x_n := X_{n,1..d}: a defined vector multiplies as one (w^T x_n)
            rank = products.definition_rank(entry.name, self.context.notation)
        transposed, inverse, power = self.superscripts(sups, token, rank)
        return Atom(expr, rank, transposed, inverse, power), j

    def bracket_after_member(self, entry: Entry, spelled: str, count: int, text: str, i: int,
                             j: int, numbered: bool = False) -> int:
        """A bracket straight after a defined value that is not a function (``p_j(1 - p_j)``,
        ``a_4(1 - a_4)`` of a numbered name,
        ``\\sigma_i(\\mathbf{z})``, ``J(\\theta)``), at ``text[j]``: after an indexed value, a
        scalar in it is a factor (the bracket is left to the walk: ``j``); a vector or matrix
        its definition is written in names the value at its own arguments (the bracket is read
        and skipped: the index after it), without an index the whole vector
        (``\\mathrm{softmax}(\\mathbf{x})``).  Anything else (another vector: the softmax of
        something else? one of its variables alone, ``p_j(a_i)``; a constant at a point,
        ``J(0)``) is refused."""
        close = matching_paren(text, j)
        why = (f"{spelled} is not declared as a function (declare its arguments, or spell the "
               "call in 'latex:')")
        if close < 0 or (entry.style == "indexed" and count not in (0, entry.params)):
            raise LatexProblem(text[i:j + 1], why)
        if "," in outside_brackets(text[j + 1:close]):
            raise LatexProblem(text[i:close + 1], why)
        mark = len(self.removed)
        inner = self.sub_expr(text[j + 1:close], text[i:close + 1])
        # what the bracket's reading took out is recorded again when the walk reads it (or
        # not at all, when the step is refused)
        del self.removed[mark:]
        if isinstance(inner, sp.Symbol) and \
                inner.name in mentioned(entry.name, self.context.notation, set()) and \
                products.rank_of(inner, self.context.notation) >= 1:
            self.remove(text[j:close + 1], "the arguments a definition is written in")
            return close + 1
        written_in = mentioned(entry.name, self.context.notation, set())
        name = str(inner.base.label) if isinstance(inner, sp.Indexed) else \
            inner.name if isinstance(inner, sp.Symbol) else None
        # p_j(a_i) may be p_j as a function of a_i: one of its own variables alone in the
        # bracket is not read as a factor.
        # Only after a subscript (p_j, \sigma_i): L(0) or J(2) is a call at a point, never a
        # product.
        if products.rank_of(inner, self.context.notation) == 0 and name not in written_in and \
                ((entry.style == "indexed" and count) or numbered):
            return j
        # \sigma(1-\sigma) of a constant \sigma: a number "called" at an expression of itself
        # is no call (the bracket holds the value's own name): the product, as p(1-p) is.
        if entry.style == "constant" and products.rank_of(inner, self.context.notation) == 0 \
                and sp.Symbol(entry.name) in inner.free_symbols and inner != sp.Symbol(entry.name):
            return j
        raise LatexProblem(text[i:close + 1], why)

    def bare_sample(self, spelled: str, items: list[str], sups: list[str]) -> str | None:
        """The sample index of ``y^{i}``, ``x^i_j`` written without brackets: a superscript
        that is a declared index letter ranging over the family of a declared family symbol
        whose subscripts leave its family axis free.  There a power is impossible (the family
        needs its index first), so the letter can only be the sample; anything else is left
        as an exponent."""
        letters = [sup for sup in sups if re.fullmatch(r"[A-Za-z]", sup)]
        if len(letters) != 1 or len(sups) != 1:
            return None
        found = self.context.lexicon.lookup(spelled, (len(items), 0), "")
        if found is None or found[1] or found[0].kind != "symbol" or not found[0].family or \
                len(items) + 1 > found[0].max_indices or len(items) >= found[0].family + \
                found[0].shape or len(items) > found[0].shape:
            return None
        letter = self.context.lexicon.lookup(letters[0], (0, 0), "")
        decl = self.context.notation.symbols.get(found[0].name)
        if letter is None or letter[0].kind != "index" or decl is None or \
                self.context.notation.indices.get(letter[0].name) != decl.family[0]:
            return None
        return letters[0]

    def unknown(self, spelled: str, items: list[str], samples: list[str], sups: list[str],
                text: str, i: int, j: int) -> tuple[Atom, int]:
        """A name the lexicon does not know: ``\\delta_{kj}``, or a problem saying why."""
        token = text[i:j]
        if spelled == "I" and not samples and len(items) <= 1:
            # I, I_n, \mathbf{I}: the identity, where the notation declares no I; its size
            # written, or taken from what it is added to (products.sized_identities).
            size = products.UNSIZED
            if items:
                found = self.context.lexicon.lookup(items[0].strip(), (0, 0), "")
                if found is None or found[0].kind != "size":
                    raise LatexProblem(token, f"I_{{{items[0]}}}: the identity's subscript "
                                       "must be a declared size")
                size = E.size_symbol(found[0].name)
            return Atom(E.Identity(size), 2, *self.superscripts(sups, token, 2)), j
        if spelled == "e" and len(items) == 1 and not samples:
            return self.basis_vector(items[0], sups, token), j
        if spelled == "\\delta" and len(items) == 2 and not samples:
            delta = E.indicator(self.sub_expr(items[0], token), self.sub_expr(items[1], token))
            # \delta_{jk}^2: an exponent like any scalar's (a transpose is refused there)
            return Atom(delta, 0, *self.superscripts(sups, token, 0)), j
        start = i
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        word = re.match(r"[A-Za-z]{2,}", text[start:])
        if word and (start == 0 or text[start - 1] != "\\"):
            raise LatexProblem(word.group(0), f"the word '{word.group(0)}' (a command "
                               "missing its backslash, or prose) reads as a product of "
                               f"letters, and {spelled} is not declared")
        if spelled.endswith("'") and self.context.lexicon.knows(spelled.rstrip("'")):
            raise LatexProblem(token, f"a prime on a name ({spelled}): a derivative written "
                               "this way is not read (write \\frac{d}{dt} of it)")
        if "\\text" in spelled:
            raise LatexProblem(token, f"undeclared symbol {spelled} (a word in text type "
                               "names a symbol only when the notation spells it)")
        raise LatexProblem(token, f"undeclared symbol {spelled}")

    def basis_vector(self, item: str, sups: list[str], token: str) -> Atom:
        r"""``e_i``, ``\mathbf{e}_j`` where the notation declares no ``e``: the ``i``-th unit
        vector, its length the size the index letter ranges over (``e_i e_j^T``, ``e_w -
        S(Bh)``).  A number or anything but one declared index letter is refused: its
        length would be a guess."""
        found = self.context.lexicon.lookup(item.strip(), (0, 0), "")
        if found is None or found[0].kind != "index":
            raise LatexProblem(token, f"e_{{{item}}}: a unit vector e_i needs a declared index "
                               "letter as its subscript (its length is the index's size); "
                               "else declare e")
        letter = E.index_symbol(found[0].name)
        size = E.size_symbol(self.context.notation.indices[found[0].name])
        position = E.index_symbol("_unit")
        vector = E.VecOf(sp.KroneckerDelta(position, letter, evaluate=False), position,
                         sp.Integer(1), size)
        return Atom(vector, 1, *self.superscripts(sups, token, 1))

    def index(self, item: str, token: str) -> sp.Expr | None:
        item = item.strip()
        if re.fullmatch(r"\d+", item):
            return sp.Integer(int(item))
        if ":" in item:
            return None   # z_{1:K}: the whole vector
        found = self.context.lexicon.lookup(item, (0, 0), "")
        if found is not None and found[0].kind == "index":
            return E.index_symbol(found[0].name)
        if found is not None and found[0].kind == "size":
            return E.size_symbol(found[0].name)
        raise LatexProblem(token, f"subscript {item!r} is not a declared index letter")

    def declared_member(self, entry: Entry, token: str) -> sp.Expr:
        params = self.context.notation.definitions[entry.name].params
        if any(p not in self.context.notation.indices for p in params):
            raise LatexProblem(token, f"{entry.name!r} needs its indices written")
        return E.family(entry.name)[tuple(E.index_symbol(p) for p in params)]  # type: ignore[no-any-return]

    def slice(self, entry: Entry, written: list[sp.Expr | None], token: str) -> sp.Expr:
        """``z_{i,1:K}`` of a definition ``z[i, k]`` (or a bare ``z`` of ``z[k]``): the vector
        ``vec(z[i, m], (m, 1, K))``, bound by the last declared index letter of that size."""
        params = self.context.notation.definitions[entry.name].params
        if len(written) != len(params) or written.count(None) != 1:
            raise LatexProblem(token, f"{entry.name!r} takes {len(params)} indices, one of "
                               "them may be a whole range like 1:K")
        axis = written.index(None)
        size = self.context.notation.indices.get(params[axis])
        if size is None:
            raise LatexProblem(token, f"the range of {params[axis]!r} is not declared")
        letter = [name for name, over in self.context.notation.indices.items()
                  if over == size][-1]
        bound = E.index_symbol(letter)
        member = [bound if x is None else x for x in written]
        return E.VecOf(E.family(entry.name)[tuple(member)], bound, sp.Integer(1),
                       E.size_symbol(size))

    def meaning(self, entry: Entry, indices: list[sp.Expr], token: str) -> tuple[sp.Expr, int]:
        if entry.kind in ("index", "size"):
            if indices:
                article = "an" if entry.kind == "index" else "a"
                raise LatexProblem(token, f"{entry.name!r} is {article} {entry.kind}; it takes "
                                   "no subscript")
            build = E.index_symbol if entry.kind == "index" else E.size_symbol
            return build(entry.name), 0
        if len(indices) > entry.max_indices or (entry.style == "indexed" and indices and
                                                len(indices) != entry.params):
            raise LatexProblem(token, f"{entry.name!r} takes {entry.max_indices} indices, "
                               f"got {len(indices)}")
        if not indices:
            return E.value_symbol(entry.name), entry.shape
        rank = entry.shape - max(0, len(indices) - entry.family)
        return E.family(entry.name)[tuple(indices)], max(rank, 0)

    def raised(self, atom: Atom, sups: list[str], token: str) -> Atom:
        """A scalar value with the exponents written on its name (``f^2(x)`` is ``f(x)^2``);
        anything but a plain power is refused, never dropped."""
        for sup in sups:
            if _INVERSE.match(sup):
                raise LatexProblem(token, f"'^{{{sup}}}' on a function name (the inverse "
                                   "function, or one over the value?) is ambiguous: write "
                                   "\\frac{1}{f(x)} or (f(x))^{-1}")
        transposed, inverse, power = self.superscripts(sups, token, atom.rank)
        return Atom(atom.expr, atom.rank, transposed, inverse, power)

    def superscripts(self, sups: list[str], token: str,
                     rank: int) -> tuple[bool, bool, str | None]:
        transposed = inverse = False
        power = None
        for written in sups:
            sup = self.mark(written) if rank >= 1 else written
            inv = _INVERSE.match(sup)
            if sup == "T":
                transposed = True
                self.remove(sup, "a transpose mark")
            elif inv and rank >= 1:
                inverse = True
                transposed = transposed or bool(inv.group(1)) or bool(inv.group(2))
                self.remove(sup, "an inverse mark")
            elif power is None:
                power = sup
            else:
                raise LatexProblem(token, "two exponents on one name")
        if transposed and rank == 0:
            raise LatexProblem(token, "transpose of a scalar (declare the symbol's shape)")
        return transposed, inverse, power

    def mark(self, sup: str) -> str:
        """A superscript as a transpose or inverse mark reads it: a lowercase ``t`` is the
        transpose (``(AX)^t``, ``A^{-t}``) when no ``t`` is declared; anything else as it is."""
        sup = sup.strip()
        if re.fullmatch(r"-?\s*1?\s*t", sup) and not self.context.lexicon.knows("t"):
            self.remove("t", "a transpose mark")
            return sup[:-1] + "T"
        return sup

    def sub_expr(self, text: str, token: str) -> sp.Expr:
        """A sub-text's meaning: one name directly, anything else through a full parse."""
        stripped = text.strip()
        if not stripped:
            raise LatexProblem(token, "empty argument")
        if self.at_atom(stripped, 0) and not norms.starts(stripped, 0) and \
                not differentials.starts(self, stripped, 0):
            mark = len(self.removed)
            atom, end = self.read_atom(stripped, 0)
            if end == len(stripped) and not (atom.transposed or atom.inverse or atom.power):
                return atom.expr
            del self.removed[mark:]
        if self.context.parse is None:
            raise LatexProblem(stripped, "cannot read a sub-expression here")
        # A full parse accounts for its own tokens (verify.read.latex.accounting).
        self.remove(stripped, "a sub-expression read on its own")
        return self.context.parse(stripped, self.context)

    # ---- products of vectors and matrices -------------------------------------------------
    def flush(self, run: list[Atom], source: str) -> str:
        """The run's placeholders; a product that cannot be formed names its ``source``."""
        try:
            return self._flush(run)
        except LatexProblem as problem:
            raise LatexProblem(source, problem.why) from None

    def _flush(self, run: list[Atom]) -> str:
        pieces: list[str] = []
        group: list[Atom] = []
        for atom in [*run, None]:
            if atom is not None and atom.rank >= 1 and atom.power is None:
                group.append(atom)
                continue
            if group:
                pieces.append(self.emit(Atom(products.fold(group, self.context.notation), 0))
                              if products.needs_folding(group) else self.emit(group[0]))
                group = []
            if atom is not None:
                pieces.append(self.emit(atom))
        return " " + " ".join(pieces) + " "

    def emit(self, atom: Atom) -> str:
        tex = "(" + self.placeholder(atom.expr) + ")"
        if atom.power is not None:
            tex += "^{" + self.rewrite(atom.power) + "}"
        return tex

    # ---- other tokens -------------------------------------------------------------------
    def number(self, text: str, i: int, out: list[str]) -> int:
        match = re.match(r"\d+(?:\.\d+)?|\.\d+", text[i:])
        assert match is not None
        digits = match.group(0)
        end = i + len(digits)
        if len(digits) > 12:
            raise LatexProblem(digits, "number with more than 12 digits")
        if digits == "1" and text[end:end + 1] == "_":
            self.remove(digits, "the 1 of an indicator")
            delta, end = indicator(self, text, end)
            out.append("(" + self.placeholder(delta) + ")")
            return end
        if "." in digits:
            out.append("(" + self.placeholder(sp.Rational(digits)) + ")")
        else:
            out.append(digits)
        return end

    def command(self, text: str, i: int, out: list[str]) -> int:
        match = re.match(r"\\[A-Za-z]+|\\.", text[i:])
        if match is None:
            raise LatexProblem(text[-20:], "a lone backslash at the end")
        name, end = match.group(0), i + len(match.group(0))
        if name in ("\\{", "\\}"):
            out.append("(" if name == "\\{" else ")")
            return end

        if name in _PASS or name == "\\sech":
            if name in (*_FUNCTIONS, "\\sech") and text[end:end + 1] == "^" and \
                    _INVERSE.match(read_group(text, end + 1)[0].strip()):
                raise LatexProblem(text[i:end + 5], f"'{name}^{{-1}}' (the inverse function, "
                                   "or one over the value?) is ambiguous: write "
                                   "\\frac{1}{f(x)} or (f(x))^{-1}")
            if name == "\\sech":
                return self.secant(text, i, end, out)
            if name in _FUNCTIONS:
                return self.function_argument(name, text, i, end, out)
            out.append(" " + name + " ")
            return end
        if name == "\\pi":
            # A placeholder, not '\pi' itself: the parser reads '\pi (b)' as a call of pi.
            out.append("(" + self.placeholder(sp.pi) + ")")
            return end
        if name == "\\frac":
            return fraction(self, text, end, out)
        if name in ("\\sum", "\\prod"):
            head, after = big_operator(self, name, text, end)
            out.append(head)
            return after
        if name == "\\nabla":
            return self.nabla(text, i, end, out)
        if name in ("\\max", "\\min"):
            return self.extremum(name, text, end, out)
        if name == "\\partial" and re.match(r"\s*_", text[end:]):
            # \partial_{x} F, \partial_{x_{ij}} F: the operator d/dx written as a subscript
            target, after = read_group(text, text.index("_", end) + 1)
            out.append(operator(self, target))
            return after
        raise self.refused(name, text, i, end)

    def extremum(self, name: str, text: str, end: int, out: list[str]) -> int:
        r"""``\max(a, b)``, ``\min(a, b)`` of two scalars: ``(a + b \pm |a - b|) / 2``, the
        same function written with the root of a square (as ReLU is), which both engines
        read exactly.  A maximum over an index (``\max_i``), of one value or of several, is
        refused: which values, or how many?"""
        k = end
        while text[k:k + 1] == " ":
            k += 1
        close = matching_paren(text, k) if text[k:k + 1] == "(" else -1
        parts = split_depth0(text[k + 1:close], (",",)) if close > 0 else []
        if len(parts) != 2 or not all(part.strip() for part in parts):
            raise LatexProblem(text[end - len(name):][:40], f"{name} is read of two values "
                               f"only, written {name}(a, b)")
        source = text[end - len(name):close + 1]
        a, b = (self.sub_expr(part, source) for part in parts)
        notation = self.context.notation
        if products.rank_of(a, notation) or products.rank_of(b, notation):
            raise LatexProblem(source, f"{name} of a vector or a matrix is not read (of which "
                               "entries?)")
        sign = 1 if name == "\\max" else -1
        value = (a + b + sign * sp.sqrt((a - b) ** 2)) / 2
        out.append("(" + self.placeholder(value) + ")")
        return close + 1

    def nabla(self, text: str, i: int, end: int, out: list[str]) -> int:
        r"""``\nabla_w F``, ``\nabla^2_w F`` and ``\nabla_w^2 F`` (the Hessian); without a
        subscript, ``\nabla f(\beta)``, ``\nabla^2 L(\mathbf{w})``: by the one declared
        variable in the brackets after the name that follows (the gradient of a function at
        its argument)."""
        order, k = 1, end
        square = _SQUARE.match(text, k)
        if square:
            order, k = 2, square.end()
        if text[k:k + 1] == "_":
            target, after = read_group(text, k + 1)
            square = _SQUARE.match(text, after) if order == 1 else None
            if square:
                order, after = 2, square.end()
            if order == 2:
                self.remove("2", "the order of a Hessian")
            out.append(operator(self, target) * order)
            return after
        argument = _GRADIENT_OF.match(text, k)
        if argument is None:
            variable = self.only_variable_of(text, k)
            if variable is None:
                raise LatexProblem("\\nabla", "\\nabla without a subscript variable (and no "
                                   "function of one variable, nor a defined value of one "
                                   "variable, after it to take it from)")
            if order == 2:
                self.remove("2", "the order of a Hessian")
            out.append((" \\frac{d}{d" + self.placeholder(variable, latin=True) + "} ") * order)
            return k
        opening = argument.end() - 1
        close = matching_paren(text, opening)
        inner = text[opening + 1:close] if close > 0 else ""
        try:
            variable = self.sub_expr(inner, text[i:close + 1]) if inner.strip() else None
        except LatexProblem:
            variable = None
        declared = self.context.notation.symbols
        if not (isinstance(variable, sp.Symbol) and variable.name in declared) or \
                declared[variable.name].kind not in ("real", "positive"):
            raise LatexProblem(text[i:close + 1] if close > 0 else "\\nabla", "\\nabla without "
                               "a subscript variable: the function after it is not applied to "
                               "one declared variable; write \\nabla_{x}")
        if order == 2:
            self.remove("2", "the order of a Hessian")
        out.append(operator(self, inner) * order)
        return k

    def only_variable_of(self, text: str, k: int) -> sp.Symbol | None:
        r"""``\nabla f`` of a defined value whose body depends on one declared variable alone
        (``f = \|X\|_F``): that variable.  None for anything else (a name with an index or a
        bracket after it, a value of several variables: ``\nabla J`` of ``J(X, \theta, y)`` is
        by which?)."""
        name = _DEFINED_NAME.match(text, k)
        if name is None:
            return None
        found = self.context.lexicon.lookup(name.group(1), (0, 0), "")
        if found is None or found[1] or found[0].kind != "definition" or \
                found[0].style != "constant":
            return None
        declared = self.context.notation.symbols
        variables = sorted(n for n in mentioned(found[0].name, self.context.notation, set())
                           if n in declared)
        if len(variables) != 1 or declared[variables[0]].kind not in ("real", "positive") or \
                declared[variables[0]].family:
            return None
        return E.value_symbol(variables[0])

    def secant(self, text: str, i: int, end: int, out: list[str]) -> int:
        r"""``\sech^2(x)`` at ``i`` (the name ending at ``end``): ``\frac{1}{\cosh^2(x)}``, its
        definition (the parser has no sech); the argument as :meth:`function_argument` reads
        it."""
        piece: list[str] = []
        after = self.function_argument("\\cosh", text, i, end, piece, shown="\\sech")
        if text[after:after + 1] == "(":
            close = matching_paren(text, after)
            if close < 0:
                raise LatexProblem(text[i:][:60], "unclosed argument of \\sech")
            piece.append("(" + self.rewrite(text[after + 1:close]) + ")")
            after = close + 1
        elif text[after:after + 1] == "{":
            inner, after = read_group(text, after)
            piece.append("{" + self.rewrite(inner) + "}")
        out.append(" \\frac{1}{" + "".join(piece) + "} ")
        return after

    def function_argument(self, name: str, text: str, i: int, end: int,
                          out: list[str], shown: str = "") -> int:
        r"""A function of :data:`_FUNCTIONS` (``\ln``, ``\exp``, ``\tanh``, ...) at ``i``, its
        name ending at ``end``: the argument is made explicit for the parser.  ``\ln(a) t`` and
        ``\ln{a} + t`` say where it ends; without brackets only one factor is read (``\ln t^2``
        is ``\ln(t^2)``, ``\log \hat{y}_k``, ``\log \sigma(z)``, ``\sinh t \cosh t``) or a
        whole ``\sum`` to the next ``+``/``-``.  Anything longer (``\ln a t``, ``\ln 2\pi``,
        ``\exp{a} t``) has two readings and is refused.  ``shown``: the name in messages."""
        k = end
        power = ""
        while text[k:k + 1] == " ":
            k += 1
        if text[k:k + 1] == "^":
            group, k = read_group(text, k + 1)
            power = "^{" + self.rewrite(group) + "}"
            while text[k:k + 1] == " ":
                k += 1
        start = k
        if text[k:k + 1] == "(":
            close = matching_paren(text, k)
            if close < 0:
                out.append(" " + name + power + " ")
                return start   # the parser says the bracket is not closed
            # the bracket is the argument, read on its own: \exp(y)^T y is not \exp(y^T y)
            out.append(" " + name + power + " (" + self.rewrite(text[k + 1:close]) + ") ")
            return close + 1
        close, closer = _bracket_close(text, k)
        if close > 0:
            # \ln[a] b, \exp\{a\} b: the bracket is the argument, as with (a); the parser
            # would take [a] b as one argument (log(ab)), so the bracket is made explicit.
            opener = len(closer) if closer == "\\}" else 1
            inner = text[k + opener:close]
            out.append(" " + name + power + " (" + self.rewrite(inner) + ") ")
            return close + len(closer)
        if text[k:k + 1] == "{":
            _, after = read_group(text, k)
            if self._operand_follows(text, after):
                raise self._ambiguous_argument(shown or name, text, i, after)
            out.append(" " + name + power + " ")
            return start
        span, stop = self.bare_argument(shown or name, text, i, k)
        out.append(" " + name + power + " (" + self.rewrite(span) + ") ")
        return stop

    def bare_argument(self, name: str, text: str, i: int, k: int) -> tuple[str, int]:
        """The argument written without brackets at ``text[k]`` of the function ``name`` at
        ``i``, and the index after it: one factor, or a whole ``\\sum`` to the next ``+``/``-``;
        anything longer is refused."""
        stop = term_end(text, k, "+-=,&/*", _ARGUMENT_ENDS, leading_sign=False)
        span = text[k:stop]
        if not span.strip():
            raise self._ambiguous_argument(name, text, i, stop + 1)
        factor = _one_factor_end(self, span)
        if factor > 0 and _FUNCTION_NEXT.match(span, factor):
            # \sinh t \cosh t, \ln a \ln b: another function's name starts the next factor.
            span, stop = span[:factor], k + factor
        if re.match(r"\\(?:sum|prod)(?![A-Za-z])", span) or \
                _one_factor_end(self, span) == len(span.rstrip()):
            return span, stop
        ends = _factor_ends(self, span)
        rest = span[ends[-1]:].lstrip() if ends else span
        before_big = bool(_BIG_OPERATOR.match(rest))
        if len(ends) == 1 and before_big:
            # \log \phi \sum_i y_i: a sum (product, integral) after one factor is not in the
            # argument, as (\log \phi) \sum_i y_i is how the line is set.
            return span[:ends[0]], k + ends[0]
        if len(ends) >= 2 and (not rest or before_big) and \
                re.match(r"\s*\d+\s*\\pi(?![A-Za-z])", span) and \
                not any(re.match(r"\s*(?:\d|\.\d|\\frac|\\(?:exp|ln|log|sqrt|tanh|cosh|sinh)"
                                 r"(?![A-Za-z]))", span[a:])
                        for a in ends[:-1]):
            # \log 2\pi\sigma^2, \log 2\pi e: the Gaussian's constant leads the argument; no
            # one sets (\log 2)\pi.  Only there: \ln 2 t could be t\ln 2 (or \log_2 t), and a
            # later factor that is a number, a fraction or a call keeps the line refused.
            return span[:ends[-1]], k + ends[-1]
        raise self._ambiguous_argument(name, text, i, stop)

    def check_division(self, text: str, i: int) -> None:
        """``a/b c`` is ``a/(bc)`` to some readers and ``(a/b) c`` to others: refused.  The
        divisor is one factor (a bracket, a name with its scripts, a number, a ``\\frac``)."""
        k = i + 1
        while text[k:k + 1] == " ":
            k += 1
        if text[k:k + 1] in "([":
            end = matching_paren(text, k) + 1
        elif text[k:k + 1] == "{":
            end = read_group(text, k)[1]
        else:
            found = _one_factor_end(self, text[k:])
            end = k + found if found > 0 else -1
        if end > 0 and self._operand_follows(text, end):
            raise LatexProblem(text[max(0, i - 20):end + 10], "'a/b c' is ambiguous (a/(bc) "
                               "or (a/b) c): write \\frac{..}{..} or brackets")

    def _operand_follows(self, text: str, k: int) -> bool:
        while text[k:k + 1] == " ":
            k += 1
        rest = text[k:]
        return bool(rest) and not re.match(r"[+\-=,)\]}|/*&]|\\(?:cdot|times|right|quad|"
                                           r"qquad|end|\\)(?![A-Za-z])|\^|_", rest)

    @staticmethod
    def _ambiguous_argument(name: str, text: str, i: int, end: int) -> LatexProblem:
        return LatexProblem(text[i:end][:60], f"the argument of {name} without brackets is "
                            f"ambiguous: write {name}(...) around what it applies to")

    @staticmethod
    def refused(name: str, text: str, i: int, end: int) -> LatexProblem:
        """Why a command cannot be read."""
        if name in _RELATIONS:
            return LatexProblem(name, f"relation {name} is not an equality")
        if name in _ALL_DOTS:
            return LatexProblem(name, "\\dots whose pattern is not clear (write the first two "
                                "terms and the last)")
        if _TEXT_WORD.match(text, i):
            group, _ = read_group(text, end)
            return LatexProblem(name + "{" + group + "}", "prose inside the formula")
        if name == "\\partial":
            return LatexProblem(text[i:i + 20], "\\partial outside a derivative fraction")
        if name in ("\\cancel", "\\bcancel", "\\xcancel", "\\cancelto"):
            # Kept, the term would make the line say what it says before the cancelling;
            # dropped, what the author means after it.  Which one the line claims is the
            # author's, so neither is read.
            group, _ = read_group(text, end)
            return LatexProblem(name + "{" + group + "}", "a struck-out term is a note to the "
                                "reader (it cancels, or is zero): the line is read with it or "
                                "without it only if you write it so (drop the \\cancel, or "
                                "the term)")
        return LatexProblem(name, f"unsupported command {name}")


_ODOT = re.compile(r"\\odot(?![A-Za-z])")
_SQUARE = re.compile(r"\s*\^\s*(?:\{\s*2\s*\}|2)")
# After a subscript-less \nabla: a name (with a subscript) and the bracket of its argument.
# \nabla f, (\nabla f)^T: a name alone, neither indexed nor applied.
_DEFINED_NAME = re.compile(r"\s*(\\[A-Za-z]+(?:\{[^{}]*\})?|[A-Za-z])(?![A-Za-z_(])(?!\s*[_(])")
_GRADIENT_OF = re.compile(r"\s*(?:\\[A-Za-z]+(?:\{[^{}]*\})?|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|"
                          r"[A-Za-z0-9]))?\s*\(")
_ONES = re.compile(r"(?:\\mathbf\s*\{\s*1\s*\}(?:\s*_\s*(?:\{\s*(?P<size>[A-Za-z])\s*\}|"
                   r"(?P<size1>[A-Za-z])))?|(?P<bare>1)(?=\s*\^\s*\{\s*T\s*\}))"
                   r"(?P<t>\s*\^\s*\{\s*T\s*\})?")
_VECTOR_FUNCTION = re.compile(r"\\(exp|ln|log|tanh|cosh|sinh)(?![A-Za-z])\s*\(")
_HELD = "\\entrywiseproduct"   # not a LaTeX command: only the rewriter writes it
_FROB = "\\frobeniusproduct"   # not a LaTeX command either
# A colon that may be a Frobenius product: not of ':=' or '::', nor a set's 'x : ...'
_WORDS_GROUP = re.compile(r"\\(?:text[a-z]*|mbox|mathrm|operatorname)$")   # before its {
_COLON = re.compile(r"(?<![:\\]):(?![:=])")


def _level_span(text: str, k: int) -> tuple[int, int]:
    """The span of the innermost bracket or group holding ``text[k]`` (its inside), or the
    whole text."""
    depth = 0
    i = k - 1
    while i >= 0:
        char = text[i]
        if char in ")]}" and text[i - 1:i] != "\\":
            depth += 1
        elif char in "([{" and text[i - 1:i] != "\\":
            if depth == 0:
                close = matching_paren(text, i) if char in "([" else read_group(text, i)[1] - 1
                return i + 1, close if close > 0 else len(text)
            depth -= 1
        i -= 1
    return 0, len(text)


def _term_start(text: str, start: int, k: int) -> int:
    """Where the run of factors ending at ``k`` begins: after the last ``+ - = , &`` (or
    ``\\cdot``) of its own level, not before ``start``."""
    depth = 0
    i = k - 1
    while i >= start:
        char = text[i]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            depth -= 1
        elif depth == 0 and char in "+-=,&" and text[i - 1:i] not in ("^", "_", "{"):
            return i + 1
        i -= 1
    return start


def _transposed_bracket(text: str, k: int) -> bool:
    """Whether the bracket opening at ``text[k]`` is followed by a transpose mark."""
    close = matching_paren(text, k)
    return close > 0 and bool(re.match(r"\s*\^\s*(?:\{\s*T\s*\}|T(?![A-Za-z]))", text[close + 1:]))


def _next_bar(text: str, start: int) -> int:
    """The first ``|`` of ``text[start:]`` outside brackets opened after ``start`` (its index
    in ``text``), or -1 when there is none before the enclosing bracket closes; the bar of a
    command (``\\|``) does not count."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            command = re.match(r"\\(?:[A-Za-z]+|.)", text[i:])
            step = len(command.group(0)) if command else 1
            if text[i:i + 2] in ("\\{", "\\}"):
                depth += 1 if text[i + 1] == "{" else -1
            i += step
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return -1   # the group the first bar stands in has ended
        elif char == "|" and depth == 0:
            return i
        i += 1
    return -1



def _bracket_close(text: str, k: int) -> tuple[int, str]:
    """Where the ``[`` or ``\\{`` at ``k`` is closed, and the closer; ``(-1, "")`` when
    there is no such bracket at ``k``."""
    if text[k:k + 1] == "[":
        close = matching_paren(text, k)
        return (close, text[close]) if close > 0 else (-1, "")
    if not text.startswith("\\{", k):
        return -1, ""
    depth = 0
    i = k
    while i < len(text):
        two = text[i:i + 2]
        if two in ("\\{", "\\}"):
            depth += 1 if two == "\\{" else -1
            if depth == 0:
                return i, two
            i += 2
        else:
            i += 2 if text[i] == "\\" else 1
    return -1, ""


_BIG_OPERATOR = re.compile(r"\\(?:sum|prod|int)(?![A-Za-z])")


def _factor_ends(reader: Rewriter, span: str) -> list[int]:
    """The ends of the consecutive factors that start ``span`` (see :func:`_one_factor_end`;
    here also ``\\pi`` and a braced group with its scripts, ``{\\sigma_2}^2``)."""
    ends: list[int] = []
    position = 0
    while position < len(span.rstrip()):
        rest = span[position:]
        stripped = rest.lstrip()
        offset = position + len(rest) - len(stripped)
        pi = re.match(r"\\pi(?![A-Za-z])", stripped)
        if pi:
            end = offset + pi.end()
        elif stripped.startswith("{"):
            end = offset + read_group(stripped, 0)[1]
            while True:
                script = re.match(r"\s*[\^_]", span[end:])
                if script is None:
                    break
                end = read_group(span, end + script.end())[1]
        else:
            try:
                found = _one_factor_end(reader, rest)
            except LatexProblem:
                found = -1
            if found <= 0:
                return ends
            end = position + found
        ends.append(end)
        position = end
    return ends


def _one_factor_end(reader: Rewriter, span: str) -> int:
    """The end of the first factor of ``span`` (a name with its scripts and call, a number,
    a ``\\frac``), or -1 when ``span`` does not start with one."""
    stripped = span.lstrip()
    offset = len(span) - len(stripped)
    if not stripped:
        return -1
    if reader.at_atom(stripped, 0):
        mark = len(reader.removed)
        try:
            _, end = reader.read_atom(stripped, 0)
        finally:
            del reader.removed[mark:]
        return offset + end
    number = re.match(r"\d+(?:\.\d+)?", stripped)
    if number:
        return offset + number.end()
    if stripped.startswith("|") and not stripped.startswith("||"):
        close = _next_bar(stripped, 1)   # \log|\Sigma|: bars are one factor
        return offset + close + 1 if close > 0 else -1
    call = re.match(r"\\(?:exp|ln|log|sqrt|tanh|cosh|sinh|det)(?![A-Za-z])\s*", stripped)
    if call and stripped[call.end():call.end() + 1] in ("(", "{"):
        close = matching_paren(stripped, call.end()) if stripped[call.end()] == "(" else \
            read_group(stripped, call.end())[1] - 1
        return offset + close + 1 if close > 0 else -1
    if stripped.startswith("\\frac"):
        _, j = read_group(stripped, 5)
        _, j = read_group(stripped, j)
        return offset + j
    return -1
