"""Text made safe to print on a terminal, one line per record.

File names and messages quote the input (a file may be named ``"a\\x1b[2J.md"`` or hold a
newline; a step quotes its own LaTeX): printed raw, an escape sequence would act on the user's
terminal and a line end would split one output line in two.  Every character Python does not
consider printable (controls, line and paragraph separators, format characters such as the
bidirectional overrides) is written as its escape (``\\x1b``, ``\\n``, ``\\u202e``); the rest is
unchanged.
"""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with every non-printable character written as its Python escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)
