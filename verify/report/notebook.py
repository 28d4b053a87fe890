r"""Checked documents as HTML and as LaTeX, for a notebook (Jupyter's ``_repr_html_`` and
``_repr_latex_`` of the Python API's results, :mod:`verify.api`).

Every step is shown with its mark, its line and label, the equation as written, what it was
read as, its verdict and message, the counterexample and the diagnosis.  A document's text
is untrusted (a class's submissions): the rules are the PDF report's
(:mod:`verify.report.tex`).  Mathematics is typeset only when the report's whitelist
(:func:`verify.report.sanitize.check`) accepts it, anything else is shown verbatim, and an
unreadable step's message, which quotes the student's text, is never typeset.  In HTML every
text is escaped (``html.escape``) and what is shown verbatim sits in a span MathJax skips
(``tex2jax_ignore``, ``mathjax_ignore``): escaping stops the browser, the span stops MathJax
from reading ``$...$`` in a student's line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from verify.model.verdict import DocumentResult, Status, StepVerdict
from verify.report.clean import clean
from verify.report.escape import escape_code, escape_text
from verify.report.sanitize import check
from verify.report.tex import message_tex

# Status -> (mark in HTML, mark in LaTeX, background colour of the row).
MARKS: dict[Status, tuple[str, str, str]] = {
    Status.PROVED: ("\u2714", r"\checkmark", "#e3f4e1"),
    Status.SUPPORTED: ("\u2713", r"\checkmark^{\sim}", "#eef7e0"),
    Status.REFUTED: ("\u2718", r"\times", "#fbe0e0"),
    Status.UNKNOWN: ("?", r"?", "#fdf3d8"),
    Status.UNPARSED: ("\u25cb", r"\circ", "#eeeeee"),
    Status.START: ("\u25b8", r"\triangleright", "#ffffff"),
}
VERBATIM = "tex2jax_ignore mathjax_ignore"   # MathJax 2 and 3 leave these spans alone
_INLINE_MATH = re.compile(r"\$([^$\n]{1,400})\$")


# ---- HTML ---------------------------------------------------------------------------------
def documents_html(results: Iterable[DocumentResult]) -> str:
    return "\n".join(document_html(result) for result in results)


def document_html(result: DocumentResult) -> str:
    parts = [f'<div class="derivation-verify"><h4>{escape_html(result.title)} '
             f'<small>{escape_html(result.path)}</small></h4>',
             f"<p>{escape_html(summary_line(result))}</p>"]
    if result.inferred is not None:
        parts.append(f"<p>{escape_html(result.inferred.note(result.path))}</p><ul>" + "".join(
            f"<li><code>{escape_html(d.name)}: {escape_html(d.declaration)}</code>: "
            f"{escape_html(d.reason)}</li>" for d in result.inferred.declarations) + "</ul>")
    parts += [f'<p style="color:#a00">{escape_html(problem)}</p>'
              for problem in (*result.problems, *result.internal)]
    if result.chains:
        parts.append('<table style="border-collapse:collapse"><thead><tr><th></th>'
                     "<th>line</th><th>as written</th><th>read as</th><th>verdict</th>"
                     "</tr></thead><tbody>")
        for chain in result.chains:
            where = f" (where {', '.join(chain.where)})" if chain.where else ""
            parts.append(f'<tr><td colspan="5"><b>{escape_html(chain.name)}</b>'
                         f"{escape_html(where)}</td></tr>")
            for step in chain.steps:
                parts += _step_rows(step, 0)
            if chain.summary:
                parts.append(f'<tr><td colspan="5"><i>{escape_html(chain.summary)}</i></td></tr>')
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "\n".join(parts)


def _step_rows(step: StepVerdict, depth: int) -> list[str]:
    mark, _, colour = MARKS[step.status]
    where = _where(step)
    details = [f"<b>{escape_html(step.status.value)}</b> \u2014 {_message_html(step)}"]
    if step.counterexample is not None:
        details.append(f"counterexample: {_with_math(step.counterexample.describe())}")
    if step.diagnosis:
        details.append(f"diagnosis: {_with_math(step.diagnosis)}")
    indent = f"padding-left:{1.5 * depth:g}em;" if depth else ""
    rows = [f'<tr style="background:{colour};vertical-align:top">'
            f'<td title="{escape_html(step.status.value)}">{mark}</td>'
            f'<td style="{indent}white-space:nowrap">{escape_html(where)}</td>'
            f"<td>{_math_html(step.latex)}</td>"
            f"<td>{_math_html(step.reading) if step.reading is not None else ''}</td>"
            f"<td>{'<br>'.join(details)}</td></tr>"]
    for sub in step.subclaims:
        rows += _step_rows(sub, depth + 1)
    return rows


def _message_html(step: StepVerdict) -> str:
    # An unreadable step's message quotes the student's text: never typeset from it.
    if step.status is Status.UNPARSED:
        return _verbatim(step.message)
    return _with_math(step.message)


def _math_html(latex: str) -> str:
    cleaned = clean(latex) if latex.strip() else ""
    if cleaned and check(cleaned) is None:
        return f"\\({escape_html(cleaned)}\\)"
    return f"<code>{_verbatim(latex)}</code>" if latex else ""


def _with_math(message: str) -> str:
    """The checker's words with their ``$...$`` pieces typeset when the whitelist accepts
    them (as :func:`verify.report.tex.message_tex` does), verbatim otherwise."""
    pieces: list[str] = []
    position = 0
    for match in _INLINE_MATH.finditer(message):
        pieces.append(_verbatim(message[position:match.start()]))
        math = clean(match.group(1))
        pieces.append(f"\\({escape_html(math)}\\)" if check(math) is None
                      else _verbatim(match.group(0)))
        position = match.end()
    pieces.append(_verbatim(message[position:]))
    return "".join(pieces)


def _verbatim(text: str) -> str:
    return f'<span class="{VERBATIM}">{escape_html(text)}</span>' if text else ""


def escape_html(text: str) -> str:
    """``text`` for HTML, quotes included (an attribute's value too)."""
    return html.escape(text, quote=True)


# ---- LaTeX --------------------------------------------------------------------------------
def documents_latex(results: Iterable[DocumentResult]) -> str:
    r"""Display mathematics (``$$\begin{array}...$$``): what a notebook's MathJax typesets
    and what a LaTeX export embeds."""
    rows: list[str] = []
    for result in results:
        rows.append(rf"\multicolumn{{4}}{{l}}{{\textbf{{{escape_text(result.title)}}}"
                    rf"\ \text{{{escape_text(summary_line(result))}}}}}")
        if result.inferred is not None:
            note = result.inferred.note(result.path)
            rows.append(rf"\multicolumn{{4}}{{l}}{{\text{{{escape_text(note)}}}}}")
        rows += [rf"\multicolumn{{4}}{{l}}{{\text{{{escape_text(problem)}}}}}"
                 for problem in (*result.problems, *result.internal)]
        for chain in result.chains:
            rows.append(rf"\multicolumn{{4}}{{l}}{{\text{{{escape_text(chain.name)}}}}}")
            for step in chain.steps:
                rows += _step_latex(step)
            if chain.summary:
                rows.append(rf"& \multicolumn{{3}}{{l}}{{\text{{{escape_text(chain.summary)}}}}}")
    return "$$\\begin{array}{llll}\n" + " \\\\\n".join(rows) + "\n\\end{array}$$"


def _step_latex(step: StepVerdict) -> list[str]:
    where = _where(step)
    reading = _math_latex(step.reading) if step.reading is not None else ""
    rows = [f"{MARKS[step.status][1]} & \\text{{{escape_text(where)}}} & "
            f"{_math_latex(step.latex)} & {reading}"]
    message = escape_text(step.message) if step.status is Status.UNPARSED else \
        message_tex(step.message)
    rows.append(rf"& \multicolumn{{3}}{{l}}{{\text{{{escape_text(step.status.value)}: "
                rf"{message}}}}}")
    if step.counterexample is not None:
        rows.append(rf"& \multicolumn{{3}}{{l}}{{\text{{counterexample: "
                    rf"{message_tex(step.counterexample.describe())}}}}}")
    if step.diagnosis:
        rows.append(rf"& \multicolumn{{3}}{{l}}{{\text{{diagnosis: "
                    rf"{message_tex(step.diagnosis)}}}}}")
    for sub in step.subclaims:
        rows += _step_latex(sub)
    return rows


def _math_latex(latex: str) -> str:
    cleaned = clean(latex) if latex.strip() else ""
    if cleaned and check(cleaned) is None:
        return f"{{{cleaned}}}"     # a group: an & of its own never ends the array's cell
    return rf"\texttt{{{escape_code(latex)}}}" if latex else ""


def _where(step: StepVerdict) -> str:
    """``12 (3)``: the line and the document's label (a sub-claim has no line of its own)."""
    if step.index < 0:
        return "sub-claim"
    label = step.label or ""
    if label and not (label.startswith("(") and label.endswith(")")):
        label = f"({label})"
    return f"{step.location.line} {label}".rstrip()


def summary_line(result: DocumentResult) -> str:
    """``12 proved, 4 refuted, 7 unparsed (seed 0)``: the counts of the command's summary."""
    counts = result.counts()
    parts = ", ".join(f"{counts[s]} {s.value}" for s in Status
                      if counts[s] and s is not Status.START)
    internal = len(result.internal_errors())
    extra = f", {internal} internal error(s) (a bug of the checker)" if internal else ""
    return f"{parts or 'no steps'}{extra} (seed {result.seed})"
