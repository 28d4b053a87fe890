r"""Read one LaTeX step into the shared expression vocabulary (:mod:`verify.model.expr`).

Stages, each bounded:

1. refuse what cannot be read safely: overlong text, escape damage, unbalanced braces, deep
   nesting, numeric exponents the parser would evaluate into enormous integers;
2. normalise the text (:mod:`verify.read.latex.normalize`), and close an open-ended ``\dots`` under
a
   brace by the term after it (:mod:`verify.read.latex.dots`);
3. take ``\underbrace{X}_{Y}`` apart: ``X`` stays in the step, ``X = Y`` becomes a sub-claim;
4. rewrite names into placeholders (:mod:`verify.read.latex.rewrite`);
5. parse with latex2sympy2_extended 1.11.0 (``lowercase_symbols=False``, no normalisation
   of its own);
6. rebuild the parser's tree over a whitelist of node types, placeholders replaced by their
   meaning, ``Derivative`` -> ``Deriv``, ``log(x, E)`` -> ``log(x)``.  A symbol that is not a
   placeholder (a word's letters, ``\text`` leftovers) is a problem, never a new name.

Raw text never reaches ``eval``, ``exec`` or ``sympify``: the parser builds SymPy objects from
its own tokens (numbers via ``sympy.Number`` on digit strings only).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Protocol

import sympy as sp
from antlr4.atn.PredictionMode import PredictionMode
from latex2sympy2_extended.latex2sympy2 import ConversionConfig, _Latex2Sympy
from sympy.core.function import AppliedUndef

from verify.core.errors import LatexProblem, ParserRejected
from verify.core.limits import (
    LATEX_PARSER_NESTING,
    STEP_LATEX_CHARS,
    SUM_NUMERIC_LIMIT,
    WRITTEN_EXPONENT,
)
from verify.core.memo import Memo, memoized
from verify.model import expr as E
from verify.model.canon import Canon
from verify.model.document import SubClaim
from verify.model.notation import Notation
from verify.read.latex.accounting import unaccounted
from verify.read.latex.dots import close_open_dots
from verify.read.latex.names import Lexicon, declared_words
from verify.read.latex.normalize import balanced, depth_walk, detect_damage, normalize, read_group
from verify.read.latex.products import sized_identities
from verify.read.latex.rewrite import Rewriter
from verify.read.latex.rewrite_base import Context
from verify.read.latex.sums import close_open_sums

_NUMERIC = re.compile(r"[\d\s{}()^.+\-*/]+|\\frac\{\d+\}\{\d+\}")
_CONFIG = ConversionConfig(lowercase_symbols=False)
_UNDERBRACE = re.compile(r"\\(underbrace|overbrace)(?![A-Za-z])")
_DIFFERENTIAL = re.compile(r"^\s*(?:\\partial(?![A-Za-z])|d(?![A-Za-z]{2}))\s*")


class _Converter(_Latex2Sympy):  # type: ignore[misc]
    """latex2sympy2_extended's converter with ANTLR's two-stage prediction: SLL first, full LL
    only when SLL fails.  Measured on seed 000: warm median 3.7 ms instead of 30 ms per step,
    identical trees.  (``_Latex2Sympy`` is private API of the pinned 1.11.0.)"""

    def __init__(self, sll: bool) -> None:
        super().__init__(config=_CONFIG)
        self.sll = sll

    def create_parser(self, latex_str: str) -> object:
        parser = super().create_parser(latex_str)
        if self.sll:
            parser._interp.predictionMode = PredictionMode.SLL
        return parser


PARSES_KEPT = 4096   # parser outcomes kept per process (see run_parser)


def run_parser(text: str) -> object:
    """Parse placeholder LaTeX; raises what the parser raised (as :class:`ParserRejected`
    when the outcome is remembered).

    The outcome is kept per text for the process: a class writes the same lines again and
    again, and parsing costs 5 to 30 ms a line.  The text is the rewritten one, in which every
    name is a placeholder, so equal texts are equal parses; SymPy trees are immutable, so
    sharing one is safe."""
    outcome = _parse_outcome(text)
    if isinstance(outcome, ParserRejected):
        raise outcome
    return outcome


class OutcomeStore(Protocol):
    """Where parser outcomes are kept between processes (:class:`verify.store.parsed.ParseStore`):
    a tree, or the parser's rejection message."""

    def get(self, text: str) -> sp.Basic | str | None: ...

    def put(self, text: str, outcome: sp.Basic | str) -> bool: ...


_STORE: list[OutcomeStore] = []   # at most one: see install_outcome_store


def install_outcome_store(store: OutcomeStore | None) -> None:
    """Keep parser outcomes in ``store`` too, from now on (None: in this process only).

    The read layer's one process-wide setting.  It never changes a reading (a stored
    outcome is the parser's own, keyed by the parser's versions), only how often the parser
    runs.  Whoever serves requests installs the request's store before reading: the worker
    loop (:mod:`verify.run.runner`) and the grader's (:mod:`verify.grade.parallel`), each
    with :func:`verify.run.runner.parse_store` of the request's verdict cache.  The read
    layer knows the store by this protocol only and never imports :mod:`verify.store`."""
    _STORE[:] = [store] if store is not None else []


# Key: the placeholder text; the parser and its configuration are fixed for the process.
@memoized("read.latex.parses", PARSES_KEPT)
def _parse_outcome(text: str) -> object:
    store = _STORE[0] if _STORE else None
    if store is not None:
        stored = store.get(text)
        if isinstance(stored, str):
            return ParserRejected(stored)
        if stored is not None:
            return stored
    outcome = _parse_fresh(text)
    if store is not None and isinstance(outcome, sp.Basic | ParserRejected):
        store.put(text, str(outcome) if isinstance(outcome, ParserRejected) else outcome)
    return outcome


def _parse_fresh(text: str) -> object:
    try:
        return _Converter(sll=True).parse(text)
    except MemoryError:
        raise   # not a property of the text: never remembered
    except Exception:  # SLL may reject what full LL accepts: retry below
        pass
    try:
        return _Converter(sll=False).parse(text)
    except MemoryError:
        raise
    except Exception as error:  # the parser raises bare Exception, IndexError, ...
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        return ParserRejected(message)


@dataclass(frozen=True)
class StepParse:
    """The outcome of reading one step: an expression, or the reason it could not be read."""

    expr: sp.Expr | None
    problem: str | None = None
    subclaims: tuple[SubClaim, ...] = ()


STEPS_KEPT = 8192   # step readings kept per process (see parse_step)
# _STEPS key: the text, the notation's canonical text with every spelling, and the chain's
# derivative variable (all a reading takes); _READINGS by object, kept with the objects.
_STEPS: Memo[tuple[str, str, sp.Expr | None], StepParse] = Memo("read.latex.steps", STEPS_KEPT)
_READINGS: Memo[int, tuple[Notation, Lexicon, str]] = Memo("read.latex.reading_keys", 256)


def parse_step(text: str, notation: Notation, lexicon: Lexicon,
               prime_target: sp.Expr | None = None) -> StepParse:
    """Read one step; never raises for bad input.

    A reading depends only on the text, the notation, its spellings and the chain's
    derivative variable, so it is kept for the process under those: a class writes the same
    line many times, and reading one costs 5 to 50 ms.  Readings are immutable."""
    key = (text, _reading_key(notation, lexicon), prime_target)
    found = _STEPS.get(key)
    if found is None:
        found = _STEPS[key] = _parse_step(text, notation, lexicon, prime_target)
    return found


def _reading_key(notation: Notation, lexicon: Lexicon) -> str:
    """A text that differs whenever the notation or its spellings differ (memoized per
    object pair: a document reads all its steps with one)."""
    found = _READINGS.get(id(lexicon))
    if found is None or found[0] is not notation or found[1] is not lexicon:
        spellings = repr(sorted((base, spelled) for base, spelled in lexicon.bases.items()))
        text = hashlib.sha256(f"{Canon().notation(notation)}\0{spellings}".encode()).hexdigest()
        found = _READINGS[id(lexicon)] = (notation, lexicon, text)
    return found[2]


def _parse_step(text: str, notation: Notation, lexicon: Lexicon,
                prime_target: sp.Expr | None) -> StepParse:
    refused = _refuse(text)
    if refused is not None:
        return StepParse(None, refused)
    context = Context(notation, lexicon, prime_target, _parse_text)
    try:
        # Open-ended \dots closed by the term after a brace are read on the whole step, so
        # the step and the brace's sub-claim see the same terms.
        euler = not lexicon.knows("e")   # e^x is exp(x) unless the notation names an e
        body, braces = extract_underbraces(close_open_dots(normalize(text, euler), context))
        expr = close_open_sums(_parse_text(normalize(body, euler), context), notation)
        _excluded_letters_used_elsewhere(expr)
    except LatexProblem as problem:
        return StepParse(None, str(problem))
    return StepParse(expr, None, tuple(_subclaim(inner, note, context)
                                       for inner, note in braces))


def _excluded_letters_used_elsewhere(expr: sp.Expr) -> None:
    r"""``\sum_{i \neq j} t_i t_j`` reads as a sum over ``i`` with ``j`` fixed only where ``j``
    means something outside that sum; where it appears nowhere else the sum is as likely over
    the pairs ``i \neq j`` (lse_hessian_techqa2416837.md), and the step is refused."""
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Sum):
            continue
        variable = node.variables[0]
        for factor in sp.Mul.make_args(node.function):
            left_out = 1 - factor   # the skip factor 1 - delta(i, j) that sums.py writes
            if not isinstance(left_out, sp.KroneckerDelta) or variable not in left_out.args:
                continue
            other = next((a for a in left_out.args if a != variable), None)
            # bound by an enclosing sum (\sum_j \sum_{i \neq j}): the pairs, as written
            if isinstance(other, sp.Symbol) and other in expr.free_symbols and \
                    other not in expr.xreplace({node: sp.Dummy()}).free_symbols:
                raise LatexProblem(f"\\sum_{{{variable} \\neq {other}}}",
                                   f"{other} appears nowhere else: is the sum over {variable} "
                                   f"with {other} fixed, or over the pairs {variable} \\neq "
                                   f"{other}? write \\sum_{{{other}}}\\sum_{{{variable} \\neq "
                                   f"{other}}} for the pairs")


def derivative_variable(text: str, notation: Notation, lexicon: Lexicon) -> sp.Expr | None:
    r"""What a step differentiates by when the whole step is ``\frac{\partial F}{\partial v}``
    (``\frac{dF}{dv}``) or starts with ``\frac{d}{dv}`` or ``\nabla_{v}``, read from ``v``
    alone: a chain whose first step cannot be read (``F`` undeclared) still says which
    variable a later ``(...)'`` means."""
    if _refuse(text) is not None:
        return None
    normalized = normalize(text, not lexicon.knows("e"))
    if normalized.startswith("\\nabla_"):
        variable, _ = read_group(normalized, len("\\nabla_"))
    elif normalized.startswith("\\frac"):
        numerator, j = read_group(normalized, len("\\frac"))
        denominator, end = read_group(normalized, j)
        top, bottom = _DIFFERENTIAL.match(numerator), _DIFFERENTIAL.match(denominator)
        operator_form = top is not None and not numerator[top.end():].strip()
        if top is None or bottom is None or (normalized[end:].strip() and not operator_form):
            return None
        variable = denominator[bottom.end():]
    else:
        return None
    try:
        return close_open_sums(_parse_text(variable, Context(notation, lexicon, None,
                                                             _parse_text)), notation, False)
    except LatexProblem:
        return None


def _refuse(text: str) -> str | None:
    if len(text) > STEP_LATEX_CHARS:
        return f"step longer than {STEP_LATEX_CHARS} characters"
    damage = detect_damage(text)
    if damage is not None:
        return f"{damage[1]} at '{damage[0]}'"
    unbalanced = balanced(text)
    if unbalanced is not None:
        return f"unbalanced LaTeX: {unbalanced}"
    sign = _SIGN_EXPONENT.search(text)
    if sign is not None:
        # e^-x: TeX raises the sign alone and sets x on the line (e^{-}x); the author means
        # e^{-x}, and reading either would guess
        written = sign.group(0).strip()
        return (f"TeX raises only the sign here (the exponent ends at it): write "
                f"{sign.group(1)}^{{{sign.group(2)}{sign.group(3)}}} if that is the exponent "
                f"at '{written}'")
    if re.fullmatch(r"\s*\\(?:cdots|dots|ldots|dotsb)\s*", text):
        # a = ... = \cdots = b: the author left steps out; the next one is checked against
        # the last step read
        return "\\cdots alone stands for steps left out: nothing to check here"
    power = _huge_power(text)
    if power is not None:
        return power
    depth = 0
    deepest = 0
    for char in text:
        depth += char in "{(["
        depth -= char in "})]"
        deepest = max(deepest, depth)
    if deepest > LATEX_PARSER_NESTING:
        return f"nested deeper than {LATEX_PARSER_NESTING} levels"
    return None


# a superscript that is a sign alone before more of a term: e^-x, 2^-n, e^+ t
_SIGN_EXPONENT = re.compile(r"((?:\\[A-Za-z]+|[A-Za-z0-9)\]}]))\s*\^\s*([-+])\s*"
                            r"((?:\\[A-Za-z]+|[A-Za-z0-9]))")


def _huge_power(text: str) -> str | None:
    """Why the first exponent made of numbers only that is above WRITTEN_EXPONENT or holds
    another power (``10^{10^{10}}``) is refused: SymPy evaluates integer powers as it builds
    them, so the parser would not return.  The encoding language refuses the same powers.  The
    ``^`` of a sum or product is its upper limit, not an exponent: bounded, and said so."""
    for match in re.finditer(r"\^", text):
        group, end = read_group(text, match.end())
        if not _NUMERIC.fullmatch(group):
            continue
        numbers = [int(n) for n in re.findall(r"\d+", group)]
        where = text[max(0, match.start() - 10):end][:60]
        if _UPPER_LIMIT.search(text, 0, match.start()):
            if "^" in group or any(n > SUM_NUMERIC_LIMIT for n in numbers):
                return (f"the upper limit of a sum or product is a number above "
                        f"{SUM_NUMERIC_LIMIT} at '{where}': the checks expand it term by term")
            continue
        if "^" in group or any(n > WRITTEN_EXPONENT for n in numbers):
            return (f"a numeric exponent above {WRITTEN_EXPONENT} or a tower of powers at "
                    f"'{where}': the parser would compute the number, digit by digit")
    return None


# What stands before the ^ of a sum's or product's upper limit: \sum_{i=1}^, \prod_k^, \sum^.
_UPPER_LIMIT = re.compile(r"\\(?:sum|prod)(?![A-Za-z])\s*(?:\\limits\s*)?"
                          r"(?:_\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[^{}\s\\])\s*)?$")


def extract_underbraces(text: str) -> tuple[str, list[tuple[str, str]]]:
    r"""``\underbrace{X}_{Y}`` -> ``{X}`` (``(X)`` when ``X`` is signed), with ``(X, Y)``
    collected (innermost last).

    The brace is typographic: the page shows ``X`` as written, with a brace under it, not a
    bracket.  So dropping it is a reading only where brackets around ``X`` change nothing; where
    they would (see :func:`_brace_binding`) the step is refused, never guessed."""
    braces: list[tuple[str, str]] = []
    while True:
        match = _UNDERBRACE.search(text)
        if match is None:
            return text, braces
        inner, j = read_group(text, match.end())
        mark = "_" if match.group(1) == "underbrace" else "^"
        k = j
        while text[k:k + 1] == " ":
            k += 1
        note = ""
        if text[k:k + 1] == mark:
            note, j = read_group(text, k + 1)
        binding = _brace_binding(text[:match.start()], inner, text[j:])
        if binding is not None:
            raise LatexProblem(text[match.start():j], f"\\{match.group(1)} {binding} write "
                               "the brackets you mean")
        braces.append((inner, note))
        # Signed content in brackets (``{a + b}`` alone would be a set); one term as a group,
        # as TeX has it (brackets after a name would make an application of it).
        group = "(" + inner + ")" if _top_signs(inner) else "{" + inner + "}"
        text = text[:match.start()] + group + text[j:]


# What may stand next to a dropped brace without binding to part of it: the start or end of
# the step or of a group, a relation, a separator, and (before it) a plus sign, (after it)
# either sign.
_FREE_BEFORE = re.compile(r"(?:^|[+({\[&=,<>])\s*$")
_FREE_AFTER = re.compile(r"^\s*(?:$|[-+)}\]&=,<>])")
_SIGN = re.compile(r"[-+]|\\(?:pm|mp)(?![A-Za-z])")


def _top_signs(inner: str) -> list[int]:
    """Where ``inner`` has a sign at its own depth (not in a group, a subscript, a bracket)."""
    depth = dict(depth_walk(inner))
    return [m.start() for m in _SIGN.finditer(inner) if depth.get(m.start()) == 0]


def _brace_binding(before: str, inner: str, after: str) -> str | None:
    r"""Why ``\underbrace{inner}`` between ``before`` and ``after`` is ambiguous, or None.

    ``a - \underbrace{b - c}`` shows "a - b - c" with a brace under two terms: is the minus on
    the first term or on the whole brace?  The same question for a factor before the brace
    (``2\underbrace{b + c}``, ``2\underbrace{-c}``), a factor after it, and an exponent or a
    second note on it (``\underbrace{b c}_{Y}^2``: TeX sets the 2 over the brace).  One term
    with nothing binding to it, or a brace standing between plus signs, reads the same either
    way."""
    signs = _top_signs(inner)
    leading = bool(signs) and not inner[:signs[0]].strip()
    terms = len(signs) - leading   # signs between terms, at the brace's own depth
    tail = after.lstrip()
    if tail[:1] in ("^", "_"):
        return "with an exponent or a second note: is it on the last term or on the whole brace?"
    if before.rstrip().endswith("/"):
        return "after a division sign: does it divide by the first factor or the whole brace?"
    factor_before = not _FREE_BEFORE.search(before) and not re.search(r"-\s*$", before)
    if (terms or leading) and factor_before:
        return "after a factor: does it multiply the first term or the whole brace?"
    if terms and re.search(r"-\s*$", before):
        return "after a minus sign: is the minus on the first term or on the whole brace?"
    if terms and not _FREE_AFTER.search(after):
        return "before a factor: does it multiply the last term or the whole brace?"
    return None


def _subclaim(inner: str, note: str, context: Context) -> SubClaim:
    latex = f"\\underbrace{{{inner}}}_{{{note}}}"
    claim = note.strip()
    if claim.startswith("="):
        claim = claim[1:]
    if not claim or re.match(r"\\text", claim):
        return SubClaim(latex, None, None, problem=f"annotation only: {note.strip()!r}")
    try:
        # An open \sum in a brace is refused: its index is chosen against the whole step.
        euler = not context.lexicon.knows("e")
        return SubClaim(latex, close_open_sums(_parse_text(normalize(inner, euler), context),
                                               context.notation, False),
                        close_open_sums(_parse_text(normalize(claim, euler), context),
                                        context.notation, False))
    except LatexProblem as problem:
        return SubClaim(latex, None, None, problem=str(problem))


def _parse_text(text: str, context: Context) -> sp.Expr:
    """Normalised LaTeX -> bound expression, or :class:`LatexProblem`."""
    if not text.strip():
        raise LatexProblem(text, "empty expression")
    text = declared_words(text, context.lexicon.words)   # Cost, where a name is spelt so
    rewriter = Rewriter(context)
    rewritten = rewriter.rewrite(text)
    try:
        raw = run_parser(rewritten)
    except Exception as error:
        # The parser raises bare Exception (and crashes with IndexError/AttributeError on
        # some inputs); every failure means "unparsed", never a pass.
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise LatexProblem(text[:60], f"the LaTeX parser rejected it ({message})") from None
    if not isinstance(raw, sp.Basic):
        raise LatexProblem(text[:60], f"the parser returned a {type(raw).__name__}")
    _account(text, raw, rewriter)
    return sized_identities(_rebuild(raw, rewriter.table, text), context.notation)


def _account(text: str, raw: sp.Basic, rewriter: Rewriter) -> None:
    """Every placeholder handed to the parser is in its tree, and every name and number of
    the source is in the reading or was removed by a named rule
    (:mod:`verify.read.latex.accounting`)."""
    present = {symbol.name for symbol in raw.atoms(sp.Symbol)}
    dropped = [name for name in rewriter.table if name not in present]
    if dropped:
        raise LatexProblem(text[:60], "part of the line was not read by the parser")
    meanings = [raw, *(rewriter.table[name] for name in present if name in rewriter.table)]
    lost = unaccounted(text, meanings, rewriter.removed, rewriter.context.lexicon)
    if lost:
        raise LatexProblem(text[:60], "part of the line was not read: " + ", ".join(lost))


def _rebuild(node: sp.Basic, table: dict[str, sp.Expr], text: str) -> sp.Expr:
    """The parser's tree in our vocabulary; anything outside the whitelist is a problem."""
    def again(child: sp.Basic) -> sp.Expr:
        return _rebuild(child, table, text)

    if isinstance(node, sp.Symbol):
        if node.name in table:
            return table[node.name]
        raise LatexProblem(node.name, "a stray symbol (a word's letters or a misspelt name)")
    if isinstance(node, sp.Float):
        raise LatexProblem(str(node), "an inexact number")
    if isinstance(node, sp.Rational) or node in (sp.pi, sp.E):
        return node
    if isinstance(node, sp.Derivative):
        result = again(node.expr)
        for variable, count in node.variable_count:
            target = again(variable)
            for _ in range(int(count)):
                result = E.Deriv(result, target)
        return result
    if isinstance(node, (sp.Sum, sp.Product)):
        limits = []
        for variable, low, high in node.limits:
            index = again(variable)
            if not (isinstance(index, sp.Symbol) and index.is_integer):
                raise LatexProblem(str(variable), "a sum over something that is not an index")
            limits.append((index, again(low), again(high)))
        return type(node)(again(node.function), *limits)
    if isinstance(node, sp.log):
        base = node.args[1] if len(node.args) > 1 else sp.E
        value = again(node.args[0])
        return sp.log(value) if base == sp.E else sp.log(value, again(base))
    if isinstance(node, (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.tanh, sp.cosh, sp.sinh)):
        return node.func(*(again(arg) for arg in node.args))
    if isinstance(node, AppliedUndef):
        raise LatexProblem(str(node), "a name applied like a function (write \\cdot between "
                           "a factor and its parentheses, or declare the function)")
    if isinstance(node, sp.Tuple):
        raise LatexProblem(text[:60], "a list of values (a numeric example, or a vector "
                           "written inline) is not an expression: write it as a pmatrix")
    raise LatexProblem(str(node)[:60], f"unsupported construct {type(node).__name__}")
