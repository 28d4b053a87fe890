"""Exact identity test: is ``lhs - rhs`` identically zero?

Derivatives are first taken with SymEngine (:mod:`verify.check.fastdiff`), SymPy's ``diff``
where SymEngine cannot be trusted with them (:func:`resolve`).  The difference is then
read as a rational function of *atoms*: the concrete variables, ``exp(m)`` for each monomial
``m`` (``exp(a + 2b)`` is ``exp(a) exp(b)^2``), ``log(X)`` for each positive ``X`` that does not
split further (``log(a b) = log a + log b`` only when SymPy can show ``a, b > 0``), and any
other function application.  Each atom is an independent indeterminate, keyed by the *values*
of its argument, so two equal arguments written differently give one atom.  The difference is
evaluated exactly, in arithmetic modulo the prime ``P = 2^31 - 1``, at random points.

Soundness: substituting the real functions for the atoms is a ring homomorphism, so a
difference that vanishes as a rational function of the atoms vanishes as a function.  A
non-zero rational function of total degree ``d`` vanishes at a uniformly random point with
probability at most ``d / P`` (Schwartz-Zippel); three independent points put the chance of
calling a non-identity "identical" below ``(d/P)^3``, about ``1e-25`` for the degrees here.
The converse does not hold in general: a difference that is not zero in the atoms may still
be zero as a function (atoms are not truly independent), so "different" is a refutation only
when there are no atoms but the variables themselves: a rational function of independent real
variables with rational coefficients (``IdentityResult.rational``).  Then a nonzero value at a
valid lane proves it nonzero as a rational function (evaluation is a homomorphism wherever
the denominators are nonzero), hence nonzero at almost every real point, however small;
:func:`verify.verdict.combine.exact_counterexample` finds such a point and evaluates it exactly.
Any other "different" leaves refutation to the numeric engine, confirmed at 50 digits.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy as sp
from sympy import S

from verify.check import fastdiff
from verify.check.concretize import CDeriv, InvEntry, LabelGroup, Value, symbols_in
from verify.core.errors import UndefinedEverywhere
from verify.core.limits import LABEL_CONFIGS
from verify.core.memo import Memo

P = 2**31 - 1
POINTS = 3
# One-hot label configurations the exact test enumerates (K^N for one family: 4^6 = 4096);
# above, a sample of SAMPLED_CONFIGS, which can find a difference but never an identity.
SAMPLED_CONFIGS = 729

Outcome = Literal["identical", "different", "undecided"]


# Keys: concrete nodes (their symbols carry their assumptions), all SymPy's diff reads.
_RESOLVED: Memo[sp.Basic, sp.Expr] = Memo("check.symbolic.resolved", 200_000)
_EXPANDED: Memo[sp.Basic, tuple[sp.Expr, ...]] = \
    Memo("check.symbolic.expanded", 100_000)   # exp arguments, expanded once


def resolve(value: Value) -> Value:
    """Replace every ``CDeriv`` by its derivative, a SymPy expression (memoized: the same
    partial appears in many cases and steps)."""
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value.applyfunc(_resolve))
    return _resolve(value)


def _resolve(node: sp.Expr) -> sp.Expr:
    """One walk, each shared sub-expression once (memo): a node without a ``CDeriv`` below it
    comes back as itself."""
    if not node.args:
        return node
    cached = _RESOLVED.get(node)
    if cached is not None:
        return cached
    if isinstance(node, CDeriv):
        function, t, at = node.args
        function = _resolve(function)
        # SymEngine first (fast); SymPy for whatever it cannot be trusted with.
        derivative = fastdiff.derivative(function, t)
        if derivative is None:
            derivative = sp.diff(function, t)
        at = _resolve(at)
        result = derivative if t == at else derivative.xreplace({t: at})
    else:
        args = [_resolve(a) for a in node.args]
        changed = any(new is not old for new, old in zip(args, node.args, strict=True))
        result = node.func(*args) if changed else node
    _RESOLVED[node] = result
    return result  # type: ignore[no-any-return]


@dataclass(frozen=True)
class IdentityResult:
    outcome: Outcome
    detail: str
    one_hot_used: bool = False   # identical only once labels were restricted to one-hot
    failing_config: tuple[tuple[str, int], ...] = ()
    rational: bool = False       # "different", and the difference is a rational function of
    #                              the variables alone: a refutation (see the module's text)


def is_rational(expressions: Sequence[sp.Basic]) -> bool:
    """Is every expression a rational function with rational coefficients of plain symbols:
    numbers, symbols, sums, products and integer powers, nothing else (no exp, log, root,
    pi, float, matrix inverse entry or unresolved derivative)?  One walk over the shared
    expression graph."""
    seen: set[sp.Basic] = set()
    stack: list[sp.Basic] = list(expressions)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, sp.Rational | sp.Symbol):
            continue
        if isinstance(node, sp.Pow):
            if not isinstance(node.exp, sp.Integer):
                return False
            stack.append(node.base)
        elif isinstance(node, sp.Add | sp.Mul):
            stack.extend(node.args)
        else:
            return False
    return True


def label_configs(groups: Sequence[LabelGroup], rng: np.random.Generator,
                  cap: int = LABEL_CONFIGS) -> list[dict[sp.Symbol, int]]:
    """Every one-hot configuration of the label groups (a random sample if above ``cap``)."""
    choices = [range(len(g.variables)) for g in groups]
    if config_count(groups) <= cap:
        picks: Iterable[tuple[int, ...]] = itertools.product(*choices)
    else:
        picks = (tuple(int(rng.integers(len(c))) for c in choices) for _ in range(cap))
    configs = []
    for pick in picks:
        config = {}
        for group, chosen in zip(groups, pick, strict=True):
            for position, variable in enumerate(group.variables):
                config[variable] = int(position == chosen)
        configs.append(config)
    return configs


def config_count(groups: Sequence[LabelGroup]) -> int:
    """How many one-hot configurations the label groups have (the product of their sizes)."""
    total = 1
    for group in groups:
        total *= len(group.variables)
    return total


def free_evaluator(rng: np.random.Generator, deadline: float) -> Evaluator:
    """An evaluator with labels free, to share between the cases of one claim at one size
    combination: their sides share most sub-expressions (the softmax of every sample), which
    it then evaluates once.  Sharing is sound: each case's difference is still evaluated at
    random values of its atoms, drawn once for all; a lane invalid in one case (a vanishing
    denominator) is left out of the others too, which can only leave them undecided."""
    return Evaluator(POINTS, rng, {}, deadline)


def identical(difference: Sequence[sp.Expr], groups: Sequence[LabelGroup],
              rng: np.random.Generator, deadline: float,
              shared: Evaluator | None = None) -> IdentityResult:
    """Decide whether every component of ``difference`` is identically zero (``shared``: a
    :func:`free_evaluator` for the labels-free pass)."""
    components = [resolve(d) for d in difference]
    # Labels as free indeterminates first: an identity that holds for every label value
    # holds for one-hot labels too, and needs no enumeration.
    free = _zero(components, {}, POINTS, rng, deadline, evaluator=shared)
    if free == "zero":
        return IdentityResult("identical", "exact identity (labels free)")
    # Which label groups the components use: a walk over every node, needed only now.
    present = symbols_in(components) if groups else set()
    groups = [g for g in groups if any(v in present for v in g.variables)]
    label_vars = [v for g in groups for v in g.variables]
    if not label_vars:
        return _verdict(free, components)
    total = config_count(groups)
    sampled = total > LABEL_CONFIGS
    configs = label_configs(groups, rng, SAMPLED_CONFIGS if sampled else LABEL_CONFIGS)
    lanes = POINTS * len(configs)
    fixed = {v: np.repeat(np.array([c[v] for c in configs], dtype=np.int64), POINTS)
             for v in label_vars}
    status = _zero(components, fixed, lanes, rng, deadline, per_config=POINTS)
    if status == "zero" and sampled:
        # Not every configuration was checked: no identity (a wrong claim can be right on
        # all but a few configurations), at most numeric support.
        return IdentityResult("undecided", f"exact identity at {len(configs)} sampled of the "
                                           f"{total} one-hot label configurations, too many "
                                           f"to check all (at most {LABEL_CONFIGS})",
                              one_hot_used=True)
    if status == "zero":
        return IdentityResult("identical", f"exact identity for all {len(configs)} one-hot "
                                           "label configurations", one_hot_used=True)
    if isinstance(status, int):
        failing = tuple((str(v), configs[status][v]) for v in label_vars
                        if configs[status][v] == 1)
        return IdentityResult("different", "not an identity of the atoms under one-hot labels",
                              failing_config=failing, rational=is_rational(components))
    return _verdict(status, components)


def _verdict(status: str | int, components: Sequence[sp.Expr]) -> IdentityResult:
    if status == "undefined":
        return IdentityResult("undecided", "a denominator vanishes at every test point")
    return IdentityResult("different", "not an identity of the atoms (exp/log read as "
                                       "independent); the numeric check decides",
                          rational=is_rational(components))


def _zero(components: Sequence[sp.Expr], fixed: dict[sp.Symbol, np.ndarray], lanes: int,
          rng: np.random.Generator, deadline: float,
          per_config: int | None = None, evaluator: Evaluator | None = None) -> str | int:
    """'zero' when every component vanishes at every valid lane; else 'nonzero', the first
    failing configuration number (when lanes are grouped per configuration), or
    'undefined' when no lane is valid."""
    if evaluator is None:
        evaluator = Evaluator(lanes, rng, fixed, deadline)
    for component in components:
        try:
            values = evaluator.value(component)
        except UndefinedEverywhere:
            return "undefined"
        bad = (values != 0) & evaluator.valid
        if bad.any():
            if per_config:
                return int(np.argmax(bad)) // per_config
            return "nonzero"
    if not evaluator.valid.any():
        return "undefined"
    if per_config:
        # every configuration needs at least one valid lane to count as checked
        covered = evaluator.valid.reshape(-1, per_config).any(axis=1)
        if not covered.all():
            return "undefined"
    return "zero"


def _inverse(values: np.ndarray) -> np.ndarray:
    """Modular inverses of every lane with one exponentiation (Montgomery's batch trick:
    invert the product, then peel the lanes off it); zero stays zero (the caller marks the
    lane invalid)."""
    lanes = [int(v) % P for v in values.tolist()]
    prefix, running = [], 1
    for v in lanes:
        prefix.append(running)
        if v:
            running = running * v % P
    inverse = pow(running, P - 2, P)
    result = [0] * len(lanes)
    for position in range(len(lanes) - 1, -1, -1):
        v = lanes[position]
        if v:
            result[position] = inverse * prefix[position] % P
            inverse = inverse * v % P
    return np.array(result, dtype=np.int64)


def _power(values: np.ndarray, exponent: int) -> np.ndarray:
    result = np.ones_like(values)
    base = values % P
    while exponent:
        if exponent & 1:
            result = (result * base) % P
        base = (base * base) % P
        exponent >>= 1
    return result


class Evaluator:
    """Evaluates SymPy expressions in lanes of arithmetic modulo ``P``."""

    def __init__(self, lanes: int, rng: np.random.Generator,
                 fixed: dict[sp.Symbol, np.ndarray], deadline: float) -> None:
        self.lanes = lanes
        self.rng = rng
        self.fixed = fixed
        self.deadline = deadline
        self.valid = np.ones(lanes, dtype=bool)
        self.memo: dict[sp.Basic, np.ndarray] = {}
        self.atoms: dict[tuple[object, ...], np.ndarray] = {}
        self.inverses: dict[tuple[object, ...], list[list[np.ndarray]]] = {}
        self.steps = 0
        self._pool: list[np.ndarray] = []

    def random(self) -> np.ndarray:
        # Drawn in blocks: one generator call per 64 atoms instead of one per atom.
        if not self._pool:
            block = self.rng.integers(1, P, size=(64, self.lanes), dtype=np.int64)
            self._pool = list(block)
        return self._pool.pop()

    def atom(self, key: tuple[object, ...]) -> np.ndarray:
        value = self.atoms.get(key)
        if value is None:
            value = self.atoms[key] = self.random()
        return value

    def value(self, node: sp.Basic) -> np.ndarray:
        cached = self.memo.get(node)
        if cached is not None:
            return cached
        self.steps += 1
        if self.steps % 512 == 0 and time.monotonic() > self.deadline:
            from verify.core.errors import CheckTimeout
            raise CheckTimeout("symbolic check ran out of time")
        result = self._compute(node)
        self.memo[node] = result
        return result

    def _compute(self, node: sp.Basic) -> np.ndarray:
        if node is S.ComplexInfinity or node is S.NaN or node is S.Infinity or \
                node is S.NegativeInfinity:   # singletons: identity, not SymPy's ==
            # SymPy already found a division by zero or an infinity: nothing to prove with.
            raise UndefinedEverywhere
        if isinstance(node, sp.Integer):
            return np.full(self.lanes, int(node) % P, dtype=np.int64)
        if isinstance(node, sp.Rational):
            return (self.value(sp.Integer(node.p)) *
                    self.divide_by(self.value(sp.Integer(node.q)))) % P
        if isinstance(node, sp.Symbol):
            if node in self.fixed:
                return self.fixed[node] % P
            return self.atom(("symbol", node))
        if isinstance(node, sp.Add):
            total = np.zeros(self.lanes, dtype=np.int64)
            for arg in node.args:
                total = (total + self.value(arg)) % P
            return total
        if isinstance(node, sp.Mul):
            product = np.ones(self.lanes, dtype=np.int64)
            for arg in node.args:
                product = (product * self.value(arg)) % P
            return product
        if isinstance(node, sp.Pow) and isinstance(node.exp, sp.Integer):
            base = self.value(node.base)
            exponent = int(node.exp)
            powered = _power(base, abs(exponent))
            return self.divide_by(powered) if exponent < 0 else powered
        if isinstance(node, InvEntry):
            entries, size, r, c = node.args
            return self._inverse(entries, int(size))[int(r)][int(c)]
        if isinstance(node, sp.exp):
            return self._exp(node.args[0])
        if isinstance(node, sp.log):
            return self._log(node.args[0])
        if isinstance(node, (sp.tanh, sp.cosh, sp.sinh)):
            # By their definitions through exp (an identity, so still a homomorphism): tanh x
            # and (e^x - e^{-x})/(e^x + e^{-x}) are one value, not two independent atoms.
            return self.value(node.rewrite(sp.exp))
        # Anything else (sqrt, pi, abs, ...): an independent atom keyed by its arguments.
        flat = [e for a in node.args for e in (a if isinstance(a, sp.Tuple) else (a,))]
        arg_values = tuple(tuple(self.value(a).tolist()) for a in flat)
        return self.atom((type(node).__name__, getattr(node, "exp", None), arg_values))

    def _inverse(self, entries: sp.Tuple, n: int) -> list[list[np.ndarray]]:
        """The matrix inverse in exact modular arithmetic (cofactors over the determinant),
        so identities such as inv(C) C = I are decided exactly."""
        key = ("inverse", entries)
        cached = self.inverses.get(key)
        if cached is not None:
            return cached
        a = [[self.value(entries[r * n + c]) for c in range(n)] for r in range(n)]

        def det(matrix: list[list[np.ndarray]]) -> np.ndarray:
            size = len(matrix)
            if size == 1:
                return matrix[0][0]
            total = np.zeros(self.lanes, dtype=np.int64)
            for c in range(size):
                minor = [row[:c] + row[c + 1:] for row in matrix[1:]]
                term = (matrix[0][c] * det(minor)) % P
                total = (total + term) % P if c % 2 == 0 else (total - term) % P
            return total

        if n > 4:
            raise UndefinedEverywhere  # cofactor expansion is for the small sizes checked here
        inverse_det = self.divide_by(det(a))
        result = []
        for r in range(n):
            row = []
            for c in range(n):
                minor = [line[:r] + line[r + 1:] for i, line in enumerate(a) if i != c]
                cofactor = det(minor) if minor else np.ones(self.lanes, dtype=np.int64)
                if (r + c) % 2:
                    cofactor = (-cofactor) % P
                row.append((cofactor * inverse_det) % P)
            result.append(row)
        self.inverses[key] = result
        return result

    def divide_by(self, values: np.ndarray) -> np.ndarray:
        zero = values == 0
        if zero.any():
            self.valid &= ~zero
            if not self.valid.any():
                raise UndefinedEverywhere
        return _inverse(values)

    def _exp(self, argument: sp.Expr) -> np.ndarray:
        product = np.ones(self.lanes, dtype=np.int64)
        terms = _EXPANDED.get(argument)
        if terms is None:
            terms = _EXPANDED[argument] = sp.Add.make_args(sp.expand(argument))
        for term in terms:
            coefficient, monomial = term.as_coeff_Mul()
            if isinstance(coefficient, sp.Integer) and monomial is not S.One:
                base = self.atom(("exp", tuple(self.value(monomial).tolist())))
                power = _power(base, abs(int(coefficient)))
                factor = self.divide_by(power) if coefficient < 0 else power
            elif monomial is S.One and coefficient is S.Zero:
                continue
            else:
                factor = self.atom(("exp", tuple(self.value(term).tolist())))
            product = (product * factor) % P
        return product

    def _log(self, argument: sp.Expr) -> np.ndarray:
        if isinstance(argument, sp.exp) and argument.args[0].is_real:
            return self.value(argument.args[0])
        if isinstance(argument, sp.Mul):
            factors = argument.args
            if all(f.is_positive for f in factors):
                total = np.zeros(self.lanes, dtype=np.int64)
                for f in factors:
                    total = (total + self._log(f)) % P
                return total
        if isinstance(argument, sp.Pow) and argument.base.is_positive and \
                argument.exp.is_real:
            return (self.value(argument.exp) * self._log(argument.base)) % P
        if argument is S.One:
            return np.zeros(self.lanes, dtype=np.int64)
        return self.atom(("log", tuple(self.value(argument).tolist())))
