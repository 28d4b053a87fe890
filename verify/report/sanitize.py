"""The whitelist: may a step's LaTeX be handed to TeX as mathematics?

A step's LaTeX comes from a student's document and may be hostile (``\\input{/etc/passwd}``,
``\\write18``, ``\\catcode``).  A step is typeset as mathematics only when every control
sequence, environment and character in it is known to be harmless and its structure (braces,
``\\left``/``\\right``, environments, scripts, arguments) is sound; anything else is typeset
verbatim as escaped monospace text (:mod:`verify.report.escape`).  The whitelist is the first
line of defence; the compiler's own restrictions (:mod:`verify.report.pdf`) are the second.
Known damage is repaired before the check (:mod:`verify.report.clean`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from verify.core.limits import (
    TYPESET_COSTLY_COMMANDS,
    TYPESET_COSTLY_NESTING,
    TYPESET_MATH_CHARS,
    TYPESET_NESTING,
    TYPESET_TEXT_MATH_NESTING,
)


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
# Commands whose argument TeX typesets once per math style (amsmath's \mathchoice and
# \mathpalette): nested, they multiply the work by four a level (TYPESET_COSTLY_NESTING).
COSTLY = TEXT_MACROS | words("phantom vphantom hphantom boldsymbol")
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
    costly: bool = False  # the argument of a COSTLY command


def check(latex: str) -> str | None:
    """Why ``latex`` (already cleaned) cannot be typeset as mathematics, or None if it can."""
    if not latex.strip():
        return "the step is empty"
    if len(latex) > TYPESET_MATH_CHARS:
        return f"longer than {TYPESET_MATH_CHARS} characters"
    if "^^" in latex:
        return "contains ^^, TeX's character-code notation"
    return _Checker(tokenize(latex)).run()


class _Checker:
    """One pass over the tokens with a stack of open groups; the first problem is the answer."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.stack: list[_Group] = [_Group("top")]
        self.scripts: set[str] = set()     # ^ and _ already attached to the current atom
        self.costly = 0                    # COSTLY commands seen so far

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
        if name in COSTLY:
            self.costly += 1
            if self.costly > TYPESET_COSTLY_COMMANDS:
                return f"more than {TYPESET_COSTLY_COMMANDS} commands such as \\{name} " \
                    "(each typesets its argument four times)", index + 1
        if name in TEXT_MACROS:
            return self.open_text(index + 1)
        if name in COSTLY:
            return self.open_costly(index + 1, name)
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
        return self.push(_Group("{", text=True, costly=True)), index + 1

    def open_costly(self, index: int, name: str) -> tuple[str | None, int]:
        """The braced argument of \\phantom or \\boldsymbol, marked so that nesting counts
        (a single-token argument holds nothing nested)."""
        index = _skip_spaces(self.tokens, index)
        if self.tokens[index] != ("char", "{"):       # _has_arguments: one token follows
            return None, index
        return self.push(_Group("{", costly=True)), index + 1

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
        if len(self.stack) > TYPESET_NESTING:
            return f"nested deeper than {TYPESET_NESTING} groups"
        if group.costly and sum(g.costly for g in self.stack) >= TYPESET_COSTLY_NESTING:
            return f"commands such as \\phantom or \\text nested more than " \
                f"{TYPESET_COSTLY_NESTING} deep (each level typesets its argument four times)"
        if group.kind == "$" and sum(g.kind == "$" for g in self.stack) \
                >= TYPESET_TEXT_MATH_NESTING:
            return f"mathematics inside \\text nested more than {TYPESET_TEXT_MATH_NESTING} deep"
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
