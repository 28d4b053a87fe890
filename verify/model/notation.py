"""A document's notation: sizes, index letters, symbol shapes, definitions.

The notation is data, written once per document (or once per assignment, shared by many
student documents) as a mapping, usually YAML::

    sizes:   {K: [2, 3], N: [1, 2], n: [2, 3]}      # each size and the values it is checked at
    indices: {i: N, k: K, j: K, l: n, kp: K}       # index letter -> the size it ranges over
    symbols:
      w:   {family: [K], shape: [n], latex: ['\\mathbf{w}', 'w']}   # w[k] in R^n, w[k, l]
      x:   {family: [N], shape: [n]}               # one feature vector per sample
      y:   {family: [N], shape: [K], kind: onehot}  # one-hot label rows y[i, k]
      lab: {family: [N], kind: label, classes: K}   # categorical label y^(i) in 1..K
      t:   {family: [N], kind: binary}              # a 0/1 label t_i (y \\in \\{0,1\\})
      lam: {kind: positive}                         # a positive scalar
      q:   {interval: [0, 1]}                       # a real number in [0, 1]
      C:   {shape: [n, n]}                          # a matrix
      S:   {shape: [n, n], symmetric: true}         # a symmetric matrix: S[i, j] is S[j, i]
    definitions:
      yhat:  {index: [k], body: "exp(dot(w[k], z)) / Sum(exp(dot(w[m], z)), (m, 1, K))"}
      sigma: {params: [v, k], body: "exp(v[k]) / Sum(exp(v[m]), (m, 1, K))"}
      L:     {params: [W], body: "-Sum(..., (i, 1, N))"}
      H:     {body: "..."}                          # a defined constant (no arguments)

Kinds: ``real`` (default), ``positive``, ``onehot`` (the last shape axis is a one-hot vector:
exactly one entry 1, the rest 0, enumerated exactly when checked), ``label`` (a categorical
class number in 1..``classes``, also enumerated exactly) and ``binary`` (every entry 0 or 1, each
on its own, enumerated exactly: a 0/1 label ``y \\in \\{0,1\\}``) and ``distribution`` (the last
shape axis is a probability vector: positive entries summing to 1, the last being 1 minus the
others exactly; no derivative by its entries).  ``interval: [a, b]`` on a
real symbol draws its values (and so every counterexample's) from ``[a, b]``; with ``a > 0``
it is positive too.  ``symmetric: true`` on a square
matrix (``shape: [n, n]``) makes its entries ``[i, j]`` and ``[j, i]`` one variable, so every
check draws symmetric matrices only.  The notation's ``assumptions`` are free text the checker
cannot use (see :mod:`verify.verdict.combine`); what the checker can use is declared here.

Definitions are expanded when checked, so a step may use ``sigma(z, k)``, ``yhat[k]`` or
``L(W)`` and mean the body.  Bodies are written in the encoding language of :mod:`verify.read.dsl`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

Kind = Literal["real", "positive", "onehot", "label", "binary", "distribution"]
KINDS: tuple[Kind, ...] = ("real", "positive", "onehot", "label", "binary", "distribution")
DEFAULT_SIZES: dict[str, tuple[int, ...]] = {"K": (2, 3), "N": (1, 2), "n": (2, 3)}


@dataclass(frozen=True)
class SymbolDecl:
    """A declared name.  ``family`` lists the sizes of its family indices (``w[k]``), ``shape``
    the sizes of its value's axes (``[]`` scalar, ``[n]`` vector, ``[n, K]`` matrix)."""

    name: str
    family: tuple[str, ...] = ()
    shape: tuple[str, ...] = ()
    kind: Kind = "real"
    classes: str | None = None  # for kind == "label": the size naming the number of classes
    latex: tuple[str, ...] = ()
    description: str = ""
    symmetric: bool = False     # a square matrix whose entries [i, j] and [j, i] are one variable
    interval: tuple[float, float] | None = None   # a real symbol's values lie in [a, b]

    @property
    def rank(self) -> int:
        return len(self.shape)


@dataclass(frozen=True)
class Definition:
    """``name(params) := body`` (style ``function``), ``name[params] := body`` (``indexed``)
    or ``name := body`` (``constant``)."""

    name: str
    style: Literal["function", "indexed", "constant"]
    params: tuple[str, ...]
    body: sp.Expr
    text: str
    latex: tuple[str, ...] = ()
    description: str = ""
    abstract: bool = False     # 'body: any': any function of one number, checked as a fixed
    #                            smooth one (its body); a pass through it is supported, never
    #                            proved (verify.pipeline)


# The derivative of an abstract function f, f'(u) at any argument: a definition of its own,
# named so (the derivative of the test function, written out, never an engine's)
_DERIVATIVE_SUFFIX = "Dprime"


def abstract_derivative(name: str) -> str:
    """The name of the derivative of the abstract function ``name`` (``body: any``)."""
    return name + _DERIVATIVE_SUFFIX


def abstract_of(name: str, notation: Notation) -> str | None:
    """The abstract function whose value or derivative the definition ``name`` is, or None."""
    definition = notation.definitions.get(name)
    if definition is None or not definition.abstract:
        return None
    base = name.removesuffix(_DERIVATIVE_SUFFIX)
    return base if base != name and base in notation.definitions else name


@dataclass(frozen=True)
class Notation:
    sizes: Mapping[str, tuple[int, ...]]
    indices: Mapping[str, str]
    symbols: Mapping[str, SymbolDecl]
    definitions: Mapping[str, Definition] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()

    def kind_of(self, name: str) -> str | None:
        """What ``name`` is: 'size', 'index', 'symbol', 'definition' or None."""
        if name in self.sizes:
            return "size"
        if name in self.indices:
            return "index"
        if name in self.symbols:
            return "symbol"
        if name in self.definitions:
            return "definition"
        return None

    def with_sizes(self, sizes: Mapping[str, tuple[int, ...]]) -> Notation:
        """The same notation checked at other size values (``--sizes``)."""
        merged = dict(self.sizes)
        for name, values in sizes.items():
            if name in merged:
                merged[name] = tuple(values)
        return Notation(merged, self.indices, self.symbols, self.definitions, self.assumptions)


# What the concretizer (verify/check/concretize.py) appends to a declared name to name one of its
# concrete variables: family and component numbers (w_2_1), a label's class (lab_1_is_3), the
# indicator that a binary entry is 0 (t_1_is_0).
COMPONENT_SUFFIX = re.compile(r"(?:_[0-9]+)*(?:_is_[0-9]+)?")
_SUFFIX_PARTS = re.compile(r"((?:_[0-9]+)*)(?:_is_([0-9]+))?")


@dataclass(frozen=True)
class Component:
    """The declared component a concrete variable stands for: ``w_2_1`` is entry 1 of
    member 2 of the family ``w`` (``Component("w", (2, 1))``); a label's indicator
    ``lab_1_is_3`` says that ``lab[1]`` is class 3 (``Component("lab", (1,), 3)``)."""

    symbol: str                       # the declared name
    numbers: tuple[int, ...]          # family members, then the entry (row, column); 1-based
    label_class: int | None = None    # a label indicator: the class it says the label has


def component_of(name: str, symbols: Mapping[str, SymbolDecl]) -> Component | None:
    """The component behind a concretizer's variable name (the inverse of its naming, see
    ``Concretizer._component_block``); None for a name no declared symbol gives (a
    derivative's stand-in).  One answer at most: :func:`component_clash` refuses notations
    where two declared names could give one variable name."""
    for declared, decl in symbols.items():
        if not name.startswith(declared):
            continue
        match = _SUFFIX_PARTS.fullmatch(name[len(declared):])
        if match is None:
            continue
        numbers = tuple(int(part) for part in match.group(1).split("_") if part)
        if match.group(2) is not None:
            if decl.kind == "label" and len(numbers) == len(decl.family):
                return Component(declared, numbers, int(match.group(2)))
            if decl.kind == "binary" and match.group(2) == "0" and \
                    len(numbers) == len(decl.family) + len(decl.shape):
                return Component(declared, numbers, 0)
        elif decl.kind != "label" and len(numbers) == len(decl.family) + len(decl.shape):
            return Component(declared, numbers)
    return None


def component_clash(symbols: Mapping[str, SymbolDecl]) -> str | None:
    """Two declared names whose concrete variables could share a name, or a name like the
    stand-ins of derivatives (``_t1``): the concretizer keeps variables by name, so ``x[1, 2]``
    of a family ``x`` and ``x_1[2]`` of a vector ``x_1`` would be one variable, and a step
    equating them would be proved.  Refused rather than renamed: messages name variables."""
    for name, decl in symbols.items():
        if name.startswith("_"):
            return f"symbol name {name!r} starts with '_' (reserved for the checker's own)"
        if not (decl.family or decl.shape or decl.kind in ("label", "binary")):
            continue   # a plain scalar's one variable is its own name
        for other in symbols:
            if other != name and other.startswith(name) and \
                    COMPONENT_SUFFIX.fullmatch(other[len(name):]):
                return (f"symbols {name!r} and {other!r}: a component of {name!r} would have "
                        f"the name of a component of {other!r}; rename one")
    return None


def name_clashes(sizes: Mapping[str, Any], indices: Mapping[str, Any],
             symbols: Mapping[str, Any], definitions: Mapping[str, Any]) -> str | None:
    seen: dict[str, str] = {}
    for what, names in (("size", sizes), ("index", indices), ("symbol", symbols),
                        ("definition", definitions)):
        for name in names:
            if name in seen and seen[name] != what:
                return f"{name!r} is declared both as a {seen[name]} and as a {what}"
            seen[name] = what
    return None
