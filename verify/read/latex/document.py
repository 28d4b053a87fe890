"""The LaTeX/Markdown front end: a ``.tex`` or ``.md`` file -> a
:class:`verify.model.document.Document`.

Composes :mod:`verify.read.header` (notation, sections), :mod:`verify.read.latex.source` (chains of
raw
steps) and :mod:`verify.read.latex.step` (each step's expression).  Here, what needs a whole chain:
the
variable a later ``(...)'`` differentiates by, a section's own notation and conditions, and
definitions written in prose (``\text{Let } X \text{ be } Y``).  Never raises for bad input:
a document-level problem goes on ``Document.problems``, a step that cannot be read is
``Step(expr=None, problem=...)`` with its file, line and label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from verify.core.errors import LatexProblem, Location
from verify.core.limits import DOCUMENT_CHARS, DOCUMENT_STEPS
from verify.model import expr as E
from verify.model.document import SETS_ZERO, Chain, Document, Step
from verify.model.notation import Notation
from verify.read.header import Header, Section, case_section, empty_notation, read_header
from verify.read.latex.differentials import attach_increments
from verify.read.latex.macros import Macros, expand, find_macros
from verify.read.latex.names import Lexicon, build_lexicon
from verify.read.latex.source import (
    RawChain,
    RawStep,
    clean_note,
    hide_non_math,
    plain_text,
    split_document,
)
from verify.read.latex.step import derivative_variable, parse_step

# A definition written in prose inside one display: "\text{Let } X \text{ be } Y \text{...}".
_LET = re.compile(r"^\s*\\text\s*\{\s*Let\s*\}\s*(?P<name>.+?)\s*\\text\s*\{\s*be\s*\}\s*"
                  r"(?P<value>.+?)\s*(?:\\text\s*\{(?P<note>[^{}]*)\}\s*)?$", re.S)


def read_latex_document(path: Path, base_notation: Notation | None = None,
                        display_path: str | None = None) -> Document:
    """Read a LaTeX or Markdown derivation."""
    shown = display_path or str(path)
    text, problem = source_text(path, shown)
    if text is None:
        return Document(shown, path.stem, base_notation or empty_notation(), (),
                        problems=(problem,))
    return document_from_text(text, path, base_notation, shown)


def source_text(path: Path, shown: str) -> tuple[str | None, str]:
    """A document's text, bounded (``DOCUMENT_CHARS``) and UTF-8, or None and the problem in
    the words of an input error."""
    try:
        data = path.read_bytes()
        if len(data) > DOCUMENT_CHARS:
            raise ValueError(f"file larger than {DOCUMENT_CHARS} bytes")
        return data.decode("utf-8"), ""
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return None, f"{shown}: cannot read: {error}"


def document_from_text(text: str, path: Path, base_notation: Notation | None = None,
                       shown: str | None = None, sections: str = "") -> Document:
    """The same as :func:`read_latex_document` for text already in memory (``sections``: an
    inferred header's, see :func:`verify.read.header.read_header`)."""
    shown = shown or str(path)
    header = read_header(plain_text(text), path, shown, base_notation, sections)
    lexicon = build_lexicon(header.notation)
    problems = list(header.problems) + [f"{shown}: {p}" for p in lexicon.problems]
    readers = {id(section): _Reader(section.notation, build_lexicon(section.notation,
                                                                    section.names), section)
               if section.notation is not None else _Reader(header.notation, lexicon, section)
               for section in header.sections}
    for reader in readers.values():
        problems.extend(f"{shown}: {p}" for p in reader.lexicon.problems
                        if f"{shown}: {p}" not in problems)
    suffix = ".tex" if path.suffix.lower() == ".tex" else ".md"
    macros, body = find_macros(header.body)
    problems.extend(f"{shown}: {p}" for p in macros.problems)
    raw_chains = split_document(body, suffix)
    steps = sum(len(raw.steps) for raw in raw_chains)
    if steps > DOCUMENT_STEPS:
        problems.append(f"{shown}: {steps} steps, more than the {DOCUMENT_STEPS} one document "
                        "may have: not read (split it into several documents)")
        raw_chains = ()
    elif not raw_chains:
        problems.append(f"{shown}: no display math found")
    cases = _cases(raw_chains, header)
    for case in cases.values():
        if case.section is not None:
            within = readers.get(id(case.within)) if case.within is not None else None
            readers[id(case.section)] = _Reader(within.notation, within.lexicon, case.section) \
                if within is not None else _Reader(header.notation, lexicon, case.section)
    convention = _summation_convention(body, suffix)
    chains = []
    for number, raw in enumerate(raw_chains, 1):
        for part, piece in enumerate(_by_section(raw, header, cases)):
            section = piece.section
            reader = readers[id(section)] if section else _Reader(header.notation, lexicon)
            chain = _chain(piece.raw, number, header, reader, shown, macros)
            if convention:
                chain = _summed_by_convention(chain, reader.notation, convention)
            if part and piece.alone:
                chain = replace(chain, name=f"{chain.name}, part {part + 1}", note="; ".join(
                    n for n in (f"the block of line {piece.raw.line} goes on from chain "
                                f"{number} with '=' after the prose '{piece.case}', a case "
                                "the reader cannot use: checked within itself, from its first "
                                "row (declare the case as a section with 'where' to check it "
                                "against the chain)", chain.note) if n))
            elif part:
                # A case split ('If i = j: = A. If i != j: = B'): each case goes on from the
                # chain's first line under its own section, never from the other case.
                chain = replace(chain, name=f"{chain.name}, part {part + 1}", note="; ".join(
                    n for n in (f"continues chain {number} from its first line "
                                f"(line {raw.line}) under the section of line "
                                f"{piece.raw.steps[1].line}", chain.note) if n))
            chains.append(chain)
    return Document(shown, header.title or path.stem, header.notation,
                    attach_increments(chains, header.notation),
                    source=header.source or "", problems=tuple(problems))


@dataclass(frozen=True)
class _Case:
    """A case announced in prose before a block (``If $i=j$,``) and the section it makes
    (None when its condition is not one the reader can use)."""

    text: str
    section: Section | None
    # the header's section the case stands in (its section then reads under that one's
    # notation, with both conditions)
    within: Section | None = None


@dataclass(frozen=True)
class _Part:
    """A piece of a chain read under one section (or none)."""

    section: Section | None
    raw: RawChain
    alone: bool = False   # a block under a case the reader cannot use: checked within itself
    case: str = ""


def _cases(raw_chains: tuple[RawChain, ...], header: Header) -> dict[tuple[int, str], _Case]:
    """The cases announced in prose, by (line of their block, condition), each over the lines
    of the steps it holds."""
    lines: dict[tuple[int, str], list[int]] = {}
    for raw in raw_chains:
        for step in raw.steps:
            if step.case:
                lines.setdefault((step.case_line, step.case), []).append(step.line)
    cases = {}
    for key, found in lines.items():
        first, last = min(key[0], *found), max(found)
        within = header.section_at(_source_line(first, header))
        # (a section with conditions of its own says what holds there: it wins, as written)
        if within is not None and (within.where or
                                   within is not header.section_at(_source_line(last, header))):
            within = None
        notation = within.notation if within is not None and within.notation is not None \
            else header.notation
        section = case_section(key[1], first, last, notation)
        if within is not None and section is not None:
            section = replace(section, notation=within.notation, names=within.names,
                              note=f"{within.note}; {section.note}" if within.note
                              else section.note, where=(*within.where, *section.where),
                              where_text=(*within.where_text, *section.where_text))
        cases[key] = _Case("Otherwise" if key[1] == "\\text{otherwise}" else f"If ${key[1]}$",
                           section, within if section is not None else None)
    return cases


def _place(step: RawStep, header: Header,
           cases: dict[tuple[int, str], _Case]) -> tuple[object, Section | None, _Case | None]:
    """Where a step stands: a section of the header, else a case announced in prose."""
    section = header.section_at(_source_line(step.line, header))
    if section is not None and step.case:
        case = cases[(step.case_line, step.case)]
        if case.within is section:     # a case inside the section: both hold there
            return ("case", step.case_line, step.case), case.section, case
    if section is not None:
        return ("header", id(section)), section, None
    if step.case:
        case = cases[(step.case_line, step.case)]
        return ("case", step.case_line, step.case), case.section, case
    return None, None, None


def _by_section(raw: RawChain, header: Header,
                cases: dict[tuple[int, str], _Case]) -> list[_Part]:
    """The chain cut where its steps enter another section (a block continuing the chain
    with ``=`` may stand in a section with conditions of its own, or under a case its prose
    announces).  Every part after the first starts again from the chain's first line, read
    under the part's section; a part under a case whose condition cannot be used is checked
    within itself, from its own first row (never against the chain for every index value)."""
    groups: list[tuple[object, Section | None, _Case | None, list[RawStep]]] = []
    for step in raw.steps:
        key, section, case = _place(step, header, cases)
        if not groups or key != groups[-1][0]:
            groups.append((key, section, case, []))
        groups[-1][3].append(step)
    if len(groups) <= 1:
        return [_Part(groups[0][1] if groups else None, raw)]
    first = replace(raw.steps[0], relation="")
    cut = [_Part(groups[0][1], RawChain(tuple(groups[0][3]), raw.line))]
    for _, section, case, steps in groups[1:]:
        if case is not None and case.section is None:
            alone = (replace(steps[0], relation=""), *steps[1:])
            cut.append(_Part(None, RawChain(alone, steps[0].line), True, case.text))
        else:
            cut.append(_Part(section, RawChain((first, *steps), raw.line)))
    return cut


@dataclass(frozen=True)
class _Reader:
    """The notation a chain is read with: the document's, or its section's."""

    notation: Notation
    lexicon: Lexicon
    section: Section | None = None


def _source_line(line: int, header: Header) -> int:
    """A line of the document as a line of its source (the header's lines subtracted)."""
    return line - header.header_lines if header.source else line


def _chain(raw: RawChain, number: int, header: Header, reader: _Reader, shown: str,
           macros: Macros) -> Chain:
    steps: list[Step] = []
    target: sp.Expr | None = None
    notes: list[str] = []
    for raw_step in _expand_prose_definitions(raw.steps):
        step = _step(raw_step, header, reader, shown, target, macros)
        if not steps:
            target = _chain_variable(step, raw_step, reader, macros)
        if raw_step.relation == ":=":
            notes.append(f"line {raw_step.line}: ':=' defines the step before it")
        steps.append(step)
    section = reader.section
    if section is not None:
        what = "the notation" if section.notation is not None else "the conditions"
        notes.insert(0, f"read with {what} of lines {section.first}-{section.last}"
                     + (f" ({section.note})" if section.note else ""))
    if section is None:
        return Chain(f"chain {number} (line {raw.line})", tuple(steps), note="; ".join(notes))
    return Chain(f"chain {number} (line {raw.line})", tuple(steps), section.where,
                 section.where_text, section.notation, "; ".join(notes))


# The words that say a document sums repeated indices without writing the sum
_CONVENTION = re.compile(r"\b(?:(?:repeated[- ]ind(?:ex|ices)|Einstein(?:'s)?|implicit)\s+"
                         r"summation|summation\s+convention|repeated\s+ind(?:ex|ices)\s+(?:are|is)"
                         r"\s+summed)", re.I)


def _summation_convention(body: str, suffix: str) -> str:
    """Where the document's words say repeated indices are summed ('we use repeated-index
    summation notation'): the line and the words, or ''."""
    prose = hide_non_math(body[:DOCUMENT_CHARS], suffix)
    found = _CONVENTION.search(prose)
    if found is None:
        return ""
    return f"line {body.count(chr(10), 0, found.start()) + 1}: '{found.group(0)}'"


def _free_letters(expr: sp.Basic, notation: Notation) -> frozenset[str]:
    """The index letters free in ``expr`` (not bound by a sum, a vec or a mat)."""
    if isinstance(expr, sp.Sum):
        bound = {limit[0] for limit in expr.limits}
        return _free_letters(expr.function, notation) - {str(b) for b in bound} | \
            frozenset().union(*(_free_letters(x, notation) for lim in expr.limits
                                for x in lim[1:]))
    if isinstance(expr, (E.VecOf, E.MatOf)):
        bound = {str(a) for a in expr.args[1::3]}
        return frozenset().union(*(_free_letters(a, notation) for a in expr.args)) - bound
    if isinstance(expr, sp.Symbol):
        return frozenset({expr.name}) if expr.name in notation.indices else frozenset()
    return frozenset().union(frozenset(), *(_free_letters(a, notation) for a in expr.args))


def _summed_by_convention(chain: Chain, notation: Notation, convention: str) -> Chain:
    """Under the summation convention a step whose index letters the other steps of its
    chain do not have free (z^T H z = z_i h_{ij} z_j) sums them without saying so: read with
    free indices it would claim another thing, so it is refused, with the words that say so."""
    notation = chain.notation or notation
    free = [(step, _free_letters(step.expr, notation)) for step in chain.steps
            if step.expr is not None]
    if len({letters for _, letters in free}) < 2:
        return chain
    common = frozenset.intersection(*(letters for _, letters in free))
    steps = []
    for step in chain.steps:
        extra = sorted(_free_letters(step.expr, notation) - common) \
            if step.expr is not None else []
        if extra:
            step = replace(step, expr=None, subclaims=(), problem=(
                f"{step.location}: the document sums repeated indices without writing the sum "
                f"({convention}), and {', '.join(extra)} stand(s) here with no sum: write the "
                "sums to have the step checked"))
        steps.append(step)
    return replace(chain, steps=tuple(steps))


def _chain_variable(first: Step, raw: RawStep, reader: _Reader,
                    macros: Macros) -> sp.Expr | None:
    """What a later ``(...)'`` differentiates by: the first step's derivative variable, read
    from the step, or from its denominator alone when the rest cannot be read."""
    if isinstance(first.expr, E.Deriv):
        return first.expr.args[1]
    if first.expr is None:
        try:
            text = expand(raw.text, macros.at(raw.line))
        except LatexProblem:
            return None
        return derivative_variable(text, reader.notation, reader.lexicon)
    return None


def _expand_prose_definitions(steps: tuple[RawStep, ...]) -> list[RawStep]:
    r"""``\text{Let } X \text{ be } Y \text{ as defined ...}`` -> the steps ``X`` and
    ``Y`` (``X := Y``), the trailing words as the note.  Whether ``X`` is a declared definition
    is checked when the step is read (:func:`_step`)."""
    expanded: list[RawStep] = []
    for raw in steps:
        match = _LET.match(raw.text)
        if match is None:
            expanded.append(raw)
            continue
        note = clean_note(match.group("note") or "")
        expanded.append(RawStep(match.group("name"), raw.line, raw.label, raw.note,
                                raw.relation, defines=True))
        expanded.append(RawStep(match.group("value"), raw.line, raw.label,
                                _join(note, "'Let ... be': a definition"), ":="))
    return expanded


def _step(raw: RawStep, header: Header, reader: _Reader, shown: str,
          prime_target: sp.Expr | None, macros: Macros) -> Step:
    location = Location(shown, raw.line, raw.label)
    origin = None
    if header.source:
        origin = Location(header.source, _source_line(raw.line, header), raw.label)
    try:
        # The document's own macros, expanded; the step keeps its LaTeX as written.
        text = expand(raw.text, macros.at(raw.line))
    except LatexProblem as refused:
        return Step(location, raw.text, None, problem=f"{location}: {refused.why} at "
                    f"'{refused.token}'", note=raw.note, origin=origin)
    try:
        parsed = parse_step(text, reader.notation, reader.lexicon, prime_target)
    except MemoryError:
        raise
    except Exception as error:
        # The reader turns every problem of the text into ``parsed.problem``: anything it
        # raises is a bug of ours, which must not be blamed on the line (nor stop the rest).
        from verify.core.errors import internal_error
        message = internal_error("reading", error)
        return Step(location, raw.text, None, problem=f"{location}: {message}", note=raw.note,
                    origin=origin, internal_error=message)
    note = raw.note
    problem = f"{location}: {parsed.problem}" if parsed.problem else None
    if problem is not None and header.broken is not None:
        # One report of a broken header, not a cascade of "undeclared symbol" for the names
        # it declares: the step is read again once the header is fixed.
        problem = (f"{location}: the notation header is broken ({header.broken}); fix it "
                   "and this line is read again")
    if raw.defines and parsed.expr is not None and \
            not _is_definition(parsed.expr, reader.notation):
        problem = (f"{location}: a definition in prose ('Let {raw.text} be ...') of a name the "
                   "notation does not define (declare it under 'definitions')")
        return Step(location, raw.text, None, problem=problem, note=note, origin=origin)
    if parsed.expr is not None and prime_target is not None and re.search(r"[)\]]\s*'",
                                                                          raw.text):
        note = _join(note, f"(...)' read as the derivative by {prime_target}")
    return Step(location, raw.text, parsed.expr, problem=problem, note=note,
                subclaims=parsed.subclaims, origin=origin,
                **_solving(raw, parsed.expr), **_stated(raw, reader.notation))


def _stated(raw: RawStep, notation: Notation) -> dict[str, Any]:
    """The inequality the prose before the step's block states in passing, as a condition on
    two declared indices (the reader's reading of a case); nothing when it names none."""
    section = case_section(raw.stated, raw.line, raw.line, notation) if raw.stated else None
    if section is None:
        return {}
    return {"stated": section.where, "stated_text": raw.stated}


def _solving(raw: RawStep, expr: sp.Expr | None) -> dict[str, Any]:
    """The step's place in the equations the document solves; a side the splitter took for
    a 0 ending its equation is one only when it reads as 0."""
    if not raw.solves or (raw.solves.startswith(SETS_ZERO) and expr != 0):
        return {}
    return {"solves": raw.solves, "solves_line": raw.solves_line}


def _is_definition(expr: sp.Expr, notation: Notation) -> bool:
    """Whether ``expr`` is exactly one defined name (a constant, a member, a call)."""
    if isinstance(expr, sp.Symbol):
        return expr.name in notation.definitions
    if isinstance(expr, sp.Indexed):
        return str(expr.base.label) in notation.definitions
    if isinstance(expr, AppliedUndef):
        return expr.func.__name__ in notation.definitions
    return False


def _join(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second
