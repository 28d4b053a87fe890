r"""A document's own macros: ``\newcommand``, ``\renewcommand``, ``\providecommand``, ``\def``
and ``\DeclareMathOperator``, found anywhere in its text and expanded in each step before it is
read.

Notes written for MathJax or LaTeX define their shorthands (``\newcommand{\pd}[1]{\frac{\partial}
{\partial #1}}``, ``\newcommand{\toi}{^{(i)}}``, ``\DeclareMathOperator{\tr}{tr}``); without them
the steps are unreadable.  Expansion is bounded like everything the student writes:

* at most :data:`MACRO_DEFINITIONS` definitions per document, each body at most
  :data:`MACRO_BODY_CHARS`;
* a step is expanded at most :data:`MACRO_EXPANSIONS` times and may grow to
  :data:`STEP_LATEX_CHARS`; a macro that uses itself (directly or through another) never ends,
  and is refused, named, as soon as it nests deeper than :data:`MACRO_NESTING`.

A definition applies from its line on (a redefinition replaces it from there).  What ``\def``
patterns TeX allows beyond ``#1#2...`` (delimited parameters) is refused at the definition.
The definitions themselves are removed from the text the steps are taken from (replaced by
blanks, so that line numbers hold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verify.core.errors import LatexProblem
from verify.core.limits import (
    MACRO_BODY_CHARS,
    MACRO_DEFINITIONS,
    MACRO_EXPANSIONS,
    MACRO_NESTING,
    STEP_LATEX_CHARS,
)
from verify.read.latex.normalize import read_group


@dataclass(frozen=True)
class Macro:
    name: str            # with its backslash: '\pd'
    params: int          # 0-9
    default: str | None  # the first parameter's default ([opt] of \newcommand), or None
    body: str
    line: int            # where it is defined: it applies from there on


@dataclass(frozen=True)
class Macros:
    """A document's macros, in the order they are defined."""

    macros: tuple[Macro, ...] = ()
    problems: tuple[str, ...] = ()

    def at(self, line: int) -> dict[str, Macro]:
        """The macros in force at ``line``: each name's last definition before it."""
        active: dict[str, Macro] = {}
        for macro in self.macros:
            if macro.line <= line:
                active[macro.name] = macro
        return active


_START = re.compile(r"\\(?:(?:re)?newcommand\*?|providecommand\*?|DeclareMathOperator\*?|def)"
                    r"(?![A-Za-z])")
_NAME = re.compile(r"\s*(?:\{\s*(\\[A-Za-z]+)\s*\}|(\\[A-Za-z]+))")


# "Let $\partial_{ij} := \partial_{x_{ij}}$": a derivative operator's shorthand, defined in
# math by another derivative operator (trace_axb_newbetuts.md); the name as written, no
# parameters, expanded like a macro from its line on.
_GROUP = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
_OPERATOR = (r"\\partial\s*_\s*(?:" + _GROUP + r"|[A-Za-z])|\\frac\s*\{\s*\\partial\s*\}\s*"
             + _GROUP)
_OPERATOR_DEFINITION = re.compile(
    r"(?<![$\\])\$\s*(?P<name>\\partial\s*_\s*(?:\{[A-Za-z\s,]+\}|[A-Za-z]))\s*:=\s*"
    r"(?P<body>" + _OPERATOR + r")\s*[,.]?\s*\$(?!\$)")


def find_macros(text: str) -> tuple[Macros, str]:
    """The macros ``text`` defines, and ``text`` with each definition blanked out."""
    macros, text = _operator_shorthands(text)
    problems: list[str] = []
    out: list[str] = []
    position = 0
    for match in _START.finditer(text):
        if match.start() < position:
            continue
        line = text.count("\n", 0, match.start()) + 1
        try:
            macro, end = _definition(text, match, line)
        except LatexProblem as problem:
            problems.append(f"line {line}: {problem.why} at '{problem.token[:60]}'")
            continue
        if len(macros) >= MACRO_DEFINITIONS:
            problems.append(f"line {line}: more than {MACRO_DEFINITIONS} macro definitions; "
                            "the rest are not used")
        else:
            macros.append(macro)
        out.append(text[position:match.start()])
        out.append(re.sub(r"[^\n]", " ", text[match.start():end]))
        position = end
    out.append(text[position:])
    return Macros(tuple(macros), tuple(problems)), "".join(out)


def _operator_shorthands(text: str) -> tuple[list[Macro], str]:
    r"""The derivative shorthands ``text`` defines in inline math (``$\partial_{ij} :=
    \partial_{x_{ij}}$``), each a macro named by its LaTeX without spaces; the definitions
    are left in the text (inline math is prose to the reader)."""
    macros: list[Macro] = []
    for match in _OPERATOR_DEFINITION.finditer(text):
        if len(macros) >= MACRO_DEFINITIONS:
            break
        name = re.sub(r"\s+", "", match.group("name"))
        line = text.count("\n", 0, match.start()) + 1
        macros.append(Macro(name, 0, None, match.group("body"), line))
    return macros, text


def _definition(text: str, match: re.Match[str], line: int) -> tuple[Macro, int]:
    command = match.group(0).rstrip("*")
    name_match = _NAME.match(text, match.end())
    if name_match is None:
        raise LatexProblem(text[match.start():match.end() + 20], f"{command} without the name "
                           "of the command it defines")
    name = name_match.group(1) or name_match.group(2)
    k = name_match.end()
    params, default = 0, None
    if command == "\\def":
        pattern = re.match(r"((?:#[1-9])*)\s*(?=\{)", text[k:])
        if pattern is None:
            raise LatexProblem(text[match.start():k + 20], f"\\def of {name} with a parameter "
                               "pattern other than #1#2...: not read")
        params = len(pattern.group(1)) // 2
        if pattern.group(1) != "".join(f"#{n}" for n in range(1, params + 1)):
            raise LatexProblem(text[match.start():k + 20], f"\\def of {name}: parameters out "
                               "of order")
        k += pattern.end()
    elif command != "\\DeclareMathOperator":
        count = re.match(r"\s*\[\s*(\d)\s*\]", text[k:])
        if count is not None:
            params = int(count.group(1))
            k += count.end()
            option = re.match(r"\s*\[([^\]]*)\]", text[k:])
            if option is not None:
                default = option.group(1)
                k += option.end()
    while text[k:k + 1].isspace():
        k += 1
    if text[k:k + 1] != "{":
        raise LatexProblem(text[match.start():k + 20], f"the body of {name} is not in braces")
    body, end = read_group(text, k)
    if text[end - 1:end] != "}":
        raise LatexProblem(text[match.start():match.start() + 60], f"the body of {name} is "
                           "not closed")
    if len(body) > MACRO_BODY_CHARS:
        raise LatexProblem(name, f"the body of {name} is longer than {MACRO_BODY_CHARS} "
                           "characters")
    if command == "\\DeclareMathOperator":
        body = "\\operatorname{" + body.strip() + "}"
    for number in map(int, re.findall(r"#(\d)", body)):
        if not 1 <= number <= params:
            raise LatexProblem(name, f"the body of {name} uses #{number}, but {name} takes "
                               f"{params} arguments")
    return Macro(name, params, default, body, line), end


def expand(text: str, active: dict[str, Macro]) -> str:
    """``text`` with the ``active`` macros expanded, bounded (see the module's notes)."""
    if not active or "\\" not in text:
        return text
    names = re.compile("(" + "|".join(re.escape(n) for n in sorted(active, key=len,
                                                                    reverse=True))
                       + r")(?![A-Za-z])")
    budget = [MACRO_EXPANSIONS]
    return _expand(text, active, names, budget, [])


def _substitute(body: str, arguments: list[str]) -> str:
    return re.sub(r"#(\d)", lambda m: arguments[int(m.group(1)) - 1], body)


def _expand(text: str, active: dict[str, Macro], names: re.Pattern[str], budget: list[int],
            stack: list[str]) -> str:
    out: list[str] = []
    position = 0
    for match in names.finditer(text):
        if match.start() < position:
            continue
        if match.start() > 0 and text[match.start() - 1] == "\\" and \
                (match.start() < 2 or text[match.start() - 2] != "\\"):
            continue   # \\pd is a row break followed by 'pd'
        macro = active[match.group(1)]
        if len(stack) >= MACRO_NESTING:
            raise LatexProblem(match.group(1), f"the macro {stack[0]} does not end when "
                               f"expanded (it uses itself, through {' -> '.join(stack[:4])})")
        budget[0] -= 1
        if budget[0] < 0:
            raise LatexProblem(match.group(1), f"more than {MACRO_EXPANSIONS} macro expansions "
                               "in one step")
        arguments: list[str] = []
        k = match.end()
        if macro.default is not None:
            option = re.match(r"\s*\[([^\]]*)\]", text[k:])
            if option is not None:
                arguments.append(option.group(1))
                k += option.end()
            else:
                arguments.append(macro.default)
        while len(arguments) < macro.params:
            if k >= len(text.rstrip()):
                raise LatexProblem(text[match.start():][:60], f"{macro.name} takes "
                                   f"{macro.params} arguments; the step ends before them")
            argument, k = read_group(text, k)
            arguments.append(argument)
        body = _substitute(macro.body, arguments)
        # A letter straight after the expansion must not join a command the body ends with.
        after = " " if re.search(r"\\[A-Za-z]+$", body) and text[k:k + 1].isalpha() else ""
        out.append(text[position:match.start()])
        out.append(_expand(body, active, names, budget, [*stack, macro.name]) + after)
        position = k
        if sum(map(len, out)) > STEP_LATEX_CHARS:
            raise LatexProblem(match.group(1), f"the step grows beyond {STEP_LATEX_CHARS} "
                               "characters when its macros are expanded")
    out.append(text[position:])
    return "".join(out)
