"""A document's verdicts as a standalone LaTeX report, marked up like a careful grader would.

Every step's equation is typeset from its original LaTeX when :mod:`verify.report.sanitize`
accepts it, and shown verbatim (escaped monospace) otherwise: the report always compiles, and
nothing a student wrote is ever handed to TeX as code unless it is on the whitelist.  Every
other string that reaches the page (title, path, messages, names) is escaped; a step's
reading (:mod:`verify.model.reading`) is typeset under it when the same whitelist accepts it.

Each step carries a line ending in ``% step=ID`` where its mathematics is typeset, so that
:mod:`verify.report.pdf` can tell which step a TeX error came from and typeset it verbatim.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from verify.core.limits import (
    COUNTEREXAMPLE_COMPONENTS,
    POINT_VARIABLES,
    REPORT_LINE_CHARS,
    REPORT_NOTE_CHARS,
    REPORT_TITLE_CHARS,
    VERBATIM_CHARS,
)
from verify.model.spelling import latex_of_index
from verify.model.verdict import ChainResult, Counterexample, DocumentResult, Status, StepVerdict
from verify.report.clean import clean
from verify.report.escape import escape_code, escape_text
from verify.report.layout import broken
from verify.report.sanitize import GREEK, check

STEP_MARKER = "% step="          # ends the line that typesets a step's mathematics

# Status -> (colour name, margin mark, one-line meaning for the summary table).
STYLE: dict[Status, tuple[str, str, str]] = {
    Status.PROVED: ("proved", r"\ding{52}", "symbolic identity, and the numbers agree"),
    Status.SUPPORTED: ("supported", r"\ding{51}", "the numbers agree; symbolic check undecided"),
    Status.REFUTED: ("refuted", r"\ding{56}", "a counterexample was found"),
    Status.UNKNOWN: ("unknown", r"\textbf{\textsf{?}}", "neither check could decide"),
    Status.UNPARSED: ("unparsed", r"\ding{109}", "the step could not be read"),
    Status.START: ("start", r"\ding{228}", "the chain's first expression; nothing to check"),
}
VERDICTS = tuple(s for s in Status if s is not Status.START)   # what the summary counts

_PREAMBLE = r"""\documentclass[10pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[a4paper,top=20mm,bottom=22mm,left=30mm,right=20mm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{xcolor}
\usepackage{booktabs}
\usepackage{pifont}
\definecolor{proved}{HTML}{1E7B34}
\definecolor{supported}{HTML}{2B6CB0}
\definecolor{refuted}{HTML}{C53030}
\definecolor{unknown}{HTML}{B7791F}
\definecolor{unparsed}{HTML}{6B7280}
\definecolor{start}{HTML}{374151}
\definecolor{quiet}{HTML}{5A6270}
\definecolor{codebg}{HTML}{F3F4F6}
\setlength{\parindent}{0pt}
\setlength{\emergencystretch}{3em}
\allowdisplaybreaks
\newsavebox{\eqbox}
% \stepmath{as written}{broken into rows}: the first that fits the line, else the rows scaled.
\newcommand{\stepmath}[2]{\par\smallskip
  \sbox{\eqbox}{$\displaystyle #1$}%
  \ifdim\wd\eqbox>\linewidth
    \sbox{\eqbox}{$\displaystyle #2$}%
    \ifdim\wd\eqbox>\linewidth
      \sbox{\eqbox}{\resizebox{\linewidth}{!}{\usebox{\eqbox}}}%
    \fi
  \fi
  % A box cannot break across pages: one taller than most of a page is scaled to fit.
  \ifdim\dimexpr\ht\eqbox+\dp\eqbox\relax>0.7\textheight
    \sbox{\eqbox}{\resizebox*{!}{0.7\textheight}{\usebox{\eqbox}}}%
  \fi
  \hfill\usebox{\eqbox}\hfill\null\par\smallskip}
\newcommand{\stepcode}[1]{\par\smallskip
  \fcolorbox{codebg}{codebg}{\parbox{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}{%
    \raggedright\small\ttfamily #1}}\par\smallskip}
% \stepbox{colour}{mark}{indent}: a coloured rule down the left of the step, the mark in the
% margin beside its first line.
\newenvironment{stepbox}[3]{\par\medskip\noindent\hspace*{#3}%
  \llap{\textcolor{#1}{\large #2}\hspace{5mm}}{\color{#1}\vrule width 1.4pt}\hspace{3mm}%
  \begin{minipage}[t]{\dimexpr\linewidth-#3-1.4pt-3mm\relax}}
  {\end{minipage}\par}
\newcommand{\detail}[2]{\par\smallskip{\small\textbf{#1}\enspace #2}}
\newcommand{\remark}[1]{\par\smallskip{\small #1}}
"""


@dataclass(frozen=True)
class _Numbered:
    """A step or subclaim with its number in the report ("3", "2.3", "3a")."""

    number: str
    step: StepVerdict
    depth: int              # 0 for a step, 1 for a subclaim
    chain: ChainResult


def render_document(result: DocumentResult, versions: Mapping[str, str] | None = None,
                    date: str | None = None, *,
                    verbatim: Mapping[str, str] | None = None) -> str:
    """The report for ``result`` as a standalone .tex source.

    ``versions`` (tool, SymPy, JAX...) defaults to the result's own, completed from the
    installed packages; ``date`` to today.  ``verbatim`` maps step numbers ("3", "2.3", "3a")
    to why they must be shown as written (a TeX error in an earlier compile); the key ``"*"``
    applies to every step, the last resort of :func:`verify.report.pdf.write_reports`.
    """
    forced = dict(verbatim or {})
    parts = [_PREAMBLE, r"\begin{document}", _header(result, versions, date)]
    steps = list(_numbered(result))
    for number, chain in enumerate(result.chains, start=1):
        parts.append(_chain_heading(chain, number, len(result.chains)))
        for item in steps:
            if item.chain is chain:
                reason = forced.get(item.number, forced.get("*"))
                parts.append(_step(item, result, reason))
    parts += [r"\end{document}", ""]
    return "\n".join(wrapped(line) for line in "\n".join(parts).split("\n"))


# Where a line may break without changing what TeX reads: after a closing brace (the break
# ending in %), or at a single space (a line's end reads as a space; TeX skips spaces that
# start a line, so never before one).
_BREAK = re.compile(r"(?<=\})(?=[^ ])|(?<=[^ ]) (?=[^ ])")
_COMMENT = re.compile(r"(?<!\\)%")


def wrapped(line: str) -> str:
    """``line`` broken into lines of at most about ``REPORT_LINE_CHARS``.  A line with a
    comment is left whole (a break would end the comment), and so is one with a step's marker
    (its length is bounded by the step's, and a TeX error's line number must find the
    marker).  TeX's input buffer holds 200,000 characters."""
    if len(line) <= REPORT_LINE_CHARS or STEP_MARKER in line or _COMMENT.search(line):
        return line
    pieces: list[str] = []
    start = 0
    best: re.Match[str] | None = None       # the last break point within the limit
    for point in _BREAK.finditer(line):
        while point.start() - start > REPORT_LINE_CHARS:
            chosen = best or point           # none within the limit: the first after it
            pieces.append(_piece(line, start, chosen))
            start, best = chosen.end(), None
            if chosen is point:
                break
        if point.start() > start:
            best = point
    if len(line) - start > REPORT_LINE_CHARS and best is not None:
        pieces.append(_piece(line, start, best))
        start = best.end()
    pieces.append(line[start:])
    return "\n".join(pieces)


def _piece(line: str, start: int, end: re.Match[str]) -> str:
    """The line from ``start`` to the break point ``end``: a break after a brace ends in %."""
    return line[start:end.start()] + ("%" if end.start() == end.end() else "")


def bounded(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\u2026 ({len(text) - limit:,} more characters)"


def _numbered(result: DocumentResult) -> Iterator[_Numbered]:
    several = len(result.chains) > 1
    for chain_number, chain in enumerate(result.chains, start=1):
        for step in chain.steps:
            number = f"{chain_number}.{step.index + 1}" if several else f"{step.index + 1}"
            yield _Numbered(number, step, 0, chain)
            for letter, sub in zip("abcdefghijklmnopqrstuvwxyz", step.subclaims, strict=False):
                yield _Numbered(number + letter, sub, 1, chain)


# --- the top of the report ----------------------------------------------------------------------

def _header(result: DocumentResult, versions: Mapping[str, str] | None, date: str | None) -> str:
    title = escape_text(bounded(result.title or result.path, REPORT_TITLE_CHARS))
    return "\n".join([
        r"{\Large\bfseries Verification report}\par\medskip",
        rf"{{\large {title}}}\par\bigskip",
        _facts(result, versions, date),
        r"\par\bigskip",
        _verdict_line(result),
        r"\par\smallskip",
        _summary_table(result),
        r"\par\medskip",
        _problems(result.problems),
        *([_inferred(result)] if result.inferred is not None else []),
    ])


def _facts(result: DocumentResult, versions: Mapping[str, str] | None, date: str | None) -> str:
    rows = [
        ("Document", rf"\texttt{{{escape_code(result.path)}}}"),
        ("Date", escape_text(date or datetime.date.today().isoformat())),
        ("Seed", str(result.seed)),
        ("Sizes checked", _sizes_text(result.sizes)),
        ("Time", f"{result.seconds:.1f} s"),
        ("Versions", _versions_text(versions if versions is not None else result.versions)),
    ]
    body = "\n".join(rf"\textbf{{{name}}} & {value} \\" for name, value in rows)
    return "{\\small\\begin{tabular}{@{}l p{0.78\\linewidth}@{}}\n" + body + "\n\\end{tabular}}"


def _sizes_text(sizes: tuple[Mapping[str, int], ...]) -> str:
    if not sizes:
        return "none"
    return "; ".join(", ".join(f"${_name(k)}={int(v)}$" for k, v in combo.items())
                     for combo in sizes)


_VERSION_NAMES = {"verify": "derivation-verify", "tool": "derivation-verify",
                  "derivation-verify": "derivation-verify", "sympy": "SymPy", "jax": "JAX",
                  "jaxlib": "jaxlib", "numpy": "NumPy", "python": "Python"}


def collect_versions(given: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tool's, SymPy's and JAX's versions: those given, the rest from the installed
    packages (read from their metadata: importing JAX to ask would cost a second)."""
    versions = {_VERSION_NAMES.get(k.lower(), k): v for k, v in (given or {}).items()}
    for package, name in (("derivation-verify", "derivation-verify"), ("sympy", "SymPy"),
                          ("jax", "JAX")):
        if name not in versions:
            try:
                versions[name] = importlib.metadata.version(package)
            except importlib.metadata.PackageNotFoundError:
                versions[name] = "not installed"
    return versions


def _versions_text(given: Mapping[str, str]) -> str:
    return ", ".join(f"{escape_text(name)} {escape_text(version)}"
                     for name, version in collect_versions(given).items())


def _summary_table(result: DocumentResult) -> str:
    counts = _checked(result)
    rows = []
    for status in VERDICTS:
        colour, mark, meaning = STYLE[status]
        rows.append(rf"\textcolor{{{colour}}}{{{mark}}} & \textcolor{{{colour}}}"
                    rf"{{\textbf{{{status.value}}}}} & {counts[status]} & "
                    rf"{{\color{{quiet}}{meaning}}} \\")
    total = sum(counts.values())
    return "\n".join([
        r"{\small\begin{tabular}{@{}c l r @{\hspace{2em}} l@{}}\toprule",
        r"& \textbf{status} & \textbf{steps} & \textbf{meaning} \\ \midrule",
        *rows,
        rf"\midrule & checked & {total} & \\ \bottomrule",
        r"\end{tabular}}",
    ])


def _checked(result: DocumentResult) -> dict[Status, int]:
    """Counts per verdict; a chain's start is not a verdict."""
    counts = result.counts()
    return {status: counts.get(status, 0) for status in VERDICTS}


def _verdict_line(result: DocumentResult) -> str:
    counts = _checked(result)
    total = sum(counts.values())
    held = counts[Status.PROVED] + counts[Status.SUPPORTED]
    if counts[Status.REFUTED]:
        colour = "refuted"
        text = f"{counts[Status.REFUTED]} of {total} steps refuted."
    elif total == 0:
        colour, text = "unknown", "No step was checked."
    elif held == total:
        colour, text = "proved", f"All {total} steps hold."
    else:
        colour, text = "unknown", f"{held} of {total} steps hold; the rest are undecided."
    return rf"{{\large\color{{{colour}}}\bfseries {text}}}"


def _problems(problems: tuple[str, ...]) -> str:
    if not problems:
        return ""
    items = "".join(rf"\item {escape_text(bounded(p, REPORT_NOTE_CHARS))}" for p in problems)
    return r"\medskip\textbf{Problems with the document}" \
        rf"\begin{{itemize}}\small {items}\end{{itemize}}"


def _inferred(result: DocumentResult) -> str:
    """The notation the document was checked under when inferred: each declaration as a
    header would write it, with its reason; the names left undeclared, with what settles each.
    Typeset verbatim (\\texttt): it is the document's and the inference's text, not ours."""
    inferred = result.inferred
    if inferred is None:
        return ""

    def cut(text: str) -> str:
        return bounded(text, REPORT_NOTE_CHARS)
    items = [rf"\item \texttt{{{escape_code(cut(f'{d.name}: {d.declaration}'))}}} --- "
             rf"{escape_text(cut(d.reason))}" for d in inferred.declarations]
    items += [rf"\item \texttt{{{escape_code(cut(u.latex))}}} left undeclared: "
              rf"{escape_text(cut(f'{u.why}; settle it with {u.settle}'))}"
              for u in inferred.undeclared]
    heading = escape_text(inferred.note(result.path))
    listing = rf"\begin{{itemize}}\small {''.join(items)}\end{{itemize}}" if items else ""
    return rf"\medskip\textbf{{Notation}}: {heading}{listing}"


# --- chains and steps ---------------------------------------------------------------------------

def _chain_heading(chain: ChainResult, number: int, count: int) -> str:
    name = escape_text(bounded(chain.name, REPORT_NOTE_CHARS))
    lines = [rf"\section*{{{f'Chain {number}: ' if count > 1 else ''}{name}}}"]
    if chain.where:
        lines.append(r"{\small\textbf{Where:} " +
                     "; ".join(rf"\texttt{{{escape_code(w)}}}" for w in chain.where) + r"}\par")
    if chain.summary:
        lines.append(rf"{{\small {escape_text(bounded(chain.summary, REPORT_NOTE_CHARS))}}}\par")
    refuted = any(s.status is Status.REFUTED for s in chain.steps)
    if chain.ends_agree and refuted:
        lines.append(r"{\small\color{refuted}\textbf{Right for the wrong reasons:} the first "
                     r"and last steps agree, but steps in between are refuted.}\par")
    return "\n".join(lines)


def _step(item: _Numbered, result: DocumentResult, forced: str | None) -> str:
    step = item.step
    colour, mark, _ = STYLE[step.status]
    indent = "8mm" if item.depth else "0mm"
    kind = "Claim" if item.depth else "Step"
    label = rf"\textcolor{{quiet}}{{{escape_text(_bracketed(step.label))}}}" if step.label \
        else ""
    line = rf"\quad\textcolor{{quiet}}{{line {step.location.line}}}" if step.location.line \
        else ""
    lines = [
        rf"\begin{{stepbox}}{{{colour}}}{{{mark}}}{{{indent}}}",
        # \leavevmode: a colour change first would leave the minipage without a first line
        # to align the margin mark with.
        rf"\leavevmode{{\sffamily\small\color{{{colour}}}\textbf{{{kind} {item.number}}}\quad"
        rf"\MakeUppercase{{{step.status.value}}}}}\hfill{{\small {label}{line}}}\par",
    ]
    if step.note:
        note = escape_text(bounded(step.note, REPORT_NOTE_CHARS))
        lines.append(rf"{{\small\itshape\color{{quiet}}{note}}}\par")
    lines.append(_equation(item.number, step.latex, forced))
    if step.reading is not None:
        lines.append(_reading(item.number, step.reading, forced))
    lines += _details(item, result)
    lines.append(r"\end{stepbox}")
    return "\n".join(lines)


def _bracketed(label: str) -> str:
    return label if label.startswith("(") and label.endswith(")") else f"({label})"


def _equation(number: str, latex: str, forced: str | None) -> str:
    """The step's mathematics on one line (so a TeX error's line number names the step)."""
    cleaned = clean(latex)
    reason = forced or check(cleaned)
    if reason is None:
        return rf"\stepmath{{{cleaned}}}{{{_rows(cleaned)}}}{STEP_MARKER}{number}"
    shown = latex if len(latex) <= VERBATIM_CHARS else \
        latex[:VERBATIM_CHARS] + f" ... ({len(latex) - VERBATIM_CHARS} more characters)"
    return "\n".join([
        rf"\stepcode{{{escape_code(shown)}}}{STEP_MARKER}{number}",
        rf"{{\footnotesize\color{{quiet}}Shown as written: {escape_text(reason)}.}}\par",
    ])


def _reading(number: str, reading: str, forced: str | None) -> str:
    """What the step was read as, typeset under the line as written (on a line of its own
    with the step's marker, so that a TeX error there is the step's too); verbatim when the
    whitelist refuses it or the step is typeset verbatim anyway."""
    if forced is None and check(reading) is None:
        return (rf"{{\small\color{{quiet}}Read as:}}\stepmath{{{reading}}}{{{_rows(reading)}}}"
                rf"{STEP_MARKER}{number}")
    shown = reading if len(reading) <= VERBATIM_CHARS else \
        reading[:VERBATIM_CHARS] + f" ... ({len(reading) - VERBATIM_CHARS} more characters)"
    return rf"\detail{{Read as:}}{{\texttt{{{escape_code(shown)}}}}}{STEP_MARKER}{number}"


def _rows(latex: str) -> str:
    """``latex`` broken into rows, checked like the rest: each row inside a ``\\left(``
    repeats the group in a ``\\vphantom``, and many rows of a costly group would be a bomb of
    their own.  When the rows are refused the equation is set as written (and scaled)."""
    rows = broken(latex)
    return rows if rows == latex or check(rows) is None else latex


_INLINE_MATH = re.compile(r"\$([^$\n]{1,400})\$")


def message_tex(message: str) -> str:
    """A verdict's message as text with its ``$...$`` pieces (the checker's own LaTeX:
    names of a counterexample's point, conditions) typeset when the whitelist accepts them,
    escaped otherwise."""
    pieces: list[str] = []
    position = 0
    for match in _INLINE_MATH.finditer(message):
        pieces.append(escape_text(message[position:match.start()]))
        math = clean(match.group(1))
        pieces.append(f"${math}$" if check(math) is None else escape_text(match.group(0)))
        position = match.end()
    pieces.append(escape_text(message[position:]))
    return "".join(pieces)


def _details(item: _Numbered, result: DocumentResult) -> list[str]:
    step = item.step
    lines: list[str] = []
    lead = {Status.UNPARSED: "Could not read:", Status.UNKNOWN: "Undecided:",
            Status.REFUTED: "Refuted:"}.get(step.status)
    # An unreadable step's message quotes the student's text: never typeset from it.
    message = escape_text(step.message) if step.status is Status.UNPARSED else \
        message_tex(step.message)
    if step.message and lead:
        lines.append(rf"\detail{{{lead}}}{{{message}}}")
    elif step.message:
        lines.append(rf"\remark{{{message}}}")
    if step.compared_with is not None and step.compared_with != step.index - 1 and not item.depth:
        lines.append(rf"\detail{{Checked against:}}{{step {_chain_step(item, step.compared_with)}"
                     r", the last step that could be read.}")
    if step.evidence and step.evidence.assumptions:
        lines.append(r"\detail{Holds only under:}{" +
                     "; ".join(escape_text(a) for a in step.evidence.assumptions) + "}")
    if step.diagnosis:
        lines.append(rf"\detail{{Diagnosis:}}{{{message_tex(step.diagnosis)}}}")
    if step.counterexample:
        lines += _counterexample(step.counterexample, item)
    if step.evidence and step.evidence.checks:
        lines.append(_checks_line(step))
    return lines


def _chain_step(item: _Numbered, index: int) -> str:
    prefix = item.number.rsplit(".", 1)[0] + "." if "." in item.number else ""
    return f"{prefix}{index + 1}"


def _checks_line(step: StepVerdict) -> str:
    assert step.evidence is not None
    parts = []
    for record in step.evidence.checks:
        cases = f", {record.cases} cases" if record.cases else ""
        parts.append(f"{escape_text(record.engine)}: {escape_text(record.outcome)} "
                     f"({record.seconds:.2f} s{cases})")
    deviation = step.evidence.max_deviation
    if deviation is not None:
        parts.append(f"largest deviation ${_number(deviation, 2)}$")
    return r"\par{\footnotesize\color{quiet}" + " \\textperiodcentered\\ ".join(parts) + r"}\par"


# --- counterexamples ----------------------------------------------------------------------------

def _counterexample(example: Counterexample, item: _Numbered) -> list[str]:
    where = [", ".join(f"${_name(k)}={int(v)}$" for k, v in example.sizes.items())]
    if example.indices:
        where.append("index " + ", ".join(f"${latex_of_index(k)}={int(v)}$"
                                          for k, v in example.indices.items()))
    if example.labels:
        where.append("label " + ", ".join(f"${_variable(example, k)}={int(v)}$"
                                          for k, v in example.labels.items()))
    lines = [r"\detail{Counterexample}{at " + "; ".join(w for w in where if w) + ".}"]
    if example.point:
        lines.append(r"\par{\small " + _point(example) + r"}")
    lines.append(_values_table(example, item))
    return lines


def _variable(example: Counterexample, name: str) -> str:
    """A variable of the counterexample as mathematics: in the document's spellings (its
    ``names``, when they pass the report's whitelist), else from its concrete name."""
    shown = example.names.get(name)
    return shown if shown is not None and check(shown) is None else _name(name)


def _point(example: Counterexample) -> str:
    point = example.point
    names = sorted(point, key=_natural)
    shown = [f"${_variable(example, n)} = {_number(point[n])}$" for n in names[:POINT_VARIABLES]]
    more = len(names) - POINT_VARIABLES
    tail = f", and {more} more" if more > 0 else ""
    return "Point: " + ",\\enspace ".join(shown) + tail + "."


def _values_table(example: Counterexample, item: _Numbered) -> str:
    compared = item.step.compared_with
    previous = f"step {_chain_step(item, compared)}" if item.depth == 0 and compared is not None \
        else "previous step" if item.depth == 0 else "left side"
    this = f"step {item.number}" if item.depth == 0 else "right side"
    rows = []
    count = max(len(example.lhs), len(example.rhs))
    for component in range(min(count, COUNTEREXAMPLE_COMPONENTS)):
        lhs = example.lhs[component] if component < len(example.lhs) else math.nan
        rhs = example.rhs[component] if component < len(example.rhs) else math.nan
        name = f"component {component + 1}" if count > 1 else "value"
        rows.append(rf"{name} & ${_number(lhs)}$ & ${_number(rhs)}$ & "
                    rf"${_number(rhs - lhs)}$ \\")
    if count > COUNTEREXAMPLE_COMPONENTS:
        more = count - COUNTEREXAMPLE_COMPONENTS
        rows.append(rf"\multicolumn{{4}}{{l}}{{\dots\ and {more} more}} \\")
    return "\n".join([
        r"\par\smallskip{\small\begin{tabular}{@{}l r r r@{}}",
        rf"& \textit{{{previous}}} & \textit{{{this}}} & \textit{{difference}} \\ \midrule",
        *rows,
        r"\end{tabular}}",
        rf"\par{{\footnotesize\color{{quiet}}relative deviation "
        rf"${_number(example.deviation, 3)}$}}",
    ])


def _name(name: str) -> str:
    """A variable's name as mathematics: ``Theta_1_2`` -> ``\\Theta_{1,2}``, ``w[1, 2]`` ->
    ``w_{1,2}``; a name of any other shape is shown as escaped text."""
    match = re.fullmatch(r"([A-Za-z]+)((?:_[A-Za-z0-9]+)*)", name) or \
        re.fullmatch(r"([A-Za-z]+)\[([0-9, ]+)\]", name)
    if match is None:
        return r"\text{" + escape_text(name) + "}"
    base, rest = match.group(1), match.group(2)
    parts = [p for p in re.split(r"[_,\s]+", rest) if p]
    head = "\\" + base if base in GREEK else base if len(base) == 1 \
        else r"\mathrm{" + base + "}"
    if not parts:
        return head
    subs = ",".join(p if len(p) == 1 or p.isdigit() else r"\mathrm{" + p + "}" for p in parts)
    return f"{head}_{{{subs}}}"


def _natural(name: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def _number(value: float, digits: int = 6) -> str:
    """A number as mathematics: ``digits`` significant digits, powers of ten written out."""
    value = float(value)          # a NumPy or SymPy number prints its own way otherwise
    if math.isnan(value):
        return r"\text{NaN}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text
