r"""Which LaTeX names stand for which declared names: the lexicon built from a notation.

Every symbol and definition may list its LaTeX spellings (``latex:``).  A spelling is a *base*
(``w``, ``\mathbf{w}``, ``\hat{y}``, ``\sigma``, ``\operatorname{softmax}``), optionally with

* a subscript pattern, ``y_{ik}`` or ``y_k``: the spelling then matches only that base with
  that many subscript items (``(i)`` superscripts count as items), so ``y_{ik}`` and ``y_k``
  can name two different declared symbols; the written items become the indices;
* a literal argument list, ``L(W)``: the spelling matches the base followed by exactly that
  text, which is consumed (``L(W)`` names the constant ``L``).

A subscript or superscript can also be part of the name itself (a *literal*), matched only as
written and never read as an index or an exponent:

* a layer number in round or square brackets over any name: ``W^{(1)}``, ``b^{[2]}``;
* a subscript of commands only: ``h_\theta`` (a function ``h`` spelled with its parameters'
  letter), ``\ell_{\phi}``;
* a subscript of digits only on a name that takes no index (a scalar, a constant or a
  function): ``\theta_0`` and ``\theta_1`` as two scalars ``theta0`` and ``theta1``.  On a
  vector or a family the digits stay a pattern (``y_1`` beside ``y_k``: ``y`` with one
  index), and such a spelling without a letter pattern beside it is refused: ``W_1`` of a
  matrix ``W1`` would read ``W_1`` as row 1 of ``W1``.

A literal spelling whose plain base also names something that takes an index is refused:
``\theta_1`` of a scalar beside ``\theta`` of a vector would be the scalar or entry 1 of the
vector.

A word (``Cost``, ``LL``: two or more letters, no backslash) is a spelling too, of one name
(``\operatorname{Cost}``): where the notation spells a name so, the word written in a formula is
that name, never a product of its letters (:func:`declared_words`); an undeclared word stays
refused.

A bare spelling matches its base with any number of subscript items when no pattern of that
arity exists.  Without ``latex:`` a one-letter name (``K``) or a Greek name (``sigma``) is its
own spelling.  Fonts never distinguish names (``\mathbf{w}`` and ``w`` are the same spelling).
Index letters are spelled as declared, ``kp`` (and ``kpp``) also as ``k'`` (``k''``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from verify.model.notation import Notation
from verify.model.spelling import default_spellings, index_spellings
from verify.read.latex.normalize import canonical_spelling, read_group

_BASE = re.compile(r"\\(?:hat|tilde|bar|check)\{(?:[A-Za-z]|\\[A-Za-z]+)\}|"
                   r"\\operatorname\{[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z]")
# A word set in text type as a superscript or subscript names a variant of the base
# (L^{\text{Softmax}}): part of the name, never an index or an exponent.
_WORD = r"\\(?:text|textrm|textit|textsf|mbox|mathrm|operatorname)\s*\{([^{}]*)\}"
_DECORATION = re.compile(r"\s*([_^])\s*(?:\{\s*" + _WORD + r"\s*\}|" + _WORD + ")")
# A layer number over a name (W^{(1)}, b^{[2]}): part of the name, never an exponent.
_LAYER = re.compile(r"[(\[]\d+[)\]]")
# A layer written as a letter over a name (W^L, a^{L-1}, \delta^{l+1}): part of the name only
# where the notation spells the name so (a transpose T never is); else an exponent as before.
_LAYER_LETTER = re.compile(r"(?!T(?![+-]))[A-Za-z](?:[+-]\d+)?")
_COMMANDS = re.compile(r"(?:\\[A-Za-z]+)+")
_DIGITS = re.compile(r"\d+")


def literal_base(base: str, mark: str, group: str) -> str:
    """The one canonical base of a name with a literal subscript (``mark`` ``_``) or
    superscript (``^``): ``\\theta`` and ``0`` -> ``\\theta_{0}``; spaces never count."""
    squeezed = re.sub(r"\s+", "", group)
    return f"{base}{mark}{{{squeezed}}}"


def layer_letter(group: str) -> bool:
    """Whether a superscript is a layer written as a letter (``L``, ``L-1``, ``l+1``)."""
    return _LAYER_LETTER.fullmatch(re.sub(r"\s+", "", group)) is not None


def literal_kind(mark: str, group: str) -> str | None:
    """Whether a written subscript or superscript can be a literal part of a name:
    'layer' (``^{(1)}``), 'commands' (``_\\theta``), 'digits' (``_0``), else None."""
    squeezed = re.sub(r"\s+", "", group)
    if mark == "^":
        return "layer" if _LAYER.fullmatch(squeezed) else None
    if _COMMANDS.fullmatch(squeezed):
        return "commands"
    if _DIGITS.fullmatch(squeezed):
        return "digits"
    return None


@dataclass(frozen=True)
class Entry:
    """A declared name reachable from LaTeX."""

    name: str
    kind: str                    # 'symbol', 'definition', 'index' or 'size'
    style: str = ""              # for definitions: 'function', 'indexed' or 'constant'
    family: int = 0              # symbols: number of family axes
    shape: int = 0               # symbols: number of value axes
    params: int = 0              # definitions: number of parameters or indices

    @property
    def max_indices(self) -> int:
        if self.kind == "symbol":
            return self.family + self.shape
        if self.kind == "definition" and self.style == "indexed":
            return self.params
        return 0


Arity = tuple[int, int]          # (subscript items, sample superscripts like ^{(i)})


@dataclass(frozen=True)
class Spelling:
    arity: Arity | None          # None: any number of subscript items
    args: str | None             # literal argument text consumed after the atom, e.g. "(W)"
    entry: Entry


@dataclass(frozen=True)
class Lexicon:
    bases: Mapping[str, tuple[Spelling, ...]]
    problems: tuple[str, ...] = ()
    words: frozenset[str] = frozenset()   # declared word spellings (Cost), see declared_words

    def knows(self, base: str) -> bool:
        return base in self.bases

    def literal(self, base: str, sub: str | None,
                sups: list[str]) -> tuple[str, str | None, list[str], list[str]]:
        """``base`` with the written subscript ``sub`` and superscripts ``sups`` that a
        literal spelling makes part of the name folded into it (``\\theta`` and ``0`` ->
        ``\\theta_{0}`` when that is declared), the subscript and superscripts left, and the
        written decorations folded (for the accounting)."""
        folded: list[str] = []
        letter = re.fullmatch(r"\s*([A-Za-z])\s*", sub or "")
        if sub is not None and (literal_kind("_", sub) or (
                letter is not None and not self._is_index(letter.group(1)))) and \
                self.knows(literal_base(base, "_", sub)):
            base, folded, sub = literal_base(base, "_", sub), ["_{" + sub + "}"], None
        left: list[str] = []
        for sup in sups:
            if (literal_kind("^", sup) or layer_letter(sup)) and \
                    self.knows(literal_base(base, "^", sup)):
                base = literal_base(base, "^", sup)
                folded.append("^{" + sup + "}")
            else:
                left.append(sup)
        return base, sub, left, folded

    def _is_index(self, letter: str) -> bool:
        return any(s.entry.kind == "index" for s in self.bases.get(letter, ()))

    def lookup(self, base: str, arity: Arity, following: str) -> tuple[Entry, int] | None:
        """The entry for ``base`` with ``arity`` subscript items and how many characters of
        ``following`` (the text after the atom) its spelling consumes."""
        candidates = self.bases.get(base, ())
        squeezed = re.sub(r"\s+", "", following)
        for spelling in candidates:
            if spelling.args is not None and spelling.arity in (arity, None) and \
                    squeezed.startswith(spelling.args):
                return spelling.entry, _consumed(following, spelling.args)
        plain = [s for s in candidates if s.args is None]
        exact = [s for s in plain if s.arity == arity]
        if exact:
            return exact[0].entry, 0
        # A pattern covering the first items (x^{(i)} for x^{(i)}_l: sample, then component),
        # the longest first; then a bare spelling.  The entry must take that many indices.
        total = sum(arity)
        fitting = sorted((s for s in plain if s.arity is not None and
                          s.arity[0] <= arity[0] and s.arity[1] <= arity[1] and
                          s.entry.max_indices >= total), key=lambda s: -sum(s.arity or ()))
        bare = [s for s in plain if s.arity is None]
        for spelling in [*fitting, *bare]:
            return spelling.entry, 0
        return None


def _consumed(following: str, args: str) -> int:
    count = 0
    i = 0
    while count < len(args) and i < len(following):
        if not following[i].isspace():
            count += 1
        i += 1
    return i


def split_base(spelling: str) -> tuple[str, str] | None:
    """``(base, rest)`` of a canonical spelling, or None when it does not start with a base."""
    match = _BASE.match(spelling)
    if not match:
        return None
    base, end = decorated(match.group(0), spelling, match.end())
    return base, spelling[end:]


def decorated(base: str, text: str, end: int) -> tuple[str, int]:
    """``L`` followed by ``^{\\text{Softmax}}`` at ``text[end:]`` -> ``('L^{\\text{Softmax}}',
    index after it)``: one canonical base, spaces in the word removed; else ``(base, end)``."""
    match = _DECORATION.match(text, end)
    if match is None:
        return base, end
    word = re.sub(r"\s+", "", match.group(2) if match.group(2) is not None else match.group(3))
    return f"{base}{match.group(1)}{{\\text{{{word}}}}}", match.end()


def subscript_items(group: str) -> list[str]:
    """``ik`` -> [i, k]; ``i,k`` -> [i, k]; ``k'`` -> [k']; ``12`` -> [12]; ``1:K`` -> [1:K]."""
    group = group.strip()
    if "," in group:
        return [item.strip() for item in group.split(",") if item.strip()]
    if ":" in group:
        return [group]
    return re.findall(r"\\[A-Za-z]+'*|[A-Za-z]'*|\d+|[^\s]", group)


@dataclass(frozen=True)
class _Parsed:
    base: str                    # with its literal decorations folded in (\theta_{0})
    arity: Arity | None
    args: str | None
    digit_pattern: bool = False  # a subscript of digits read as a pattern (y_1 of a vector)
    literal_digits: bool = False  # a subscript of digits folded into the base (\theta_0)
    word: str | None = None      # spelt as a bare word (Cost)


# A word in text type as a name's spelling (\text{softmax}): the same name as \operatorname.
TEXT_NAME = re.compile(r"\\(?:text|textrm|textup|mbox)\s*\{\s*([A-Za-z]{2,})\s*\}")
# A bare word as a spelling (Cost, LL(\mu, \sigma^2)): one name, \operatorname{Cost}.
_BARE_WORD = re.compile(r"\s*([A-Za-z]{2,})(?=$|[\s_^(])")
# Where a word in a formula is not mathematics to rename: the argument of a text or name
# command (\text{the Cost of it}, \operatorname{Cost} itself).
_VERBATIM = re.compile(r"\\(?:text[a-z]*|mbox|mathrm|mathit|operatorname)\s*"
                       r"\{(?:[^{}]|\{[^{}]*\})*\}")


def declared_words(text: str, words: frozenset[str]) -> str:
    r"""Each declared word spelling written bare in ``text`` (``\partial Cost``) as the one
    name it spells (``\partial \operatorname{Cost}``).  Only a whole word counts: not part of
    a longer one (``Costs``), of a command (``\Cost``), nor inside text type."""
    if not words:
        return text
    verbatim = [match.span() for match in _VERBATIM.finditer(text)]
    pattern = re.compile(r"(?<![\\A-Za-z])(" + "|".join(
        re.escape(word) for word in sorted(words, key=len, reverse=True)) + r")(?![A-Za-z])")

    def name(match: re.Match[str]) -> str:
        if any(start <= match.start() < end for start, end in verbatim):
            return match.group(0)
        return "\\operatorname{" + match.group(1) + "}"
    return pattern.sub(name, text)


def _parse_spelling(spelling: str, entry: Entry,
                    indices: frozenset[str] = frozenset()) -> _Parsed | None:
    bare = _BARE_WORD.match(spelling)
    if bare is not None:
        spelling = "\\operatorname{" + bare.group(1) + "}" + spelling[bare.end():]
    canonical = canonical_spelling(TEXT_NAME.sub(r"\\operatorname{\1}", spelling))
    parts = split_base(canonical)
    if parts is None:
        return None
    base, rest = parts
    while rest.startswith("'"):
        base, rest = base + "'", rest[1:]
    subs = samples = 0
    args: str | None = None
    digit_pattern = literal_digits = False
    takes_index = entry.max_indices > 0
    for _ in range(3):   # _{..}, ^{(i)} and ^{(1)} in any order
        if rest.startswith("_"):
            group, end = read_group(rest, 1)
            kind = literal_kind("_", group)
            letter = re.fullmatch(r"\s*([A-Za-z])\s*", group)
            if kind == "commands" or (kind == "digits" and not takes_index) or \
                    (letter is not None and letter.group(1) not in indices):
                # w_t with no index t: the weights at step t, a name of its own
                base, literal_digits = literal_base(base, "_", group), kind == "digits"
            else:
                subs, digit_pattern = len(subscript_items(group)), kind == "digits"
            rest = rest[end:]
        elif rest.startswith("^"):
            group, end = read_group(rest, 1)
            first = re.sub(r"\s+", "", group)[:1]
            if literal_kind("^", group) or (layer_letter(group) and first not in indices):
                # W^{(1)}, and W^L, a^{L-1} (L no index letter: a layer, not a sample)
                base = literal_base(base, "^", group)
            elif re.fullmatch(r"\(\s*[A-Za-z]'*\s*\)", group.strip()):
                samples = 1
            else:
                return None
            rest = rest[end:]
    arity: Arity | None = (subs, samples) if subs or samples else None
    if rest.startswith("("):
        args, rest = rest, ""
    if rest:
        return None
    return _Parsed(base, arity, args, digit_pattern, literal_digits,
                   bare.group(1) if bare is not None else None)


def build_lexicon(notation: Notation, prefer: frozenset[str] = frozenset()) -> Lexicon:
    """Every declared name by its canonical spelling; clashes are reported, never resolved.

    ``prefer`` names a section's own declarations (:mod:`verify.read.header`): a spelling they share
    with a document-wide name is theirs inside the section, as a local variable shadows a
    global one, and that is no problem."""
    table: dict[str, list[Spelling]] = {}
    problems: list[str] = []
    entries: list[tuple[Entry, tuple[str, ...]]] = []
    for name in notation.sizes:
        entries.append((Entry(name, "size"), default_spellings(name)))
    for name in notation.indices:
        entries.append((Entry(name, "index"), index_spellings(name)))
    for name, decl in notation.symbols.items():
        entries.append((Entry(name, "symbol", family=len(decl.family), shape=len(decl.shape)),
                        decl.latex or default_spellings(name)))
    for name, definition in notation.definitions.items():
        entries.append((Entry(name, "definition", definition.style,
                              params=len(definition.params)),
                        definition.latex or default_spellings(name)))
    entries.sort(key=lambda item: item[0].name not in prefer)   # stable: preferred first
    literal_digits: list[tuple[str, str, str]] = []   # (base, spelling, name): checked below
    words: set[str] = set()
    for entry, spellings in entries:
        parsed_all = [(spelling, _parse_spelling(spelling, entry, frozenset(notation.indices)))
                      for spelling in spellings]
        letter_patterns = {p.arity for _, p in parsed_all
                           if p is not None and p.arity is not None and not p.digit_pattern}
        for spelling, parsed in parsed_all:
            if parsed is None:
                problems.append(f"latex spelling {spelling!r} of {entry.name!r} is not a name "
                                "(a letter, Greek letter, accent or \\operatorname, optionally "
                                "with a subscript pattern, a layer number like ^{(1)} or an "
                                "argument list)")
                continue
            if parsed.digit_pattern and parsed.arity not in letter_patterns:
                problems.append(f"latex spelling {spelling!r} of {entry.name!r}: a number "
                                f"subscript on a name that takes indices reads as its entry "
                                f"({spelling} as entry {spelling.rsplit('_', 1)[-1]} of "
                                f"{entry.name!r}), not as a name; spell a numbered vector or "
                                "matrix with a layer number (W^{(1)}), or give the pattern with "
                                "a letter (y_k) beside it")
                continue
            base, arity, args = parsed.base, parsed.arity, parsed.args
            if parsed.literal_digits:
                literal_digits.append((base, spelling, entry.name))
            if parsed.word is not None:
                words.add(parsed.word)
            if entry.style == "function":
                args = None   # a function's arguments are read from the call itself
            clash = next((s for s in table.get(base, []) if s.arity == arity and
                          s.args == args and s.entry.name != entry.name), None)
            if clash is not None and clash.entry.name in prefer and entry.name not in prefer:
                continue
            if clash is not None:
                problems.append(f"latex spelling {spelling!r} names both {clash.entry.name!r} "
                                f"and {entry.name!r}")
                continue
            table.setdefault(base, []).append(Spelling(arity, args, entry))
    for base, spelling, name in literal_digits:
        plain = base[:base.rindex("_")]
        indexed = next((s.entry.name for s in table.get(plain, ()) if s.entry.max_indices), None)
        if indexed is not None:
            problems.append(f"latex spelling {spelling!r} names {name!r}, and it would also be "
                            f"an entry of {indexed!r} (spelled {plain}): rename one")
    return Lexicon({base: tuple(s) for base, s in table.items()}, tuple(problems),
                   frozenset(words))

