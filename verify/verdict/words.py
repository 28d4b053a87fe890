"""A diagnosis for the terminal: its ``$...$`` LaTeX (written by the expression model's printer,
:mod:`verify.model.reading`) as readable plain text, ``\\frac{1}{N}`` as ``1/N``,
``\\sum_{i=1}^{N}`` as ``Σ_{i=1}^{N}``, ``\\mathbf{w}_{k}^{\\top}`` as ``w_kᵀ``.  Light (no
SymPy): the command line imports it.  Reports and Gradescope keep the LaTeX."""

from __future__ import annotations

import re
import unicodedata

_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
          "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon",
          "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi",
          "Pi", "Sigma", "Phi", "Psi", "Omega")
_GREEK_TEXT = "αβγδεεζηθικλμνξπρστυφφχψωΓΔΘΛΞΠΣΦΨΩ"
_SYMBOLS = {**dict(zip(_GREEK, _GREEK_TEXT, strict=True)),
            "sum": "Σ", "prod": "Π", "cdot": "·", "times": "×", "neq": "≠", "ne": "≠",
            "leq": "≤", "geq": "≥", "partial": "∂", "nabla": "∇", "infty": "∞", "vdots": "…",
            "ldots": "…", "cdots": "…", "dots": "…", "in": "∈", "setminus": "∖", "to": "→",
            "top": "ᵀ", "quad": " ", "qquad": " ", "lvert": "|", "rvert": "|", "|": "‖",
            "{": "{", "}": "}", ",": " ", ";": " ", "!": "", " ": " "}
_UNWRAPPED = ("mathbf", "boldsymbol", "mathrm", "operatorname", "text", "textrm", "mathit",
              "bm", "mathsf", "mathcal", "mathbb", "vec", "left",
              "right", "bigl", "bigr", "Bigl", "Bigr")
# accents kept (y and \hat{y} are two names): a combining mark over one character, else the
# accent's name around the group
_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "widehat": "\u0302",
            "widetilde": "\u0303", "overline": "\u0304"}
_MATH = re.compile(r"\$([^$]*)\$")


def readable(text: str) -> str:
    """``text`` with each ``$...$`` written as plain text (the rest unchanged)."""
    return _MATH.sub(lambda m: _plain(m.group(1)), text)


def _plain(latex: str) -> str:
    out, at = [], 0
    while at < len(latex):
        char = latex[at]
        if char == "\\":
            name, at = _command(latex, at + 1)
            if name == "frac":
                top, at = _group(latex, at)
                bottom, at = _group(latex, at)
                out.append(f"{_wrapped(_plain(top))}/{_wrapped(_plain(bottom))}")
            elif name == "sqrt" and at < len(latex) and latex[at] == "{":
                body, at = _group(latex, at)
                shown = _plain(body)
                out.append(f"√{shown}" if shown.isalnum() else f"√({shown})")
            elif name in ("begin", "end"):
                _, at = _group(latex, at)
                out.append("(" if name == "begin" else ")")
            elif name == "\\":
                out.append(", ")
            elif name in _ACCENTS and at < len(latex) and latex[at] == "{":
                body, at = _group(latex, at)
                shown = _plain(body)
                out.append(unicodedata.normalize("NFC", shown + _ACCENTS[name])
                           if len(shown) == 1 else f"{name}({shown})")
            elif name in _UNWRAPPED:
                if at < len(latex) and latex[at] == "{":
                    body, at = _group(latex, at)
                    out.append(_plain(body))
            else:
                out.append(_SYMBOLS.get(name, name))
        elif char in "_^":
            body, at = _group(latex, at + 1)
            shown = _plain(body).strip()
            if char == "^" and shown == "ᵀ":
                out.append("ᵀ")
            elif len(shown) == 1 or shown.isalnum() or _enclosed(shown):
                out.append(f"{char}{shown}")   # y^(1), 1_{y = 1}: bracketed once, not twice
            else:
                out.append(f"{char}({shown})")
        elif char in "{}":
            at += 1
        else:
            out.append(char)
            at += 1
    text = re.sub(r" {2,}", " ", "".join(out))
    return re.sub(r"\( ", "(", re.sub(r" ([,)])", r"\1", text)).strip()


def _command(latex: str, at: int) -> tuple[str, int]:
    """The command name after a backslash (letters, or one other character)."""
    match = re.match(r"[A-Za-z]+", latex[at:])
    if match is None:
        return latex[at:at + 1], at + 1
    return match.group(0), at + match.end()


def _group(latex: str, at: int) -> tuple[str, int]:
    """A braced group's content (or one character, or one command) at ``at``."""
    while at < len(latex) and latex[at] == " ":
        at += 1
    if at >= len(latex):
        return "", at
    if latex[at] != "{":
        if latex[at] == "\\":
            end = _command(latex, at + 1)[1]
            return latex[at:end], end
        return latex[at], at + 1
    depth = 0
    for end in range(at, len(latex)):
        if latex[end] == "\\":
            continue
        if latex[end] == "{" and (end == 0 or latex[end - 1] != "\\"):
            depth += 1
        elif latex[end] == "}" and latex[end - 1] != "\\":
            depth -= 1
            if depth == 0:
                return latex[at + 1:end], end + 1
    return latex[at + 1:], len(latex)


def _enclosed(text: str) -> bool:
    """Whether ``text`` is one bracket, ``(...)`` or ``{...}``, from its first character to its
    last (``(a)(b)`` is two)."""
    if len(text) < 2 or (text[0], text[-1]) not in (("(", ")"), ("{", "}")):
        return False
    depth = 0
    for at, char in enumerate(text):
        depth += char in "({"
        depth -= char in ")}"
        if depth == 0 and at < len(text) - 1:
            return False
    return depth == 0


def _wrapped(text: str) -> str:
    return f"({text})" if re.search(r"[\s+\-/·]", text) else text
