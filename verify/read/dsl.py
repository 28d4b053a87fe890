"""The encoding language: a small, safe expression syntax for hand encodings and definitions.

Text is parsed with :func:`ast.parse` (which builds a tree and runs nothing) and then walked
node by node against a whitelist; nothing reaches ``eval``, ``exec`` or ``sympify``.  Every
name must be declared by the notation, so a typo is an error, not a new symbol.

Grammar, by example::

    -Sum(y[i, k] * log(sigma(x[i], k)), (i, 1, N), (k, 1, K))    # sums, one limit per index
    Sum(exp(dot(w[kp], z)), (kp, 1, K), skip=k)                  # leave out kp == k
    Prod(p(i), (i, 1, N))                                        # products, like sums
    D(L(W), w[k])         # gradient with respect to a vector
    D(L(W), w[j, l])      # partial with respect to a component
    D(log(g(k, z)), g(k, z))  # derivative with respect to an intermediate expression
    dot(w[k], x[i])  mat(inv(C), w[k])  T(C)  vec(exp(z[k]), (k, 1, K))  [a, b, c]
    delta(lab[i], k)      # Kronecker delta / indicator 1{lab_i = k}
    cases((x[i, l], j == k), (0, True))
    2.5  1/2  pi  x**2  sqrt(t)  ln(t) == log(t)   (log is natural)
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from verify.core.errors import DslError, Location
from verify.core.limits import (
    DSL_INTEGER_DIGITS,
    DSL_NESTING,
    DSL_RESULT_DIGITS,
    DSL_TEXT_CHARS,
    WRITTEN_EXPONENT,
)
from verify.model import expr as E
from verify.model.notation import Notation

_FUNCTIONS_1 = {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "tanh": sp.tanh,
                "cosh": sp.cosh, "sinh": sp.sinh}


@dataclass(frozen=True)
class Scope:
    """Which names an expression may use and what each stands for."""

    notation: Notation
    params: tuple[str, ...] = ()          # parameters of the definition being read
    index_params: tuple[str, ...] = ()    # index parameters of an indexed definition
    extra_indices: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def for_document(notation: Notation) -> Scope:
        return Scope(notation)

    @staticmethod
    def for_definition(notation: Notation, style: str, params: tuple[str, ...]) -> Scope:
        if style == "indexed":
            return Scope(notation, (), params)
        return Scope(notation, params, ())


def parse_expression(text: str, scope: Scope, where: Location) -> sp.Expr:
    """Parse ``text`` into a bound SymPy expression, or raise :class:`DslError`."""
    if not isinstance(text, str):
        raise DslError(f"expected an expression string, got {type(text).__name__}", where)
    if len(text) > DSL_TEXT_CHARS:
        raise DslError(f"expression longer than {DSL_TEXT_CHARS} characters", where)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise DslError(f"syntax error in {text!r}: {err.msg} at column {err.offset}",
                       where) from None
    return _Reader(scope, where, text).read(tree.body, 0)


def parse_condition(text: str, scope: Scope, where: Location) -> sp.Basic:
    """Parse a condition on indices such as ``k != j`` or ``j == k``."""
    result = parse_expression(text, scope, where)
    if not isinstance(result, sp.core.relational.Relational):
        raise DslError(f"{text!r} is not a condition (use ==, !=, <, <=, >, >=)", where)
    return result


class _Reader:
    def __init__(self, scope: Scope, where: Location, text: str) -> None:
        self.scope = scope
        self.where = where
        self.text = text
        self.bound: list[str] = []  # index letters bound by enclosing Sum/vec

    def fail(self, message: str) -> DslError:
        return DslError(f"{message} in {self.text!r}", self.where)

    def read(self, node: ast.AST, depth: int) -> sp.Expr:
        if depth > DSL_NESTING:
            raise self.fail(f"expression nested deeper than {DSL_NESTING}")
        handler: Callable[[ast.AST, int], sp.Expr] | None = getattr(
            self, "_" + type(node).__name__, None)
        if handler is None:
            raise self.fail(f"'{type(node).__name__}' is not allowed")
        return handler(node, depth + 1)

    # ---- leaves -------------------------------------------------------------------------
    def _Constant(self, node: ast.AST, depth: int) -> sp.Expr:
        assert isinstance(node, ast.Constant)
        value = node.value
        if isinstance(value, bool):
            return sp.true if value else sp.false  # type: ignore[return-value]
        if isinstance(value, int):
            if len(str(value)) > DSL_INTEGER_DIGITS:
                raise self.fail(f"integer with more than {DSL_INTEGER_DIGITS} digits")
            return sp.Integer(value)
        if isinstance(value, float):
            segment = ast.get_source_segment(self.text.strip(), node) or repr(value)
            if len(segment) > 30 or "e" in segment.lower():
                raise self.fail(f"number {segment!r} is not a plain decimal")
            return sp.Rational(segment)  # exact: '0.009' is 9/1000, not a binary float
        raise self.fail(f"constant {value!r} is not a number")

    def _Name(self, node: ast.AST, depth: int) -> sp.Expr:
        assert isinstance(node, ast.Name)
        name = node.id
        if name == "pi":
            return sp.pi
        if name in self.bound or name in self.scope.index_params or \
                name in self.scope.extra_indices:
            return E.index_symbol(name)
        if name in self.scope.params:
            return E.value_symbol(name)
        kind = self.scope.notation.kind_of(name)
        if kind == "size":
            return E.size_symbol(name)
        if kind == "index":
            return E.index_symbol(name)
        if kind == "symbol":
            return E.value_symbol(name)
        if kind == "definition":
            definition = self.scope.notation.definitions[name]
            whole_vector = definition.style == "indexed" and len(definition.params) == 1
            if definition.style != "constant" and not whole_vector:
                raise self.fail(f"definition {name!r} needs "
                                f"{'arguments' if definition.style == 'function' else 'indices'}")
            return E.value_symbol(name)
        raise self.fail(f"undeclared symbol {name!r}")

    # ---- operators ----------------------------------------------------------------------
    def _BinOp(self, node: ast.AST, depth: int) -> sp.Expr:
        assert isinstance(node, ast.BinOp)
        left, right = self.read(node.left, depth), self.read(node.right, depth)
        op = type(node.op)
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            return left / right
        if op is ast.Pow:
            if right.is_Number and not right.is_finite:
                raise self.fail(f"the exponent {right} is not a finite number")
            if right.is_Number and abs(right) > WRITTEN_EXPONENT:
                raise self.fail(f"power {right} exceeds {WRITTEN_EXPONENT}")
            if left.is_Number and right.is_Number and left != 0 and left.is_finite and \
                    abs(float(sp.log(abs(left), 10)) * float(right)) > DSL_RESULT_DIGITS:
                raise self.fail(f"the number {left}**{right} would be too large")
            return sp.Pow(left, right)
        raise self.fail(f"operator {op.__name__} is not allowed")

    def _UnaryOp(self, node: ast.AST, depth: int) -> sp.Expr:
        assert isinstance(node, ast.UnaryOp)
        operand = self.read(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(f"operator {type(node.op).__name__} is not allowed")

    def _Compare(self, node: ast.AST, depth: int) -> sp.Expr:
        assert isinstance(node, ast.Compare)
        if len(node.ops) != 1:
            raise self.fail("chained comparisons are not allowed")
        left, right = self.read(node.left, depth), self.read(node.comparators[0], depth)
        relation = {ast.Eq: sp.Eq, ast.NotEq: sp.Ne, ast.Lt: sp.Lt, ast.LtE: sp.Le,
                    ast.Gt: sp.Gt, ast.GtE: sp.Ge}.get(type(node.ops[0]))
        if relation is None:
            raise self.fail(f"comparison {type(node.ops[0]).__name__} is not allowed")
        return relation(left, right, evaluate=False)  # type: ignore[no-any-return]

    def _Subscript(self, node: ast.AST, depth: int) -> sp.Expr:
        assert isinstance(node, ast.Subscript)
        if not isinstance(node.value, ast.Name):
            raise self.fail("only names can be indexed, as in w[k] or x[i, l]")
        name = node.value.id
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        indices = [self.read(item, depth) for item in items]
        if name not in self.scope.params:
            kind = self.scope.notation.kind_of(name)
            if kind == "definition":
                definition = self.scope.notation.definitions[name]
                if definition.style != "indexed":
                    raise self.fail(f"definition {name!r} is not an indexed family")
                if len(indices) != len(definition.params):
                    raise self.fail(f"{name!r} takes {len(definition.params)} indices")
            elif kind != "symbol":
                raise self.fail(f"undeclared symbol {name!r}" if kind is None
                                else f"{name!r} is a {kind} and cannot be indexed")
        return E.family(name)[tuple(indices)]  # type: ignore[no-any-return]

    def _List(self, node: ast.AST, depth: int) -> sp.Expr:
        assert isinstance(node, ast.List)
        if not node.elts:
            raise self.fail("empty vector")
        return sp.ImmutableMatrix([self.read(item, depth) for item in node.elts])  # type: ignore[return-value]

    # ---- calls --------------------------------------------------------------------------
    def _Call(self, node: ast.AST, depth: int) -> sp.Expr:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Name):
            raise self.fail("only named functions can be called")
        name = node.func.id
        keywords = {kw.arg: kw.value for kw in node.keywords}
        if None in keywords:
            raise self.fail("'**' arguments are not allowed")
        if name in ("Sum", "Prod", "vec"):
            return self._binding_call(name, node.args, keywords, depth)
        if keywords:
            raise self.fail(f"{name}() takes no keyword arguments")
        args = node.args
        if name in _FUNCTIONS_1:
            self._arity(name, args, 1)
            return _FUNCTIONS_1[name](self.read(args[0], depth))  # type: ignore[no-any-return]
        simple: Mapping[str, tuple[int, Callable[..., sp.Expr]]] = {
            "dot": (2, E.Dot), "mat": (2, E.MatProd), "T": (1, E.Transposed),
            "inv": (1, E.MatInv), "D": (2, E.Deriv), "delta": (2, E.indicator),
            "tr": (1, E.Trace), "frob": (2, E.Frobenius), "diag": (1, E.Diag),
            "det": (1, E.Det), "norm": (1, E.Norm), "fnorm": (1, E.FrobNorm),
            "norm1": (1, E.Norm1),
        }
        if name in simple:
            count, build = simple[name]
            self._arity(name, args, count)
            return build(*(self.read(a, depth) for a in args))
        if name == "cases":
            return self._cases(args, depth)
        definition = self.scope.notation.definitions.get(name)
        if definition is not None and definition.style == "function":
            self._arity(name, args, len(definition.params))
            return sp.Function(name)(*(self.read(a, depth) for a in args))  # type: ignore[no-any-return]
        if definition is not None:
            raise self.fail(f"definition {name!r} is not a function")
        raise self.fail(f"unknown function {name!r}")

    def _arity(self, name: str, args: list[ast.expr], count: int) -> None:
        if len(args) != count:
            raise self.fail(f"{name}() takes {count} argument{'s' * (count != 1)}")

    def _limit(self, node: ast.AST, depth: int) -> tuple[sp.Symbol, sp.Expr, sp.Expr]:
        if not (isinstance(node, ast.Tuple) and len(node.elts) == 3 and
                isinstance(node.elts[0], ast.Name)):
            raise self.fail("a limit is (index, lower, upper)")
        letter = node.elts[0].id
        if self.scope.notation.kind_of(letter) != "index" and letter not in self.bound:
            raise self.fail(f"{letter!r} is not a declared index letter")
        lower, upper = self.read(node.elts[1], depth), self.read(node.elts[2], depth)
        return E.index_symbol(letter), lower, upper

    def _binding_call(self, name: str, args: list[ast.expr], keywords: dict[str | None, ast.expr],
                      depth: int) -> sp.Expr:
        if len(args) < 2:
            raise self.fail(f"{name}(body, (index, lower, upper)...) needs a limit")
        if name == "vec" and len(args) != 2:
            raise self.fail("vec(body, (index, lower, upper)) takes one limit")
        extra = set(keywords) - ({"skip"} if name in ("Sum", "Prod") else set())
        if extra:
            raise self.fail(f"{name}() does not take {sorted(extra)}")  # type: ignore[type-var]
        limits = [self._limit(limit, depth) for limit in args[1:]]
        letters = [str(limit[0]) for limit in limits]
        self.bound.extend(letters)
        try:
            body = self.read(args[0], depth)
            skip = self.read(keywords["skip"], depth) if "skip" in keywords else None
        finally:
            del self.bound[-len(letters):]
        if name == "vec":
            index, lower, upper = limits[0]
            return E.VecOf(body, index, lower, upper)
        if name == "Prod":
            if skip is not None:
                raise self.fail("Prod() does not take skip=")
            return sp.Product(body, *limits)
        if skip is not None and len(limits) != 1:
            raise self.fail("skip= goes with a single limit")
        if skip is not None:
            return E.sum_over(body, *limits[0], skip=skip)
        return sp.Sum(body, *limits)

    def _cases(self, args: list[ast.expr], depth: int) -> sp.Expr:
        pieces = []
        for arg in args:
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                raise self.fail("cases() takes (value, condition) pairs")
            value, condition = self.read(arg.elts[0], depth), self.read(arg.elts[1], depth)
            pieces.append((value, condition))
        if not pieces:
            raise self.fail("cases() needs at least one pair")
        return sp.Piecewise(*pieces, evaluate=False)  # type: ignore[no-any-return]
