"""Concretization: a bound expression at concrete sizes and index values becomes plain SymPy.

Sums expand, vectors and matrices become their components (a ``sympy.ImmutableMatrix``
column or matrix), definitions are expanded, free indices take the values they are given,
Kronecker deltas and indicators become 0/1, labels become 0/1 indicator variables that the
checks enumerate exactly.  What stays abstract is the one thing the two engines must do
independently: differentiation.  ``Deriv(f, v)`` becomes ``CDeriv(f_t, t, at)`` nodes, one per
scalar partial: "the derivative of ``f_t`` with respect to ``t``, evaluated at ``t = at``".
For an independent variable ``t`` is that variable and ``at`` is ``t`` itself; for an
intermediate (``z_j = w_j^T x``, ``g_k(z)``) ``t`` is a fresh symbol that stands for it inside
``f`` and ``at`` is its concrete value, so ``d sigma_k / d z_j`` means the partial with the
other ``z`` held fixed, as a chain-rule step intends.  The symbolic engine resolves ``CDeriv``
with SymPy's ``diff``; the numeric engine with JAX autodiff.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeAlias

import sympy as sp
from sympy.core.function import AppliedUndef, Function

from verify.core.errors import BindError
from verify.core.memo import Memo
from verify.model import expr as E
from verify.model.canon import Canon
from verify.model.notation import Notation, SymbolDecl
from verify.model.reading import plain

Value: TypeAlias = sp.Expr | sp.ImmutableMatrix
Env: TypeAlias = Mapping[str, object]  # name -> int (index value) or Value (definition parameter)


class CDeriv(Function):  # type: ignore[misc]
    """Concrete partial derivative: ``d f / d t`` at ``t = at`` (all scalar)."""

    nargs = 3


class InvEntry(Function):  # type: ignore[misc]
    """Entry (r, c), 0-based, of the inverse of the ``size`` x ``size`` matrix whose entries
    (row-major) are the first argument."""

    nargs = 4

    @classmethod
    def eval(cls, entries: sp.Tuple, size: sp.Integer, r: sp.Integer,  # type: ignore[override]
             c: sp.Integer) -> sp.Expr | None:
        if all(e.is_Rational for e in entries):  # a numeric matrix: invert it exactly
            n = int(size)
            matrix = sp.Matrix(n, n, list(entries))
            if matrix.det() == 0:
                return sp.nan
            return matrix.inv()[int(r), int(c)]  # type: ignore[no-any-return]
        return None

    def _eval_derivative(self, symbol: sp.Symbol) -> sp.Expr:
        entries, size, r, c = self.args
        n = int(size)
        total = sp.Integer(0)
        for k in range(n):
            for m in range(n):
                d_entry = sp.diff(entries[k * n + m], symbol)
                if d_entry != 0:
                    total += -InvEntry(entries, size, r, sp.Integer(k)) * d_entry * \
                        InvEntry(entries, size, sp.Integer(m), c)
        return total

    def inverse_matrix(self) -> sp.ImmutableMatrix:
        entries, size, _, _ = self.args
        n = int(size)
        return sp.ImmutableMatrix(n, n, list(entries))


@dataclass(frozen=True)
class LabelGroup:
    """Label variables of which exactly one is 1: a one-hot row or a categorical label."""

    name: str
    variables: tuple[sp.Symbol, ...]


@dataclass
class Concretizer:
    """Concretizes expressions of one notation at one combination of sizes.  One instance per
    (document, sizes): it owns the concrete variables and memoizes shared sub-expressions."""

    notation: Notation
    sizes: Mapping[str, int]
    variables: dict[str, sp.Symbol] = field(default_factory=dict)   # real variables by name
    label_groups: dict[str, LabelGroup] = field(default_factory=dict)
    positive: set[str] = field(default_factory=set)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # declared ranges
    # Memo keys (docs/memos.md): _memo by node and the environment entries it can read (see
    # _value); _inverses by the matrix, all an inverse depends on; _name_cache by node, the
    # notation being this concretizer's own; variables by concrete name (see _variable).
    _memo: dict[object, Value] = field(default_factory=dict)
    _inverses: dict[sp.ImmutableMatrix, sp.ImmutableMatrix] = field(default_factory=dict)
    _name_cache: dict[sp.Basic, frozenset[str]] = field(default_factory=dict)
    _owners: dict[str, str] = field(default_factory=dict)   # concrete variable -> declared name
    _fresh: int = 0

    # ---- public ---------------------------------------------------------------------------
    def value(self, node: sp.Basic, env: Env) -> Value:
        return self._value(node, dict(env), {})

    def memo_entries(self) -> Mapping[object, Value]:
        return self._memo

    def label_variables(self) -> set[sp.Symbol]:
        return {v for group in self.label_groups.values() for v in group.variables}

    def real_variables(self) -> list[sp.Symbol]:
        labels = self.label_variables()
        return [v for v in self.variables.values() if v not in labels]

    # ---- core -----------------------------------------------------------------------------
    def _value(self, node: sp.Basic, env: dict[str, object],
               opaque: dict[sp.Basic, Value]) -> Value:
        if opaque and isinstance(node, (sp.Symbol, sp.Indexed, AppliedUndef, E.Dot,
                                        E.MatProd, E.Entry)):
            key = self._key(node, env)
            if key in opaque:
                return opaque[key]
        memo_key = None
        if not opaque and isinstance(node, (sp.Sum, sp.Product, AppliedUndef, E.Deriv, sp.Indexed,
                                            E.VecOf, E.MatOf, E.Dot)):
            # Key: the node and the environment entries it can read (see _names).  That
            # suffices because the concretizer's notation and sizes are fixed, memo entries
            # are only made outside a derivative's stand-ins (opaque is empty), and a value
            # depends on nothing else: definitions read their own parameters only, constants
            # the index letters their bodies leave free.
            memo_key = (node, tuple(sorted((k, _hashable(v)) for k, v in env.items()
                                           if k in self._names(node))))
            cached = self._memo.get(memo_key)
            if cached is not None:
                return cached
        result = self._dispatch(node, env, opaque)
        if memo_key is not None:
            self._memo[memo_key] = result
        return result

    def _dispatch(self, node: sp.Basic, env: dict[str, object],
                  opaque: dict[sp.Basic, Value]) -> Value:
        if node.is_Number or node is sp.pi or node is sp.E:   # singletons: no sympify
            return node  # type: ignore[return-value]
        if isinstance(node, sp.Symbol):
            return self._symbol(node, env, opaque)
        if isinstance(node, sp.Indexed):
            return self._indexed(node, env, opaque)
        if isinstance(node, sp.Add):
            return _add([self._value(a, env, opaque) for a in node.args])
        if isinstance(node, sp.Mul):
            return _mul([self._value(a, env, opaque) for a in node.args])
        if isinstance(node, sp.Pow):
            base, exponent = (self._value(a, env, opaque) for a in node.args)
            if isinstance(base, sp.MatrixBase) or isinstance(exponent, sp.MatrixBase):
                raise BindError("a power of a vector or matrix (write the inner product a^T a "
                                "for the squared norm)")
            return sp.Pow(base, exponent)  # type: ignore[no-any-return]
        if isinstance(node, (sp.Sum, sp.Product)):
            return self._sum(node, env, opaque)
        if isinstance(node, sp.KroneckerDelta):
            return self._delta(node, env, opaque)
        if isinstance(node, sp.Piecewise):
            return self._piecewise(node, env, opaque)
        if isinstance(node, sp.ImmutableMatrix):
            return sp.ImmutableMatrix(node.rows, node.cols,
                                      [_scalar(self._value(a, env, opaque), "a vector entry")
                                       for a in node])
        if isinstance(node, E.Deriv):
            return self._derivative(node, env, opaque)
        if isinstance(node, E.Dot):
            a, b = (self._value(x, env, opaque) for x in node.args)
            return _dot(a, b)
        if isinstance(node, E.MatProd):
            a, b = (self._value(x, env, opaque) for x in node.args)
            if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)) or \
                    a.cols != b.rows:
                raise BindError(f"matrix product of shapes {_shape(a)} and {_shape(b)}")
            return sp.ImmutableMatrix(a * b)
        if isinstance(node, E.Transposed):
            a = self._value(node.args[0], env, opaque)
            if not isinstance(a, sp.MatrixBase):
                return a   # (y^T X w)^T: a 1x1 value is its own transpose
            return sp.ImmutableMatrix(a.T)
        if isinstance(node, E.MatInv):
            a = self._value(node.args[0], env, opaque)
            if not isinstance(a, sp.MatrixBase) or a.rows != a.cols:
                raise BindError(f"inverse of a non-square {_shape(a)}")
            return self._inverse(a)
        if isinstance(node, E.Entry):
            whole = self._value(node.args[0], env, opaque)
            indices = [self._integer(i, env, opaque, "an entry's index") for i in node.args[1:]]
            return _component(whole, indices, "the bracket")
        if isinstance(node, E.Hadamard):
            a, b = (self._value(arg, env, opaque) for arg in node.args)
            if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)) or \
                    a.shape != b.shape:
                raise BindError(f"an entrywise product of shapes {_shape(a)} and {_shape(b)}")
            return sp.ImmutableMatrix(a.rows, a.cols, [p * q for p, q in zip(a, b, strict=True)])
        if isinstance(node, E.Det):
            a = self._value(node.args[0], env, opaque)
            if not isinstance(a, sp.MatrixBase):
                return a   # a 1x1 value is its own determinant
            if a.rows != a.cols:
                raise BindError(f"the determinant of a non-square {_shape(a)} matrix")
            return a.det(method="berkowitz")  # type: ignore[no-any-return]
        if isinstance(node, E.Diag):
            v = self._value(node.args[0], env, opaque)
            if not _is_vector(v):
                raise BindError("diag of something that is not a vector")
            assert isinstance(v, sp.MatrixBase)
            return sp.ImmutableMatrix(sp.diag(*list(v)))
        if isinstance(node, E.Ones):
            size = self._integer(node.args[0], env, opaque, "the length of a vector of ones")
            return sp.ImmutableMatrix(sp.ones(size, 1))
        if isinstance(node, E.Identity):
            size = self._integer(node.args[0], env, opaque, "the size of an identity")
            return sp.ImmutableMatrix(sp.eye(size))
        if isinstance(node, E.Frobenius):
            a, b = (self._value(arg, env, opaque) for arg in node.args)
            if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)) or \
                    a.shape != b.shape:
                raise BindError(f"a Frobenius product A : B of shapes {_shape(a)} and "
                                f"{_shape(b)}")
            return sp.Add(*(p * q for p, q in zip(a, b, strict=True)))  # type: ignore[no-any-return]
        if isinstance(node, E.TotalDifferential):
            return self._differential(node, env, opaque)
        if isinstance(node, (E.Trace, E.Norm, E.FrobNorm, E.Norm1)):
            return _trace_or_norm(node, self._value(node.args[0], env, opaque))
        if isinstance(node, E.VecOf):
            body, index, lower, upper = node.args
            values = [self._value(body, {**env, str(index): v}, opaque)
                      for v in self._range(lower, upper, env, opaque)]
            return sp.ImmutableMatrix([_scalar(v, "a vector entry") for v in values])
        if isinstance(node, E.MatOf):
            body, row, lower, upper, column, left, right = node.args
            columns = self._range(left, right, env, opaque)
            return sp.ImmutableMatrix([
                [_scalar(self._value(body, {**env, str(row): r, str(column): c}, opaque),
                         "a matrix entry") for c in columns]
                for r in self._range(lower, upper, env, opaque)])
        if isinstance(node, AppliedUndef):
            return self._apply(node, env, opaque)
        if isinstance(node, sp.Function):  # exp, log, sqrt, ...
            values = [self._value(a, env, opaque) for a in node.args]
            if len(values) == 1 and _is_vector(values[0]):
                # exp(z), \log \hat{y}, \tanh(Wx): of a vector, entry by entry (as ML notes
                # mean it); of a matrix it could be the matrix function, and is refused below.
                vector = values[0]
                assert isinstance(vector, sp.MatrixBase)
                return sp.ImmutableMatrix(vector.rows, vector.cols,
                                          [node.func(entry) for entry in vector])
            args = [_scalar(v, f"the argument of {node.func}") for v in values]
            return node.func(*args)  # type: ignore[no-any-return]
        raise BindError(f"cannot give a value to {plain(node)}")

    def _names(self, node: sp.Basic) -> frozenset[str]:
        """The environment entries a node's value can depend on (memo keys hold exactly
        these): the names it mentions, and the index letters left free by the constants it
        uses, directly or through other constants.  A constant's body takes those letters
        from where it is used (``E := -log(s[q])`` at ``q = 2``), so without them
        ``D(E, z[j])`` at ``q = 1`` would answer for every ``q``."""
        names = self._name_cache.get(node)
        if names is None:
            names = self._name_cache[node] = frozenset(
                {s.name for s in node.atoms(sp.Symbol)} | free_indices(node, self.notation))
        return names

    def _inverse(self, matrix: sp.MatrixBase) -> sp.ImmutableMatrix:
        """The inverse as a matrix of ``InvEntry`` nodes, not as adjugate over determinant:
        the explicit rational functions of a 3x3 of symbols make every later derivative and
        exact test slow.  Each entry is an opaque function of the matrix's entries; SymPy
        differentiates it by the rule d(A^-1) = -A^-1 dA A^-1, the numeric engine computes
        the inverse, and the exact test treats it as an atom (sound: equal atoms are equal)."""
        key = sp.ImmutableMatrix(matrix)
        cached = self._inverses.get(key)
        if cached is None:
            size = key.rows
            entries = sp.Tuple(*key)
            cached = self._inverses[key] = sp.ImmutableMatrix(
                size, size, [InvEntry(entries, sp.Integer(size), sp.Integer(r), sp.Integer(c))
                             for r in range(size) for c in range(size)])
        return cached

    # ---- names ----------------------------------------------------------------------------
    def _symbol(self, node: sp.Symbol, env: dict[str, object],
                opaque: dict[sp.Basic, Value]) -> Value:
        name = node.name
        if name in env:
            bound = env[name]
            return sp.Integer(bound) if isinstance(bound, int) else bound  # type: ignore[return-value]
        if name in self.sizes:
            return sp.Integer(self.sizes[name])
        if name in self.notation.indices:
            raise BindError(f"index {name!r} has no value here (free in a definition?)")
        decl = self.notation.symbols.get(name)
        if decl is not None:
            if decl.family:
                raise BindError(f"{name!r} is a family: it needs its index (a subscript)")
            return self._component_block(decl, ())
        definition = self.notation.definitions.get(name)
        if definition is not None:
            if definition.style == "constant":
                # A constant's free index letters (J with a free k in its regularizer) take
                # their values from where it is used, as a reader would read them.
                inherited: dict[str, object] = {k: v for k, v in env.items()
                             if k in self.notation.indices and isinstance(v, int)}
                return self._value(definition.body, inherited, opaque)
            if definition.style == "indexed" and len(definition.params) == 1:
                # The whole vector of a family defined per index: sigma(z, k) passes all z.
                size = self._size_of_index(definition.params[0])
                return sp.ImmutableMatrix([
                    _scalar(self._value(E.family(name)[m], env, opaque), name)
                    for m in range(1, size + 1)])
            needs = "arguments" if definition.style == "function" else "indices"
            raise BindError(f"{name!r} needs {needs}")
        raise BindError(f"undeclared symbol {name!r}")

    def _indexed(self, node: sp.Indexed, env: dict[str, object],
                 opaque: dict[sp.Basic, Value]) -> Value:
        name = str(node.base.label)
        indices = [self._integer(i, env, opaque, name) for i in node.indices]
        if name in env:  # a definition's parameter: take its components
            return _component(env[name], indices, name)  # type: ignore[arg-type]
        decl = self.notation.symbols.get(name)
        if decl is not None:
            return self._declared(decl, indices)
        definition = self.notation.definitions.get(name)
        if definition is not None and definition.style == "indexed":
            if len(indices) != len(definition.params):
                raise BindError(f"{name!r} takes {len(definition.params)} indices")
            for param, value in zip(definition.params, indices, strict=True):
                self._check_range(name, param, value)
            return self._value(definition.body, dict(zip(definition.params, indices,
                                                         strict=True)), opaque)
        raise BindError(f"undeclared symbol {name!r}")

    def _declared(self, decl: SymbolDecl, indices: list[int]) -> Value:
        dims = decl.family + decl.shape
        if len(indices) > len(dims) or len(indices) < len(decl.family):
            raise BindError(f"{decl.name!r} takes {len(decl.family)} to {len(dims)} indices, "
                            f"got {len(indices)}")
        for size_name, value in zip(dims, indices, strict=False):
            if not 1 <= value <= self.sizes[size_name]:
                raise BindError(f"index {value} of {decl.name!r} is outside 1..{size_name}"
                                f"={self.sizes[size_name]}")
        family, rest = tuple(indices[:len(decl.family)]), tuple(indices[len(decl.family):])
        if decl.kind == "label":
            raise BindError(f"label {decl.name!r} is a class number; compare it with a class "
                            "(an indicator 1_{\\{y = k\\}} or a delta \\delta_{y k})")
        block = self._component_block(decl, family)
        if not rest:
            return block
        assert isinstance(block, sp.MatrixBase)
        if len(rest) == 2 or block.cols == 1:
            return block[rest[0] - 1, rest[1] - 1] if len(rest) == 2 else block[rest[0] - 1]  # type: ignore[no-any-return]
        raise BindError(f"one index into the matrix {decl.name!r}: give row and column")

    def _component_block(self, decl: SymbolDecl, family: tuple[int, ...]) -> Value:
        """The value of a declared name for one family member: scalar, vector or matrix."""
        if decl.kind == "label":
            raise BindError(f"label {decl.name!r} is a class number; compare it with a class "
                            "(an indicator 1_{\\{y = k\\}} or a delta \\delta_{y k})")
        shape = [self.sizes[s] for s in decl.shape]
        prefix = decl.name + "".join(f"_{f}" for f in family)
        if not shape:
            return self._variable(prefix, decl)
        rows, cols = (shape[0], 1) if len(shape) == 1 else (shape[0], shape[1])
        if decl.kind == "distribution":
            return self._distribution(decl, prefix, rows, cols, len(shape) == 2)
        # A symmetric matrix has one variable per pair: [j, i] is named as [i, j] (i <= j),
        # so every point drawn, and the exact test, sees symmetric values only.
        entries = [self._variable(f"{prefix}_{min(r, c)}_{max(r, c)}" if decl.symmetric else
                                  f"{prefix}_{r}" + (f"_{c}" if len(shape) == 2 else ""), decl)
                   for r in range(1, rows + 1) for c in range(1, cols + 1)]
        if decl.kind == "onehot":
            # The last axis is one-hot: rows of a matrix, or the whole vector.
            groups = ([entries[r * cols:(r + 1) * cols] for r in range(rows)]
                      if len(shape) == 2 else [entries])
            for number, members in enumerate(groups, 1):
                group_name = prefix + (f"_{number}" if len(shape) == 2 else "")
                self.label_groups.setdefault(group_name, LabelGroup(group_name, tuple(members)))
        return sp.ImmutableMatrix(rows, cols, entries)

    def _distribution(self, decl: SymbolDecl, prefix: str, rows: int, cols: int,
                      matrix: bool) -> Value:
        """A probability vector (each row of a matrix): positive entries that sum to 1.  All
        but the last are variables, drawn in ``(0.05, 0.9/(m-1))`` so that the last, ``1``
        minus their sum, is positive too; exact, so the exact test sees the constraint."""
        length = cols if matrix else rows
        drawn = replace(decl, interval=(0.05, 0.9 / (length - 1)) if length > 1 else None)
        entries: list[sp.Expr] = []
        for r in range(1, (rows if matrix else 1) + 1):
            free = [self._variable(f"{prefix}_{r}_{c}" if matrix else f"{prefix}_{c}", drawn)
                    for c in range(1, length)]
            entries += [*free, 1 - sp.Add(*free)]
        return sp.ImmutableMatrix(rows, cols, entries)

    def _variable(self, name: str, decl: SymbolDecl) -> sp.Symbol:
        # Kept by the concrete name: it holds the declared name and the component numbers,
        # and is one-to-one because the notation refuses names whose components could share
        # one (notation.component_clash); checked here too for a notation built directly.
        symbol = self.variables.get(name)
        owner = self._owners.setdefault(name, decl.name)
        if owner != decl.name:
            raise BindError(f"{owner!r} and {decl.name!r} would share the variable {name!r}")
        if symbol is None:
            low = decl.interval[0] if decl.interval is not None else None
            positive = decl.kind == "positive" or (low is not None and low > 0)
            symbol = sp.Symbol(name, real=True, positive=True if positive else None)
            if positive:
                self.positive.add(name)
            if decl.interval is not None:
                self.intervals[name] = decl.interval
            self.variables[name] = symbol
            if decl.kind == "binary":
                self._binary(name, symbol, decl)
        return symbol

    def _binary(self, name: str, symbol: sp.Symbol, decl: SymbolDecl) -> None:
        """A binary entry as a label group of two: the entry and the indicator that it is 0
        (``t_1_is_0``, which no expression uses), exactly one of them 1.  So the checker
        treats it as it treats one-hot labels: left free first, then both values enumerated
        exactly; a counterexample names its value, 0 or 1."""
        zero = f"{name}_is_0"
        if self._owners.setdefault(zero, decl.name) != decl.name:
            raise BindError(f"{self._owners[zero]!r} and {decl.name!r} would share the "
                            f"variable {zero!r}")
        indicator = self.variables.setdefault(zero, sp.Symbol(zero, real=True))
        self.label_groups.setdefault(name, LabelGroup(name, (symbol, indicator)))

    def _label_indicators(self, decl: SymbolDecl, family: tuple[int, ...]) -> list[sp.Symbol]:
        assert decl.classes is not None
        prefix = decl.name + "".join(f"_{f}" for f in family)
        members = [self._variable(f"{prefix}_is_{c}", SymbolDecl(decl.name))
                   for c in range(1, self.sizes[decl.classes] + 1)]
        self.label_groups.setdefault(prefix, LabelGroup(prefix, tuple(members)))
        return members

    # ---- structure ------------------------------------------------------------------------
    def _sum(self, node: sp.Sum | sp.Product, env: dict[str, object],
             opaque: dict[sp.Basic, Value]) -> Value:
        """Expand a finite sum (or product) at the concrete sizes."""
        limits = list(reversed(node.limits))  # SymPy lists the innermost limit first
        terms: list[Value] = []

        def expand(level: int, scope: dict[str, object]) -> None:
            if level == len(limits):
                terms.append(self._value(node.function, scope, opaque))
                return
            index, lower, upper = limits[level]
            for v in self._range(lower, upper, scope, opaque):
                expand(level + 1, {**scope, str(index): v})

        expand(0, env)
        if isinstance(node, sp.Product):
            return sp.Mul(*(_scalar(t, "a factor of a product") for t in terms))  # type: ignore[no-any-return]
        if not terms:
            return sp.Integer(0)
        return _add(terms)

    def _range(self, lower: sp.Basic, upper: sp.Basic, env: dict[str, object],
               opaque: dict[sp.Basic, Value]) -> range:
        lo = self._integer(lower, env, opaque, "a sum's lower limit")
        hi = self._integer(upper, env, opaque, "a sum's upper limit")
        if hi - lo > 64:
            raise BindError(f"a sum or vector of {hi - lo + 1} terms at these sizes")
        return range(lo, hi + 1)

    def _integer(self, node: sp.Basic, env: dict[str, object],
                 opaque: dict[sp.Basic, Value], what: str) -> int:
        value = self._value(node, env, {})
        if isinstance(value, sp.Integer):
            return int(value)
        raise BindError(f"{what}: {plain(node)} is not a whole number here "
                        f"(got {plain(value)})")

    def _delta(self, node: sp.KroneckerDelta, env: dict[str, object],
               opaque: dict[sp.Basic, Value]) -> Value:
        sides = []
        for arg in node.args:
            label = self._label_argument(arg, env, opaque)
            sides.append(label if label is not None else
                         self._integer(arg, env, opaque, "a Kronecker delta's argument"))
        a, b = sides
        if isinstance(a, int) and isinstance(b, int):
            return sp.Integer(int(a == b))
        if isinstance(a, list) and isinstance(b, int):
            return a[b - 1] if 1 <= b <= len(a) else sp.Integer(0)
        if isinstance(b, list) and isinstance(a, int):
            return b[a - 1] if 1 <= a <= len(b) else sp.Integer(0)
        assert isinstance(a, list) and isinstance(b, list)
        return sp.Add(*(p * q for p, q in zip(a, b, strict=False)))

    def _label_argument(self, arg: sp.Basic, env: dict[str, object],
                        opaque: dict[sp.Basic, Value]) -> list[sp.Symbol] | None:
        """A categorical label as its list of class indicators, or None if not a label."""
        if isinstance(arg, sp.Indexed):
            decl = self.notation.symbols.get(str(arg.base.label))
            if decl is not None and decl.kind == "label":
                family = tuple(self._integer(i, env, opaque, decl.name) for i in arg.indices)
                if len(family) != len(decl.family):
                    raise BindError(f"{decl.name!r} takes {len(decl.family)} indices")
                return self._label_indicators(decl, family)
        if isinstance(arg, sp.Symbol):
            decl = self.notation.symbols.get(arg.name)
            if decl is not None and decl.kind == "label" and arg.name not in env:
                if decl.family:
                    raise BindError(f"{decl.name!r} needs its index")
                return self._label_indicators(decl, ())
        return None

    def _piecewise(self, node: sp.Piecewise, env: dict[str, object],
                   opaque: dict[sp.Basic, Value]) -> Value:
        """Cases decided by index values pick a branch; cases on a label (``y = k``) become
        0/1 indicators: sum of value_i * [cond_i] * prod_{j<i} (1 - [cond_j])."""
        total: Value = sp.Integer(0)
        earlier_false: sp.Expr = sp.Integer(1)
        for value, condition in node.args:
            decided = self._condition(condition, env, opaque)
            if decided is True:
                return _add([total, _mul([earlier_false, self._value(value, env, opaque)])])
            if decided is False:
                continue
            total = _add([total, _mul([earlier_false, decided,
                                       self._value(value, env, opaque)])])
            earlier_false = earlier_false * (1 - decided)
        if earlier_false == 1 and total == 0:
            raise BindError("no case of a 'cases' applies")
        return total

    def _condition(self, condition: sp.Basic, env: dict[str, object],
                   opaque: dict[sp.Basic, Value]) -> bool | sp.Expr:
        if condition in (sp.true, True):
            return True
        if condition in (sp.false, False):
            return False
        if isinstance(condition, (sp.Eq, sp.Ne)):
            indicator = self._delta(sp.KroneckerDelta(condition.lhs, condition.rhs,
                                                      evaluate=False), env, opaque)
            if indicator.is_Integer:
                equal = bool(indicator == 1)
                return equal if isinstance(condition, sp.Eq) else not equal
            return indicator if isinstance(condition, sp.Eq) else 1 - indicator
        if isinstance(condition, sp.core.relational.Relational):
            lhs = self._integer(condition.lhs, env, opaque, "a condition")
            rhs = self._integer(condition.rhs, env, opaque, "a condition")
            return bool(condition.func(lhs, rhs))
        raise BindError(f"cannot decide the condition {condition}")

    def _apply(self, node: AppliedUndef, env: dict[str, object],
               opaque: dict[sp.Basic, Value]) -> Value:
        name = node.func.__name__
        definition = self.notation.definitions.get(name)
        if definition is None or definition.style != "function":
            raise BindError(f"undeclared function {name!r}")
        if len(node.args) != len(definition.params):
            raise BindError(f"{name} takes {len(definition.params)} arguments")
        scope: dict[str, object] = {}
        for param, arg in zip(definition.params, node.args, strict=True):
            value = self._value(arg, env, opaque)
            scope[param] = int(value) if isinstance(value, sp.Integer) else value
        try:
            return self._value(definition.body, scope, opaque)
        except BindError:
            only = scope.get(definition.params[0]) if len(definition.params) == 1 else None
            if not _is_vector(only):
                raise
        # \sigma(Xw) of a function of one scalar: entry by entry, as ML notes mean it.  Only
        # where the body cannot take the vector whole (a function of a vector is that).
        assert isinstance(only, sp.MatrixBase)
        entries = [_scalar(self._value(definition.body, {definition.params[0]: entry}, opaque),
                           f"{name} of an entry") for entry in only]
        return sp.ImmutableMatrix(only.rows, only.cols, entries)

    # ---- derivatives ----------------------------------------------------------------------
    def _derivative(self, node: E.Deriv, env: dict[str, object],
                    opaque: dict[sp.Basic, Value]) -> Value:
        function, target = node.args
        target_value = self._value(target, env, opaque)
        if not isinstance(target_value, sp.MatrixBase) and target_value.is_number:
            # d/di of an index, d/dn of a size, d/d2: a number does not vary (the derivative
            # would be 0, and '= 0' proved)
            raise BindError(f"the derivative by {plain(target)}, which is a number here, not "
                            "a variable")
        constrained = {self._owners.get(v.name) for v in symbols_in(
            list(target_value) if isinstance(target_value, sp.MatrixBase) else [target_value])}
        for name in constrained:
            decl = self.notation.symbols.get(name or "")
            if decl is not None and decl.kind == "distribution":
                raise BindError(f"a derivative by an entry of {name!r}, whose entries sum to 1: "
                                "which entry gives way is not said")
        if _is_variable_block(target_value, self):
            inner_opaque = opaque
            stand_in = target_value
        else:
            stand_in = self._stand_in(target_value)
            inner_opaque = {**opaque, self._key(target, env): stand_in}
        f_value = self._value(function, env, inner_opaque)
        if stand_in is not target_value and not _mentions(f_value, stand_in) and \
                _mentions(f_value, target_value):
            # d(w^T w)/d(2w): the function depends on the target's variables, but not through
            # the target as written (the stand-in replaces only that node): its derivative is
            # not 0, and is not computed.
            raise BindError(f"the derivative by {plain(target)}: the function does not contain "
                            "it as written, though it depends on its variables")
        return _partials(f_value, stand_in, target_value)

    def _differential(self, node: E.TotalDifferential, env: dict[str, object],
                      opaque: dict[sp.Basic, Value]) -> Value:
        """``dX`` of a declared variable: its increment, independent variables of its shape
        (named ``dX_1_2`` after its entries), drawn as any real variable is.  ``d(a)`` of any
        other expression, along the increments of the variables its chain writes them for:
        each entry is the sum over those variables' entries ``v`` of ``da/dv · dv``, taken by
        each engine's own derivative (``CDeriv``, as every other derivative here)."""
        target = node.args[0]
        unmoved = BindError(f"the differential of {plain(target)}: no increment of a variable "
                            "it depends on is written (as dX for a variable X)")
        if len(node.args) == 1:
            decl = self._increment_of(target)
            if decl is not None:
                return self._increment(target, decl, env, opaque)
            name = str(target.base.label) if isinstance(target, sp.Indexed) else str(target)
            declared = self.notation.symbols.get(name)
            if declared is not None:
                raise BindError(f"the differential of {plain(target)}: a {declared.kind} "
                                "variable has no increment")
            raise unmoved
        varying = {str(v) for v in node.args[1]}
        if not varying:
            raise unmoved
        value = self._value(target, env, opaque)
        entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
        moved = sorted((s for s in symbols_in(entries)
                        if self._owners.get(s.name) in varying), key=lambda s: s.name)
        for variable in moved:
            if variable in self.label_variables():
                raise BindError(f"the differential of {plain(target)}: "
                                f"{self._owners[variable.name]!r} is a label, which has no "
                                "increment")
        increments = [self._variable("d" + v.name, self._increment_decl(self._owners[v.name]))
                      for v in moved]

        def change(entry: sp.Expr) -> sp.Expr:
            terms = [CDeriv(entry, v, v) * dv for v, dv in zip(moved, increments, strict=True)
                     if not entry.is_Number and v in entry.free_symbols]
            return sp.Add(*terms)  # type: ignore[no-any-return]

        if isinstance(value, sp.MatrixBase):
            return sp.ImmutableMatrix(value.rows, value.cols, [change(e) for e in value])
        return change(value)

    def _increment_of(self, target: sp.Basic) -> SymbolDecl | None:
        """The declaration of the variable ``target`` names (whole, a family member or a
        component), or None when it is not one declared variable."""
        if isinstance(target, sp.Symbol):
            name = target.name
        elif isinstance(target, sp.Indexed):
            name = str(target.base.label)
        else:
            return None
        decl = self.notation.symbols.get(name)
        if decl is None or decl.kind in ("onehot", "label", "binary", "distribution"):
            return None
        return decl

    def _increment_decl(self, name: str) -> SymbolDecl:
        decl = self.notation.symbols[name]
        if "d" + name in self.notation.symbols or "d" + name in self.notation.definitions:
            raise BindError(f"the increment d{name} would share its name with the declared "
                            f"{'d' + name!r}")
        # Any real increment (a positive or bounded variable moves either way); a symmetric
        # matrix moves within the symmetric ones, as its own entries do.
        return SymbolDecl("d" + name, decl.family, decl.shape, symmetric=decl.symmetric)

    def _increment(self, target: sp.Basic, decl: SymbolDecl, env: dict[str, object],
                   opaque: dict[sp.Basic, Value]) -> Value:
        increment = self._increment_decl(decl.name)
        if isinstance(target, sp.Symbol):
            if decl.family:
                raise BindError(f"{decl.name!r} is a family: it needs its index (a subscript)")
            return self._component_block(increment, ())
        assert isinstance(target, sp.Indexed)
        indices = [self._integer(i, env, opaque, decl.name) for i in target.indices]
        return self._declared(increment, indices)

    def _stand_in(self, like: Value) -> Value:
        def fresh() -> sp.Symbol:
            self._fresh += 1
            return sp.Symbol(f"_t{self._fresh}", real=True)
        if isinstance(like, sp.MatrixBase):
            return sp.ImmutableMatrix(like.rows, like.cols, [fresh() for _ in like])
        return fresh()

    def _key(self, node: sp.Basic, env: dict[str, object]) -> sp.Basic:
        """The node with index names replaced by their values: w[k] at k=2 is w[2]."""
        replace = {s: sp.Integer(env[s.name]) for s in node.free_symbols
                   if isinstance(s, sp.Symbol) and isinstance(env.get(s.name), int)}
        return node.xreplace(replace) if replace else node

    def _size_of_index(self, letter: str) -> int:
        size = self.notation.indices.get(letter)
        if size is None:
            raise BindError(f"{letter!r} is not a declared index letter")
        return self.sizes[size]

    def _check_range(self, name: str, letter: str, value: int) -> None:
        size = self.notation.indices.get(letter)
        if size is not None and not 1 <= value <= self.sizes[size]:
            raise BindError(f"index {value} of {name!r} is outside 1..{size}")


def symbols_in(expressions: Sequence[sp.Basic]) -> set[sp.Symbol]:
    """Every symbol in the expressions, each shared sub-expression visited once (SymPy's
    ``free_symbols`` walks a shared sub-tree again at every use, which for an expanded sum of
    softmax terms costs more than evaluating it)."""
    seen: set[sp.Basic] = set()
    found: set[sp.Symbol] = set()
    stack = list(expressions)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, sp.Symbol):
            found.add(node)
        else:
            stack.extend(node.args)
    return found


# ---- helpers on values ----------------------------------------------------------------------

def _hashable(value: object) -> object:
    return value if not isinstance(value, list) else tuple(value)


def _shape(value: object) -> str:
    if isinstance(value, sp.MatrixBase):
        return f"{value.rows}x{value.cols}"
    return "scalar"


def _mentions(value: Value, by: Value) -> bool:
    """Whether ``value`` depends on any free symbol of ``by``."""
    symbols: set[sp.Basic] = set()
    for entry in (list(by) if isinstance(by, sp.MatrixBase) else [by]):
        symbols |= entry.free_symbols
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return any(entry.free_symbols & symbols for entry in entries)


def _is_vector(value: object) -> bool:
    """A column or a row (a 1x1 is a scalar's matrix, and counts as a vector of one)."""
    return isinstance(value, sp.MatrixBase) and min(value.shape) == 1


def _scalar(value: Value, what: str) -> sp.Expr:
    if isinstance(value, sp.MatrixBase):
        raise BindError(f"{what} must be a scalar, got a {_shape(value)} value")
    return value


def _add(values: list[Value]) -> Value:
    matrices = [v for v in values if isinstance(v, sp.MatrixBase)]
    if not matrices:
        return sp.Add(*values)  # type: ignore[no-any-return]
    first = matrices[0]
    if any(m.shape != first.shape for m in matrices):
        raise BindError("adding values of different shapes: " +
                        ", ".join(_shape(m) for m in matrices))
    scalar = sp.Add(*(v for v in values if not isinstance(v, sp.MatrixBase)))
    if scalar != 0 and not all(_is_vector(m) for m in matrices):
        # A + \lambda of a matrix: A + \lambda I, or a slip? Not guessed.
        raise BindError(f"adding a scalar and a {_shape(first)} value")
    # 1 - \sigma(z), x - logsumexp(x): a scalar added to a vector is added to each entry,
    # as ML notes write it
    total = sp.ImmutableMatrix(first.rows, first.cols, [scalar] * len(first)).as_mutable()
    for matrix in matrices:
        total += matrix
    return sp.ImmutableMatrix(total)


def _mul(values: list[Value]) -> Value:
    matrices = [v for v in values if isinstance(v, sp.MatrixBase)]
    scalar = sp.Mul(*(v for v in values if not isinstance(v, sp.MatrixBase)))
    if not matrices:
        return scalar  # type: ignore[no-any-return]
    if len(matrices) > 1:
        raise BindError("a product of two vectors or matrices that is neither an inner "
                        "product a^T b nor a matrix product A B")
    return sp.ImmutableMatrix(matrices[0].applyfunc(lambda entry: scalar * entry))


def _dot(a: Value, b: Value) -> Value:
    if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)) or \
            a.cols != 1 or b.cols != 1 or a.rows != b.rows:
        raise BindError(f"inner product of shapes {_shape(a)} and {_shape(b)}")
    return sp.Add(*(p * q for p, q in zip(a, b, strict=True)))  # type: ignore[no-any-return]


def _trace_or_norm(node: sp.Basic, a: Value) -> sp.Expr:
    """A trace or a norm of a concrete value, as plain scalars that both engines evaluate.
    The Euclidean and Frobenius norms are the root of a sum of squares, so a squared norm is
    that sum exactly (SymPy folds ``sqrt(s)**2`` to ``s``): no root is left for the exact
    test.  A scalar is a 1x1 matrix: its trace is itself, its norms its absolute value."""
    entries = list(a) if isinstance(a, sp.MatrixBase) else [a]
    if isinstance(node, E.Trace):
        if isinstance(a, sp.MatrixBase) and a.rows != a.cols:
            raise BindError(f"the trace of a non-square {_shape(a)} matrix")
        return a.trace() if isinstance(a, sp.MatrixBase) else a  # type: ignore[no-any-return]
    if isinstance(node, E.Norm1):
        return sp.Add(*(sp.Abs(e) for e in entries))  # type: ignore[no-any-return]
    if isinstance(node, E.Norm) and isinstance(a, sp.MatrixBase) and min(a.shape) > 1:
        raise BindError(f"the 2-norm of a {_shape(a)} matrix (the spectral norm) is not "
                        "computed; the Frobenius norm is")
    return sp.sqrt(sp.Add(*(e ** 2 for e in entries)))  # type: ignore[no-any-return]


def _component(value: Value, indices: list[int], name: str) -> Value:
    if not isinstance(value, sp.MatrixBase):
        raise BindError(f"{name!r} is a scalar here and cannot be indexed")
    rows, cols = value.shape
    if len(indices) == 1 and cols == 1 and 1 <= indices[0] <= rows:
        return value[indices[0] - 1]  # type: ignore[no-any-return]
    if len(indices) == 2 and 1 <= indices[0] <= rows and 1 <= indices[1] <= cols:
        return value[indices[0] - 1, indices[1] - 1]  # type: ignore[no-any-return]
    raise BindError(f"index {indices} out of range for {name!r} of shape {_shape(value)}")


def _is_variable_block(value: Value, concretizer: Concretizer) -> bool:
    """True when the derivative's target is made of independent variables."""
    known = set(concretizer.variables.values())
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return all(isinstance(e, sp.Symbol) and e in known for e in entries)


def _partials(f: Value, stand_in: Value, at: Value) -> Value:
    targets = list(stand_in) if isinstance(stand_in, sp.MatrixBase) else [stand_in]
    points = list(at) if isinstance(at, sp.MatrixBase) else [at]

    # The stand-ins of the other entries (the rest of a bracket's vector, d/d(Bh)_1 holding
    # (Bh)_2) are at their points in each partial: without that they would be left free.
    stood = {target: point for target, point in zip(targets, points, strict=True)
             if target != point}

    def partial(entry: sp.Expr, t: sp.Symbol, point: sp.Expr) -> sp.Expr:
        if entry.is_Number or t not in entry.free_symbols:
            return sp.Integer(0)
        others = {s: p for s, p in stood.items() if s != t and s in entry.free_symbols}
        return CDeriv(entry.xreplace(others) if others else entry, t, point)  # type: ignore[no-any-return]

    if not isinstance(f, sp.MatrixBase):
        if not isinstance(stand_in, sp.MatrixBase):
            return partial(f, targets[0], points[0])
        return sp.ImmutableMatrix(stand_in.rows, stand_in.cols,
                                  [partial(f, t, p) for t, p in zip(targets, points,
                                                                    strict=True)])
    if not isinstance(stand_in, sp.MatrixBase):
        return sp.ImmutableMatrix(f.applyfunc(lambda e: partial(e, targets[0], points[0])))
    if f.cols == 1 and stand_in.cols == 1:  # Jacobian, numerator layout
        return sp.ImmutableMatrix(f.rows, stand_in.rows,
                                  [partial(fi, t, p) for fi in f
                                   for t, p in zip(targets, points, strict=True)])
    raise BindError("derivative of a matrix with respect to a vector or matrix")


def free_indices(node: sp.Basic, notation: Notation) -> set[str]:
    """Index letters free in ``node`` (not bound by a Sum or a vec), including those a
    constant definition it uses leaves free."""
    return set(_uses(notation).free(node))


def sizes_used(node: sp.Basic, notation: Notation) -> set[str]:
    """The sizes a bound expression depends on, through its symbols and definitions."""
    return set(_uses(notation).sizes(node))


class NameUses:
    """:func:`free_indices` and :func:`sizes_used` under one notation, computed bottom-up
    and kept per sub-expression: a candidate explanation ``2 * before`` or a line that shares
    most of its terms with the line before costs a lookup per new node instead of a walk.

    Bottom-up is the same as the walks below (:func:`walk_free_indices`,
    :func:`walk_sizes_used`, the definitions): a letter bound by a Sum, a Product or a vec is
    removed where it is bound, whatever binds it further out; sizes are a plain union.  When
    the notation's definitions refer to each other in a cycle, the walks (which cut cycles)
    are used instead."""

    def __init__(self, notation: Notation) -> None:
        self.notation = notation
        self.text = Canon().notation(notation)
        self.cyclic = _definitions_cyclic(notation)

    def free(self, node: sp.Basic) -> frozenset[str]:
        if self.cyclic:
            return frozenset(walk_free_indices(node, self.notation))
        key = (self.text, "free", node)
        found = _NODE_USES.get(key)
        if found is not None:
            return found
        notation = self.notation
        if isinstance(node, sp.Symbol):
            found = frozenset({node.name}) if node.name in notation.indices else frozenset()
            definition = notation.definitions.get(node.name)
            if definition is not None and definition.style == "constant":
                found |= self.free(definition.body)
        elif isinstance(node, (sp.Sum, sp.Product)):
            inner = self.free(node.function).union(
                *(self.free(part) for limit in node.limits for part in limit[1:]))
            found = inner - {str(limit[0]) for limit in node.limits}
        elif isinstance(node, E.VecOf):
            body, index, lower, upper = node.args
            found = (self.free(body) - {str(index)}) | self.free(lower) | self.free(upper)
        elif isinstance(node, E.MatOf):
            body, row, lower, upper, column, left, right = node.args
            found = (self.free(body) - {str(row), str(column)}).union(
                *(self.free(limit) for limit in (lower, upper, left, right)))
        else:
            found = frozenset().union(*(self.free(arg) for arg in node.args))
        _NODE_USES[key] = found
        return found

    def sizes(self, node: sp.Basic) -> frozenset[str]:
        if self.cyclic:
            return frozenset(walk_sizes_used(node, self.notation))
        key = (self.text, "sizes", node)
        found = _NODE_USES.get(key)
        if found is not None:
            return found
        found = frozenset().union(*(self.sizes(arg) for arg in node.args))
        if isinstance(node, sp.Symbol):
            found = self._of_name(node.name)
        elif isinstance(node, sp.IndexedBase):
            found |= self._of_name(str(node.label))
        elif isinstance(node, AppliedUndef):
            found |= self._of_name(node.func.__name__)
        _NODE_USES[key] = found
        return found

    def _of_name(self, name: str) -> frozenset[str]:
        key = (self.text, "name", name)
        found = _NODE_USES.get(key)
        if found is not None:
            return found
        sizes = _own_sizes(name, self.notation)
        if _own_kind(name, self.notation) == "definition":
            sizes |= self.sizes(self.notation.definitions[name].body)
        found = _NODE_USES[key] = frozenset(sizes)
        return found


def _definitions_cyclic(notation: Notation) -> bool:
    """Does a definition use itself, directly or through others?"""
    uses = {name: {n for n in _names_in(d.body) if n in notation.definitions}
            for name, d in notation.definitions.items()}
    done: set[str] = set()
    active: set[str] = set()

    def visit(name: str) -> bool:
        if name in active:
            return True
        if name in done:
            return False
        active.add(name)
        cyclic = any(visit(other) for other in uses[name])
        active.discard(name)
        done.add(name)
        return cyclic

    return any(visit(name) for name in notation.definitions)


def _names_in(node: sp.Basic) -> set[str]:
    names = set()
    for atom in node.atoms(sp.Symbol, sp.IndexedBase, AppliedUndef):
        if isinstance(atom, sp.Symbol):
            names.add(atom.name)
        elif isinstance(atom, sp.IndexedBase):
            names.add(str(atom.label))
        else:
            names.add(atom.func.__name__)
    return names


# Key: the notation's canonical text (sizes, indices, symbols, definitions' bodies),
# everything NameUses reads of a notation.
_USES: Memo[str, NameUses] = Memo("check.concretize.name_uses", 32)
# Key: the notation's canonical text, the question ("free" indices or "sizes" of a node, the
# sizes of a "name"), and the node or the name.  Shared by every NameUses of that text.
_NODE_USES: Memo[tuple[str, str, object], frozenset[str]] = \
    Memo("check.concretize.node_uses", 200_000)


def _uses(notation: Notation) -> NameUses:
    """The process's :class:`NameUses` for a notation, by its canonical text (every
    document of a class shares one)."""
    key = Canon().notation(notation)
    found = _USES.get(key)
    if found is None:
        found = _USES[key] = NameUses(notation)
    return found


def walk_free_indices(node: sp.Basic, notation: Notation) -> set[str]:
    """Index letters free in ``node`` (not bound by a Sum or a vec), including those a
    constant definition it uses leaves free."""
    found: set[str] = set()
    expanding: set[str] = set()

    def walk(n: sp.Basic, bound: frozenset[str]) -> None:
        if isinstance(n, sp.Symbol):
            if n.name in notation.indices and n.name not in bound:
                found.add(n.name)
            definition = notation.definitions.get(n.name)
            if definition is not None and definition.style == "constant" and \
                    n.name not in expanding:
                expanding.add(n.name)
                walk(definition.body, bound)
                expanding.discard(n.name)
            return
        if isinstance(n, (sp.Sum, sp.Product)):
            inner = bound | {str(limit[0]) for limit in n.limits}
            walk(n.function, inner)
            for limit in n.limits:
                for part in limit[1:]:
                    walk(part, inner)  # an inner limit may use an outer index
            return
        if isinstance(n, E.VecOf):
            body, index, lower, upper = n.args
            walk(body, bound | {str(index)})
            walk(lower, bound)
            walk(upper, bound)
            return
        if isinstance(n, E.MatOf):
            body, row, lower, upper, column, left, right = n.args
            walk(body, bound | {str(row), str(column)})
            for limit in (lower, upper, left, right):
                walk(limit, bound)
            return
        for arg in n.args:
            walk(arg, bound)

    walk(node, frozenset())
    return found


def _own_kind(name: str, notation: Notation) -> str:
    """What a name is, the first of: a size, an index, a symbol, a definition (else "")."""
    for kind, table in (("size", notation.sizes), ("index", notation.indices),
                        ("symbol", notation.symbols), ("definition", notation.definitions)):
        if name in table:
            return kind
    return ""


def _own_sizes(name: str, notation: Notation) -> set[str]:
    """The sizes a name depends on by itself (a definition's body not included)."""
    kind = _own_kind(name, notation)
    if kind == "size":
        return {name}
    if kind == "index":
        return {notation.indices[name]}
    if kind == "symbol":
        decl = notation.symbols[name]
        return {*decl.family, *decl.shape, *([decl.classes] if decl.classes else [])}
    if kind == "definition":
        return {notation.indices[p] for p in notation.definitions[name].params
                if p in notation.indices}
    return set()


def walk_sizes_used(node: sp.Basic, notation: Notation) -> set[str]:
    """The sizes a bound expression depends on, through its symbols and definitions."""
    found: set[str] = set()
    seen: set[str] = set()

    def visit_name(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        found.update(_own_sizes(name, notation))
        if _own_kind(name, notation) == "definition":
            walk(notation.definitions[name].body)

    def walk(n: sp.Basic) -> None:
        for atom in n.atoms(sp.Symbol, sp.IndexedBase, AppliedUndef):
            if isinstance(atom, sp.Symbol):
                visit_name(atom.name)
            elif isinstance(atom, sp.IndexedBase):
                visit_name(str(atom.label))
            else:
                visit_name(atom.func.__name__)

    walk(node)
    return found


def size_combinations(notation: Notation, used: set[str]) -> Iterator[dict[str, int]]:
    names = sorted(s for s in notation.sizes if s in used)
    for values in itertools.product(*(notation.sizes[s] for s in names)):
        yield dict(zip(names, values, strict=True))
