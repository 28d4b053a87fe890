"""Text for Gradescope's ``md`` output format: feedback that shows its mathematics legibly.

Gradescope documents five output formats for ``results.json`` (``text``, ``html``,
``simple_format``, ``md``, ``ansi``; docs/grading.md, "How Gradescope shows the feedback"), and
none of them is documented to typeset mathematics.  So the feedback is written in ``md``
(paragraphs and a list, "some basic Markdown") with each ``$...$`` of our LaTeX as readable
plain text (:func:`verify.verdict.words.readable`: ``\\frac{1}{N}`` as ``1/N``) in a code span,
where no character is Markdown: ``y_(i,j)`` stays ``y_(i,j)``, not an italic.  Everything else
is prose, its Markdown characters escaped with a backslash (CommonMark's escapes, which Markdown
renderers share), so that a student's quoted LaTeX (``at '\\theta_j'``) or an instructor's
message shows as written and never as emphasis, a link, a heading or HTML.  The LaTeX itself
stays in ``extra_data`` (the instructor's copy).  Pure functions of text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from verify.verdict.words import readable

# Characters that make Markdown (or the HTML a renderer lets through) anywhere in a line.
_SPECIAL = frozenset("\\`*_[]<>#|~&")
# A line that would open a list, a quote or a heading, or be a rule: its first mark escaped.
_LINE_START = re.compile(r"^\s*(?:\d+(?=[.)](?:\s|$))|(?=[-+=>]))")   # 1. but not 2.5
_MATH = re.compile(r"\$([^$]*)\$")


def inline(text: str) -> str:
    """One line of feedback in Markdown: its ``$...$`` math as plain text in code spans, the
    rest escaped.  Line breaks in ``text`` become spaces (a line is one paragraph)."""
    pieces, at = [], 0
    flat = " ".join(text.split("\n")).strip()   # indented four spaces: a code block
    for match in _MATH.finditer(flat):
        pieces.append(_escaped(flat[at:match.start()]))
        pieces.append(code(readable(match.group(0))))
        at = match.end()
    pieces.append(_escaped(flat[at:]))
    line = "".join(pieces)
    return _LINE_START.sub(lambda m: f"{m.group(0)}\\", line, count=1)


def paragraphs(lines: Sequence[str], items: Sequence[str] = ()) -> str:
    """``lines`` as Markdown paragraphs, then ``items`` as a bulleted list."""
    blocks = [inline(line) for line in lines if line.strip()]
    if items:
        blocks.append("\n".join(f"- {inline(item)}" for item in items))
    return "\n\n".join(blocks)


def code(text: str) -> str:
    """``text`` as one code span: fenced by more backticks than any run inside it, padded
    with a space where it starts or ends with a backtick (CommonMark strips one each side)."""
    text = " ".join(text.split())
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _escaped(text: str) -> str:
    return "".join(f"\\{char}" if char in _SPECIAL else char for char in text)
