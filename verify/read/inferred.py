r"""Reading a LaTeX or Markdown document under an inferred notation (issue 14).

A document without a notation header is read under the notation :mod:`verify.read.infer`
proposes for it; a document whose header says ``infer: true`` is read under its header
extended by what inference adds.  The inferred notation is exactly the header ``python -m
verify infer FILE`` prints (:func:`verify.read.infer.header_yaml`), read by the same header
reader: a user who pastes that header back gets the same reading, and so the same verdicts.

Inference only chooses what is *read*: each step is still checked in full under that reading.
A wrong inference makes a step unreadable (it does not fit the notation) or refuted, it
cannot make the checker prove a wrong claim (what holds under some reading of the names is an
identity of that reading; a name left ambiguous stays undeclared).

Nothing is inferred when an assignment's notation is given (grading: the assignment is
authoritative), when the header is broken (its error is reported instead), or when the
document is too long for inference to be cheap (:data:`INFER_STEPS`).  The document carries
an :class:`verify.model.inferred.InferredNotation`: every declaration with its reason, and
the names left undeclared with the declaration that settles each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import sympy as sp

from verify.core.errors import InputError, LatexProblem, Location
from verify.core.limits import LATEX_PARSER_NESTING, STEP_LATEX_CHARS
from verify.model import expr as E
from verify.model.document import Chain, Document
from verify.model.inferred import (
    Guessed,
    InferredDeclaration,
    InferredNotation,
    Undeclared,
    names_in,
)
from verify.model.notation import DEFAULT_SIZES, Notation
from verify.read.encoding import load_yaml, strip_line_marks
from verify.read.header import Header, empty_notation, read_header
from verify.read.infer import (
    WORD_NAME,
    DefinitionGuess,
    Guess,
    Inference,
    SectionGuess,
    SymbolGuess,
    declared_of,
    header_yaml,
    infer_notation,
    listing_of,
    sections_yaml,
    symbol_name,
)
from verify.read.latex.macros import expand, find_macros
from verify.read.latex.normalize import normalize
from verify.read.latex.source import (
    RawChain,
    StatedShape,
    inline_definitions,
    plain_text,
    split_document,
    stated,
    words_only,
)
from verify.read.notation import parse_notation

# Inference scans the document's steps a few times over (and once more per matrix it must
# check is not made square by one step alone): past this many steps it is not run, and the
# document is read as written (a real derivation has tens of steps).
INFER_STEPS = 200
# Passes of defined_by_lines at most: one per level of definitions built on definitions.
DEFINITION_PASSES = 3

_ENTRY = re.compile(r"^  (?P<name>[^\s:#]+): (?P<value>.*?)    # (?P<reason>.*)$")
_LINE = re.compile(r"\bfrom line (\d+)")


def declares_nothing(notation: Notation) -> bool:
    """A header that declares no name (none at all, or only a title): inference reads the
    document."""
    return not (notation.indices or notation.symbols or notation.definitions) and \
        dict(notation.sizes) in ({}, DEFAULT_SIZES)


def document_inferring(text: str, path: Path, base_notation: Notation | None = None,
                       shown: str | None = None) -> Document:
    """:func:`verify.read.latex.document.document_from_text`, under an inferred notation
    when the document declares none (or asks, ``infer: true``, for the rest of its own)."""
    from verify.read.latex.document import document_from_text
    shown = shown or str(path)
    if base_notation is not None:
        return document_from_text(text, path, base_notation, shown)
    header = read_header(plain_text(text), path, shown)
    partial = not declares_nothing(header.notation)
    if header.broken is not None or (partial and not header.infer):
        return document_from_text(text, path, None, shown)
    suffix = ".tex" if path.suffix.lower() == ".tex" else ".md"
    chains = inference_chains(header.body, suffix)
    if sum(len(chain.steps) for chain in chains) > INFER_STEPS:
        document = document_from_text(text, path, None, shown)
        return replace(document, problems=(*document.problems, (
            f"{shown}: more than {INFER_STEPS} steps: the notation is not inferred for so "
            "long a document (declare it in a header)")))
    inference = _inferred(text, path, header, shown, partial)
    notation = inferred_notation(inference, header, shown, partial)
    if notation is None:
        return document_from_text(text, path, None, shown)
    document = document_from_text(text, path, notation, shown, sections_yaml(inference))
    found = record(inference, partial)
    if partial:
        # The document's header is read on top of the inferred notation, so what it declares
        # is its own (a size inference named as the header does is the header's): only the
        # rest is listed as inferred.
        own = header.notation
        declared = {"sizes": own.sizes, "indices": own.indices, "symbols": own.symbols,
                    "definitions": own.definitions}
        found = replace(found, declarations=tuple(
            d for d in found.declarations if d.name not in declared.get(d.section, {})))
    return replace(document, inferred=found)


# The model's functions as the encoding language names them (the body is read back and must
# give the very same expression, so a name missing here only means no definition).
_ENCODING_NAMES = {"Dot": "dot", "MatProd": "mat", "Transposed": "T", "MatInv": "inv",
                   "Trace": "tr", "Frobenius": "frob", "Diag": "diag", "Deriv": "D",
                   "Det": "det", "FrobNorm": "fnorm", "Norm1": "norm1", "Norm": "norm"}
_ENCODED = re.compile(r"(?<![A-Za-z_])(" + "|".join(_ENCODING_NAMES) + r")\(")


def inference_of(text: str, path: Path, header: Header | None = None) -> Inference:
    """What ``python -m verify infer`` prints for a document's text, and what checking it
    without a header reads: the inference from its steps (beyond what its header declares),
    with the definitions its chains make (:func:`defined_by_lines`)."""
    header = header or read_header(plain_text(text), path, str(path))
    return _inferred(text, path, header, str(path), not declares_nothing(header.notation))


def _inferred(text: str, path: Path, header: Header, shown: str, partial: bool) -> Inference:
    """The inference of a document (:func:`infer_notation`, then :func:`defined_by_lines`),
    with the lines after a definition given again in the prose as a section of their own
    (:func:`_with_section`)."""
    inference = _inferred_whole(text, path, header, shown, partial)
    if header.sections:
        return inference
    split = _split_line(header, path)
    if split is not None:
        split_up = _with_section(inference, text, path, header, shown, partial, split)
        if split_up.sections:
            return split_up
    # a heading after which a name means another thing (## sigmoid: z a number; ## softmax:
    # z a vector): the heading where the two parts, each inferred alone, leave the fewest
    # names undeclared, if fewer than the whole (the first of equals)
    best = inference
    for line, words in _heading_splits(inference, header, path):
        split_up = _with_section(inference, text, path, header, shown, partial, (line, words),
                                 f"inferred from these lines alone: a name means another thing "
                                 f"after the heading ({words})")
        if len(split_up.ambiguities) < len(best.ambiguities):
            best = split_up
    return best


# A Markdown heading, and at most this many of them tried as a split (each costs two
# inferences): those between the first and last lines of a name left undeclared because its
# uses disagree.
_HEADING = re.compile(r"^ {0,3}(?P<level>#{1,6})[ \t]+(?P<words>\S.*)$")
HEADING_SPLITS = 4


def _heading_splits(inference: Inference, header: Header, path: Path
                    ) -> list[tuple[int, str]]:
    """The headings of a Markdown document that may separate two uses of a name inference
    left undeclared (its uses disagree: alone and indexed, a family and a vector, ...)."""
    if path.suffix.lower() == ".tex" or not inference.ambiguities:
        return []
    lines = header.body.split("\n")
    # (the outermost headings first: a part of its own starts there, rather than at a
    # subsection; in the document's order among equals)
    found = [(number, match) for number, line in enumerate(lines, 1)
             if (match := _HEADING.match(line)) is not None]
    headings = [(number, " ".join(match.group("words").split())[:160]) for number, match in
                sorted(found, key=lambda item: (len(item[1].group("level")), item[0]))]
    disagreeing = [a for a in inference.ambiguities if not a.why.startswith("defined by")]
    if not headings or not disagreeing:
        return []
    used: list[int] = []
    for ambiguity in disagreeing:
        spelled = re.compile(r"(?<![A-Za-z\\])" + re.escape(ambiguity.latex) + r"(?![A-Za-z])")
        used.extend(n for n, line in enumerate(lines, 1) if spelled.search(line))
    if not used:
        return []
    return [(n, words) for n, words in headings if min(used) < n < max(used)][:HEADING_SPLITS]


def _inferred_whole(text: str, path: Path, header: Header, shown: str,
                    partial: bool) -> Inference:
    suffix = ".tex" if path.suffix.lower() == ".tex" else ".md"
    inference = infer_notation(inference_chains(header.body, suffix),
                               declared_of(header.notation) if partial else None,
                               _stated(header.body, suffix))
    # a definition whose second side uses a name defined earlier in the document ($g(z) =
    # ...$, then J(\theta) = ... g(\theta^T x^{(i)}) ...) reads only once that one is taken:
    # again while a pass adds definitions (each pass reads the document under the last)
    inference = _functions_of_samples(inference, path, header, shown, partial)
    inference = _functions_of_members(inference, path, header, shown, partial)
    for _ in range(DEFINITION_PASSES):
        before = inference.definitions
        inference = defined_by_lines(inference, text, path, header, shown, partial)
        if inference.definitions == before:
            break
    return _softmax_in_words(inference, header.body, suffix)


_SOFTMAX_WORD = re.compile(r"\bsoft-?max", re.I)


def _softmax_in_words(inference: Inference, body: str, suffix: str) -> Inference:
    r"""``\sigma`` applied is read as the sigmoid; where the prose speaks of the softmax
    ("using ... the definition of softmax", a blog writing \sigma(A_k) for it) that reading
    is a guess: a refutation through it, and a pass of a derivative, are ``unknown``, naming
    the declaration that settles it."""
    # (\operatorname{sigmoid}, spelled so, is the sigmoid whatever the words say)
    if not any(d.name == "sigma" and "\\sigma" in d.latex for d in inference.definitions) or \
            any(g.name == "sigma" for g in inference.guesses):
        return inference
    found = _SOFTMAX_WORD.search(words_only(body, suffix))
    if found is None:
        return inference
    line = body.count("\n", 0, found.start()) + 1
    return replace(inference, guesses=(*inference.guesses, Guess(
        "sigma", "\\sigma", f"\\sigma is read as the sigmoid, but line {line}'s words speak of "
        "the softmax", "definitions: {sigma: {params: [c, v], body: \"exp(v[c]) / "
        "Sum(exp(v[k]), (k, 1, K))\"}}", line)))


def _split_line(header: Header, path: Path) -> tuple[int, str] | None:
    r"""The first line where the prose defines again a name a display chain before it starts
    with (frob_norm_yusukey01.md: $$f(X) = \|X\|_F$$, later "consider $f(A) = x^T A y$ where
    ..."): from there on the document speaks of another f, and the line's words."""
    suffix = ".tex" if path.suffix.lower() == ".tex" else ".md"
    body = find_macros(header.body)[1]
    started: dict[str, tuple[int, str]] = {}
    bare = _bare
    for chain in inference_chains(header.body, suffix):
        base = _defined_base(chain.steps[0].text) if len(chain.steps) >= 2 else None
        if base is not None:
            started.setdefault(base, (chain.line, bare(chain.steps[1].text)))
    for chain in inline_definitions(body, suffix):
        base = _defined_base(chain.steps[0].text)
        at, said = started.get(base or "", (chain.line, ""))
        # (the same definition said again, "If $J(x) = c + b^T x$, then", is no other one)
        if base is not None and at < chain.line and said != bare(chain.steps[1].text):
            words = body.split("\n")[chain.line - 1]
            return chain.line, " ".join(words.split())[:160]
    return None


def _bare(latex: str) -> str:
    """A side's LaTeX without its spacing, to tell one definition said twice from two."""
    return re.sub(r"\s+|\\[,;!]", "", normalize(latex)).rstrip(".,")


def _blank_lines(text: str, keep: Callable[[int], bool], header: Header) -> str:
    """The text with the lines ``keep`` refuses blanked (its header's lines are kept), so that
    every line keeps its number."""
    lines = text.split("\n")
    return "\n".join(line if n <= header.header_lines or keep(n) else ""
                     for n, line in enumerate(lines, 1))


def _with_section(inference: Inference, text: str, path: Path, header: Header, shown: str,
                  partial: bool, split: tuple[int, str], why: str = "") -> Inference:
    """The document inferred before the split line (the notation of the whole document) and
    from it on (a section's, shadowing the other there), each from its own lines alone; the
    sizes and index letters of both are the document's.  Where the two do not fit together
    (one letter two indices, a section that does not read), the whole document's inference
    stands."""
    first, words = split
    last = text.count("\n") + 1
    parts = []
    for keep in ((lambda n: n < first), (lambda n: n >= first)):
        blanked = _blank_lines(text, keep, header)
        part_header = read_header(plain_text(blanked), path, shown)
        parts.append(_inferred_whole(blanked, path, part_header, shown, partial))
    before, after = parts
    # the lines after the split go on from those before it: a name the whole document
    # defines (p_j = e^{a_j} / \sum_k e^{a_k} in the prose before a heading) is defined so on
    # both sides, never a free value of the part after, inferred alone (a name defined twice,
    # the one a prose split is about, the whole document defines by neither)
    defined = {d.name: d for d in inference.definitions}
    before = replace(before, symbols=tuple(g for g in before.symbols if g.name not in defined),
                     definitions=(*(d for d in before.definitions if d.name not in defined),
                                  *defined.values()))
    after = replace(after, symbols=tuple(g for g in after.symbols if g.name not in defined),
                    definitions=tuple(d for d in after.definitions if d.name not in defined))
    indices = {i.letter: i.size for i in before.indices}
    if any(indices.get(i.letter, i.size) != i.size for i in after.indices):
        return inference
    known_sizes = {s.name for s in before.sizes}
    known_letters = set(indices)
    combined = replace(
        before,
        sizes=(*before.sizes, *(s for s in after.sizes if s.name not in known_sizes)),
        indices=(*before.indices, *(i for i in after.indices if i.letter not in known_letters)),
        ambiguities=tuple(dict.fromkeys((*before.ambiguities, *after.ambiguities))),
        guesses=tuple(dict.fromkeys((*before.guesses, *after.guesses))),
        variables=before.variables | after.variables,
        dependents=before.dependents | after.dependents,
        sections=(SectionGuess(first, last, why or "inferred from these lines alone: their "
                               "prose defines again what a display before them defines "
                               f"({words})", after.symbols, after.definitions),))
    if inferred_notation(combined, header, shown, partial) is None:
        return inference
    return combined


_DEFINED_NAME = re.compile(r"\s*(\\?[A-Za-z]+|\\(?:hat|tilde|bar|check)\s*\{\s*\\?[A-Za-z]+\s*\})"
                           r"\s*(?:_\s*\{?\s*([a-z])\s*\}?)?\s*")
_DEFINED_NUMBERED = re.compile(r"\s*(\\?[A-Za-z]+)\s*_\s*(?:\{\s*(\d{1,2})\s*\}|(\d))\s*")
_DEFINED_CALL_ENTRY = re.compile(r"\s*(\\?[A-Za-z]+)\s*(?:\\left\s*)?\(\s*(?:\\math[a-z]+\s*"
                                 r"(?:\{\s*[A-Za-z]\s*\}|[A-Za-z])|\\?[A-Za-z]+)\s*(?:\\right\s*)?\)"
                                 r"\s*_\s*\{?\s*([a-z])\s*\}?\s*")
_DEFINED_CALL = re.compile(r"(\\?[A-Za-z]+|\\math[a-z]+\s*\{\s*[A-Za-z]\s*\})\s*"
                           r"(?:\\left\s*)?\((?:[^()])*(?:\\right\s*)?\)")


_DEFINED_ENTRY_CALL = re.compile(r"\s*(\\?[A-Za-z]+|"
                                 r"\\(?:hat|tilde|bar|check)\s*\{\s*\\?[A-Za-z]+\s*\})"
                                 r"\s*_\s*\{?\s*([a-z])\s*\}?\s*(?:\\left\s*)?\(\s*"
                                 r"(?:\\math[a-z]+\s*(?:\{\s*[A-Za-z]\s*\}|[A-Za-z])|\\?[A-Za-z]+)\s*"
                                 r"(?:\\right\s*)?\)\s*")


def _written_back(expr: sp.Expr, notation: Notation, where: Location,
                  parameter: tuple[sp.Basic, str] | None = None) -> str | None:
    """``expr`` in the encoding language, when that text reads back as exactly ``expr`` under
    ``notation`` (a definition's body must mean what the line says; a node the encoding
    cannot write, a Hadamard product, defines nothing); with ``parameter`` (a name and the
    parameter standing for it), the body of a function of it.  None otherwise."""
    from verify.read.dsl import Scope, parse_expression
    written = expr if parameter is None else expr.xreplace({parameter[0]: sp.Symbol(parameter[1])})
    text = _ENCODED.sub(lambda m: _ENCODING_NAMES[m.group(1)] + "(", str(written))
    params = () if parameter is None else (parameter[1],)
    try:
        again = parse_expression(text, Scope(notation, params=params), where)
    except InputError:
        return None
    if parameter is not None:
        again = again.xreplace({sp.Symbol(parameter[1]): parameter[0]})
    return text if again == expr else None


def _stated(body: str, suffix: str) -> tuple[StatedShape, ...]:
    """What the document's words say of its names, its own macros expanded."""
    return stated(find_macros(body)[1], suffix)


def _defined_base(written: str) -> str | None:
    """The name a chain's first step would define (``L``, ``p_j``, ``f(X)``), or None."""
    found = _DEFINED_NAME.fullmatch(written.strip()) or _DEFINED_CALL.fullmatch(written.strip())
    return found.group(1) if found else None


def defined_by_lines(inference: Inference, text: str, path: Path, header: Header,
                     shown: str, partial: bool) -> Inference:
    """Names a chain defines as it starts (``L = -\\sum_j y_j \\log p_j = ...``, ``p_j =
    \\frac{e^{a_j}}{\\sum_k e^{a_k}}``), defined by that second side as the reader reads it
    under the rest of the inferred notation.  Only a name inference left undeclared for it
    (``L``: defined by the chain it starts) or read by a guess (:class:`Guess`: ``p`` used
    before the line, differentiated by ``a_i`` it does not depend on as read); written alone or
    with one index letter (``p_j``: an indexed definition over ``j``, where ``p`` was a family
    over ``j``'s size); a second side that reads, does not use the name, and whose encoding
    reads back as exactly the same expression.  Else the name stays as it was.  The first step
    of such a chain is then its definition, and the rest is checked against it, as under a
    written header."""
    from verify.read.latex.document import document_from_text
    undeclared = {a.latex for a in inference.ambiguities
                  if a.why.startswith("defined by the chain")}
    # L(\mathbf{w}) = ...: a call whose first use starts the chain that defines it
    called = {(a.latex, a.line) for a in inference.ambiguities
              if a.why.startswith("written as a call on line")}
    guessed = {g.name for g in inference.guesses}
    # any name inference left undeclared, which a definition in the prose may settle
    unsettled = {a.latex for a in inference.ambiguities}
    suffix = ".tex" if path.suffix.lower() == ".tex" else ".md"
    if not undeclared and not guessed and not called and \
            not inline_definitions(find_macros(header.body)[1], suffix):
        return inference
    notation = inferred_notation(inference, header, shown, partial)
    if notation is None:
        return inference
    document = document_from_text(text, path, notation, shown)
    in_prose = _inline_document(header, path, notation, shown, suffix).chains
    # h(x) = ... whose only earlier uses are in lines unreadable for another reason (an
    # unbalanced bracket): the first readable use is the chain that defines it
    for called_latex, called_line in list(called):
        call_use = re.compile(r"(?<![A-Za-z\\])" + re.escape(called_latex) + r"\s*\(")
        later = next((c for c in sorted(document.chains, key=line_of)
                      if line_of(c) > called_line and len(c.steps) >= 2 and
                      call_use.match(c.steps[0].latex.strip())), None)
        if later is None:
            continue
        before = [step for chain in document.chains for step in chain.steps
                  if step.location.line < line_of(later) and call_use.search(step.latex)]
        if before and all(step.expr is None and step.problem is not None and
                          f"'{called_latex}" not in step.problem and
                          f" {called_latex} " not in step.problem for step in before):
            called.add((called_latex, line_of(later)))
    # a name a display's chain starts with is the display's to define: where that definition
    # does not read (a norm), the prose's (f(A) = x^T A y, a later example) does not stand in
    started = {_defined_base(chain.steps[0].latex) for chain in document.chains
               if len(chain.steps) >= 2} - {None}
    # ... nor does the display's stand for the whole document where the prose defines the
    # name again after it (frob_norm_yusukey01.md: f(X) = \|X\|_F, then "consider f(A) =
    # x^T A y"): a name defined twice is defined by neither
    defined_again = {(_defined_base(chain.steps[0].latex), line_of(chain),
                      _bare(chain.steps[1].latex)) for chain in in_prose if len(chain.steps) >= 2}
    # ... nor does a number a display gives a name another chain starts with (\hat{\mu} =
    # \frac{1}{n}\sum_i x_i, later \hat{\mu} = \frac{66.75 + ...}{10}: a worked example)
    started_at: dict[str, int] = {}
    examples: dict[str, int] = {}     # a name given a number by a chain: its line
    # a name several displays start (Cost = (a_4 - t1)^2 + ..., then Cost = its expansion) is
    # defined by the first of them or by none: a later one rewrites it, slips and all
    first_chain: dict[str, Chain] = {}
    for chain in document.chains:
        if len(chain.steps) >= 2 and (base := _defined_base(chain.steps[0].latex)) is not None:
            started_at[base] = started_at.get(base, 0) + 1
            first_chain.setdefault(base, chain)
    for chain in sorted((*document.chains, *in_prose), key=line_of):
        if len(chain.steps) < 2 or chain.steps[1].expr is None:
            continue
        written = chain.steps[0].latex.strip()
        if started_at.get(_defined_base(written) or "", 0) > 1 and \
                not chain.steps[1].expr.free_symbols and not chain.steps[1].expr.atoms(sp.Indexed):
            examples.setdefault(_defined_base(written) or "", line_of(chain))
            continue
        if first_chain.get(_defined_base(written) or "", chain) is not chain and \
                not any(chain is c for c in in_prose):
            continue
        # y_i(x) = ...: an entry written with the variable it is a function of, defined as
        # y_i (the reader reads y_i(x) as that entry)
        first = _DEFINED_NAME.fullmatch(written) or _DEFINED_ENTRY_CALL.fullmatch(written)
        # s(\mathbf x)_i = ...: the entry written with its index after the argument
        late = _DEFINED_CALL_ENTRY.fullmatch(written) if first is None else None
        first = first or late
        call = _DEFINED_CALL.fullmatch(written)
        numbered = _DEFINED_NUMBERED.fullmatch(written)
        if numbered is not None and \
                f"{numbered.group(1)}_{{{numbered.group(2) or numbered.group(3)}}}" in undeclared:
            # a_1 = f(m_1 x_1 + m_2 x_2 + b_1): a numbered name, defined by its chain
            inference = _numbered_definition(inference, numbered, chain, notation, header,
                                             shown, partial)
            continue
        spellings: tuple[str, ...] = ()
        prose = any(chain is c for c in in_prose)
        if prose and _defined_base(written) in started:
            continue
        if not prose and any(base == _defined_base(written) and line > line_of(chain) and
                             body != _bare(chain.steps[1].latex)
                             for base, line, body in defined_again):
            continue
        # \mathcal{L}(\mathbf{w}): the name inference knows is the letter, L
        plain = re.sub(r"\\math[a-z]+\s*\{\s*([A-Za-z])\s*\}", r"\1", call.group(1)) \
            if call is not None else ""
        if first is None and call is not None and \
                ((plain, chain.steps[0].location.line) in called or
                 (prose and (plain in unsettled or (
                     (scalar := notation.symbols.get(symbol_name(plain)[0])) is not None and
                     not scalar.shape and not scalar.family and
                     not _written_before(plain, line_of(chain), document))))):
            # (a scalar read from 'df' alone that the prose defines before any display
            # writes it: "consider $f(A) = x^T A y$")
            # defined with no parameters, the call as written its spelling (a header's way)
            first, spellings = call, tuple(dict.fromkeys((call.group(1), written)))
            undeclared.add(plain)
        if first is None:
            continue
        base, index = (plain, None) if first is call else (first.group(1), first.group(2))
        if first is not call and base in inference.variables and \
                base not in inference.dependents and \
                not _in_other_variables(chain.steps[1].expr, base, inference):
            continue     # only differentiated by: a variable, and X = ... solves for it
            #              (a call, \phi(z) = ..., defines a function, whatever \partial
            #              \phi(w^T x_i) differentiates by)
        name, latex = symbol_name(base)
        if WORD_NAME.fullmatch(base):
            latex = (base,)      # Cost: a word, spelled as written (no product of letters)
        symbol = next((s for s in inference.symbols if s.name == name), None)
        if name in notation.definitions or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
            continue
        if symbol is None:
            called_here = late is not None and \
                (base, chain.steps[0].location.line) in called
            if (base not in undeclared and not (prose and base in unsettled) and
                    not called_here) or (index and index not in notation.indices):
                continue
        elif prose and not _written_before(base, line_of(chain), document):
            # the prose defines a name before any display uses it (Let $M = \Sigma^{-1}$):
            # read as that definition, not as the free value its uses alone suggest
            if index and (index not in notation.indices or
                          (notation.indices[index],) not in (symbol.family, symbol.shape)):
                continue
        else:
            # only a guessed scalar, or a guessed family of scalars (or vector: its entries)
            # written with its index
            expected: tuple[str, ...] | None = () if not index else \
                (notation.indices[index],) if index in notation.indices else None
            if name not in guessed or expected is None or \
                    (symbol.shape, symbol.family) not in {((), expected), (expected, ())}:
                continue
        line = chain.steps[0].location.line
        body = _written_back(chain.steps[1].expr, notation, Location(shown, line))
        if body is None or re.search(rf"(?<![A-Za-z_]){re.escape(name)}(?![A-Za-z0-9_])", body):
            continue
        spelled = f"{base}_{index}" if index else base
        where = "the definition in its prose" if prose else "the chain it starts"
        definition = DefinitionGuess(name, (), body, spellings or latex or
                                     ((base,) if index else ()), (
            f"{base} inferred a definition from line {line} ({where}, "
            f"{spelled} = ...: its second side as read)"), (index,) if index else ())
        if first is call:
            definition = _as_function(definition, call, chain.steps[1].expr, document,
                                      notation, shown, line)
        trial = replace(inference, definitions=(*inference.definitions, definition),
                        symbols=tuple(s for s in inference.symbols if s.name != name),
                        guesses=tuple(g for g in inference.guesses if g.name != name),
                        ambiguities=tuple(a for a in inference.ambiguities
                                          if a.latex != base))
        if inferred_notation(trial, header, shown, partial) is not None:
            inference = trial
            guessed.discard(name)
            undeclared.discard(base)
    # a worked example (\hat{\mu} = \frac{66.75 + 70.24}{2} = 68.495) of a name defined by a
    # formula of the data: true of the example's data, which no check has; read with any data
    # it would be refuted, so its reading is a guess (the formula's own steps are unaffected)
    for base, line in examples.items():
        name = symbol_name(base)[0]
        if any(d.name == name for d in inference.definitions) and \
                not any(g.name == name for g in inference.guesses):
            inference = replace(inference, guesses=(*inference.guesses, Guess(
                name, base, f"line {line} gives ${base}$ a number (a worked example, true of "
                "its data only)", f"definitions: {{{name}: {{body: \"...\"}}}}", line)))
    inference = _defined_by_derivative(inference, document, header, shown, partial, called)
    return _defined_backwards(inference, text, path, header, shown, partial)


def _numbered_definition(inference: Inference, numbered: re.Match[str], chain: Chain,
                         notation: Notation, header: Header, shown: str,
                         partial: bool) -> Inference:
    """``a_1 = f(m_1 x_1 + m_2 x_2 + b_1)``: ``a1`` (spelled ``a_{1}``) defined by the chain's
    second side as read, where its encoding reads back as the same expression and does not
    use the name; else the inference as it was (the name stays undeclared)."""
    letter, number = numbered.group(1), numbered.group(2) or numbered.group(3)
    spelled = f"{letter}_{{{number}}}"
    name = f"{symbol_name(letter)[0]}{number}"
    if name in notation.definitions or name in notation.symbols:
        return inference
    line = chain.steps[0].location.line
    body = _written_back(chain.steps[1].expr, notation, Location(shown, line))
    if body is None or re.search(rf"(?<![A-Za-z_]){re.escape(name)}(?![A-Za-z0-9_])", body):
        return inference
    definition = DefinitionGuess(name, (), body, (spelled,), (
        f"{letter}_{number} inferred a definition from line {line} (the chain it starts, "
        f"{letter}_{number} = ...: its second side as read)"), ())
    trial = replace(inference, definitions=(*inference.definitions, definition),
                    ambiguities=tuple(a for a in inference.ambiguities if a.latex != spelled))
    return trial if inferred_notation(trial, header, shown, partial) is not None else inference


def _in_other_variables(body: sp.Expr, base: str, inference: Inference) -> bool:
    r"""Whether ``body`` uses a variable the document differentiates by other than ``base``:
    ``p_j = e^{a_j} / \sum_k e^{a_k}`` beside dL/da_i defines an intermediate of the chain
    rule, where ``w = (X^T X)^{-1} X^T y`` solves for w."""
    from verify.model.inferred import names_in
    others = {symbol_name(v)[0] for v in inference.variables if v != base}
    return bool(names_in(body) & others)


def _as_function(definition: DefinitionGuess, call: re.Match[str], body: sp.Expr,
                 document: Document, notation: Notation, shown: str,
                 line: int) -> DefinitionGuess:
    """f(X) = ... as a function of X where every step writes f as a call and one of them at
    another argument (f(X + H), f(X + \\Delta X)): the body with X a parameter.  Else the
    definition as it is (f(X) its spelling, f alone usable: df, \nabla f)."""
    argument = re.search(r"\((.*)\)", call.group(0), re.S)
    written = (argument.group(1) if argument else "").strip()
    variable = re.sub(r"\\(?:mathbf|boldsymbol|bm)\s*\{\s*([A-Za-z])\s*\}|\{\\bf\s*([A-Za-z])\s*\}",
                      lambda m: m.group(1) or m.group(2), written).strip()
    name = call.group(1)
    uses = [m for step in (s for c in document.chains for s in c.steps)
            for m in re.finditer(r"(?<![A-Za-z\\])" + re.escape(name) + r"(?![A-Za-z])(\s*"
                                 r"(?:\\left\s*)?\()?", step.latex)]
    symbol = notation.symbols.get(variable)
    def argument_of(use: re.Match[str]) -> str:
        depth, rest = 1, use.string[use.end():]
        for at, char in enumerate(rest):
            depth += (char == "(") - (char == ")")
            if depth == 0:
                return re.sub(r"\\right\s*$", "", rest[:at]).replace(" ", "")
        return ""
    if symbol is None or not uses or any(m.group(1) is None for m in uses) or \
            all(argument_of(m) == written.replace(" ", "") for m in uses):
        return definition
    param = next((p for p in ("V", "U", "t", "v") if p not in notation.symbols and
                  p not in notation.definitions), None)
    if param is None:
        return definition
    text = _written_back(body, notation, Location(shown, line),
                         (E.value_symbol(variable), param))
    if text is None:
        return definition
    return replace(definition, params=(param,), body=text, latex=(name,),
                   reason=definition.reason.replace(": its second side as read",
                                                    f": its second side as read, a function "
                                                    f"of {variable})"))


# s'(x), s’(x) (a typographic quote, as copied)
_PRIMED_CALL = re.compile(r"\s*([A-Za-z])\s*['’′]\s*(?:\\left\s*)?\(\s*([A-Za-z])\s*"
                          r"(?:\\right\s*)?\)\s*")


def _defined_by_derivative(inference: Inference, document: Document, header: Header,
                           shown: str, partial: bool,
                           called: set[tuple[str, int]]) -> Inference:
    r"""``s'(x) = \frac{d}{dx}\left(\frac{1}{e^{-x}+1}\right) = ...``: a chain that starts
    with the derivative of a function written as a call nothing defines, its second side the
    derivative by ``x`` of an expression, defines the function by that expression (as a chain
    starting ``L = ...`` defines ``L``): ``s(t) = \frac{1}{e^{-t}+1}``.  Only by a declared
    scalar ``x``, and an expression that does not use the function."""
    from verify.model import expr as E
    notation = inferred_notation(inference, header, shown, partial)
    if notation is None:
        return inference
    as_call = {latex for latex, _ in called}
    for chain in document.chains:
        if len(chain.steps) < 2 or chain.steps[1].expr is None:
            continue
        primed = _PRIMED_CALL.fullmatch(chain.steps[0].latex)
        derivative = chain.steps[1].expr
        if primed is None or primed.group(1) not in as_call or \
                not isinstance(derivative, E.Deriv):
            continue
        base, variable = primed.groups()
        symbol = notation.symbols.get(variable)
        body, by = derivative.args
        if symbol is None or symbol.shape or symbol.family or by != E.value_symbol(variable) \
                or base in {str(f.func) for f in body.atoms(sp.Function)} or \
                base in {str(a) for a in body.free_symbols}:
            continue
        param = next((p for p in ("t", "u", "v", "s1") if p not in notation.symbols and
                      p not in notation.definitions and p != base), None)
        if param is None:
            continue
        line = chain.steps[0].location.line
        text = _written_back(body, notation, Location(shown, line), (by, param))
        if text is None:
            continue
        definition = DefinitionGuess(base, (param,), text, (base,), (
            f"{base} inferred a definition from line {line} ({base}'({variable}) = "
            f"\\frac{{d}}{{d{variable}}} of it: the function that is differentiated)"))
        trial = replace(inference, definitions=(*inference.definitions, definition),
                        ambiguities=tuple(a for a in inference.ambiguities if a.latex != base))
        if inferred_notation(trial, header, shown, partial) is not None:
            inference = trial
    return _defined_by_gradient(inference, document, header, shown, partial, as_call)


# \nabla_{\mathbf{w}} L(\mathbf{w}), \nabla_w J(w): the gradient of a call, by its argument
_GRADIENT_CALL = re.compile(r"\s*\\nabla\s*_\s*(?:\{\s*(?P<by1>[^{}]*(?:\{[^{}]*\}[^{}]*)?)\}|"
                            r"(?P<by2>[A-Za-z]))\s*(?P<call>(?P<name>[A-Za-z])\s*(?:\\left\s*)?\("
                            r"\s*(?P<arg>[^()]*?)\s*(?:\\right\s*)?\))\s*")


def _defined_by_gradient(inference: Inference, document: Document, header: Header,
                         shown: str, partial: bool, as_call: set[str]) -> Inference:
    r"""``\nabla_{\mathbf{w}} L(\mathbf{w}) = \nabla_{\mathbf{w}} \left( -\sum_i \ldots
    \right)``: a chain that starts with the gradient of a call nothing defines, by the call's
    own argument, its second side the gradient of an expression by that variable, defines the
    name by the expression (the call as written its spelling), as ``s'(x) = \frac{d}{dx}
    (\ldots)`` does.  The expression must not use the name."""
    from verify.model import expr as E
    notation = inferred_notation(inference, header, shown, partial)
    if notation is None:
        return inference
    for chain in document.chains:
        found = _GRADIENT_CALL.fullmatch(chain.steps[0].latex) if chain.steps else None
        if found is None or len(chain.steps) < 2 or chain.steps[1].expr is None or \
                found.group("name") not in as_call or found.group("name") in notation.definitions:
            continue
        by_written = (found.group("by1") or found.group("by2") or "").replace(" ", "")
        if by_written != found.group("arg").replace(" ", ""):
            continue     # the gradient by the call's own argument only
        derivative = chain.steps[1].expr
        if not isinstance(derivative, E.Deriv):
            continue
        body, _by = derivative.args
        name = found.group("name")
        if name in {str(f.func) for f in body.atoms(sp.Function)} or \
                name in {str(a) for a in body.free_symbols}:
            continue
        line = chain.steps[0].location.line
        text = _written_back(body, notation, Location(shown, line))
        if text is None:
            continue
        definition = DefinitionGuess(name, (), text, (name, found.group("call").strip()), (
            f"{name} inferred a definition from line {line} (\\nabla {found.group('call')} = "
            "\\nabla of an expression: the function that is differentiated)"))
        trial = replace(inference, definitions=(*inference.definitions, definition),
                        ambiguities=tuple(a for a in inference.ambiguities if a.latex != name))
        if inferred_notation(trial, header, shown, partial) is not None:
            inference = trial
    return inference


def _defined_backwards(inference: Inference, text: str, path: Path, header: Header,
                       shown: str, partial: bool) -> Inference:
    r"""A guessed name a chain of two sides defines backwards, ``X \hat{\mathbf{w}} =
    \hat{\mathbf{y}}`` ("the linear model", lsq_weighted_zyxue.md): the name alone (with its
    index letters) on the second side, where the document first writes it, is defined by the
    first side, as ``name = ...`` at a chain's start is.  A step inside a derivation that brings
    a name in for a piece of the step before (``-\sum_j y_j \log p_j = -\sum_j \ell_j``) is no
    such definition: the author may have meant another piece, as a later line shows
    (softmax_ce_zakariapz.md differentiates \ell_j as -y_j \log p_j), and a reading made to fit
    that one step would pass what the later lines get wrong, or the reverse."""
    from verify.model.inferred import names_in
    from verify.read.latex.document import document_from_text
    doubted = [g for g in inference.guesses if not g.structural and not g.given]
    if not doubted:
        return inference
    notation = inferred_notation(inference, header, shown, partial)
    if notation is None:
        return inference
    document = document_from_text(text, path, notation, shown)
    read = [[(s, s.expr) for s in chain.steps if s.expr is not None]
            for chain in sorted(document.chains, key=line_of)]
    for guess in doubted:
        symbol = notation.symbols.get(guess.name)
        if symbol is None or guess.name in notation.definitions:
            continue
        first = next((n for n, steps in enumerate(read)
                      if any(guess.name in names_in(expr) for _, expr in steps)), None)
        if first is None or len(read[first]) != 2 or len(document.chains[first].steps) != 2:
            continue
        (_, before), (step, after) = read[first]
        index = tuple(str(i) for i in after.indices) \
            if isinstance(after, sp.Indexed) and str(after.base) == guess.name else \
            () if isinstance(after, sp.Symbol) and after.name == guess.name else None
        if index is None or guess.name in names_in(before) or \
                any(letter not in notation.indices for letter in index) or \
                len(set(index)) != len(index) or \
                {str(s) for s in before.free_symbols if str(s) in notation.indices} - set(index):
            continue
        line = step.location.line
        body = _written_back(before, notation, Location(shown, line))
        if body is None:
            continue
        spelled = f"{guess.latex}_{{{''.join(index)}}}" if index else guess.latex
        definition = DefinitionGuess(guess.name, (), body, symbol.latex or (guess.latex,), (
            f"{guess.latex} inferred a definition from line {line} (... = {spelled}, a chain "
            "of two sides that ends with the name: its first side as read)"), index)
        trial = replace(inference, definitions=(*inference.definitions, definition),
                        symbols=tuple(s for s in inference.symbols if s.name != guess.name),
                        guesses=tuple(g for g in inference.guesses if g.name != guess.name))
        if inferred_notation(trial, header, shown, partial) is not None:
            inference = trial
    return inference


def inference_chains(body: str, suffix: str) -> tuple[RawChain, ...]:
    """The chains inference reads, as the reader reads them: the document's own macros
    (``\\newcommand``) expanded in each step, and without the steps the reader refuses for their
    size alone (longer than :data:`STEP_LATEX_CHARS`, nested deeper than
    :data:`LATEX_PARSER_NESTING`, a macro that does not expand): they are never read, so they
    imply nothing, and inference (which recurses per level) never sees a nesting bomb."""
    macros, text = find_macros(body)
    chains = []
    # a prose definition's second side alone: it tells sizes, indices and shapes, and a
    # definition taken from it (defined_by_lines) must not make its name a chain's start
    # (a listing of the name's entries, $\mathbf{x} = (x_1, \dots, x_n)$, says nothing of them
    # but that they are entries: x_1 and x_n are no family's members of one size)
    # (but a function of one letter keeps its call, $f(x) = \frac{1}{1+e^{-x}}$: the x of
    # its body is its parameter, no value of the document's beside its inputs x_1, x_2)
    values = (RawChain(tuple(replace(step, text=_as_sample(chain.steps[0].text, step.text,
                                                           text))
                             for step in chain.steps[1:]) if not _function_of_letter(
                                 chain.steps[0].text, text) else chain.steps, chain.line)
              for chain in inline_definitions(text, suffix)
              if not listing_of(normalize(chain.steps[0].text).strip(),
                                 normalize(chain.steps[1].text)))
    for chain in _with_inline(split_document(text, suffix), tuple(values)):
        steps = []
        for step in chain.steps:
            try:
                expanded = expand(step.text, macros.at(step.line))
            except LatexProblem:
                continue
            steps.append(replace(step, text=expanded))
        chains.append(RawChain(tuple(steps), chain.line))
    return readable_chains(chains)


# h(x), h_\theta(x), f_{w}(\mathbf{x}): a function of one name, maybe with a subscript
_CALL_OF_ONE = re.compile(r"\s*(?P<name>\\?[A-Za-z]+)\s*(?P<sub>_\s*(?:\{\s*\\?[A-Za-z]+\s*\}|"
                          r"\\[A-Za-z]+|[A-Za-z]))?\s*(?:\\left\s*)?\(\s*(?P<arg>\\math(?:bf|rm)\s*"
                          r"\{\s*[A-Za-z]\s*\}|\\boldsymbol\s*\{\s*\\?[A-Za-z]+\s*\}|\\?[A-Za-z]+)\s*"
                          r"(?:\\right\s*)?\)\s*")


def _function_of_letter(first: str, document: str) -> bool:
    """Whether ``first`` (a prose definition's first side) is a call of a plain name on one
    plain letter, ``f(x)``, and not a function of a sample (:func:`function_of_sample`)."""
    call = _CALL_OF_ONE.fullmatch(first)
    return call is not None and call.group("sub") is None and \
        re.fullmatch(r"[A-Za-z]", call.group("arg")) is not None and \
        function_of_sample(first, document) is None


def function_of_sample(first: str, document: str) -> tuple[str, str] | None:
    """``(ARG, s)`` when ``first`` (a definition's first side) is a function of one name,
    ``h_\theta(x)``, that the document writes elsewhere with one sample index only,
    ``x^{(s)}``: the definition's bare ``x`` is then its parameter, standing for a sample."""
    call = _CALL_OF_ONE.fullmatch(first)
    if call is None:
        return None
    argument = call.group("arg")
    samples = set(re.findall(re.escape(argument) + r"\s*(?:_\s*(?:\{[^{}]*\}|\w)\s*)?\^\s*"
                             r"\{\s*\(\s*([a-z])\s*\)\s*\}", document))
    return (argument, samples.pop()) if len(samples) == 1 else None


# The functions of one argument tried at most, each costing a reading of the document.
FUNCTION_TRIES = 4


def _functions_of_samples(inference: Inference, path: Path, header: Header, shown: str,
                          partial: bool) -> Inference:
    r"""``h_\theta(x) = \frac{1}{1 + e^{-\theta^T x}}`` (in the prose or starting a display)
    where the document writes ``x^{(i)}`` elsewhere: ``h`` a function of one sample, its body
    the second side as read with the bare ``x`` its parameter; the bare ``x`` is itself read
    as one sample (a vector or scalar of each ``x^{(i)}``'s shape, as a header would declare
    it: ``x1: {latex: ['x']}``), so lines that write ``h(x)`` read too.  Only where inference
    made ``x^{(i)}`` a family and left ``h`` undeclared, and where the body reads and writes
    back as itself; else nothing changes."""
    from verify.read.latex.document import document_from_text
    suffix = ".tex" if path.suffix.lower() == ".tex" else ".md"
    body = find_macros(header.body)[1]
    unsettled = {a.latex for a in inference.ambiguities}
    notation = inferred_notation(inference, header, shown, partial)
    if notation is None:
        return inference
    # the chains that start with a call of one name (their LaTeX, whatever the notation)
    candidates = [(chain.steps[0].latex, line_of(chain), call) for chain in (
                      *_inline_document(header, path, notation, shown, suffix).chains,
                      *document_from_text(body, path, notation, shown).chains)
                  if len(chain.steps) >= 2 and
                  (call := _CALL_OF_ONE.fullmatch(chain.steps[0].latex)) is not None and
                  call.group("name") in unsettled and
                  re.fullmatch(r"\\?[A-Za-z]+", call.group("name")) is not None]
    tried: set[str] = set()
    for written, line, call in candidates:
        name = call.group("name").lstrip("\\")
        of_sample = function_of_sample(written, body)
        if name in tried or any(d.name == name for d in inference.definitions) or \
                (of_sample is None and not _free_argument(call.group("arg"), inference)):
            continue
        if len(tried) == FUNCTION_TRIES:
            break
        tried.add(name)
        taken = {g.name for g in inference.symbols} | {d.name for d in inference.definitions}
        param = next(p for p in ("v", "t", "u", "V") if p not in taken)
        if of_sample is None:
            # phi(z) = 1/(1 + e^{-z}), z read nowhere else as one value: z stands for the
            # parameter alone, a number (read so for the body only, never kept)
            argument, spelled = call.group("arg"), "number"
            one = next(f"arg{n}" for n in range(1, 100) if f"arg{n}" not in taken)
            with_one = replace(inference, symbols=(*inference.symbols, SymbolGuess(
                one, latex=(argument,), reason="the parameter")))
        else:
            argument, sample = of_sample
            base = re.sub(r"\\math(?:bf|rm)\s*\{\s*([A-Za-z])\s*\}|"
                          r"\\boldsymbol\s*\{\s*(\\?[A-Za-z]+)\s*\}",
                          lambda m: m.group(1) or m.group(2), argument)
            spelled = f"{base}^{{({sample})}}"
            family = next((g for g in inference.symbols if spelled in g.latex and g.family),
                          None)
            if family is None or any(argument in g.latex for g in inference.symbols):
                continue
            one = next(f"{family.name}{n}" for n in range(1, 100)
                       if f"{family.name}{n}" not in taken)
            with_one = replace(inference, symbols=(*inference.symbols, SymbolGuess(
                one, shape=family.shape, latex=(argument,),
                reason=(f"{argument} inferred one sample from line {line} (the parameter of "
                        f"{written.strip()}, one {spelled})"))))
        notation = inferred_notation(with_one, header, shown, partial)
        if notation is None:
            continue
        again = next((c for c in (*_inline_document(header, path, notation, shown, suffix).chains,
                                  *document_from_text(body, path, notation, shown).chains)
                      if line_of(c) == line and len(c.steps) >= 2 and
                      c.steps[0].latex == written), None)
        value = again.steps[1].expr if again is not None else None
        if value is None or name in names_in(value):
            continue
        text = _written_back(value, notation, Location(shown, line),
                             (E.value_symbol(one), param))
        if text is None:
            continue
        spellings = _call_spellings(call)
        definition = DefinitionGuess(name, (param,), text, spellings, (
            f"{name} inferred a definition from line {line} ({written.strip()} "
            f"= ...: its second side as read, a function of one {spelled})"))
        kept = with_one if of_sample is not None else inference
        trial = replace(kept, definitions=(*kept.definitions, definition),
                        ambiguities=tuple(a for a in kept.ambiguities
                                          if a.latex != call.group("name")))
        if inferred_notation(trial, header, shown, partial) is not None:
            inference = trial
    return inference


# a call at a sample written anywhere: (x^{(i)})
_MEMBER_CALL_WRITTEN = re.compile(r"\(\s*[A-Za-z]\s*\^\s*\{\s*\(\s*[a-z]\s*\)\s*\}\s*\)")
# h_\theta(x^{(i)}): a function of one name, its argument a sample of a family
_CALL_OF_MEMBER = re.compile(r"\s*(?P<name>\\?[A-Za-z]+)\s*(?P<sub>_\s*(?:\{\s*\\?[A-Za-z]+\s*\}|"
                             r"\\[A-Za-z]+|[A-Za-z]))?\s*(?:\\left\s*)?\(\s*(?P<arg>[A-Za-z]\s*\^\s*"
                             r"\{\s*\(\s*(?P<sample>[a-z])\s*\)\s*\})\s*(?:\\right\s*)?\)\s*")


def _functions_of_members(inference: Inference, path: Path, header: Header, shown: str,
                          partial: bool) -> Inference:
    r"""``h_{\theta}(x^{(i)}) = \frac{1}{1 + e^{-\theta_0 - \theta_1 x^{(i)}}}`` starting a
    display or the prose, where inference made ``x^{(i)}`` a family of scalars and left ``h``
    undeclared: ``h`` a function of one number, its body the second side as read with the
    sample ``x^{(i)}`` its parameter (the body using ``i`` nowhere else), when the body
    writes back as itself.  Calls at any sample then read (``h_\theta(x^{(j)})``), and at the
    bare ``x`` where inference reads it as one sample's value.  Else nothing changes."""
    from verify.read.latex.document import document_from_text
    unsettled = {a.latex for a in inference.ambiguities}
    body = find_macros(header.body)[1]
    # (the document is read again only where some line writes such a call)
    if not _MEMBER_CALL_WRITTEN.search(body) or \
            not any(re.fullmatch(r"\\?[A-Za-z]+", latex) for latex in unsettled):
        return inference
    notation = inferred_notation(inference, header, shown, partial)
    if notation is None:
        return inference
    suffix = ".tex" if path.suffix.lower() == ".tex" else ".md"
    for chain in (*_inline_document(header, path, notation, shown, suffix).chains,
                  *document_from_text(body, path, notation, shown).chains):
        call = _CALL_OF_MEMBER.fullmatch(chain.steps[0].latex) if chain.steps else None
        if call is None or len(chain.steps) < 2 or chain.steps[1].expr is None or \
                call.group("name") not in unsettled:
            continue
        name = call.group("name").lstrip("\\")
        if any(d.name == name for d in inference.definitions):
            continue
        argument = re.sub(r"\s+", "", call.group("arg"))
        family = next((g for g in inference.symbols if g.family and not g.shape and
                       argument in (re.sub(r"\s+", "", latex) for latex in g.latex)), None)
        if family is None or len(family.family) != 1:
            continue
        value = chain.steps[1].expr
        # the member as the reader built it (its index symbol, whatever its assumptions)
        members = {atom for atom in value.atoms(sp.Indexed)
                   if str(atom.base) == family.name}
        if len(members) != 1:
            continue
        member = next(iter(members))
        sample = member.indices[0]
        if str(sample) != call.group("sample"):
            continue
        taken = {g.name for g in inference.symbols} | {d.name for d in inference.definitions}
        param = next(p for p in ("v", "t", "u", "V") if p not in taken)
        stand_in = sp.Symbol(f"_{param}")
        as_function = value.xreplace({member: stand_in})
        if sample in as_function.free_symbols or name in names_in(value):
            continue
        line = chain.steps[0].location.line
        text = _written_back(as_function, notation, Location(shown, line), (stand_in, param))
        if text is None:
            continue
        spellings = _call_spellings(call)
        definition = DefinitionGuess(name, (param,), text, spellings, (
            f"{name} inferred a definition from line {line} ({chain.steps[0].latex.strip()} "
            f"= ...: its second side as read, a function of one sample {argument})"))
        trial = replace(inference, definitions=(*inference.definitions, definition),
                        ambiguities=tuple(a for a in inference.ambiguities
                                          if a.latex != call.group("name")))
        if inferred_notation(trial, header, shown, partial) is not None:
            return trial
    return inference


def _call_spellings(call: re.Match[str]) -> tuple[str, ...]:
    """The spellings of a called name with its subscript (``h_\\theta``, ``h_{\\theta}``) or
    without one (``h``), from a match with groups ``name`` and ``sub``."""
    name, sub = call.group("name"), call.group("sub")
    if sub is None:
        return (name,)
    bare = re.sub(r"^_\s*\{?\s*|\s*\}?$", "", sub)
    return tuple(dict.fromkeys((name + re.sub(r"\s+", "", sub), name + "_{" + bare + "}",
                                name + "_" + bare)))


def _free_argument(argument: str, inference: Inference) -> bool:
    """Whether a call's one argument (``z`` of ``\\phi(z)``) is a plain letter or Greek name
    inference declares nothing for: it can stand for the parameter alone."""
    if re.fullmatch(r"[A-Za-z]|\\[a-z]+", argument) is None:
        return False
    name = symbol_name(argument)[0]
    return not any(g.name == name or argument in g.latex for g in inference.symbols) and \
        not any(d.name == name for d in inference.definitions)


def _as_sample(first: str, value: str, document: str) -> str:
    """``value`` (a definition's second side, for inference's scan only) with the bare
    parameter of a function of a sample written as that sample (``h(x) = 1/(1 + e^{-\theta^T
    x})`` scanned as of ``x^{(i)}``): what it says of the parameter's shape (a vector of
    ``\theta``'s length) is then what it says of each sample's."""
    found = function_of_sample(first, document)
    if found is None:
        return value
    argument, sample = found
    bare = re.compile(r"(?<![A-Za-z\\])" + re.escape(argument) +
                      r"(?P<sub>\s*_\s*(?:\{[^{}]*\}|\w))?(?![A-Za-z])(?!\s*\^\s*\{\s*\()")
    return bare.sub(lambda m: "{" + argument + (m.group("sub") or "") + "^{(" + sample + ")}}",
                    value)


def line_of(chain: Chain) -> int:
    return chain.steps[0].location.line if chain.steps else 0


def _written_before(base: str, line: int, document: Document) -> bool:
    r"""Whether a display step before ``line`` writes the name ``base`` (``M``, ``\hat{y}``)."""
    written = re.compile(r"(?<![A-Za-z\\])" + re.escape(base) + r"(?![A-Za-z])")
    return any(written.search(step.latex) for chain in document.chains for step in chain.steps
               if step.location.line < line)


def _with_inline(display: Sequence[RawChain], inline: Sequence[RawChain]
                 ) -> tuple[RawChain, ...]:
    """The display chains and the prose's inline definitions, in the document's order."""
    return tuple(sorted((*display, *inline), key=lambda chain: chain.line))


def _inline_document(header: Header, path: Path, notation: Notation, shown: str,
                     suffix: str) -> Document:
    """The prose's inline definitions (:func:`inline_definitions`) read as display chains at
    their own lines, the document's macros expanded, under ``notation``: the chains that
    :func:`defined_by_lines` may take a definition from.  Never checked."""
    from verify.read.latex.document import document_from_text
    macros, body = find_macros(header.body)
    lines = [""] * (body.count("\n") + 1)
    for chain in inline_definitions(body, suffix):
        try:
            sides = [expand(step.text, macros.at(step.line)) for step in chain.steps]
        except LatexProblem:
            continue
        if 0 < chain.line <= len(lines):
            lines[chain.line - 1] += f" $$ {sides[0]} = {sides[1]} $$"
    return document_from_text("\n".join(lines), path, notation, shown)


def readable_chains(chains: Sequence[RawChain]) -> tuple[RawChain, ...]:
    """The chains without the steps the reader refuses for their size alone (see
    :func:`inference_chains`)."""
    def fits(text: str) -> bool:
        if len(text) > STEP_LATEX_CHARS:
            return False
        depth = deepest = 0
        for char in text:
            depth += char in "{(["
            depth -= char in "})]"
            deepest = max(deepest, depth)
        return deepest <= LATEX_PARSER_NESTING
    kept = (RawChain(tuple(s for s in chain.steps if fits(s.text)), chain.line)
            for chain in chains)
    return tuple(chain for chain in kept if chain.steps)


def inferred_notation(inference: Inference, header: Header, shown: str,
                      partial: bool) -> Notation | None:
    """The inference read as the header it prints (on top of the document's own declarations
    when ``partial``); None if that header does not read (then nothing is inferred: the
    document is read as written, and its undeclared names say so)."""
    text = header_yaml(inference).split("---\n")[1]
    try:
        raw = dict(strip_line_marks(load_yaml(text, shown)) or {})
        raw.pop("sections", None)     # the header reader's (read_header(sections=...))
        notation = parse_notation(raw, Location(shown, 1),
                                  base=header.notation if partial else None)
    except InputError:
        return None
    if inference.sections and read_header("", Path("sections.md"), shown, notation,
                                          sections_yaml(inference)).problems:
        return None     # a section that does not read
    # The document's own header is read again on top of this: its free-text assumptions
    # would otherwise count twice.
    return replace(notation, assumptions=())


def record(inference: Inference, partial: bool = False) -> InferredNotation:
    """Each declaration of the inferred header, in the header's words and with its reason."""
    declarations: list[InferredDeclaration] = []
    section = ""
    lines = ""      # an inferred section's ('lines 82-94: '), its declarations' reasons start so
    for line in header_yaml(inference, pasted=False).split("\n"):
        if re.fullmatch(r"[a-z]+:", line.strip()):
            section = line.strip()[:-1]
            continue
        found_lines = re.fullmatch(r"  - lines: \[(\d+), (\d+)\]", line)
        if found_lines:
            lines = f"lines {found_lines.group(1)}-{found_lines.group(2)}: "
            continue
        match = _ENTRY.match(line[6:] if lines and line.startswith("      ") else line)
        if match is None or not section or section == "sections":
            continue
        name, value, reason = match.group("name", "value", "reason")
        reason = lines + reason if line.startswith("      ") else reason
        found = _LINE.search(reason)
        declarations.append(InferredDeclaration(section, name, _spelling(name, value),
                                                value, reason,
                                                int(found.group(1)) if found else 0))
    undeclared = tuple(Undeclared(a.latex, a.why, a.settle, a.line)
                       for a in inference.ambiguities)
    guessed = tuple(Guessed(g.name, g.latex, g.why, g.settle, g.line, g.structural, g.given)
                    for g in inference.guesses)
    return InferredNotation(tuple(declarations), undeclared, partial, guessed)


def _spelling(name: str, value: str) -> str:
    """How the document writes the declared name: its first ``latex:`` spelling, else the
    name itself."""
    try:
        parsed: Any = load_yaml(value, "inferred")
    except InputError:
        return name
    if isinstance(parsed, dict) and isinstance(parsed.get("latex"), list) and parsed["latex"]:
        return str(parsed["latex"][0])
    return name


def read_inferring(path: Path, display_path: str | None = None) -> Document:
    """:func:`verify.read.latex.document.read_latex_document`, inferring (see
    :func:`document_inferring`)."""
    from verify.read.latex.document import source_text
    shown = display_path or str(path)
    text, problem = source_text(path, shown)
    if text is None:
        return Document(shown, path.stem, empty_notation(), (), problems=(problem,))
    return document_inferring(text, path, None, shown)
