"""Text-level normalisation of one LaTeX step before it is parsed.

Each rule is a pure ``str -> str`` function with a name, applied in the order of :data:`RULES`.
The rules only remove presentation (sizing, spacing, fonts) or rewrite a spelling into the one
form the later stages recognise (``\\log`` -> ``\\ln``, ``e^{x}`` -> ``\\exp(x)``, every
transpose mark -> ``^{T}``).  Anything that changes *meaning* (names, indices, derivatives,
indicators) is done by :mod:`verify.read.latex.step`, which knows the notation.

Escape damage (``oldsymbol`` for ``\\boldsymbol`` after ``\\b`` became a backspace) is *detected*
here, never repaired: guessing what a damaged document meant is not our job.

Also here: small brace/depth helpers shared by :mod:`verify.read.latex.source` and
:mod:`verify.read.latex.step`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_OPEN = "{(["
_CLOSE = "})]"
_BEGIN = re.compile(r"\\begin\s*\{([^}]*)\}")
_END = re.compile(r"\\end\s*\{([^}]*)\}")
_COMMAND = re.compile(r"\\[A-Za-z]+|\\.")


def depth_walk(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(position, depth)`` for every character outside commands' own letters.

    Depth counts ``{ } ( ) [ ]``, ``\\{ \\}`` and ``\\begin..\\end`` environments alike, so a
    ``=`` inside ``P(y=k)``, ``\\sum_{k=1}`` or a ``cases`` body is never at depth 0.  The
    depth yielded for a character is the depth *before* it (an opener is at the outer depth).

    One regex scan finds the tokens that matter (a command is yielded at its backslash only);
    the characters between them are yielded at the running depth.
    """
    depth = 0
    position = 0
    for token in _DEPTH_TOKEN.finditer(text):
        start = token.start()
        for i in range(position, start):
            yield i, depth
        position = token.end()
        kind = token.lastgroup
        if kind == "open":
            yield start, depth
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            yield start, depth
        else:   # any other command: no change of depth
            yield start, depth
    for i in range(position, len(text)):
        yield i, depth


# Alternatives in the order they are tried at a backslash: an environment's begin or end, an
# escaped brace, a command (letters, or one other character but a line end), a lone backslash.
_DEPTH_TOKEN = re.compile(r"(?P<open>\\begin\s*\{[^}]*\}|\\\{|[{(\[])"
                          r"|(?P<close>\\end\s*\{[^}]*\}|\\\}|[})\]])"
                          r"|(?P<command>\\[A-Za-z]+|\\.|\\)")


def balanced(text: str) -> str | None:
    """``None`` when braces, brackets and environments balance; otherwise what is wrong."""
    stack: list[tuple[str, int]] = []
    pairs = {"}": "{", ")": "(", "]": "[", "\\}": "\\{"}
    i = 0
    while i < len(text):
        begin, end = _BEGIN.match(text, i), _END.match(text, i)
        if begin:
            stack.append(("env:" + begin.group(1), i))
            i = begin.end()
            continue
        if end:
            if not stack or stack[-1][0] != "env:" + end.group(1):
                return f"\\end{{{end.group(1)}}} at column {i + 1} closes nothing open"
            stack.pop()
            i = end.end()
            continue
        two = text[i:i + 2]
        token = two if two in ("\\{", "\\}") else ("\\" if text[i] == "\\" else text[i])
        if token == "\\":
            i += 2
            continue
        if token in ("{", "(", "[", "\\{"):
            stack.append((token, i))
        elif token in pairs:
            # ( and [ may close each other (half-open intervals, \left[ ... \right) typos are
            # common); braces must match exactly because they carry structure.
            if not stack:
                return f"unmatched '{token}' at column {i + 1}"
            opener = stack[-1][0]
            loose = {opener, pairs[token]} <= {"(", "["}
            if opener != pairs[token] and not loose:
                return f"'{token}' at column {i + 1} does not close '{opener}'"
            stack.pop()
        i += len(token)
    if stack:
        token, where = stack[-1]
        return f"'{token.removeprefix('env:')}' opened at column {where + 1} is never closed"
    return None


def read_group(text: str, i: int) -> tuple[str, int]:
    """The argument at ``i`` (after spaces): a ``{...}`` group's content, a command, or one
    character.  Returns ``(content, index after it)``; ``("", i)`` at the end of the text."""
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i >= len(text):
        return "", i
    if text[i] == "{":
        depth = 0
        j = i
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    return text[i + 1:j], j + 1
            j += 1
        return text[i + 1:], len(text)
    if text[i] == "\\":
        match = _COMMAND.match(text, i)
        assert match is not None
        return match.group(0), i + len(match.group(0))
    return text[i], i + 1


def matching_paren(text: str, i: int) -> int:
    """Index of the ``)``/``]`` closing the opener at ``i``, or -1."""
    depth = 0
    for pos, level in depth_walk(text[i:]):
        char = text[i + pos]
        if pos == 0:
            depth = level
            continue
        if char in ")]" and level == depth:
            return i + pos
    return -1


def term_end(text: str, start: int, stops: str = "+-",
             commands: frozenset[str] = frozenset(), leading_sign: bool = True) -> int:
    """Where the run of factors starting at ``start`` ends: at a character of ``stops`` or a
    command of ``commands`` at its own depth, or at the bracket closing the group it stands
    in.  With ``leading_sign``, a sign before anything else is part of the run."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            command = re.match(r"\\(?:[A-Za-z]+|.)", text[i:])
            token = command.group(0) if command else "\\"
            if depth == 0 and token in commands:
                return i
            depth += {"\\{": 1, "\\}": -1}.get(token, 0)
            if depth < 0:
                return i
            i += len(token)
            continue
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
            if depth < 0:
                return i
        elif char in stops and depth == 0 and \
                not (leading_sign and char in "+-" and not text[start:i].strip()):
            return i
        i += 1
    return len(text)


def outside_brackets(text: str) -> str:
    """The characters of ``text`` outside its brackets (round, square and braces)."""
    depth = 0
    kept = []
    for char in text:
        depth += char in "([{"
        if depth == 0:
            kept.append(char)
        depth -= char in ")]}"
    return "".join(kept)


def split_depth0(text: str, separators: tuple[str, ...]) -> list[str]:
    """Split ``text`` at depth-0 occurrences of any separator (longest first)."""
    parts: list[str] = []
    start = 0
    seps = sorted(separators, key=len, reverse=True)
    skip_to = -1
    for pos, depth in depth_walk(text):
        if pos < skip_to or depth != 0:
            continue
        for sep in seps:
            if text.startswith(sep, pos):
                parts.append(text[start:pos])
                start = pos + len(sep)
                skip_to = start
                break
    parts.append(text[start:])
    return parts


# ---- damage detection -----------------------------------------------------------------------

_DAMAGE = (
    (re.compile(r"\x08|(?<![\\A-Za-z])oldsymbol\{"), "'\\b' of '\\boldsymbol' was eaten "
     "(an escape turned it into a backspace)"),
    (re.compile(r"(?:^|\n)\s*ight[)\]\\.|]"), "'\\r' of '\\right' was eaten (it became a "
     "line break)"),
    (re.compile(r"\x0c|(?<![\\A-Za-z])rac\{"), "'\\f' of '\\frac' was eaten"),
    (re.compile(r"\t|(?<![\\A-Za-z])ext\{"), "'\\t' of '\\text' was eaten"),
    (re.compile(r"(?<![\\A-Za-z])(?:athbf|abla|eq)\{"), "a backslash command lost its start"),
)


def detect_damage(text: str) -> tuple[str, str] | None:
    """``(offending token, why)`` when the text shows escape damage, or holds a character the
    reader cannot read (:func:`unreadable_character`), else ``None``."""
    for pattern, why in _DAMAGE:
        match = pattern.search(text)
        if match:
            return match.group(0).strip() or repr(match.group(0)), why
    return unreadable_character(text)


# ---- characters beyond ASCII ----------------------------------------------------------------
# The later stages read ASCII letters and digits only (their patterns say [A-Za-z], [0-9]).  A
# Greek letter with a LaTeX command of its own is that command (unicode-math's choice: U+03B5
# is \varepsilon, U+03F5 \epsilon; U+03C6 is \varphi, U+03D5 \phi); superscript and
# subscript digits and signs are a written ^{..} or _{..}.  Any other letter, digit or mark
# (an accented or Cyrillic letter, a Greek capital that looks Latin, a fraction) is refused,
# named: read as something else, it would be guessed.
_GREEK_LETTERS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "varphi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi",
    "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-", strict=True))
_SCRIPT_RUN = re.compile("[" + "".join(_SUPERSCRIPTS) + "]+|[" + "".join(_SUBSCRIPTS) + "]+")
_GREEK_LETTER = re.compile("[" + "".join(_GREEK_LETTERS) + "]")
_TRANSLATED = frozenset(_GREEK_LETTERS) | frozenset(_SUPERSCRIPTS) | frozenset(_SUBSCRIPTS) | \
    frozenset("·⋅×√∑∏∂∇⊙∘≠≤≥∈→∞ᵀ⊤′″’")


def unreadable_character(text: str) -> tuple[str, str] | None:
    """``(character, why)`` for the first letter, digit or mark beyond ASCII that
    :func:`unicode_symbols` does not translate, else ``None``."""
    import unicodedata
    for char in text:
        if char.isascii() or char in _TRANSLATED:
            continue
        if unicodedata.category(char)[0] in "LNM" or char.isalnum():
            name = unicodedata.name(char, "unnamed")
            return char, (f"the character U+{ord(char):04X} ({name}) is not read: write "
                          "it with ASCII letters or a LaTeX command")
    return None


def unicode_symbols(text: str) -> str:
    r"""``α`` -> ``\alpha``, ``x²`` -> ``x^{2}``, ``x₁₀`` -> ``x_{10}``, ``A⁻¹`` -> ``A^{-1}``."""
    def script(match: re.Match[str]) -> str:
        run = match.group(0)
        if run[0] in _SUPERSCRIPTS:
            return "^{" + "".join(_SUPERSCRIPTS[c] for c in run) + "}"
        return "_{" + "".join(_SUBSCRIPTS[c] for c in run) + "}"

    def greek(match: re.Match[str]) -> str:
        letter_follows = re.match(r"[A-Za-z]", match.string[match.end():]) is not None
        return "\\" + _GREEK_LETTERS[match.group(0)] + (" " if letter_follows else "")

    text = _GREEK_LETTER.sub(greek, _SCRIPT_RUN.sub(script, text))
    return _OPERATOR_SYMBOL.sub(lambda m: _OPERATOR_SYMBOLS[m.group(0)], text)


# Operators typed as characters (pages copied from rendered formulas): their commands, a space
# after each so that a letter after one does not join its name.
_OPERATOR_SYMBOLS = {
    "·": "\\cdot ", "⋅": "\\cdot ", "×": "\\times ", "√": "\\sqrt", "∑": "\\sum",
    "∏": "\\prod", "∂": "\\partial ", "∇": "\\nabla", "⊙": "\\odot ", "∘": "\\circ ",
    "≠": "\\neq ", "≤": "\\leq ", "≥": "\\geq ", "∈": "\\in ", "→": "\\to ", "∞": "\\infty ",
    "ᵀ": "^{T}", "⊤": "\\top ", "′": "'", "″": "''",
    # a right single quotation mark where a prime stands (s’(x), copied from a word processor)
    "’": "'",
}
_OPERATOR_SYMBOL = re.compile("[" + "".join(_OPERATOR_SYMBOLS) + "]")


# ---- rules ------------------------------------------------------------------------------------

_SIZING = re.compile(r"\\(?:left|right|middle|[bB]igg?[lrm]?)(?![A-Za-z])\s*\.?")
# A spacing command after any even run of backslashes (a row break: \\\ -y is \\ then \ ).
_CONTROL_SPACE = re.compile(r"(?<!\\)((?:\\\\)*)\\[,;:! ]")
_SPACING = re.compile(r"~|\\q?quad(?![A-Za-z])|\\(?:displaystyle|limits|nolimits|"
                      r"textstyle)(?![A-Za-z])|"
                      # punctuation set as text (\text{,} after a formula): no prose, no maths
                      r"\\(?:text|textrm|mbox)\s*\{\s*[,.;:]?\s*\}")
_GREEK = ("alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|"
          "mu|nu|xi|pi|rho|sigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|"
          "Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega")
_FONT_ONE = re.compile(r"\\(?:mathbf|textbf|boldsymbol|bm|mathit|mathcal|mathsf|mathbb|vec|mathrm|"
                       r"mathnormal|pmb)\s*\{\s*([A-Za-z]|\\(?:" + _GREEK + r"))\s*\}")
_FONT_BARE = re.compile(r"\\(?:mathbf|textbf|boldsymbol|bm|mathcal|vec|pmb)\s+([A-Za-z])")
# a font around one accented letter: \mathbf{\hat{y}}, \mathbb{\hat{y}} (a blog's bold) -> \hat{y}
_FONT_ACCENT = re.compile(r"\\(?:mathbf|textbf|boldsymbol|bm|mathbb|pmb|mathit)\s*\{\s*"
                          r"(\\(?:hat|tilde|bar|check)\s*\{\s*(?:[A-Za-z]|\\(?:" + _GREEK +
                          r"))\s*\})\s*\}")
_FONT_WORD = re.compile(r"\\(?:mathrm|operatorname|mathit)\s*\{\s*([A-Za-z]{2,})\s*\}")
_ACCENT_OVER_SUBSCRIPT = re.compile(r"\\(hat|tilde|bar|check)\s*\{\s*([A-Za-z]|\\(?:" + _GREEK +
                                    r"))\s*_\s*(?:\{([^{}]*)\}|([A-Za-z0-9]))\s*\}")
_ACCENT_WIDE = {"widehat": "hat", "widetilde": "tilde", "overline": "bar"}
_ACCENT = re.compile(r"\\(hat|tilde|bar|check)\s*(?:\{\s*([A-Za-z]|\\(?:" + _GREEK +
                     r"))\s*\}|([A-Za-z])(?![A-Za-z])|(\\(?:" + _GREEK + r"))(?![A-Za-z]))")
_TRANSPOSE = re.compile(r"\^\s*(?:\{\s*(?:\\top|\\intercal|T|\\(?:math(?:rm|sf)|text(?:rm)?)\s*"
                        r"(?:\{\s*T\s*\}|T(?![A-Za-z])))\s*\}|\\top(?![A-Za-z])|"
                        r"\\intercal(?![A-Za-z])|\\text(?:rm)?\s*(?:\{\s*T\s*\}|T(?![A-Za-z]))|"
                        r"T(?!ext|op(?![A-Za-z])))")   # TeX's ^Te is ^{T}e
# Plain TeX's font switches, which act to the end of their group: {\bf A}, {\rm tr}, {\cal L}.
_SWITCH = r"\\(?:bf|it|sf|tt|rm|cal|bfseries|itshape|rmfamily|boldmath)(?![A-Za-z])"
_SWITCH_LETTER = re.compile(r"\{\s*" + _SWITCH + r"\s*([A-Za-z]|\\(?:" + _GREEK + r"))\s*\}")
_SWITCH_WORD = re.compile(r"\{\s*\\rm(?![A-Za-z])\s*([A-Za-z]{2,})\s*\}")
_SWITCH_GROUP = re.compile(r"\{\s*" + _SWITCH + r"\s*")
_SWITCH_ALONE = re.compile(_SWITCH + r"\s*")
# A bold font over more than one name (\mathbf{AB}, \boldsymbol{Xw - y}) sets a product or a
# sum in bold type: the group, in brackets.  Digits alone (\mathbf{1}, \mathbf{0}) are left.
_BOLD_GROUP = re.compile(r"\\(?:mathbf|boldsymbol|bm|pmb)\s*(?=\{)")
# The indicator's one in a display font, before its set: \mathbb{1}_{\{j = k\}}, \mathbf{1}_{k=j}.
# Only there: \mathbf{1} alone (or \mathbb{1}_n) is a vector or matrix of ones, never 1.
_INDICATOR_ONE = re.compile(r"\\(?:mathbb|mathds|mathbf|boldsymbol|bm)\s*\{\s*1\s*\}\s*"
                            r"(?=_\s*\{\s*(?:\\\{|[^{}]*=))")
_ONES_FONT = re.compile(r"\{\s*\\(?:tt|bf)\s*1\s*\}|\\(?:mathtt|boldsymbol|bm|mathbb|mathbbm|pmb)"
                        r"\s*\{\s*1\s*\}")
_VERT = re.compile(r"\\[lr]?vert(?![A-Za-z])")
_FUNCTION_WORD = re.compile(r"\\(?:text|textrm|textit|mathrm|operatorname|mbox)\s*\{\s*"
                            r"(tanh|cosh|sinh|sech|exp|log|ln)\s*\}")
# sigmoid(z), softmax_j(z): a standard function's name typed as a plain word before its
# argument (never a product of letters s i g m o i d)
_PLAIN_FUNCTION = re.compile(r"(?<![\\A-Za-z{])(sigmoid|softmax|relu|ReLU|max|min)(?=\s*[(_])")
# \text{ReLU}(z), \mathrm{relu}(z): the standard ReLU's name in a text font
_RELU_WORD = re.compile(r"\\(?:text|textrm|textit|mathrm|mbox|operatorname)\s*\{\s*(?:relu|ReLU|"
                        r"Relu)\s*\}")
_PLAIN_SPELLING = {"relu": "\\operatorname{ReLU}", "ReLU": "\\operatorname{ReLU}",
                   "max": "\\max", "min": "\\min"}
_LOG = re.compile(r"\\log(?![A-Za-z])(?!\s*_)")
# e after a name, or after a one-character script (\sum_{k=1}^ne^{z_k}: TeX's ^n takes only n).
_EXP_POWER = re.compile(r"(?:(?<![\\A-Za-z])|(?<=[\^_][A-Za-z0-9]))e\s*\^")
_COLOR = re.compile(r"\\color\s*\{[A-Za-z!0-9]*\}|\\color\s*\[[a-z]*\]\s*\{[^{}]*\}")
_TEXTCOLOR = re.compile(r"\\textcolor\s*(?:\[[a-z]*\])?\s*\{[^{}]*\}")
_TRAILING = re.compile(r"(?:\s|\\[,;!])*[.,;]?(?:\s|\\[,;!])*$")


def unicode_minus(text: str) -> str:
    r"""The minus sign U+2212 and the en dash U+2013 -> ``-``: pages copied from rendered
    formulas show their minus signs so.  Not in a subscript, where an en dash is a range
    (``x_{1–n}``): there it is left, and the parser refuses it."""
    out = []
    i = 0
    while i < len(text):
        if text[i] == "_":
            end = read_group(text, i + 1)[1]
            out.append(text[i:end].replace("\u2212", "-"))
            i = end
            continue
        out.append("-" if text[i] in "\u2212\u2013" else text[i])
        i += 1
    return "".join(out)


def strip_sizing(text: str) -> str:
    r"""``\left( \Bigl\{ \big[`` -> the bare delimiter after a space (``\left.`` disappears).
    The space keeps ``p_{ik}\left(`` a product: a parenthesis written straight after a name
    would be read as a call."""
    return _SIZING.sub(" ", text)


def vertical_bars(text: str) -> str:
    r"""``\lvert x \rvert``, ``\vert x \vert`` -> ``|x|`` (the double bars of a norm are left)."""
    return _VERT.sub("|", text)


def strip_color(text: str) -> str:
    r"""``\color{blue}{x}`` -> ``{x}``, ``\textcolor{red}{x}`` -> ``{x}``: a colour says nothing
    about the value."""
    return _TEXTCOLOR.sub("", _COLOR.sub("", text))


def strip_spacing(text: str) -> str:
    r"""``\, \; \! \  ~ \quad \displaystyle \limits``, ``\text{,}`` -> a space."""
    return _SPACING.sub(" ", _CONTROL_SPACE.sub(r"\1 ", text))


def font_switches(text: str) -> str:
    r"""``{\bf A}`` -> ``A``; ``{\rm softmax}`` -> ``\operatorname{softmax}``; any other
    ``{\bf ...}`` -> its content in brackets, and a switch outside a group is dropped: fonts
    never distinguish names."""
    text = _SWITCH_LETTER.sub(_letter_alone, text)
    text = _SWITCH_WORD.sub(lambda m: "\\operatorname{" + m.group(1) + "}", text)
    out = []
    i = 0
    for match in _SWITCH_GROUP.finditer(text):
        if match.start() < i:
            continue
        content, end = read_group(text, match.start())
        body = content[match.end() - match.start() - 1:]
        out.append(text[i:match.start()] + " (" + body + ")")
        i = end
    out.append(text[i:])
    return _SWITCH_ALONE.sub("", "".join(out))


def bold_groups(text: str) -> str:
    r"""``\mathbf{AB}``, ``\boldsymbol {Xw-y}`` -> ``(AB)``, ``(Xw-y)`` (after
    :func:`strip_fonts` took the single letters): bold type over a product or a sum."""
    out = []
    i = 0
    for match in _BOLD_GROUP.finditer(text):
        if match.start() < i:
            continue
        content, end = read_group(text, match.end())
        if re.fullmatch(r"\s*[\d.]*\s*", content):
            continue
        out.append(text[i:match.start()] + " (" + content + ")")
        i = end
    out.append(text[i:])
    return "".join(out)


def strip_fonts(text: str) -> str:
    r"""``\mathbf{w} \boldsymbol{\Theta} \mathcal{J} \vec{x}`` -> the letter (``\mathbf{\hat{y}}``
    -> ``\hat{y}``); a multi-letter
    ``\mathrm{word}`` -> ``\operatorname{word}`` (one name, looked up as such)."""
    previous = None
    while previous != text:
        previous = text
        text = _FONT_ONE.sub(_letter_alone, text)
        text = _FONT_BARE.sub(_letter_alone, text)
        text = _FONT_ACCENT.sub(r"\1", text)
    return _FONT_WORD.sub(lambda m: "\\operatorname{" + m.group(1) + "}", text)


def _letter_alone(match: re.Match[str]) -> str:
    r"""The letter of a font command, after a space where a letter precedes it: ``\cdot\mathbf{x}``
    is ``\cdot x``, not the unknown command ``\cdotx``."""
    before = match.string[match.start() - 1:match.start()]
    return (" " if before.isalpha() else "") + match.group(1)


def unify_accents(text: str) -> str:
    r"""``\widehat{y}``, ``\hat y``, ``\hat{ y }`` -> ``\hat{y}``; ``\hat {y_j}`` (an accent over
    a name and its subscript) -> ``\hat{y}_{j}``."""
    for wide, short in _ACCENT_WIDE.items():
        text = re.sub(r"\\" + wide + r"(?![A-Za-z])", "\\\\" + short, text)
    text = _ACCENT_OVER_SUBSCRIPT.sub(
        lambda m: f"\\{m.group(1)}{{{m.group(2)}}}_{{{m.group(3) or m.group(4)}}}", text)
    return _ACCENT.sub(lambda m: f"\\{m.group(1)}{{{m.group(2) or m.group(3) or m.group(4)}}}",
                       text)


def unify_transpose(text: str) -> str:
    r"""``^T ^{T} ^\top ^{\top} ^{\mathrm{T}} ^{\mathsf T}`` -> ``^{T}``."""
    return _TRANSPOSE.sub("^{T}", text)


def ones_vector(text: str) -> str:
    r"""``{\tt1}``, ``{\bf 1}``, ``\mathtt{1}``, ``\boldsymbol{1}``, ``\bm{1}``,
    ``\mathbb{1}`` -> ``\mathbf{1}``: a 1 set in another font than the number's is the vector
    of ones (``{\tt1}^Te`` is the sum of ``e``), never the number (whose transpose means
    nothing).  Runs after ``indicator_one``, which takes the ``\mathbb{1}_{\{...\}}`` of a
    set."""
    return _ONES_FONT.sub(r"\\mathbf{1}", text)


def indicator_one(text: str) -> str:
    r"""``\mathbb{1}_{\{j = k\}}`` (``\mathds``, ``\mathbf``, ``\bm``) -> ``1_{\{j = k\}}``, the
    indicator :mod:`verify.read.latex.calls` reads; a ``\mathbf{1}`` not followed by a set is left
    alone."""
    return _INDICATOR_ONE.sub("1", text)


def function_words(text: str) -> str:
    r"""``\text{tanh}``, ``\operatorname{sech}``, ``\mathrm{cosh}`` -> ``\tanh``, ``\sech``,
    ``\cosh``: the standard functions written as words (the reader has a command for each)."""
    def command(match: re.Match[str]) -> str:
        letter_follows = match.string[match.end():match.end() + 1].isalpha()
        return "\\" + match.group(1) + (" " if letter_follows else "")
    return _FUNCTION_WORD.sub(command, text)


def plain_functions(text: str) -> str:
    r"""``sigmoid(z)``, ``softmax_j(z)`` -> ``\operatorname{sigmoid}(z)``, ...: the names the
    standard definitions answer to, typed without a command (``relu(z)``, ``\text{ReLU}(z)``:
    ``\operatorname{ReLU}(z)``; ``max(0, z)``: ``\max(0, z)``)."""
    text = _RELU_WORD.sub(lambda _: "\\operatorname{ReLU}", text)
    return _PLAIN_FUNCTION.sub(lambda m: _PLAIN_SPELLING.get(m.group(1),
                                                             f"\\operatorname{{{m.group(1)}}}"),
                               text)


def natural_log(text: str) -> str:
    r"""``\log`` -> ``\ln``: the parser reads ``\log`` as base 10; derivations mean base e.
    ``\log_{b}`` keeps its explicit base."""
    return _LOG.sub(r"\\ln", text)


def exp_power(text: str) -> str:
    r"""``e^{x}`` and ``e^x`` -> ``\exp(x)``: Euler's number, not a symbol named e; ``e^T``
    (``e^{\top}``, made ``e^T`` before) is a vector e transposed and stays."""
    out = []
    i = 0
    for match in _EXP_POWER.finditer(text):
        if match.start() < i:
            continue
        group, end = read_group(text, match.end())
        if group.strip() == "T":
            continue    # e^T e: a vector e transposed (e to the power of a transpose mark is
            #             no number), left for the notation to read
        # the exponent's own e^{..} too: e^{e^{e^{t}}}
        out.append(text[i:match.start()] + "\\exp(" + exp_power(group) + ")")
        i = end
    out.append(text[i:])
    return "".join(out)


def frac_variants(text: str) -> str:
    r"""``\dfrac \tfrac`` -> ``\frac``; ``\ast`` -> ``\cdot``; ``^{\prime}`` -> ``'``."""
    text = re.sub(r"\\[dt]frac(?![A-Za-z])", r"\\frac", text)
    text = re.sub(r"\\ast(?![A-Za-z])", r"\\cdot", text)
    return re.sub(r"\^\s*\{?\s*\\prime\s*\}?", "'", text)


# \partial y_i / \partial x_k, inline: one name over one name, the derivative as a fraction.
_NAME_TOKEN = r"(?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z0-9]))*"
_SLASH_DERIVATIVE = re.compile(
    r"(?:(?<=^)|(?<=[=+\-(\[{&\s]))\\partial\s*(?P<top>" + _NAME_TOKEN + r")\s*/\s*"
    r"\\partial\s*(?P<bottom>" + _NAME_TOKEN + r")(?=\s*(?:$|[=+\-)\]&,]|\\cdot|\\\\))")


def not_equal(text: str) -> str:
    r"""``\not=`` (TeX's slash over ``=``) -> ``\neq``."""
    return re.sub(r"\\not\s*=", r"\\neq ", text)


def slash_derivatives(text: str) -> str:
    r"""``\partial z_i / \partial x_k`` -> ``\frac{\partial z_i}{\partial x_k}``: only where
    one name stands over one name and nothing but a sign, a relation or a bracket follows
    (``\partial f / \partial x\, g`` is left, and refused as written)."""
    return _SLASH_DERIVATIVE.sub(
        lambda m: "\\frac{\\partial " + m.group("top") + "}{\\partial " + m.group("bottom") +
        "}", text)


_OVER = re.compile(r"\\over(?![A-Za-z])")
_ONE_NAME = re.compile(r"\s*(?:[A-Za-z]|\\[A-Za-z]+)\s*(?:_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?\s*")
# Commands that take no argument: a group after one of them is a bracket.
_NO_ARGUMENT = frozenset({*_GREEK.split("|"), "cdot", "times", "pm", "mp", "sum", "prod",
                          "int", "pi", "infty", "partial", "nabla", "ell", "cdots", "dots",
                          "ldots", "quad", "qquad", "in", "to", "approx", "le", "leq", "ge",
                          "geq", "neq", "ne", "equiv", "langle", "rangle", "mid", "vert",
                          "Vert", "lVert", "rVert", "lvert", "rvert"})
_TWO_ARGUMENTS = frozenset({"frac", "dfrac", "tfrac", "cfrac", "binom", "overset", "underset",
                            "stackrel"})
_VERBATIM_ARGUMENT = re.compile(r"\\(?:text[a-z]*|mbox|mathrm|operatorname|begin|end)\s*$")


def plain_groups(text: str) -> str:
    r"""A brace group that is no command's argument is a bracket: ``{(X^T w - y)^2 + \lambda
    w^T w}`` -> ``((X^T w - y)^2 + \lambda w^T w)``; plain TeX's ``{a \over b}`` ->
    ``\frac{a}{b}``.  An argument is a group after a command that takes one, a script mark,
    an option (``\sqrt[3]{x}``) or the first argument of a two-argument command
    (``\frac{a}{b}``); escaped braces are set braces; text arguments are left as written."""
    out: list[str] = []
    stack: list[tuple[int, bool, bool]] = []   # (index in out, plain?, a second one follows?)
    second = False    # the last group closed was a two-argument command's first
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            command = re.match(r"\\(?:[A-Za-z]+|.)", text[i:])
            token = command.group(0) if command else "\\"
            out.append(token)
            i += len(token)
            second = False
            continue
        if char == "{":
            before = "".join(out[-12:])
            if _VERBATIM_ARGUMENT.search(before):
                group, after = read_group(text, i)
                out.append("{" + group + "}")
                i = after
                continue
            named = re.search(r"\\([A-Za-z]+)\*?\s*$", before)
            # \frac d{dm}, \frac1{2n}: TeX's first argument may be one token, unbraced
            second = second or bool(re.search(r"\\(?:[dtc]?frac|binom)\s*(?:[A-Za-z0-9]|"
                                              r"\\[A-Za-z]+)\s*$", before))
            argument = second or bool(re.search(r"[\^_\]{]\s*$", before)) or \
                (named is not None and named.group(1) not in _NO_ARGUMENT)
            stack.append((len(out), not argument,
                          named is not None and named.group(1) in _TWO_ARGUMENTS))
            out.append("{" if argument else "(")
            second = False
            i += 1
            continue
        if char == "}" and stack:
            start, plain, first_of_two = stack.pop()
            if plain:
                inner = "".join(out[start + 1:])
                over = [m.start() for m in _OVER.finditer(inner)]
                if len(over) == 1 and depth_zero(inner, over[0]):
                    del out[start:]
                    out.append("\\frac{" + inner[:over[0]] + "}{" + inner[over[0] + 5:] + "}")
                elif not inner.strip():
                    del out[start:]   # an empty group ({} as TeX's spacer) says nothing
                    out.append(" ")
                elif _ONE_NAME.fullmatch(inner):
                    # {\sigma_{2}}^{2}: one name in braces is the name (after a space where a
                    # command or a letter ends before it: \cdot{e} is \cdot e)
                    del out[start:]
                    before = "".join(out[-1:])
                    out.append((" " if before[-1:].isalpha() else "") + inner.strip())
                else:
                    out.append(")")
            else:
                out.append("}")
            second = first_of_two
            i += 1
            continue
        if not char.isspace():
            second = False
        out.append(char)
        i += 1
    return "".join(out)


def depth_zero(text: str, position: int) -> bool:
    """Whether ``position`` of ``text`` is outside every bracket and group."""
    depth = 0
    for char in text[:position]:
        depth += char in "([{"
        depth -= char in ")]}"
    return depth == 0


def trailing_punctuation(text: str) -> str:
    """A sentence's final ``.`` or ``,`` after the formula is not part of it."""
    return _TRAILING.sub("", text)


Rule = Callable[[str], str]
RULES: tuple[tuple[str, Rule], ...] = (
    ("unicode_minus", unicode_minus),
    ("unicode_symbols", unicode_symbols),
    ("strip_sizing", strip_sizing),
    ("strip_spacing", strip_spacing),
    ("strip_color", strip_color),
    ("vertical_bars", vertical_bars),
    ("frac_variants", frac_variants),
    ("not_equal", not_equal),
    ("slash_derivatives", slash_derivatives),
    ("indicator_one", indicator_one),
    ("ones_vector", ones_vector),
    ("font_switches", font_switches),
    ("strip_fonts", strip_fonts),
    ("bold_groups", bold_groups),
    ("unify_accents", unify_accents),
    ("unify_transpose", unify_transpose),
    ("function_words", function_words),
    ("plain_functions", plain_functions),
    ("plain_groups", plain_groups),
    ("natural_log", natural_log),
    ("exp_power", exp_power),
    ("trailing_punctuation", trailing_punctuation),
)


def normalize(text: str, euler: bool = True) -> str:
    r"""Apply every rule in order; with ``euler`` false (the notation names an ``e``:
    ``e = \exp(x)``, ``e^T dx``), ``e^x`` is left to be read as that name's power."""
    for name, rule in RULES:
        if name != "exp_power" or euler:
            text = rule(text)
    return text.strip()


def canonical_spelling(spelling: str) -> str:
    """The form a notation's ``latex:`` spelling is compared in: normalised, no spaces."""
    return re.sub(r"\s+", "", normalize(spelling))
