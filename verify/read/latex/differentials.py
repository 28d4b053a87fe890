r"""Differentials: ``dX``, ``d(\mathbf{x}^T A \mathbf{x})``, ``dM`` of a defined ``M``.

Matrix-calculus answers write a derivative as a chain of differentials: ``df = 2 M : dM =
2 (X^TX - A) : (dX^T X + X^T dX) = \dots : dX``.  Such a chain is checked as what it means:

* ``dX`` of a declared variable is its *increment*, an independent variable of the same shape
  (any real values, whatever ``X``'s kind; a symmetric ``X`` moves among symmetric matrices);
* ``d(a)`` of any other expression (a bracket, a defined name, a function's value) is the
  change of ``a`` along the increments: ``d/dt a(X + t\,dX, ...)`` at ``t = 0``.  The
  variables that move are those whose increments the chain writes (or, in a chain that writes
  none, the document: a "given matrix" ``A`` with no ``dA`` is constant, as the author treats
  it), attached to each such node by :func:`attach_increments` once the whole document is
  read.  A document with a
  ``d(a)`` and no increment at all leaves it without a value: the step is not checked.

Both engines take the change from their own derivatives (SymPy's ``diff`` and JAX's
autodiff), so a step between differentials is checked like any other step, at random points
and increments.

The ``d`` is read as a differential only where nothing else can be meant: the notation
declares no ``d`` (``d X`` is then a product), and what follows is a declared name, a
bracket or a function's value.  A power after it is refused: ``dx^2`` is ``(dx)^2`` or
``d(x^2)``; only an inverse is read, as the differential of the inverse (``d\alpha^{-1}``,
``dA^{-1}``: the inverse of a differential means nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

import sympy as sp

from verify.core.errors import LatexProblem
from verify.model import expr as E
from verify.model.document import Chain
from verify.model.notation import Notation
from verify.read.latex import norms, products
from verify.read.latex.normalize import matching_paren, read_group
from verify.read.latex.rewrite_base import Atom, Reader

# The d itself: a letter d (not the end of a word or command), or set upright.
_D = re.compile(r"(?:d|\\mathrm\s*\{\s*d\s*\}|\\text\s*\{\s*d\s*\}|\\operatorname\s*\{\s*d\s*\}|"
                r"\\mathrm\s+d)(?![A-Za-z]*\s*\})")
# the increment of a declared variable: \Delta X (as Delta X = epsilon J in a perturbation)
_DELTA = re.compile(r"\\Delta(?![A-Za-z])")
# the name after it: a letter, a Greek letter or a bold letter, with no subscript (a transpose
# after it is the increment's: \Delta X^T)
_DELTA_OF = re.compile(r"\s*((?:\\math(?:bf|rm)\s*\{\s*[A-Za-z]\s*\}|\\[a-zA-Z]+|[A-Za-z]))"
                       r"(?![_{])")
_FUNCTION = re.compile(r"\\(exp|ln|log|tanh|cosh|sinh|sqrt)(?![A-Za-z])")
_TRANSPOSE = re.compile(r"\s*\^\s*(?:\{\s*(?:T|\\top|\\intercal)\s*\}|T(?![A-Za-z])|\\top|"
                        r"\\intercal)")
_SCRIPT = re.compile(r"\s*[\^_]\s*(\{[^{}]*\}|\\?[A-Za-z0-9])")
_AFTER_LETTER_OK = re.compile(r"(?:\^\s*(?:T|\{\s*T\s*\})|\\[A-Za-z]+\s*)$")


def starts(reader: Reader, text: str, i: int) -> bool:
    """Whether a differential's ``d`` (or an increment's ``\\Delta``) stands at ``text[i]``."""
    delta = _DELTA.match(text, i)
    if delta is not None:
        return not reader.context.lexicon.knows("\\Delta") and \
            _declared_variable(reader, text, delta.end()) is not None
    match = _D.match(text, i)
    if match is None or reader.context.lexicon.knows("d"):
        return False
    if match.group(0) == "d" and i > 0 and text[i - 1].isalpha() and \
            not _AFTER_LETTER_OK.search(text[:i]):
        return False   # the d of a word ('and', 'dd'), refused as such by the walk
    k = match.end()
    while k < len(text) and text[k] == " ":
        k += 1
    if k >= len(text):
        return False
    return text[k] == "(" or text.startswith("\\left", k) or bool(_FUNCTION.match(text, k)) or \
        norms.starts(text, k) or (reader.at_atom(text, k) and text[k] != "d")


def differential(reader: Reader, text: str, i: int) -> tuple[Atom, int]:
    """The differential whose ``d`` stands at ``text[i]`` (see :func:`starts`), as one factor
    of a product (``X^T dX``, ``dX^T X``), and the index after it."""
    delta = _DELTA.match(text, i)
    if delta is not None:
        found = _declared_variable(reader, text, delta.end())
        assert found is not None
        atom, end = found
        return Atom(E.TotalDifferential(atom.expr), atom.rank, transposed=atom.transposed), end
    match = _D.match(text, i)
    assert match is not None
    k = match.end()
    while text[k] == " ":
        k += 1
    if match.group(0) == "d":
        reader.remove("d", "the d of a differential")
    if text[k] == "(" or text.startswith("\\left", k):
        opening = k + len("\\left") if text.startswith("\\left", k) else k
        while text[opening] == " ":
            opening += 1
        close = matching_paren(text, opening)
        if close < 0 or text[opening] not in "([":
            raise LatexProblem(text[i:i + 20], "the bracket after the d of a differential is "
                               "not closed")
        end = close + 1
        inner_text = text[opening + 1:close]
        if text.startswith("\\right", close - len("\\right")):
            inner_text = text[opening + 1:close - len("\\right")]
        inner = reader.sub_expr(inner_text, text[i:end])
        return _after(reader, inner, products.rank_of(inner, reader.context.notation), text, i,
                      end)
    if norms.starts(text, k):   # d\operatorname{tr}(X^T X), d\|x\|^2
        special = norms.construct(reader, text, k)
        if special is None:
            raise LatexProblem(text[i:i + 20], "the trace or norm after the d of a "
                               "differential is not read")
        atom, end = special
        if atom.power is not None or atom.inverse:
            raise LatexProblem(text[i:end], "a power after the d of a differential: the "
                               "power of the differential, or the differential of the "
                               "power? Write brackets")
        return Atom(E.TotalDifferential(atom.expr), atom.rank), end
    function = _FUNCTION.match(text, k)
    if function is not None:
        end = _call_end(text, function.end())
        if end < 0:
            raise LatexProblem(text[i:i + 20], f"the argument of \\{function.group(1)} after "
                               "the d of a differential must be in brackets: d\\exp(x)")
        inner = reader.sub_expr(text[k:end], text[i:end])
        return _after(reader, inner, products.rank_of(inner, reader.context.notation), text, i,
                      end)
    atom, end = reader.read_atom(text, k)
    target = atom.expr
    if atom.inverse:
        target = E.MatInv(target)   # dA^{-1}: d(A^{-1}), 1/dA means nothing
    if atom.power is not None:
        if not re.fullmatch(r"\{?\s*-\s*1\s*\}?", atom.power):
            raise LatexProblem(text[i:end], f"'{text[i:end].strip()}': the power of a "
                               "differential or the differential of a power? Write (dx)^2 or "
                               "d(x^2)")
        target = sp.Pow(target, -1)   # d\alpha^{-1}: d(\alpha^{-1}), as for a matrix
    script = _SCRIPT.match(text, end)
    if script is not None:
        # d\alpha(x)^{-1}: a script after a call's bracket, which the name's reading leaves
        # to the walk (that would raise the differential): the d takes the whole factor
        if atom.transposed or atom.inverse or atom.power is not None or \
                not re.fullmatch(r"\{?\s*-\s*1\s*\}?", script.group(1)):
            raise LatexProblem(text[i:script.end()], f"'{text[i:script.end()].strip()}': a "
                               "script after the differential's factor is not read (the "
                               "power of the differential, or of the factor?)")
        target = E.MatInv(target) if atom.rank == 2 else sp.Pow(target, -1)
        end = script.end()
    if atom.expr.is_Integer or (isinstance(atom.expr, sp.Symbol) and atom.expr.is_integer):
        raise LatexProblem(text[i:end], "the d of a differential before an index or a size")
    return Atom(E.TotalDifferential(target), atom.rank, transposed=atom.transposed), end


def _declared_variable(reader: Reader, text: str, k: int) -> tuple[Atom, int] | None:
    r"""The declared variable right after ``\Delta`` (``\Delta X``, ``\Delta \mathbf{w}``),
    with no script after it: ``\Delta X`` is an increment of ``X`` like ``dX``, any value of
    ``X``'s shape (an identity in it holds for every increment, small or not).  None for
    anything else: ``\Delta(f)`` would be a finite difference, not read."""
    name = _DELTA_OF.match(text, k)
    if name is None:
        return None
    found = reader.context.lexicon.lookup(name.group(1), (0, 0), "")
    if found is None or found[0].kind != "symbol":
        return None
    atom, end = reader.read_atom(text, name.start(1))
    if atom.inverse or atom.power is not None or not isinstance(atom.expr, sp.Symbol):
        return None
    return atom, end


def _call_end(text: str, k: int) -> int:
    while k < len(text) and text[k] == " ":
        k += 1
    if text.startswith("\\left", k):
        k += len("\\left")
    if k < len(text) and text[k] == "{":
        return read_group(text, k)[1]
    if k < len(text) and text[k] in "([":
        close = matching_paren(text, k)
        return close + 1 if close > 0 else -1
    return -1


def _after(reader: Reader, inner: sp.Expr, rank: int, text: str, i: int,
           end: int) -> tuple[Atom, int]:
    """A bracket's or a call's differential, with a transpose after it (``d(Xw)^T``); any
    other script is refused."""
    transpose = _TRANSPOSE.match(text, end)
    if transpose is not None:
        reader.remove("T", "a transpose mark")
        return Atom(E.TotalDifferential(inner), rank, transposed=True), transpose.end()
    if re.match(r"\s*[\^_]", text[end:]):
        raise LatexProblem(text[i:end + 4], "a script after the differential of a bracket "
                           "(the power of a differential, or of the bracket?) is not read")
    return Atom(E.TotalDifferential(inner), rank), end


# ---- the document's increments ---------------------------------------------------------------

def attach_increments(chains: Iterable[Chain], notation: Notation) -> tuple[Chain, ...]:
    """Give every ``d(a)`` of the document the variables that move: those whose increments
    (``dX`` of a declared variable) its chain writes, or, in a chain that writes none, the
    whole document.  Read once the whole document is read, so that a line with ``dM`` alone
    (``M := X^TX - A``) changes ``M`` along the ``dX`` of the lines around it."""
    chains = tuple(chains)
    if not any(_has_open(expr) for chain in chains for expr in _expressions(chain)):
        return chains
    by_chain = [set().union(*(_increments(expr, chain.notation or notation)
                              for expr in _expressions(chain)))
                for chain in chains]
    everywhere = set().union(*by_chain)

    result = []
    for chain, own in zip(chains, by_chain, strict=True):
        # The chain's own increments when it writes any (another chain's dA does not make A
        # move here), else the document's (a line with dM alone among prose)
        varying = sp.Tuple(*(E.value_symbol(name) for name in sorted(own or everywhere)))

        def attach(expr: sp.Expr | None, varying: sp.Tuple = varying,
                   own_notation: Notation = chain.notation or notation) -> sp.Expr | None:
            if expr is None:
                return None
            return expr.replace(
                lambda node: isinstance(node, E.TotalDifferential) and len(node.args) == 1 and
                not _is_variable(node.args[0], own_notation),
                lambda node: E.TotalDifferential(node.args[0], varying))

        steps = tuple(replace(step, expr=attach(step.expr), subclaims=tuple(
            replace(sub, lhs=attach(sub.lhs), rhs=attach(sub.rhs)) for sub in step.subclaims))
            for step in chain.steps)
        result.append(replace(chain, steps=steps))
    return tuple(result)


def _expressions(chain: Chain) -> list[sp.Expr]:
    found: list[sp.Expr] = []
    for step in chain.steps:
        found += [e for e in (step.expr, *(part for sub in step.subclaims
                                           for part in (sub.lhs, sub.rhs))) if e is not None]
    return found


def _is_variable(node: sp.Basic, notation: Notation) -> bool:
    """A declared variable, whole or a family member or component (its own increment)."""
    name = node.name if isinstance(node, sp.Symbol) else \
        str(node.base.label) if isinstance(node, sp.Indexed) else None
    return name is not None and name in notation.symbols


def _increments(expr: sp.Expr, notation: Notation) -> set[str]:
    return {node.args[0].name if isinstance(node.args[0], sp.Symbol) else
            str(node.args[0].base.label)
            for node in expr.atoms(E.TotalDifferential)
            if len(node.args) == 1 and _is_variable(node.args[0], notation)}


def _has_open(expr: sp.Expr) -> bool:
    return any(len(node.args) == 1 for node in expr.atoms(E.TotalDifferential))
