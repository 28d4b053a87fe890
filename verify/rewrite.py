r"""Rewrite one normalised LaTeX step into placeholder LaTeX the parser can read.

Every declared name becomes a fresh one-letter placeholder, remembered with the SymPy object it
stands for (``w_k`` -> ``w[k]``, ``\sigma_k^{(i)}`` -> ``sigma[i, k]``).  Constructs the parser
cannot read correctly are built here directly and enter the text as one more placeholder:

* juxtaposed vectors and matrices with transposes or inverses (``w_k^T C^{-1} w_k``) ->
  ``Dot``/``MatProd``/``MatInv``/``Transposed``, in the written order;
* calls of declared functions (``g_k(z)`` -> ``g(k, z)``), indicators (``1_{\{y=k\}}``,
  ``\delta_{kj}``) -> ``KroneckerDelta``, ``(...)'`` -> ``Deriv(..., target)``, decimals;
* derivative targets, so ``\frac{\partial F}{\partial w_{jl}}`` becomes ``\frac{d}{da}(F)``
  (the parser only differentiates by one letter);
* ``\sum`` limits that leave out one index (``k \in [1, K] \setminus j``, ``\substack``).

Anything not understood raises :class:`LatexProblem` with the offending token: nothing is
guessed and no letter reaches the parser unaccounted for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from verify import expr as E
from verify.names import GREEK, Entry, Lexicon, latex_of_index, subscript_items
from verify.normalize import matching_paren, read_group, split_depth0
from verify.notation import Notation

LATIN_POOL = "abcfghkmnpqrstuvwxyzABCDFGHJKLMNPQRSUVWXYZ"  # no d e E i I j l o O T: special
GREEK_POOL = ("alpha", "beta", "gamma", "zeta", "eta", "theta", "iota", "kappa", "mu", "nu",
              "xi", "rho", "tau", "upsilon", "chi", "psi", "omega")
_PASS = frozenset({"\\exp", "\\ln", "\\sqrt", "\\cdot", "\\times", "\\pi", "\\log"})
_RELATIONS = frozenset({"\\neq", "\\ne", "\\approx", "\\le", "\\leq", "\\ge", "\\geq", "\\in",
                        "\\to", "\\rightarrow", "\\Rightarrow", "\\implies", "\\iff", "\\sim",
                        "\\propto", "\\mid", "\\equiv", "\\gets", "\\leftarrow", "\\mapsto"})
_DOTS = frozenset({"\\dots", "\\cdots", "\\ldots", "\\vdots", "\\ddots"})
_ACCENTS = frozenset({"\\hat", "\\tilde", "\\bar", "\\check", "\\operatorname"})
_BASE = re.compile(r"\\(?:hat|tilde|bar|check)\{(?:[A-Za-z]|\\[A-Za-z]+)\}|"
                   r"\\operatorname\{[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z]")
_SKIP_RANGE = re.compile(r"^(.+?)\\in\s*[\[(]\s*(.+?)\s*,\s*(.+?)\s*[\])]\s*\\setminus\s*"
                         r"(?:\\\{|\{)?\s*(.+?)\s*(?:\\\}|\})?$")
_SAMPLE = re.compile(r"^\(\s*([A-Za-z]'*)\s*\)$")
_INVERSE = re.compile(r"^-\s*1\s*(\^?\s*\{?\s*T\s*\}?)?$")
_TOKEN = re.compile(r"\\[A-Za-z]+|\d+|\S")


class LatexProblem(Exception):
    """A step cannot be read: ``token`` is what was not understood, ``why`` says why."""

    def __init__(self, token: str, why: str) -> None:
        super().__init__(f"{why} at '{token.strip()[:60]}'")
        self.token = token
        self.why = why


@dataclass(frozen=True)
class Context:
    notation: Notation
    lexicon: Lexicon
    prime_target: sp.Expr | None = None   # what (...)' differentiates by
    parse: Callable[[str, Context], sp.Expr] | None = None   # full parse, for sub-texts


@dataclass(frozen=True)
class Atom:
    expr: sp.Expr
    rank: int                  # 0 scalar, 1 vector, 2 matrix
    transposed: bool = False
    inverse: bool = False
    power: str | None = None   # an exponent other than T, -1, (i), still to be rewritten


class Rewriter:
    """One parser call's worth of placeholders."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.table: dict[str, sp.Expr] = {}        # placeholder name -> meaning
        self._by_expr: dict[sp.Basic, str] = {}    # meaning -> placeholder LaTeX
        self._latin = list(LATIN_POOL)
        self._greek = list(GREEK_POOL)

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
        text = self.expand_dots(text)
        out: list[str] = []
        run: list[Atom] = []
        i = 0
        while i < len(text):
            char = text[i]
            if char.isspace():
                i += 1
                if not run:
                    out.append(" ")
                continue
            if self.at_atom(text, i):
                atom, i = self.read_atom(text, i)
                run.append(atom)
                continue
            if run:
                out.append(self.flush(run))
                run = []
            i = self.step(text, i, out)
        if run:
            out.append(self.flush(run))
        return "".join(out)

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
                return self.prime(text, i, close, out)
            out.append(char)
            return i + 1
        if char == "^":
            group, end = read_group(text, i + 1)
            out.append("^{" + self.rewrite(group) + "}")
            return end
        if char in "'_|<>&;:":
            why = {"'": "a prime outside (...)'", "_": "a subscript on something that is not "
                   "a name", "|": "'|' (a conditional probability or an absolute value) is not "
                   "supported"}.get(char, f"'{char}' is not part of an expression")
            raise LatexProblem(text[max(0, i - 10):i + 10], why)
        out.append(char)
        return i + 1

    def at_atom(self, text: str, i: int) -> bool:
        if text[i].isalpha():
            return True
        match = re.match(r"\\([A-Za-z]+)", text[i:])
        if match is None:
            return False
        return bool(match.group(1) in GREEK or "\\" + match.group(1) in _ACCENTS
                                or self.context.lexicon.knows(match.group(0)))

    # ---- names --------------------------------------------------------------------------
    def read_atom(self, text: str, i: int) -> tuple[Atom, int]:
        match = _BASE.match(text, i)
        assert match is not None
        base, j = match.group(0), match.end()
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
        items = subscript_items(sub) if sub is not None else []
        samples = [m.group(1) for m in map(_SAMPLE.match, sups) if m]
        sups = [s for s in sups if not _SAMPLE.match(s)]
        spelled = base + "'" * primes
        found = self.context.lexicon.lookup(spelled, (len(items), len(samples)), text[j:])
        token = text[i:j]
        if found is None:
            if spelled == "\\delta" and len(items) == 2 and not samples and not sups:
                delta = E.indicator(self.sub_expr(items[0], token),
                                    self.sub_expr(items[1], token))
                return Atom(delta, 0), j
            start = i
            while start > 0 and text[start - 1].isalpha():
                start -= 1
            word = re.match(r"[A-Za-z]{2,}", text[start:])
            if word and (start == 0 or text[start - 1] != "\\"):
                raise LatexProblem(word.group(0), f"the word '{word.group(0)}' (a command "
                                   "missing its backslash, or prose) reads as a product of "
                                   f"letters, and {spelled} is not declared")
            raise LatexProblem(token, f"undeclared symbol {spelled}")
        entry, consumed = found
        j += consumed
        written = [self.index(item, token) for item in samples + items]
        indices = [x for x in written if x is not None]
        if entry.kind == "definition" and entry.style == "function":
            return self.call(entry, indices, text, j, token)
        if entry.kind == "definition" and text[j:j + 1] == "(":
            raise LatexProblem(text[i:j + 1], f"{spelled} is not declared as a function "
                               "(declare its arguments, or spell the call in 'latex:')")
        if entry.style == "indexed" and (None in written or not written) and \
                entry.params == len(written or [None]):
            return Atom(self.slice(entry, written or [None], token), 1), j
        expr, rank = self.meaning(entry, indices, token)
        transposed, inverse, power = self.superscripts(sups, token, rank)
        return Atom(expr, rank, transposed, inverse, power), j

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
                raise LatexProblem(token, f"{entry.name!r} is an {entry.kind}; it takes no "
                                   "subscript")
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

    def superscripts(self, sups: list[str], token: str,
                     rank: int) -> tuple[bool, bool, str | None]:
        transposed = inverse = False
        power = None
        for sup in sups:
            inv = _INVERSE.match(sup)
            if sup == "T":
                transposed = True
            elif inv and rank >= 1:
                inverse, transposed = True, transposed or bool(inv.group(1))
            elif power is None:
                power = sup
            else:
                raise LatexProblem(token, "two exponents on one name")
        if transposed and rank == 0:
            raise LatexProblem(token, "transpose of a scalar (declare the symbol's shape)")
        return transposed, inverse, power

    def call(self, entry: Entry, indices: list[sp.Expr], text: str, j: int,
             token: str) -> tuple[Atom, int]:
        k = j
        while k < len(text) and text[k] == " ":
            k += 1
        if text[k:k + 1] != "(":
            raise LatexProblem(token, f"{entry.name} is a function: it needs its arguments")
        close = matching_paren(text, k)
        if close < 0:
            raise LatexProblem(text[j:], "unclosed argument list")
        inside = text[k + 1:close]
        before = split_depth0(inside, (";",))[0]
        texts = split_depth0(before, (",",))
        if len(indices) + len(texts) != entry.params:
            texts = split_depth0(inside, (",", ";"))
        # h(x; W): what follows ';' names the parameters the notation fixes; it is dropped
        # when the arguments before it already fill the declared parameters.
        args = [self.sub_expr(arg, token) for arg in texts]
        if len(indices) + len(args) != entry.params:
            raise LatexProblem(text[:close + 1][-60:], f"{entry.name} takes {entry.params} "
                               f"arguments (subscripts first), got {len(indices) + len(args)}")
        return Atom(sp.Function(entry.name)(*indices, *args), 0), close + 1

    def sub_expr(self, text: str, token: str) -> sp.Expr:
        """A sub-text's meaning: one name directly, anything else through a full parse."""
        stripped = text.strip()
        if not stripped:
            raise LatexProblem(token, "empty argument")
        if self.at_atom(stripped, 0):
            atom, end = self.read_atom(stripped, 0)
            if end == len(stripped) and not (atom.transposed or atom.inverse or atom.power):
                return atom.expr
        if self.context.parse is None:
            raise LatexProblem(stripped, "cannot read a sub-expression here")
        return self.context.parse(stripped, self.context)

    # ---- products of vectors and matrices ---------------------------------------------------
    def flush(self, run: list[Atom]) -> str:
        pieces: list[str] = []
        group: list[Atom] = []
        for atom in [*run, None]:
            if atom is not None and atom.rank >= 1 and atom.power is None:
                group.append(atom)
                continue
            if group:
                pieces.append(self.linear(group))
                group = []
            if atom is not None:
                pieces.append(self.emit(atom))
        return " " + " ".join(pieces) + " "

    def emit(self, atom: Atom) -> str:
        tex = "(" + self.placeholder(atom.expr) + ")"
        if atom.power is not None:
            tex += "^{" + self.rewrite(atom.power) + "}"
        return tex

    def linear(self, group: list[Atom]) -> str:
        if len(group) == 1 and not (group[0].transposed or group[0].inverse):
            return self.emit(group[0])
        if len(group) > 1 and not any(a.transposed or a.rank == 2 for a in group):
            raise LatexProblem(" ".join(str(a.expr) for a in group),
                               "vectors side by side (a transpose is missing?)")
        items = [self.linear_item(atom) for atom in group]
        if items[0][1] == "row" and len(items) > 1:
            # a^T (B ... c): the row vector meets the product of everything after it.
            rest, rest_kind = self.fold(items[1:])
            value, kind = self.combine(items[0][0], "row", rest, rest_kind)
        else:
            value, kind = self.fold(items)
        if kind == "row":
            raise LatexProblem(str(value), "a transposed vector with nothing after it")
        return "(" + self.placeholder(value) + ")"

    def fold(self, items: list[tuple[sp.Expr, str]]) -> tuple[sp.Expr, str]:
        value, kind = items[0]
        for item, item_kind in items[1:]:
            value, kind = self.combine(value, kind, item, item_kind)
        return value, kind

    @staticmethod
    def linear_item(atom: Atom) -> tuple[sp.Expr, str]:
        value = atom.expr
        kind = "col" if atom.rank == 1 else "mat"
        if atom.inverse:
            if kind != "mat":
                raise LatexProblem(str(value), "inverse of a vector")
            value = E.MatInv(value)
        if atom.transposed:
            if kind == "col":
                return value, "row"
            value = E.Transposed(value)
        return value, kind

    @staticmethod
    def combine(left: sp.Expr, left_kind: str, right: sp.Expr,
                right_kind: str) -> tuple[sp.Expr, str]:
        if left_kind == "row" and right_kind == "col":
            return E.Dot(left, right), "scalar"
        if left_kind == "row" and right_kind == "mat":
            return E.MatProd(E.Transposed(right), left), "row"
        if left_kind == "mat" and right_kind in ("col", "mat"):
            return E.MatProd(left, right), right_kind
        if left_kind == "scalar":
            return left * right, right_kind
        raise LatexProblem(f"{left} {right}", f"cannot multiply a {left_kind} by a {right_kind}")

    # ---- other tokens -------------------------------------------------------------------
    def number(self, text: str, i: int, out: list[str]) -> int:
        match = re.match(r"\d+(?:\.\d+)?|\.\d+", text[i:])
        assert match is not None
        digits = match.group(0)
        end = i + len(digits)
        if len(digits) > 12:
            raise LatexProblem(digits, "number with more than 12 digits")
        if digits == "1" and text[end:end + 1] == "_":
            tex, end = self.indicator(text, end)
            out.append(tex)
            return end
        if "." in digits:
            out.append("(" + self.placeholder(sp.Rational(digits)) + ")")
        else:
            out.append(digits)
        return end

    def indicator(self, text: str, i: int) -> tuple[str, int]:
        """``1_{\\{a = b\\}}`` or ``1_{\\{k\\}}(y)`` -> a KroneckerDelta placeholder."""
        group, end = read_group(text, i + 1)
        inner = group.strip()
        if inner.startswith("\\{") and inner.endswith("\\}"):
            inner = inner[2:-2]
        sides = split_depth0(inner, ("=",))
        if len(sides) == 2:
            delta = E.indicator(self.sub_expr(sides[0], group), self.sub_expr(sides[1], group))
        else:
            k = end
            while text[k:k + 1] == " ":
                k += 1
            close = matching_paren(text, k) if text[k:k + 1] == "(" else -1
            if close < 0:
                raise LatexProblem("1_{" + group + "}", "indicator without 'a = b'")
            delta = E.indicator(self.sub_expr(text[k + 1:close], group),
                                self.sub_expr(inner, group))
            end = close + 1
        return "(" + self.placeholder(delta) + ")", end

    def prime(self, text: str, i: int, close: int, out: list[str]) -> int:
        target = self.context.prime_target
        if target is None:
            raise LatexProblem(text[i:close + 2][-40:], "(...)' but the chain does not start "
                               "with a derivative to take its variable from")
        inner = self.sub_expr(text[i + 1:close], text[i:close + 2])
        out.append("(" + self.placeholder(E.Deriv(inner, target)) + ")")
        return close + 2

    def command(self, text: str, i: int, out: list[str]) -> int:
        match = re.match(r"\\[A-Za-z]+|\\.", text[i:])
        if match is None:
            raise LatexProblem(text[-20:], "a lone backslash at the end")
        name, end = match.group(0), i + len(match.group(0))
        if name in ("\\{", "\\}"):
            out.append("(" if name == "\\{" else ")")
            return end
        if name in _PASS:
            out.append(" " + name + " ")
            return end
        if name == "\\frac":
            return self.frac(text, end, out)
        if name in ("\\sum", "\\prod"):
            return self.big_operator(name, text, end, out)
        if name == "\\nabla":
            if text[end:end + 1] != "_":
                raise LatexProblem(name, "\\nabla without a subscript variable")
            target, after = read_group(text, end + 1)
            out.append(self.operator(target))
            return after
        if name in _RELATIONS:
            raise LatexProblem(name, f"relation {name} is not an equality")
        if name in _DOTS:
            raise LatexProblem(name, "\\dots whose pattern is not clear (write the first two "
                               "terms and the last)")
        if name in ("\\text", "\\textrm", "\\mbox", "\\textit", "\\textbf"):
            group, _ = read_group(text, end)
            raise LatexProblem(name + "{" + group + "}", "prose inside the formula")
        if name == "\\begin":
            group, _ = read_group(text, end)
            raise LatexProblem(name + "{" + group + "}", f"environment '{group}' (a matrix or "
                               "cases) is not supported")
        if name == "\\partial":
            raise LatexProblem(text[i:i + 20], "\\partial outside a derivative fraction")
        raise LatexProblem(name, f"unsupported command {name}")

    def operator(self, target_text: str) -> str:
        target = self.sub_expr(target_text, target_text)
        return " \\frac{d}{d" + self.placeholder(target, latin=True) + "} "

    def frac(self, text: str, i: int, out: list[str]) -> int:
        numerator, j = read_group(text, i)
        denominator, end = read_group(text, j)
        num, den = numerator.strip(), denominator.strip()
        differential = re.match(r"^(\\partial(?![A-Za-z])|d(?![a-z]{2}))\s*(\^.*)?", den)
        leading = re.match(r"^(\\partial(?![A-Za-z])|d(?![A-Za-z]))", num) or \
            re.match(r"^(\\partial(?![A-Za-z])|d)", num)
        if differential and leading:
            if differential.group(2) or num[leading.end():].lstrip().startswith("^"):
                raise LatexProblem("\\frac{" + numerator + "}{" + denominator + "}",
                                   "higher derivatives are not supported")
            operator = self.operator(den[differential.end():])
            body = num[leading.end():].strip()
            if not body:
                out.append(operator)
            else:
                out.append("(" + operator + "(" + self.rewrite(body) + "))")
            return end
        out.append("\\frac{" + self.rewrite(numerator) + "}{" + self.rewrite(denominator) + "}")
        return end

    def big_operator(self, name: str, text: str, i: int, out: list[str]) -> int:
        lower = upper = None
        j = i
        while True:
            k = j
            while text[k:k + 1] == " ":
                k += 1
            if text[k:k + 1] == "_" and lower is None:
                lower, j = read_group(text, k + 1)
            elif text[k:k + 1] == "^" and upper is None:
                upper, j = read_group(text, k + 1)
            else:
                break
        if lower is None:
            raise LatexProblem(name, f"{name} without limits")
        letter, low, high, skip = self.limits(lower, upper, name)
        index = self.sub_expr(letter, name + "_{" + lower + "}")
        if not (isinstance(index, sp.Symbol) and index.is_integer):
            raise LatexProblem(lower, f"{letter!r} is not a declared index letter")
        head = (f"{name}_{{{self.placeholder(index, latin=True)}={self.rewrite(low)}}}"
                f"^{{{self.rewrite(high)}}} ")
        if skip is not None:
            factor = 1 - sp.KroneckerDelta(index, self.sub_expr(skip, lower), evaluate=False)
            head += "(" + self.placeholder(factor) + ") "
        out.append(head)
        return j

    def limits(self, lower: str, upper: str | None,
               name: str) -> tuple[str, str, str, str | None]:
        lower = lower.strip()
        substack = re.fullmatch(r"\\substack\s*\{(.*)\}", lower, re.S)
        skip = None
        if substack:
            parts = [p.strip() for p in re.split(r"\\\\", substack.group(1))]
            if len(parts) != 2 or not re.fullmatch(r"(.+?)\s*\\neq?\s*(.+)", parts[1]):
                raise LatexProblem(lower, "\\substack other than 'k=1 \\\\ k \\neq j'")
            lower = parts[0]
            skip_match = re.fullmatch(r"(.+?)\s*\\neq?\s*(.+)", parts[1])
            assert skip_match is not None
            skip = skip_match.group(2)
        ranged = _SKIP_RANGE.match(lower)
        if ranged:
            if upper is not None:
                raise LatexProblem(lower, "both a range and an upper limit")
            return ranged.group(1).strip(), ranged.group(2), ranged.group(3), ranged.group(4)
        if "=" in lower:
            letter, low = lower.split("=", 1)
            if upper is None:
                raise LatexProblem(lower, f"{name} without an upper limit")
            return letter.strip(), low, upper, skip
        letter = lower
        found = self.context.lexicon.lookup(letter, (0, 0), "")
        if upper is None and found is not None and found[0].kind == "index":
            return letter, "1", self.context.notation.indices[found[0].name], skip
        raise LatexProblem(lower, f"cannot read the limits of {name}")

    # ---- \dots ----------------------------------------------------------------------------
    def expand_dots(self, text: str) -> str:
        """``a_1 + a_2 + \\dots + a_K`` (at depth 0 of ``text`` or of the group holding the
        ``\\dots``) -> ``\\sum_{m=1}^{K} a_m`` with a free declared index letter ``m``."""
        found = re.search(r"\\[lc]?dots(?![A-Za-z])", text)
        if not found:
            return text
        start, end = _enclosing_group(text, found.start())
        inner = text[start:end]
        expanded = self.expand_terms(inner)
        if expanded == inner:
            return text
        return text[:start] + expanded + self.expand_dots(text[end:])

    def expand_terms(self, text: str) -> str:
        terms = split_depth0(text, ("+",))
        marks = [n for n, t in enumerate(terms) if t.strip() in ("\\dots", "\\cdots",
                                                                   "\\ldots")]
        if len(marks) != 1:
            return text   # not a sum pattern: \dots is reported where it stands
        d = marks[0]
        if d < 2 or d + 1 >= len(terms):
            raise LatexProblem(text[-60:], "\\dots whose pattern is not clear (needs two "
                               "terms before it and the last one after it)")
        first, second, last = (_TOKEN.findall(terms[n]) for n in (d - 2, d - 1, d + 1))
        if not len(first) == len(second) == len(last):
            raise LatexProblem(terms[d + 1], "\\dots: the terms do not follow one pattern")
        diff = [n for n, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        bounds = {last[n] for n in diff}
        same = all(a == c for n, (a, c) in enumerate(zip(first, last, strict=True))
                   if n not in diff)
        if not diff or any((first[n], second[n]) != ("1", "2") for n in diff) or \
                len(bounds) != 1 or not same:
            raise LatexProblem(terms[d - 2], "\\dots: the terms do not follow one pattern "
                               "(1, 2, ..., last)")
        bound = bounds.pop()
        letter = self.fresh_index(set(first) | set(last), text, bound)
        body = "".join(("{" + letter + "}" if n and first[n - 1] in "_^" else letter)
                       if n in diff else tok + " " * tok.startswith("\\")
                       for n, tok in enumerate(first))
        summed = f"\\sum_{{{letter}=1}}^{{{bound}}} {{{body}}}"
        return " + ".join([*terms[:d - 2], summed, *terms[d + 2:]])

    def fresh_index(self, used: set[str], raw: str, bound: str) -> str:
        """A declared index letter not in the terms, ranging over the bound's size."""
        lexicon, indices = self.context.lexicon, self.context.notation.indices
        found = lexicon.lookup(bound, (0, 0), "")
        size = None
        if found is not None:
            size = indices.get(found[0].name) if found[0].kind == "index" else found[0].name
        for name, over in indices.items():
            spelled = latex_of_index(name)
            free = spelled not in raw if "'" in spelled else spelled not in used
            if free and (size is None or over == size):
                return spelled
        raise LatexProblem("\\dots", "no declared index letter is free to sum \\dots over")


def _enclosing_group(text: str, position: int) -> tuple[int, int]:
    """``(start, end)`` of the content of the innermost group around ``position`` (the whole
    text at depth 0)."""
    openers: list[int] = []
    i = 0
    while i < position:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "{([":
            openers.append(i)
        elif text[i] in "})]" and openers:
            openers.pop()
        i += 1
    if not openers:
        return 0, len(text)
    start = openers[-1]
    close = matching_paren(text, start) if text[start] in "([" else read_group(text, start)[1] - 1
    return start + 1, close if close > 0 else len(text)
