"""Escaping any text so that LaTeX prints it literally, whatever it contains."""

from __future__ import annotations

import unicodedata

from verify.report.sanitize import words

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
    "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\textquotedbl{}",
    "\n": " ", "\t": " ",
    "\u2013": "--", "\u2014": "---", "\u2018": "`", "\u2019": "'", "\u201c": "``",
    "\u201d": "''", "\u2026": r"\ldots{}", "\u2212": "-", "\u00d7": r"\texttimes{}",
    "\u00b7": r"\textperiodcentered{}", "\u00a0": "~",
}
_MATH_GLYPHS = {
    "\u2260": r"\neq", "\u2264": r"\leq", "\u2265": r"\geq", "\u2192": r"\to",
    "\u2248": r"\approx", "\u221e": r"\infty", "\u2202": r"\partial", "\u2207": r"\nabla",
    "\u2211": r"\sum", "\u2208": r"\in", "\u00b1": r"\pm", "\u2261": r"\equiv",
}
_GREEK_LETTERS = {unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}"): "\\" + name
                  for name in words("alpha beta gamma delta epsilon zeta eta theta iota kappa "
                                    "lamda mu nu xi pi rho sigma tau upsilon phi chi psi omega")}
_GREEK_LETTERS["\u03bb"] = r"\lambda"


def escape_text(text: str) -> str:
    """``text`` as LaTeX that prints it literally, whatever it contains.  Characters the
    report's fonts cannot print appear as their code point, ``[U+2603]``."""
    return "".join(_escape_char(char) for char in text)


def _escape_char(char: str) -> str:
    if char in _TEXT_ESCAPES:
        return _TEXT_ESCAPES[char]
    if char.isascii():
        return char if char.isprintable() else f"[U+{ord(char):04X}]"
    if char in _MATH_GLYPHS:
        return f"${_MATH_GLYPHS[char]}$"
    if char in _GREEK_LETTERS:
        return f"${_GREEK_LETTERS[char]}$"
    # Latin-1 letters are set up by LaTeX's UTF-8 input and the T1 fonts; nothing else is sure.
    if "\u00c0" <= char <= "\u00ff" and unicodedata.category(char).startswith("L"):
        return char
    return f"[U+{ord(char):04X}]"


def escape_code(text: str) -> str:
    """``text`` for a monospace paragraph: escaped, with line-break opportunities after
    operators and closing brackets so that long LaTeX or SymPy text wraps."""
    pieces: list[str] = []
    run = 0
    for char in text:
        pieces.append(r"\textbackslash{}" if char == "\\" else _escape_char(char))
        run = 0 if char == " " else run + 1
        if char in ",+-*=)}]/" or run >= 30:
            pieces.append(r"\allowbreak{}")
            run = 0
    return "".join(pieces)
