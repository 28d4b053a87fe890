"""Cleaning a step's LaTeX for display: repairing escape damage, dropping what a report's
display must not carry (delimiters, ``\\tag``, ``\\label``, whole-document environments).

The result still goes through the whitelist (:func:`verify.report.sanitize.check`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from verify.report.sanitize import tokenize

# --- repairing known damage --------------------------------------------------------------------

# A backslash escape read by a program as a control character (``\b`` -> backspace) leaves
# either that character or nothing before the rest of the macro name.  Each entry: the control
# character, the letter it replaced, and the macro names (without that letter) to restore.
_ESCAPES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("\x07", "a", ("lpha", "pprox", "st")),
    ("\x08", "b", ("oldsymbol", "eta", "ar", "egin", "ig", "igl", "igr", "inom", "ullet")),
    ("\x0c", "f", ("rac", "orall")),
    ("\n", "n", ("abla", "eq", "otin", "onumber")),
    ("\r", "r", ("ight", "ho", "angle", "brace", "floor", "ceil", "Vert", "vert")),
    ("\t", "t", ("ext", "heta", "imes", "ilde", "op", "au", "frac", "ag", "extbf")),
    ("\x0b", "v", ("ec", "arepsilon", "arphi", "artheta", "dots", "ert")),
)
# Names that, with the escape character simply gone, are unambiguous enough to restore when
# they stand alone (not after a letter or a backslash): "oldsymbol{" is never meant as written.
_LOST = {"oldsymbol": "b", "rac": "f", "ight": "r", "egin": "b", "abla": "n", "imes": "t",
         "heta": "t", "ilde": "t", "lpha": "a", "pprox": "a", "arepsilon": "v"}


def _restore(letter: str) -> Callable[[re.Match[str]], str]:
    return lambda match: "\\" + letter + match.group(1)


def repair(latex: str) -> str:
    """Undo the escape damage seen in the seeds (``oldsymbol{z}``, a line break before
    ``ight)``, a form feed before ``rac{``); text that is not damaged comes back unchanged."""
    for char, letter, names in _ESCAPES:
        pattern = re.escape(char) + "(" + "|".join(sorted(names, key=len, reverse=True)) + \
            r")(?![A-Za-z])"
        latex = re.sub(pattern, _restore(letter), latex)
    # Only at a boundary: "\text{height}" must stay as written.
    lost = "|".join(sorted(_LOST, key=len, reverse=True))
    return re.sub(r"(?<![A-Za-z\\])(" + lost + r")(?![A-Za-z])",
                  lambda m: "\\" + _LOST[m.group(1)] + m.group(1), latex)


# --- cleaning: what a document's equation carries that a report's display must not -------------

_RENAMED_ENVS = {"split": "aligned", "align": "aligned", "align*": "aligned",
                 "eqnarray": "aligned", "eqnarray*": "aligned", "flalign": "aligned",
                 "flalign*": "aligned", "gather": "gathered", "gather*": "gathered",
                 "multline": "gathered", "multline*": "gathered"}
_DROPPED_ENVS = ("equation", "equation*", "displaymath", "math")
_DIMENSION = re.compile(r"\s*-?(\d+\.?\d*|\.\d+)\s*(pt|em|ex|mm|cm|in|bp|mu)\s*")


def clean(latex: str) -> str:
    """The equation as a report can display it: damage repaired, delimiters, ``\\tag``,
    ``\\label``, ``\\nonumber`` and outer equation environments removed, whole-document
    environments renamed to their in-display forms, rows wrapped so they align."""
    text = repair(latex).strip()
    text = _strip_delimiters(text)
    text = _remove_macro_with_arg(text, ("tag*", "tag", "label"))
    text = re.sub(r"\\(nonumber|notag)(?![A-Za-z])", " ", text)
    for name in _DROPPED_ENVS:
        text = text.replace(f"\\begin{{{name}}}", " ").replace(f"\\end{{{name}}}", " ")
    for old, new in _RENAMED_ENVS.items():
        text = text.replace(f"\\begin{{{old}}}", f"\\begin{{{new}}}")
        text = text.replace(f"\\end{{{old}}}", f"\\end{{{new}}}")
    text = _fix_row_breaks(text)
    # A blank line inside mathematics is a paragraph break, an error: one line only.
    text = re.sub(r"\s+", " ", text).strip()
    return _wrap_rows(text)


def _strip_delimiters(text: str) -> str:
    for opening, closing in (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")):
        if text.startswith(opening) and text.endswith(closing) and \
                len(text) >= len(opening) + len(closing):
            return text[len(opening):len(text) - len(closing)].strip()
    return text


def _remove_macro_with_arg(text: str, names: tuple[str, ...]) -> str:
    """Remove ``\\name{...}`` (balanced braces) for each name."""
    for name in names:
        pattern = re.compile(re.escape("\\" + name) + r"\s*\{")
        while (match := pattern.search(text)) is not None:
            end = _group_end(text, match.end() - 1)
            if end is None:
                break          # unbalanced: leave it, the whitelist will refuse it
            text = text[:match.start()] + " " + text[end:]
    return text


def _group_end(text: str, start: int) -> int | None:
    """Index just past the group opening at ``text[start] == '{'``, or None if unbalanced."""
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        index += 1
        if depth == 0:
            return index
    return None


def _fix_row_breaks(text: str) -> str:
    """``\\\\[4pt]`` keeps its spacing; ``\\\\ [a, b]`` (an interval opening a row) must not
    be read as one, so it gets an empty group in between."""
    def fix(match: re.Match[str]) -> str:
        inside = match.group(1)
        return match.group(0) if _DIMENSION.fullmatch(inside) else "\\\\{}[" + inside + "]"
    return re.sub(r"\\\\\s*\[([^\]]*)\]", fix, text)


def _wrap_rows(text: str) -> str:
    """Rows or alignment marks outside any environment (a document's ``align`` body) need one."""
    amp, rows = _top_level_marks(text)
    if amp:
        return "\\begin{aligned}" + text + "\\end{aligned}"
    if rows:
        return "\\begin{gathered}" + text + "\\end{gathered}"
    return text


def _top_level_marks(text: str) -> tuple[bool, bool]:
    amp = rows = False
    depth = 0
    for kind, value in tokenize(text):
        if kind == "word" and value in ("begin", "left"):
            depth += 1
        elif kind == "word" and value in ("end", "right"):
            depth -= 1
        elif kind == "char" and value in "{}":
            depth += 1 if value == "{" else -1
        elif depth == 0 and kind == "char" and value == "&":
            amp = True
        elif depth == 0 and kind == "symbol" and value == "\\":
            rows = True
    return amp, rows
