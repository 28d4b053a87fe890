"""The LaTeX/Markdown front end: a ``.tex`` or ``.md`` file -> a :class:`verify.model.Document`.

Composes :mod:`verify.header` (notation), :mod:`verify.source` (chains of raw steps) and
:mod:`verify.latex` (each step's expression).  Never raises for bad input: a document-level
problem goes on ``Document.problems``, a step that cannot be read is ``Step(expr=None,
problem=...)`` with its file, line and label.
"""

from __future__ import annotations

import re
from pathlib import Path

import sympy as sp

from verify import expr as E
from verify.errors import Location
from verify.header import Header, empty_notation, read_header
from verify.latex import parse_step
from verify.model import Chain, Document, Step
from verify.names import Lexicon, build_lexicon
from verify.notation import Notation
from verify.source import MAX_DOCUMENT_CHARS, RawChain, RawStep, split_document

SUFFIXES = (".tex", ".md", ".markdown")


def read_latex_document(path: Path, base_notation: Notation | None = None,
                        display_path: str | None = None) -> Document:
    """Read a LaTeX or Markdown derivation."""
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
        if len(data) > MAX_DOCUMENT_CHARS:
            raise ValueError(f"file larger than {MAX_DOCUMENT_CHARS} bytes")
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return Document(shown, path.stem, base_notation or empty_notation(), (),
                        problems=(f"{shown}: cannot read: {error}",))
    return document_from_text(text, path, base_notation, shown)


def document_from_text(text: str, path: Path, base_notation: Notation | None = None,
                       shown: str | None = None) -> Document:
    """The same as :func:`read_latex_document` for text already in memory."""
    shown = shown or str(path)
    header = read_header(text.replace("\r\n", "\n"), path, shown, base_notation)
    lexicon = build_lexicon(header.notation)
    problems = list(header.problems) + [f"{shown}: {p}" for p in lexicon.problems]
    suffix = ".tex" if path.suffix.lower() == ".tex" else ".md"
    raw_chains = split_document(header.body, suffix)
    if not raw_chains:
        problems.append(f"{shown}: no display math found")
    chains = tuple(_chain(raw, number, header, lexicon, shown)
                   for number, raw in enumerate(raw_chains, 1))
    return Document(shown, header.title or path.stem, header.notation, chains,
                    source=header.source or "", problems=tuple(problems))


def _chain(raw: RawChain, number: int, header: Header, lexicon: Lexicon,
           shown: str) -> Chain:
    steps: list[Step] = []
    target: sp.Expr | None = None
    notes: list[str] = []
    for position, raw_step in enumerate(raw.steps):
        step = _step(raw_step, header, lexicon, shown, target)
        if position == 0 and isinstance(step.expr, E.Deriv):
            target = step.expr.args[1]  # what a later (...)' differentiates by
        if raw_step.relation == ":=":
            notes.append(f"line {raw_step.line}: ':=' defines the step before it")
        steps.append(step)
    return Chain(f"chain {number} (line {raw.line})", tuple(steps), note="; ".join(notes))


def _step(raw: RawStep, header: Header, lexicon: Lexicon, shown: str,
          prime_target: sp.Expr | None) -> Step:
    location = Location(shown, raw.line, raw.label)
    origin = None
    if header.source:
        origin = Location(header.source, raw.line - header.header_lines, raw.label)
    parsed = parse_step(raw.text, header.notation, lexicon, prime_target)
    note = raw.note
    if parsed.expr is not None and prime_target is not None and re.search(r"[)\]]\s*'",
                                                                          raw.text):
        note = _join(note, f"(...)' read as the derivative by {prime_target}")
    problem = f"{location}: {parsed.problem}" if parsed.problem else None
    return Step(location, raw.text, parsed.expr, problem=problem, note=note,
                subclaims=parsed.subclaims, origin=origin)


def _join(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second
