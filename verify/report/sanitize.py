"""Turning untrusted LaTeX and text into something a report can embed safely.

A step's LaTeX comes from a student's document: it may be damaged (an OCR or escape mishap ate
``\\b`` from ``\\boldsymbol``) and it may be hostile (``\\input{/etc/passwd}``, ``\\write18``,
``\\catcode``).  This module repairs the known damage, then decides with a *whitelist*: a step
is typeset as mathematics only when every control sequence, environment and character in it is
known to be harmless and its structure (braces, ``\\left``/``\\right``, environments, scripts)
is balanced; anything else is typeset verbatim as escaped monospace text.  The whitelist is the
first line of defence; the compiler's own restrictions (:mod:`verify.report.pdf`) are the second.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

MAX_MATH_CHARS = 4000     # longer "equations" are typeset verbatim: no real step is this long
MAX_DEPTH = 40            # nesting of groups; TeX's own limits are far above, DoS is not

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


# --- the whitelist ------------------------------------------------------------------------------

def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: long name lists read better as prose."""
    return frozenset(text.split())


SIZED = words("left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr")
GREEK = words("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda "
          "mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
          "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega")
_SYMBOLS = words("partial nabla infty ell hbar imath jmath emptyset varnothing forall exists neg "
            "cdot cdots ldots dots vdots ddots dotsb dotsc dotsm times div pm mp ast star circ "
            "bullet odot otimes oplus ominus wedge vee cap cup setminus dagger top bot intercal "
            "prime leq le geq ge neq ne approx equiv sim simeq cong propto ll gg in notin ni "
            "subset subseteq supset supseteq mid parallel perp to rightarrow leftarrow "
            "Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto implies iff longrightarrow "
            "quad qquad colon not diamond triangle square angle backslash "
            "langle rangle lvert rvert lVert rVert vert Vert lfloor rfloor lceil rceil lbrace "
            "rbrace lbrack rbrack "
            "sum prod int iint oint coprod bigcup bigcap bigoplus bigotimes "
            "exp log ln lg sin cos tan cot sec csc sinh cosh tanh arcsin arccos arctan "
            "max min sup inf lim limsup liminf arg det dim ker deg gcd Pr "
            "limits nolimits displaystyle textstyle scriptstyle scriptscriptstyle "
            "big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr middle left right "
            "begin end")
# Macros with mandatory arguments, and how many.
ARITY = {"frac": 2, "dfrac": 2, "tfrac": 2, "binom": 2, "overset": 2, "underset": 2,
         "stackrel": 2, "sqrt": 1, "vphantom": 1, "hat": 1, "widehat": 1, "bar": 1, "overline": 1,
         "underline": 1, "tilde": 1, "widetilde": 1, "vec": 1, "dot": 1, "ddot": 1,
         "mathbf": 1, "boldsymbol": 1, "mathcal": 1, "mathbb": 1, "mathrm": 1, "mathit": 1,
         "mathsf": 1, "mathtt": 1, "mathfrak": 1, "operatorname": 1, "underbrace": 1,
         "overbrace": 1, "substack": 1, "boxed": 1, "phantom": 1, "text": 1, "textrm": 1,
         "textbf": 1, "textit": 1, "textnormal": 1, "mbox": 1}
# Words that change what follows rather than print a symbol: never a macro's whole argument.
_STRUCTURAL = SIZED | words("begin end limits nolimits displaystyle textstyle scriptstyle "
                            "scriptscriptstyle not")
_BIG_OPERATORS = words("sum prod int iint oint coprod bigcup bigcap bigoplus bigotimes lim "
                       "limsup liminf max min sup inf det Pr gcd arg")
_SINGLE_GLYPHS = GREEK | words("partial infty nabla prime top bot ell cdot times pm mp ast star "
                                "circ bullet in ni emptyset hbar imath jmath dagger intercal "
                                "forall exists")
TEXT_MACROS = frozenset({"text", "textrm", "textbf", "textit", "textnormal", "mbox"})
ALLOWED_WORDS = GREEK | _SYMBOLS | frozenset(ARITY)
# Control symbols: spacing, and escaped characters that print themselves.
_SPACING = frozenset(",;:! ")
_ESCAPED_CHARS = frozenset("{}|_%&#$")
_TEXT_SYMBOLS = frozenset(", {}_%&#$")
# Environments allowed inside a display, and which row/column marks each takes.
ENVIRONMENTS: dict[str, str] = {
    "aligned": "&\\", "gathered": "\\", "cases": "&\\", "array": "&\\", "matrix": "&\\",
    "pmatrix": "&\\", "bmatrix": "&\\", "Bmatrix": "&\\", "vmatrix": "&\\", "Vmatrix": "&\\",
    "smallmatrix": "&\\", "subarray": "\\",
}
_MATH_CHARS = frozenset("+-*/=<>()[]|.,;:!?'^_{}&~ ")
_TEXT_CHARS = frozenset(",.;:!?()[]'-/+=* ")
_DELIMITERS = frozenset("()[]|./") | {"\\{", "\\}", "\\|"}
_DELIMITER_WORDS = words("langle rangle lvert rvert lVert rVert vert Vert lfloor rfloor "
                             "lceil rceil lbrace rbrace lbrack rbrack backslash")

Token = tuple[str, str]    # ("word", name) | ("symbol", char) | ("char", char)
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|(.)|(\\)$", re.S)


def tokenize(text: str) -> list[Token]:
    """TeX's view of the text: control words, control symbols, single characters.  A final
    lone backslash is a ("symbol", "") token, which nothing allows."""
    tokens: list[Token] = []
    for word, symbol, char, lone in _TOKEN.findall(text):
        if word:
            tokens.append(("word", word))
        elif symbol:
            tokens.append(("symbol", symbol))
        elif lone:
            tokens.append(("symbol", ""))
        else:
            tokens.append(("char", char))
    return tokens


@dataclass
class _Group:
    kind: str            # "{", "left", "top", or an environment name
    marks: str = ""      # which of & and \\ may appear directly inside
    text: bool = False   # the argument of \text: text mode
    scripts: frozenset[str] | None = None  # a script's argument: the scripts to restore after


def check(latex: str) -> str | None:
    """Why ``latex`` (already cleaned) cannot be typeset as mathematics, or None if it can."""
    if not latex.strip():
        return "the step is empty"
    if len(latex) > MAX_MATH_CHARS:
        return f"longer than {MAX_MATH_CHARS} characters"
    if "^^" in latex:
        return "contains ^^, TeX's character-code notation"
    return _Checker(tokenize(latex)).run()


class _Checker:
    """One pass over the tokens with a stack of open groups; the first problem is the answer."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.stack: list[_Group] = [_Group("top")]
        self.scripts: set[str] = set()     # ^ and _ already attached to the current atom

    def run(self) -> str | None:
        index = 0
        while index < len(self.tokens):
            problem, index = self.step(index)
            if problem:
                return problem
        if len(self.stack) > 1:
            return f"unclosed {_describe(self.stack[-1].kind)}"
        return None

    def step(self, index: int) -> tuple[str | None, int]:
        kind, value = self.tokens[index]
        if kind == "word":
            return self.word(index, value)
        if kind == "symbol":
            return self.symbol(value), index + 1
        return self.char(index, value)

    def word(self, index: int, name: str) -> tuple[str | None, int]:
        self.scripts.clear()
        group = self.stack[-1]
        if group.text:
            return f"\\{name} inside \\text", index + 1
        if name not in ALLOWED_WORDS:
            return f"uses \\{name}, which reports do not typeset", index + 1
        if name in ARITY and not _has_arguments(self.tokens, index + 1, ARITY[name]):
            return f"\\{name} is missing an argument", index + 1
        if name in ("limits", "nolimits") and _previous_word(self.tokens, index) \
                not in _BIG_OPERATORS:
            return f"\\{name} must follow an operator such as \\sum", index + 1
        if name in TEXT_MACROS:
            return self.open_text(index + 1)
        if name in ("begin", "end"):
            return self.environment(index, name)
        if name in SIZED:
            return self.sized(index, name)
        if name == "substack":
            return self.open_brace(index + 1, marks="\\")
        return None, index + 1

    def open_text(self, index: int) -> tuple[str | None, int]:
        index = _skip_spaces(self.tokens, index)
        if index >= len(self.tokens) or self.tokens[index] != ("char", "{"):
            return "\\text needs a braced argument", index
        return self.push(_Group("{", text=True)), index + 1

    def open_brace(self, index: int, marks: str) -> tuple[str | None, int]:
        index = _skip_spaces(self.tokens, index)
        if index >= len(self.tokens) or self.tokens[index] != ("char", "{"):
            return "\\substack needs a braced argument", index
        return self.push(_Group("{", marks=marks)), index + 1

    def environment(self, index: int, name: str) -> tuple[str | None, int]:
        env, after = _braced_name(self.tokens, index + 1)
        if env not in ENVIRONMENTS:
            return f"uses the environment {env or '(none)'}, which reports do not typeset", after
        if name == "end":
            if self.stack[-1].kind != env:
                return f"\\end{{{env}}} closes {_describe(self.stack[-1].kind)}", after
            self.stack.pop()
            return None, after
        if env == "array":
            spec, after = _braced_name(self.tokens, after)
            if not spec or not re.fullmatch(r"[clr| ]+", spec):
                return "an array needs a plain column specification (c, l, r, |)", after
        return self.push(_Group(env, marks=ENVIRONMENTS[env])), after

    def sized(self, index: int, name: str) -> tuple[str | None, int]:
        after = _skip_spaces(self.tokens, index + 1)
        if after >= len(self.tokens) or not _is_delimiter(self.tokens[after]):
            return f"\\{name} must be followed by a delimiter", after
        if name == "left":
            return self.push(_Group("left")), after + 1
        if name == "middle" and self.stack[-1].kind != "left":
            return "\\middle outside \\left ... \\right", after + 1
        if name == "right":
            if self.stack[-1].kind != "left":
                return f"\\right without a matching \\left in {_describe(self.stack[-1].kind)}", \
                    after + 1
            self.stack.pop()
        return None, after + 1

    def symbol(self, value: str) -> str | None:
        self.scripts.clear()
        group = self.stack[-1]
        if value == "\\":
            return None if "\\" in group.marks else "a row break \\\\ outside rows"
        allowed = _TEXT_SYMBOLS if group.text else _SPACING | _ESCAPED_CHARS
        if value in allowed:
            return None
        where = " inside \\text" if group.text else ", which reports do not typeset"
        return f"uses \\{value or ' at the end'}{where}"

    def char(self, index: int, value: str) -> tuple[str | None, int]:
        group = self.stack[-1]
        if group.text:
            return self.text_char(value), index + 1
        if value.isascii() and value.isalnum():
            self.scripts.clear()
            return None, index + 1
        if value == "$" and group.kind == "$":
            self.stack.pop()
            return None, index + 1
        if value not in _MATH_CHARS:
            return f"contains the character {_show(value)}", index + 1
        if value in "^_":
            return self.script(index, value)
        if value == "'" and "^" in self.scripts:
            return "a prime after a superscript", index + 1
        if value == "{":
            return self.push(_Group("{")), index + 1
        if value == "}":
            return self.close_brace(), index + 1
        if value == "&" and "&" not in group.marks:
            return "an alignment mark & outside rows", index + 1
        if value != " ":
            self.scripts.clear()
        return None, index + 1

    def text_char(self, value: str) -> str | None:
        if value == "$":       # \text{if $k = j$}: mathematics again, up to the next $
            return self.push(_Group("$"))
        if value == "{":
            return self.push(_Group("{", text=True))
        if value == "}":
            return self.close_brace()
        if (value.isascii() and value.isalnum()) or value in _TEXT_CHARS:
            return None
        return f"contains {_show(value)} inside \\text"

    def script(self, index: int, value: str) -> tuple[str | None, int]:
        if value in self.scripts:
            return f"a double {'superscript' if value == '^' else 'subscript'}", index + 1
        if not _has_arguments(self.tokens, index + 1, 1):
            return f"{value} without an argument", index + 1
        scripts = frozenset(self.scripts | {value})
        after = _skip_spaces(self.tokens, index + 1)
        if self.tokens[after] == ("char", "{"):
            # The argument is checked in the normal flow; the scripts come back after it.
            return self.push(_Group("{", scripts=scripts)), after + 1
        problem, after = self.step(after)
        self.scripts = set(scripts)
        return problem, after

    def push(self, group: _Group) -> str | None:
        if len(self.stack) > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} groups"
        self.stack.append(group)
        return None

    def close_brace(self) -> str | None:
        top = self.stack[-1]
        if top.kind == "top":
            return "a closing brace } with no opening one"
        if top.kind != "{":
            return f"a closing brace inside {_describe(top.kind)}"
        self.stack.pop()
        self.scripts = set(top.scripts or ())
        return None


def _describe(kind: str) -> str:
    if kind == "{":
        return "a brace group"
    if kind == "left":
        return "a \\left delimiter"
    if kind == "$":
        return "mathematics inside \\text"
    if kind == "top":
        return "the equation"
    return f"the environment {kind}"


def _show(char: str) -> str:
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})" if not char.isprintable() \
        or not char.isascii() else repr(char)


def _skip_spaces(tokens: list[Token], index: int) -> int:
    while index < len(tokens) and tokens[index] == ("char", " "):
        index += 1
    return index


def _is_delimiter(token: Token) -> bool:
    kind, value = token
    if kind == "char":
        return value in _DELIMITERS
    if kind == "symbol":
        return "\\" + value in _DELIMITERS
    return value in _DELIMITER_WORDS


def _previous_word(tokens: list[Token], index: int) -> str | None:
    index -= 1
    while index >= 0 and tokens[index] == ("char", " "):
        index -= 1
    return tokens[index][1] if index >= 0 and tokens[index][0] == "word" else None


def _simple(token: Token) -> bool:
    """Can this token alone be a macro's or a script's argument (``\\frac12``, ``x^\\top``)?
    Only a character or a symbol that is a single glyph: a word that expands to several
    tokens (amsmath's ``\\sum``, ``\\colon``) would lose all but its first."""
    kind, value = token
    if kind == "char":
        return value.isascii() and (value.isalnum() or value in "+-*/=<>()[]|.,;:!?")
    return kind == "word" and value in _SINGLE_GLYPHS


def _has_arguments(tokens: list[Token], index: int, count: int) -> bool:
    """Are there ``count`` arguments from ``index`` on (simple tokens or balanced groups)?
    The content of a group is checked in the normal flow."""
    for _ in range(count):
        index = _skip_spaces(tokens, index)
        if index < len(tokens) and tokens[index] == ("char", "["):  # \sqrt[n]{x}
            while index < len(tokens) and tokens[index] != ("char", "]"):
                index += 1
            index = _skip_spaces(tokens, index + 1)
        if index >= len(tokens):
            return False
        if tokens[index] == ("char", "{"):
            depth = 0
            while index < len(tokens):
                depth += {("char", "{"): 1, ("char", "}"): -1}.get(tokens[index], 0)
                index += 1
                if depth == 0:
                    break
            if depth:
                return False
        elif _simple(tokens[index]):
            index += 1
        else:
            return False
    return True


def _braced_name(tokens: list[Token], index: int) -> tuple[str | None, int]:
    """The plain characters of ``{name}`` at ``index`` (None if it is not one)."""
    index = _skip_spaces(tokens, index)
    if index >= len(tokens) or tokens[index] != ("char", "{"):
        return None, index
    name = []
    index += 1
    while index < len(tokens) and tokens[index] != ("char", "}"):
        kind, value = tokens[index]
        if kind != "char" or value in "{\\":
            return None, index
        name.append(value)
        index += 1
    return "".join(name), index + 1


# --- escaping text ------------------------------------------------------------------------------

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
