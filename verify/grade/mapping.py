r"""A submission in other letters: the assignment's notation stays authoritative, and a name the
submission writes that the assignment does not declare (``\theta`` where it says
``\mathbf{w}``, ``\hat{p}`` for ``p``) is read as the assignment's name when exactly one name
fits, and said so in the feedback ("read $\theta$ as $\mathbf{w}$").

What fits: the submission's names are typed by inference (:func:`verify.read.infer.
infer_document`, told what the assignment declares; a name it leaves untyped that is only
differentiated by, ``\nabla_{\theta_j}``, is a family of vectors over ``j``'s size), and an
assignment name is a candidate for one of them when

* the submission never writes it (a student who writes both ``\theta`` and ``\mathbf{w}``
  means two things), and
* it has the same kind and shape: a symbol with as many family and entry axes, over the same
  sizes where the inference ties a size (a size it only names for a length nothing gives is
  any size; a name written with subscripts only has its family and entry axes as one list),
  or an indexed definition with one index per subscript (``\hat{p}_{ij}`` for ``p_{ik}``;
  never a vector or a matrix), or, for a plain scalar, a scalar symbol or a constant
  definition.

A name is mapped only when it has exactly one candidate and that candidate is no other name's
candidate.  Everything else stays unread, and the lines that use it are flagged for review
with the reason (no candidate, or the candidates named).  A mapping changes only what is read:
every line is still checked in full, so a wrong step in other letters is refuted as in the
assignment's letters.

A definition is more than a name: a step true of the assignment's ``p`` (the softmax) may be
false of the student's own undefined ``s_{ik}`` (their logits), so reading ``s`` as ``p``
could pass a wrong step.  A mapping onto a definition (``definition=True``) is therefore only
a proposal: it is kept where a line of the submission defines the name as the assignment
defines its target (:func:`defining_pairs` finds such lines, ``\hat{p}_{ik} = \frac{...}{...}``;
:mod:`verify.grade.reading` has the engine judge them), and otherwise refused with the reason
(:func:`refused`).  A name the submission defines by a chain of its own (it starts one:
``\hat{p}_{ik} = ...``) is a candidate for the assignment's definitions only, never for a
symbol.  Pure functions; the results are frozen dataclasses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import sympy as sp

from verify.model.document import Chain, Document, Step
from verify.model.notation import Definition, Notation, SymbolDecl
from verify.model.spelling import default_spellings
from verify.read.infer import Inference, SymbolGuess, declared_of, infer_document
from verify.read.latex.normalize import canonical_spelling, normalize
from verify.read.latex.source import RawChain, split_document

# A name as written, once normalised (fonts gone): an accented letter, a command, a letter.
# Words in text type and operator names are one token each, so their letters are no names.
_TOKEN = re.compile(r"\\(?:hat|tilde|bar|check)\{\\?[A-Za-z]+\}|"
                    r"\\(?:operatorname|text[a-z]*|mbox)\s*\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z]")
# The variable of a gradient, \nabla_{\theta_j}: a vector, one of a family over j's size.
_GRADIENT = re.compile(r"\\nabla_\{\s*(\\[A-Za-z]+|[A-Za-z])\s*_\s*\{?\s*([A-Za-z])\s*\}?\s*\}")
_BASE = re.compile(r"\\(?:hat|tilde|bar|check)\{\\?[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z]")
# A chain's first side that is a name alone, with index letters as subscripts or none: the
# name the chain defines (\hat{p}_{ik} = ..., \ell = ...).
_DEFINED = re.compile(r"(\\(?:hat|tilde|bar|check)\{\\?[A-Za-z]+\}|\\[A-Za-z]+|[A-Za-z])"
                      r"(?:_(?:\{([A-Za-z,\s]*)\}|([A-Za-z])))?")


@dataclass(frozen=True)
class Mapped:
    """The submission's ``spelling`` read as the assignment's ``name`` (shown as ``shown``)."""

    spelling: str
    name: str
    shown: str
    lines: tuple[int, ...]
    definition: bool = False   # onto a definition: kept only where the submission defines it so

    @property
    def note(self) -> str:
        return f"read ${self.spelling}$ as ${self.shown}$"


@dataclass(frozen=True)
class Unmapped:
    """A name of the submission the assignment does not declare and no mapping settles."""

    spelling: str
    lines: tuple[int, ...]
    why: str


@dataclass(frozen=True)
class NameMapping:
    mapped: tuple[Mapped, ...] = ()
    unmapped: tuple[Unmapped, ...] = ()

    def review_notes(self, unread: Mapping[int, str]) -> tuple[str, ...]:
        """One reason per unread line (``unread``: line -> why it was not read) that a name
        left unmapped made unreadable (an unbalanced line is the reader's business): the
        reader calls it an undeclared symbol, or a command it does not know (``\\ell``)."""
        # the name as the reader's refusal names it, never a letter of the message's file
        # path (a P in /tmp/tmp.ViPc0/jon.md is no name of line 23)
        return tuple(f"review: line {line}: ${u.spelling}$ is not in the assignment's "
                     f"notation; {u.why}" for u in self.unmapped for line in u.lines
                     if re.search(r"(?:undeclared symbol|unsupported command) "
                                  + re.escape(u.spelling) + r"(?![A-Za-z])",
                                  unread.get(line, "")))


def _tokens(text: str) -> set[str]:
    return {re.sub(r"\s+", "", token) for token in _TOKEN.findall(normalize(text))}


def _base(spelling: str) -> str | None:
    match = _BASE.match(canonical_spelling(spelling))
    return match.group(0) if match else None


def _spellings(name: str, latex: Sequence[str]) -> tuple[str, ...]:
    """How the name may be written: a multi-letter name without ``latex:`` cannot be."""
    return tuple(latex) or default_spellings(name)


def _axes_fit(guessed: Sequence[str], declared: Sequence[str], loose: frozenset[str]) -> bool:
    """Same number of axes, each over the same size, or over a size the inference only
    named for a length nothing in the submission ties (``loose``)."""
    return len(guessed) == len(declared) and all(
        g == d or g in loose for g, d in zip(guessed, declared, strict=True))


def _symbol_fits(guess: SymbolGuess, decl: SymbolDecl, loose: frozenset[str]) -> bool:
    if not guess.shape:   # written with subscripts only: family and entry indices alike
        return _axes_fit(guess.family, (*decl.family, *decl.shape), loose)
    return _axes_fit(guess.family, decl.family, loose) and \
        _axes_fit(guess.shape, decl.shape, loose)


def _definition_fits(guess: SymbolGuess, definition: Definition, notation: Notation,
                     loose: frozenset[str]) -> bool:
    if definition.style == "constant":
        return not guess.family and not guess.shape
    if definition.style != "indexed":
        return False   # a function is called with arguments: not a name to rename
    # written with its indices as subscripts (p_{ik}): a vector or a matrix is something else
    sizes = [notation.indices.get(param, "") for param in definition.params]
    return not guess.shape and all(sizes) and _axes_fit(guess.family, sizes, loose)


def _lines_using(chains: Iterable[Sequence[tuple[int, set[str]]]], token: str) -> tuple[int, ...]:
    return tuple(sorted({line for steps in chains for line, tokens in steps if token in tokens}))


def find_mapping(text: str, suffix: str, notation: Notation) -> NameMapping:
    """The names of the submission ``text`` that the assignment's ``notation`` does not
    declare, each mapped onto the one assignment name that fits, or left with the reason."""
    chains = [[(step.line, _tokens(step.text)) for step in chain.steps]
              for chain in split_document(text, suffix)]
    written = set().union(*(tokens for steps in chains for _, tokens in steps))
    inference = infer_document(text, suffix, declared_of(notation))
    loose = frozenset(size.name for size in inference.sizes) | {"a length"}
    unused: dict[str, str] = {}   # assignment name -> its first spelling, never written
    entries: list[tuple[str, tuple[str, ...]]] = [
        *((n, d.latex) for n, d in notation.symbols.items()),
        *((n, d.latex) for n, d in notation.definitions.items())]
    for name, latex in entries:
        spellings = _spellings(name, latex)
        if spellings and not any(_base(s) in written for s in spellings):
            unused[name] = spellings[0]
    candidates: dict[str, list[str]] = {}
    guesses: dict[str, SymbolGuess] = {}
    for guess in (*inference.symbols, *_gradient_variables(text, suffix, notation, inference)):
        spelling = guess.latex[0] if guess.latex else guess.name
        token = _base(spelling)
        if token is None or token not in written:
            continue
        guesses[spelling] = guess
        candidates[spelling] = [
            name for name in unused
            if (name in notation.symbols and _symbol_fits(guess, notation.symbols[name], loose))
            or (name in notation.definitions and
                _definition_fits(guess, notation.definitions[name], notation, loose))]
    # A name the submission defines itself (inference leaves it untyped): a definition only.
    for spelling, guess in _chain_defined(split_document(text, suffix), notation).items():
        if spelling in guesses or spelling not in {a.latex for a in inference.ambiguities}:
            continue
        names = [name for name in unused if name in notation.definitions and
                 _definition_fits(guess, notation.definitions[name], notation, loose)]
        if names:   # else a helper of the student's own: left as inference says (below)
            guesses[spelling], candidates[spelling] = guess, names
    claimed: dict[str, list[str]] = {}
    for spelling, names in candidates.items():
        for name in names:
            claimed.setdefault(name, []).append(spelling)
    mapped: list[Mapped] = []
    unmapped: list[Unmapped] = []
    for spelling, names in candidates.items():
        lines = _lines_using(chains, _base(spelling) or spelling)
        if len(names) == 1 and claimed[names[0]] == [spelling]:
            mapped.append(Mapped(spelling, names[0], unused[names[0]], lines,
                                 names[0] in notation.definitions))
        elif not names:
            unmapped.append(Unmapped(spelling, lines, "no name of the assignment of its kind "
                                     "and shape is left unused to read it as"))
        elif len(names) > 1:
            shown = " or ".join(f"${unused[n]}$" for n in names)
            unmapped.append(Unmapped(spelling, lines, f"it could be {shown}: the mapping is "
                                     "not unique"))
        else:
            others = ", ".join(f"${s}$" for s in claimed[names[0]] if s != spelling)
            unmapped.append(Unmapped(spelling, lines, f"it and {others} could each be "
                                     f"${unused[names[0]]}$: the mapping is not unique"))
    for ambiguity in inference.ambiguities:
        if _base(ambiguity.latex) in written and ambiguity.latex not in guesses:
            lines = _lines_using(chains, _base(ambiguity.latex) or ambiguity.latex)
            unmapped.append(Unmapped(ambiguity.latex, lines,
                                     f"its kind cannot be told ({ambiguity.why})"))
    return NameMapping(tuple(mapped), tuple(unmapped))


def _chain_defined(chains: Sequence[RawChain], notation: Notation) -> dict[str, SymbolGuess]:
    r"""Names that start a chain alone (``\hat{p}_{ik} = ...``, ``\ell = ...``), each with the
    sizes of its subscripts, all index letters of the notation (else it is left alone)."""
    found: dict[str, SymbolGuess] = {}
    for chain in chains:
        if len(chain.steps) < 2:
            continue
        match = _DEFINED.fullmatch(re.sub(r"\s+", "", normalize(chain.steps[0].text)))
        if match is None:
            continue
        letters = [c for c in (match.group(2) or match.group(3) or "") if c.isalpha()]
        sizes = tuple(notation.indices.get(letter, "") for letter in letters)
        if "" in sizes or len(set(letters)) < len(letters):
            continue
        found.setdefault(match.group(1), SymbolGuess(
            match.group(1).lstrip("\\"), sizes, (), (match.group(1),),
            f"{match.group(1)} starts the chain on line {chain.line}"))
    return found


def _names_in(expression: sp.Basic) -> set[str]:
    return {s.name for s in expression.atoms(sp.Symbol)} | \
        {b.label.name for b in expression.atoms(sp.IndexedBase)}


def _alone(expression: sp.Basic, definition: Definition, notation: Notation) -> bool:
    """The defined name by itself: ``p[a, b]`` over distinct index letters (not a size nor a
    number: ``p_{NK}`` defines one entry only), or ``L``."""
    if definition.style == "constant":
        return isinstance(expression, sp.Symbol) and expression.name == definition.name
    return isinstance(expression, sp.Indexed) and \
        expression.base.label.name == definition.name and \
        len(expression.indices) == len(definition.params) and \
        len(set(expression.indices)) == len(expression.indices) and \
        all(isinstance(index, sp.Symbol) and index.name in notation.indices
            for index in expression.indices)


def defining_pairs(document: Document, item: Mapped,
                   notation: Notation) -> list[tuple[Chain, Step, Step]]:
    """The lines of ``document`` (read with ``item`` mapped) that define the mapped name: one
    side the name alone (its spelling now reads as the assignment's name), the side next to
    it free of the name.  Where the engine finds the two equal, the student's name *is* the
    assignment's definition, in the student's own words."""
    definition = notation.definitions[item.name]
    found = []
    # A chain restricted to some indices (k != j) defines the name there only: not a definition.
    for chain in (c for c in document.chains if not c.where):
        read = [step for step in chain.steps if step.readable]
        for before, after in pairwise(read):
            assert before.expr is not None and after.expr is not None
            for side, other in ((before.expr, after.expr), (after.expr, before.expr)):
                if _alone(side, definition, notation) and item.name not in _names_in(other):
                    found.append((chain, before, after))
                    break
    return found


def refused(item: Mapped, why: str) -> Unmapped:
    """A proposed mapping onto a definition that the submission does not bear out."""
    return Unmapped(item.spelling, item.lines, f"it would be read as the assignment's "
                    f"definition ${item.shown}$, which needs a line of the submission defining "
                    f"it so, and {why}: a step true of ${item.shown}$ may be false of what "
                    "the student means by it")


def _gradient_variables(text: str, suffix: str, notation: Notation,
                        inference: Inference) -> list[SymbolGuess]:
    r"""Names the inference leaves untyped that the submission differentiates by, as
    ``\nabla_{\theta_j}`` (a gradient: by a vector, of a family over the size of ``j``); only
    one subscript, an index letter the notation declares, a name it does not declare, and no
    other reading of the name."""
    typed = {g.latex[0] if g.latex else g.name for g in inference.symbols} | \
        {a.latex for a in inference.ambiguities} | set(declared_of(notation).spellings)
    found: dict[str, set[str]] = {}
    for chain in split_document(text, suffix):
        for step in chain.steps:
            for name, letter in _GRADIENT.findall(normalize(step.text)):
                found.setdefault(name, set()).add(notation.indices.get(letter, ""))
    loose = "a length"   # no size of the notation: any length fits (see _axes_fit)
    return [SymbolGuess(name.lstrip("\\"), (sizes.pop(),), (loose,), (name,),
                        f"{name} is differentiated by")
            for name, sizes in found.items()
            if name not in typed and len(sizes) == 1 and "" not in sizes]


def with_spellings(notation: Notation, mapped: Sequence[Mapped]) -> Notation:
    """The assignment's notation with each mapped spelling added to its name's, after the
    assignment's own (the first spelling is the one readings and messages show)."""
    extra: dict[str, list[str]] = {}
    for item in mapped:
        extra.setdefault(item.name, []).append(item.spelling)
    symbols = {name: replace(decl, latex=(*_spellings(name, decl.latex), *extra[name]))
               if name in extra else decl for name, decl in notation.symbols.items()}
    definitions = {name: replace(d, latex=(*_spellings(name, d.latex), *extra[name]))
                   if name in extra else d for name, d in notation.definitions.items()}
    return Notation(notation.sizes, notation.indices, symbols, definitions,
                    notation.assumptions)
