r"""The notation header of a LaTeX or Markdown document.

* Markdown: YAML front matter, ``---`` on the first line up to the next ``---`` (or ``...``).
* TeX: a comment block, lines starting with ``%`` between ``% verify-notation:`` and
  ``% end-verify-notation``; and/or a sidecar file ``<name>.notation.yaml`` next to it (read
  only inside the document's folder: :func:`verify.read.files.read_sidecar`).

The mapping is an encoding's ``notation:`` mapping (:mod:`verify.model.notation`), plus four
optional keys taken out first: ``title``, ``source`` (the original the document copies, e.g. a
seed), ``infer`` (``true``: infer what the header leaves undeclared, :mod:`verify.read.inferred`)
and ``sections``: parts of the document with notation of their own, as an encoding's
chains may have (a binary-logistic aside in a softmax lecture redefines ``h`` and ``y^{(i)}``)::

    sections:
      - lines: [386, 392]     # lines of `source` when it is given, else of this file
        note: binary logistic regression
        notation: {symbols: {yb: {family: [N], latex: ['y^{(i)}']}}, definitions: {...}}
      - lines: [7, 7]
        where: ["k != j"]     # the chain holds under these conditions ("Case 1: k != j")

A chain whose first step stands on one of those lines is read with the section's notation,
which extends the document's (its spellings shadow the document's inside the section), and
checked under the section's conditions, as an encoding's chain with ``where``; a chain that
goes on into a section's lines (a case block starting with ``=``) is cut there, and its steps
inside go on from the chain's first line under the section (:mod:`verify.read.latex.document`).

A case announced in prose and nothing else just before a display block (``If $i=j$,``, ``Case
2: $k \neq i$.``) is a section of that block too, when its condition relates two declared
indices (:func:`case_section`); a section of the header on the same lines wins.
Layers, each extending the one before: ``base_notation`` (an assignment shared by many
documents), the sidecar, the in-document header.

The header's lines are blanked (not removed) so every line number in the body stays the file's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy as sp

from verify.core.errors import FileRefused, InputError, Location
from verify.core.limits import HEADER_CHARS
from verify.model.notation import DEFAULT_SIZES, Notation
from verify.read.dsl import Scope, parse_condition
from verify.read.encoding import load_yaml, strip_line_marks
from verify.read.files import read_sidecar, sidecar_path
from verify.read.notation import parse_notation

_TEX_START = re.compile(r"^[ \t]*%[ \t]*verify-notation:[ \t]*$", re.M)
_TEX_END = re.compile(r"^[ \t]*%[ \t]*end-verify-notation[ \t]*$", re.M)
_SECTION_KEYS = {"lines", "note", "notation", "where"}
# The condition of a case announced in prose: two index letters, = or a negated =.
_CASE_CONDITION = re.compile(r"^\s*([A-Za-z])\s*(=|\\neq?(?![A-Za-z])|\\not\s*=|!=|\u2260)"
                             r"\s*([A-Za-z])\s*$")


@dataclass(frozen=True)
class Section:
    """Lines ``first..last`` (of the source when given) read with their own notation."""

    first: int
    last: int
    notation: Notation | None       # None: the document's (the section only adds 'where')
    names: frozenset[str]           # the names the section declares itself
    note: str = ""
    where: tuple[sp.Basic, ...] = ()   # conditions on free indices ("k != j"), as parsed
    where_text: tuple[str, ...] = ()


@dataclass(frozen=True)
class Header:
    notation: Notation
    body: str                       # the document with its header blanked
    title: str | None = None
    source: str | None = None
    header_lines: int = 0           # lines the header takes at the top (front matter)
    problems: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    # The first error of a notation header that was written but could not be read: every
    # step's refusal then says so, instead of naming declared symbols as undeclared.
    broken: str | None = None
    # ``infer: true``: the header declares part of the notation and asks for the rest to be
    # inferred from the document (verify.read.inferred).
    infer: bool = False

    def section_at(self, line: int) -> Section | None:
        """The section holding ``line`` (a line of the source when one is given)."""
        return next((s for s in self.sections if s.first <= line <= s.last), None)


def empty_notation() -> Notation:
    return Notation(dict(DEFAULT_SIZES), {}, {}, {})


def _front_matter(text: str) -> tuple[str | None, str, int]:
    """``(yaml text, body, header line count)`` of Markdown front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 0
    for n, line in enumerate(lines[1:], 1):
        if line.strip() in ("---", "..."):
            body = "\n" * (n + 1) + "\n".join(lines[n + 1:])
            return "\n".join(lines[1:n]), body, n + 1
    return None, text, 0


def _tex_block(text: str) -> tuple[str | None, int]:
    """``(yaml text, first line)`` of a ``% verify-notation:`` comment block."""
    start = _TEX_START.search(text)
    if start is None:
        return None, 0
    end = _TEX_END.search(text, start.end())
    block = text[start.end():end.start() if end else len(text)]
    lines = [re.sub(r"^[ \t]*%[ ]?", "", line) for line in block.split("\n")]
    return "\n".join(lines), text.count("\n", 0, start.start()) + 2


def _load(text: str, where: Location) -> Mapping[str, Any]:
    if len(text) > HEADER_CHARS:
        raise InputError(f"notation header longer than {HEADER_CHARS} characters", where)
    raw = strip_line_marks(load_yaml(text, where.path, where.line))
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InputError("the notation header must be a mapping", where)
    return raw


def read_header(text: str, path: Path, shown: str,
                base_notation: Notation | None = None, inferred_sections: str = "") -> Header:
    """The document's notation and its body; problems are collected, never raised.
    ``inferred_sections``: YAML ``sections: [...]`` read before the document's own layers (an
    inferred header's, whose notation is ``base_notation``)."""
    problems: list[str] = []
    notation = base_notation
    layers: list[tuple[str, Location]] = \
        [(inferred_sections, Location(shown, 1))] if inferred_sections else []
    sidecar = sidecar_path(path)
    try:
        data = read_sidecar(path)   # a link out of the document's folder is refused
        if data is not None:
            layers.append((data.decode("utf-8"), Location(str(sidecar), 1)))
    except FileRefused as error:
        problems.append(f"{sidecar}: not read: {error}")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{sidecar}: cannot read: {error}")
    body, header_lines = text, 0
    if path.suffix.lower() == ".tex":
        block, line = _tex_block(text)
        if block is not None:
            layers.append((block, Location(shown, line)))
    else:
        front, body, header_lines = _front_matter(text)
        if front is not None:
            layers.append((front, Location(shown, 2)))
    title = source = None
    infer = False
    broken: str | None = None
    raw_sections: list[tuple[Any, Location]] = []
    for layer, where in layers:
        try:
            raw = dict(_load(layer, where))
            title = str(raw.pop("title", title)) if "title" in raw else title
            source = str(raw.pop("source", source)) if "source" in raw else source
            raw_sections.extend((item, where) for item in raw.pop("sections", None) or [])
            if "infer" in raw:
                asked = raw.pop("infer")
                if not isinstance(asked, bool):
                    raise InputError(f"'infer' must be true or false, got {asked!r}", where)
                infer = asked
            notation = parse_notation(raw, where, base=notation)
        except InputError as error:
            message = _at_its_line(error, layer, where)
            problems.append(message)
            broken = broken or message
    if notation is None:
        notation = empty_notation()
        if not problems:
            problems.append(f"{shown}: no notation declared (front matter, a "
                            "'% verify-notation:' block or a .notation.yaml sidecar); every "
                            "name will be undeclared")
    sections = []
    for item, where in raw_sections:
        try:
            sections.append(_section(item, notation, where))
        except InputError as error:
            problems.append(str(error))
    return Header(notation, body, title, source, header_lines, tuple(problems),
                  tuple(sections), broken, infer)


def _at_its_line(error: InputError, layer: str, where: Location) -> str:
    """The error with the line of the header it is about: the first line holding a text the
    message quotes (a definition's body, a symbol's name), else the header's first line."""
    if error.location is None or error.location.line != where.line or where.line is None:
        return str(error)
    lines = layer.splitlines()
    for quoted in re.findall(r"'([^'\n]+)'", error.message):
        key = re.compile(r"^\s*" + re.escape(quoted) + r"\s*:") if quoted.isidentifier() else None
        found = [n for n, line in enumerate(lines) if key is not None and key.match(line)] or \
            [n for n, line in enumerate(lines) if len(quoted) > 1 and quoted in line]
        if found:
            return f"{Location(where.path, where.line + found[0])}: {error.message}"
    return str(error)


def _section(raw: Any, notation: Notation, where: Location) -> Section:
    if not isinstance(raw, Mapping) or set(raw) - _SECTION_KEYS:
        raise InputError(f"a section is a mapping of {sorted(_SECTION_KEYS)}", where)
    lines = raw.get("lines")
    if not (isinstance(lines, list) and len(lines) == 2 and
            all(isinstance(n, int) and not isinstance(n, bool) for n in lines) and
            lines[0] <= lines[1]):
        raise InputError(f"section 'lines' must be [first, last], got {lines!r}", where)
    own = raw.get("notation") or {}
    if not isinstance(own, Mapping):
        raise InputError("a section's 'notation' must be a mapping", where)
    names = frozenset(str(n) for key in ("symbols", "definitions")
                      for n in (own.get(key) or {}))
    section_notation = parse_notation(own, where, base=notation) if own else notation
    texts = raw.get("where") or []
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise InputError("a section's 'where' must be a list of conditions like 'k != j'",
                         where)
    scope = Scope.for_document(section_notation)
    conditions = tuple(parse_condition(text, scope, where) for text in texts)
    return Section(lines[0], lines[1], section_notation if own else None, names,
                   str(raw.get("note", "")), conditions, tuple(texts))


def case_section(latex: str, first: int, last: int, notation: Notation) -> Section | None:
    r"""The section of a display block announced in prose as a case (``If $i=j$,``): the
    block's lines, checked under the condition ``latex`` (``i=j``, ``i \neq j``, ``i \ne j``).
    None when the condition is not two declared indices related by ``=`` or ``\neq``: the
    reader cannot use it."""
    match = _CASE_CONDITION.match(latex)
    if match is None:
        return None
    left, sign, right = match.groups()
    if left == right or any(notation.kind_of(name) != "index" for name in (left, right)):
        return None
    text = f"{left} {'==' if sign == '=' else '!='} {right}"
    try:
        condition = parse_condition(text, Scope.for_document(notation), Location("", first))
    except InputError:
        return None
    return Section(first, last, None, frozenset(), f"If ${latex}$, the prose before line {first}",
                   (condition,), (text,))
