"""Reading a notation mapping (from YAML: a document's header, an encoding, an assignment)
into a :class:`verify.model.notation.Notation`; definition bodies are read in the encoding
language (:mod:`verify.read.dsl`)."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from verify.core.errors import Location, NotationError
from verify.core.limits import SIZE_VALUE
from verify.model.notation import (
    DEFAULT_SIZES,
    KINDS,
    Definition,
    Notation,
    SymbolDecl,
    abstract_derivative,
    component_clash,
    name_clashes,
)
from verify.model.stdlib import StandardDefinition, known_names, lookup
from verify.read.dsl import Scope, parse_expression

__all__ = ["DEFAULT_SIZES", "parse_notation"]

_SYMBOL_KEYS = {"family", "shape", "kind", "classes", "latex", "description", "symmetric",
                "interval"}
_DEFINITION_KEYS = {"params", "index", "body", "latex", "description"}
_ABSTRACT = "__abstract"     # marks the specs written for 'body: any' (never a user's key)
_TOP_KEYS = {"sizes", "indices", "symbols", "definitions", "assumptions", "use"}
_USE_KEYS = {"size", "name", "latex"}
# A use: entry written as text: 'sigmoid', 'softmax(K)'.
_USE_TEXT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*"
                       r"(?:\(\s*([A-Za-z][A-Za-z0-9]*)\s*\))?\s*$")


def _names(value: Any, what: str, where: Location) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise NotationError(f"{what} must be a list of names, got {value!r}", where)
    return tuple(value)


def _sizes(raw: Any, where: Location) -> dict[str, tuple[int, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise NotationError("'sizes' must map each size name to its check values", where)
    sizes: dict[str, tuple[int, ...]] = {}
    for name, values in raw.items():
        if isinstance(values, int) and not isinstance(values, bool):
            values = [values]
        ok = isinstance(values, list) and values and all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= SIZE_VALUE
            for v in values)
        if not ok:
            raise NotationError(
                f"size {name!r} must list check values between 1 and {SIZE_VALUE}, "
                f"got {values!r}", where)
        sizes[str(name)] = tuple(sorted(set(values)))
    return sizes


def parse_notation(raw: Any, where: Location, base: Notation | None = None) -> Notation:
    """Read a notation mapping (from YAML); ``base`` is extended (a chain's own additions on top
    of its document's notation, or a document's on top of an assignment's)."""

    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise NotationError("the notation must be a mapping", where)
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise NotationError(f"unknown notation keys {sorted(unknown)}; "
                            f"allowed: {sorted(_TOP_KEYS)}", where)
    sizes = dict(base.sizes) if base else {}
    sizes.update(_sizes(raw.get("sizes"), where))
    indices = dict(base.indices) if base else {}
    for letter, size in _mapping(raw.get("indices"), "indices", where).items():
        if size not in sizes:
            raise NotationError(f"index {letter!r} ranges over undeclared size {size!r}", where)
        indices[str(letter)] = str(size)
    symbols = dict(base.symbols) if base else {}
    for name, spec in _mapping(raw.get("symbols"), "symbols", where).items():
        symbols[str(name)] = _symbol(str(name), spec or {}, sizes, where)
    assumptions = (base.assumptions if base else ()) + _names(
        raw.get("assumptions"), "assumptions", where)
    definitions = dict(base.definitions) if base else {}
    clash = name_clashes(sizes, indices, symbols, {}) or component_clash(symbols)
    if clash:
        raise NotationError(clash, where)
    own_defs = _mapping(raw.get("definitions"), "definitions", where)
    raw_defs = _with_uses(raw.get("use"), own_defs, sizes, indices,
                          {*sizes, *indices, *symbols, *definitions, *map(str, own_defs)}, where)
    raw_defs = _abstract_functions(raw_defs, where)
    # Declare every definition's name first so bodies may refer to each other.
    pending: dict[str, tuple[str, tuple[str, ...], str, Mapping[str, Any]]] = {}
    for name, spec in raw_defs.items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("body"), str):
            raise NotationError(f"definition {name!r} needs a 'body' string", where)
        extra = set(spec) - _DEFINITION_KEYS - {_ABSTRACT}
        if extra:
            raise NotationError(f"definition {name!r}: unknown keys {sorted(extra)}", where)
        if "params" in spec and "index" in spec:
            raise NotationError(f"definition {name!r}: give 'params' or 'index', not both", where)
        style = "function" if "params" in spec else "indexed" if "index" in spec else "constant"
        params = _names(spec.get("params", spec.get("index")), f"{name}: params", where)
        pending[str(name)] = (style, params, spec["body"], spec)
        definitions[str(name)] = Definition(str(name), style, params, sp.Integer(0), "")  # type: ignore[arg-type]
    clash = name_clashes(sizes, indices, symbols, {n: d for n, d in definitions.items()
                                              if n in pending})
    if clash:
        raise NotationError(clash, where)
    provisional = Notation(sizes, indices, symbols, definitions, assumptions)
    for name, (style, params, text, spec) in pending.items():
        scope = Scope.for_definition(provisional, style, params)
        body = parse_expression(text, scope, where)
        definitions[name] = Definition(name, style, params, body, text,  # type: ignore[arg-type]
                                       _names(spec.get("latex"), "latex", where),
                                       str(spec.get("description", "")),
                                       abstract=bool(spec.get(_ABSTRACT)))
    cycle = _definition_cycle(definitions, pending)
    if cycle:
        through = "in its body" if len(cycle) == 2 else \
            "through " + " -> ".join(repr(n) for n in cycle[1:-1])
        raise NotationError(f"definition {cycle[0]!r} uses itself {through}: a recursive "
                            "definition never finishes expanding", where)
    return Notation(sizes, indices, symbols, definitions, assumptions)


def _with_uses(raw: Any, own: Mapping[Any, Any], sizes: Mapping[str, tuple[int, ...]],
               indices: Mapping[str, str], taken: Collection[str],
               where: Location) -> Mapping[Any, Any]:
    """The header's definitions with those its ``use:`` names (:mod:`verify.model.stdlib`)
    before them, each the very entry a hand-written header would hold: its sum takes the
    first index letter over its size (bound by the sum, any will do), its parameters are
    named apart from the document's names (``taken``)."""
    if raw is None:
        return own
    if isinstance(raw, str | Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        raise NotationError("'use' must list standard definitions, as in "
                            "use: [sigmoid, softmax(K)]", where)
    found: dict[str, Any] = {}
    for item in raw:
        entry, size, name, latex = _use_entry(item, where)
        key = f"{entry.key}({size})" if size else entry.key
        if name in found or name in own:
            raise NotationError(f"'{name}' is declared twice, by 'use: {key}' and "
                                f"{'another use' if name in found else 'under definitions'}; "
                                f"rename one ({entry.key}: {{name: ...}})", where)
        index = None
        if entry.sized:
            if size is None:
                raise NotationError(f"'{entry.key}' in 'use' runs over the entries of a "
                                    f"vector: name their size, {entry.key}(K)", where)
            if size not in sizes:
                raise NotationError(f"'{key}' in 'use': '{size}' is not a declared size",
                                    where)
            index = next((letter for letter, over in indices.items() if over == size), None)
            if index is None:
                raise NotationError(f"'{key}' in 'use' sums over {size}: declare an index "
                                    f"letter over {size} under indices", where)
        elif size is not None:
            raise NotationError(f"'{key}' in 'use': {entry.key} takes no size", where)
        found[name] = entry.declaration(size, index, latex, taken)
    return {**found, **own}


def _use_entry(item: Any, where: Location) -> tuple[StandardDefinition, str | None, str,
                                                     tuple[str, ...] | None]:
    """One ``use:`` entry: ``sigmoid``, ``softmax(K)`` or ``{softmax: {size: K, name: g,
    latex: ['g']}}``; the entry, its size, the definition's name and spellings."""
    options: Mapping[Any, Any] = {}
    if isinstance(item, Mapping) and len(item) == 1:
        text, options = next(iter(item.items()))
        options = options or {}
        if not isinstance(options, Mapping) or set(options) - _USE_KEYS:
            raise NotationError(f"'{text}' in 'use' takes {', '.join(sorted(_USE_KEYS))}",
                                where)
    elif isinstance(item, str):
        text = item
    else:
        raise NotationError(f"a 'use' entry is a name such as sigmoid or softmax(K), got "
                            f"{item!r}", where)
    match = _USE_TEXT.match(str(text))
    entry = lookup(match.group(1)) if match else None
    if match is None or entry is None:
        raise NotationError(f"'{str(text).strip()}' in 'use' is not a standard definition; "
                            f"known: {', '.join(known_names())}", where)
    size = match.group(2)
    if "size" in options:
        if size is not None or not isinstance(options["size"], str):
            raise NotationError(f"'{entry.key}' in 'use': give its size once, as a name",
                                where)
        size = options["size"]
    name = options.get("name", entry.name)
    if not isinstance(name, str) or not name.isidentifier():
        raise NotationError(f"'{entry.key}' in 'use': its name must be a name, got {name!r}",
                            where)
    latex = _names(options["latex"], f"{entry.key}: latex", where) if "latex" in options \
        else None
    return entry, size, name, latex


_WHAT = {"indices": "'indices' must map index letters to sizes",
         "symbols": "'symbols' must map names to declarations",
         "definitions": "'definitions' must map names to {params|index, body}"}


def _mapping(value: Any, key: str, where: Location) -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise NotationError(f"{_WHAT[key]}, got a {type(value).__name__}", where)
    return value


def _uses(definition: Definition, names: Mapping[str, Definition]) -> list[str]:
    """The definitions ``definition``'s body refers to (its parameters shadow them)."""
    used: list[str] = []
    for node in sp.preorder_traversal(definition.body):
        if isinstance(node, sp.Indexed):
            name = str(node.base.label)
        elif isinstance(node, sp.Symbol):
            name = node.name
        elif isinstance(node, AppliedUndef):
            name = node.func.__name__
        else:
            continue
        if name in names and name not in definition.params and name not in used:
            used.append(name)
    return used


def _abstract_functions(raw_defs: Mapping[Any, Any], where: Location) -> dict[Any, Any]:
    """``f: {params: [t], body: any}``: any function of one number.  Checked as one fixed
    smooth function, the same for every run and both engines, which a claim about every
    function must hold for: ``f(t)`` a polynomial of degree 5 plus an exponential, its
    coefficients drawn from the name (the message of a verdict through it writes it out), and
    its derivative, written out here (never taken by either engine), the definition
    ``fDprime`` that ``f'(u)`` reads as at any argument."""
    result = dict(raw_defs)
    for name, spec in raw_defs.items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("body"), str) or \
                spec["body"].strip() != "any":
            continue
        params = spec.get("params")
        if not isinstance(params, list) or len(params) != 1 or not isinstance(params[0], str):
            raise NotationError(f"definition {name!r}: 'body: any' (any function) takes one "
                                "parameter, params: [t]", where)
        derivative = abstract_derivative(str(name))
        if derivative in raw_defs:
            raise NotationError(f"definition {derivative!r}: the name of {name!r}'s "
                                "derivative ('body: any'); call it otherwise", where)
        value, slope = abstract_bodies(str(name), params[0])
        result[name] = {**spec, "body": value, _ABSTRACT: True}
        result[derivative] = {"params": [params[0]], "body": slope, _ABSTRACT: True,
                              "description": f"the derivative of {name} (any function)"}
    return result


def abstract_bodies(name: str, t: str) -> tuple[str, str]:
    """The test function standing for the abstract ``name`` and its derivative, in the
    encoding language: ``c_0 + c_1 t + ... + c_5 t^5 + b e^{t/3}`` with small rational
    coefficients drawn from the name's digest (fixed: a verdict is reproducible)."""
    import hashlib
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    # numerators 1..7 with signs, denominators 2..7: no coefficient 0, none alike by design
    coefficients = [sp.Rational((1 + digest[k] % 7) * (1 if digest[k + 8] % 2 else -1),
                                2 + digest[k + 16] % 6) for k in range(6)]
    scale = sp.Rational(1 + digest[30] % 5, 2 + digest[31] % 4)
    value = " + ".join([*(f"({c})*{t}**{k}" for k, c in enumerate(coefficients)),
                        f"({scale})*exp({t}/3)"])
    slope = " + ".join([*(f"({c * k})*{t}**{k - 1}" for k, c in enumerate(coefficients)
                          if k), f"({scale / 3})*exp({t}/3)"])
    return value, slope


def _definition_cycle(definitions: Mapping[str, Definition],
                      new: Mapping[str, Any]) -> list[str]:
    """A chain of definitions from one of ``new`` back to itself (``[f, g, f]``), or ``[]``.
    Expanding a recursive definition never ends: it is refused where it is declared, named."""
    uses = {name: _uses(d, definitions) for name, d in definitions.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name):], name]
        if name in done:
            return []
        for used in uses.get(name, []):
            found = visit(used, [*path, name])
            if found:
                return found
        done.add(name)
        return []

    for name in new:
        found = visit(name, [])
        if found:
            return found
    return []


def _symbol(name: str, spec: Any, sizes: Mapping[str, tuple[int, ...]],
            where: Location) -> SymbolDecl:
    if not isinstance(spec, Mapping):
        raise NotationError(f"symbol {name!r}: expected a mapping, got {spec!r}", where)
    extra = set(spec) - _SYMBOL_KEYS
    if extra:
        raise NotationError(f"symbol {name!r}: unknown keys {sorted(extra)}", where)
    kind = spec.get("kind", "real")
    if kind not in KINDS:
        raise NotationError(f"symbol {name!r}: kind must be one of {KINDS}, got {kind!r}", where)
    family_sizes = _names(spec.get("family"), f"{name}: family", where)
    shape = _names(spec.get("shape"), f"{name}: shape", where)
    for size in family_sizes + shape:
        if size not in sizes:
            raise NotationError(f"symbol {name!r} uses undeclared size {size!r}", where)
    classes = spec.get("classes")
    if kind == "label":
        if classes not in sizes:
            raise NotationError(f"label {name!r} needs 'classes: <size>'", where)
        if shape:
            raise NotationError(f"label {name!r} is a class number: it has no shape", where)
    if kind == "onehot" and not shape:
        raise NotationError(f"one-hot {name!r} needs a shape (its class axis last)", where)
    if kind == "distribution" and (not shape or "interval" in spec):
        raise NotationError(f"distribution {name!r} needs a shape (the axis that sums to 1 "
                            "last) and no interval", where)
    if len(shape) > 2:
        raise NotationError(f"symbol {name!r}: at most matrices (two axes)", where)
    symmetric = spec.get("symmetric", False)
    if not isinstance(symmetric, bool):
        raise NotationError(f"symbol {name!r}: 'symmetric' must be true or false, got "
                            f"{symmetric!r}", where)
    # Square by name: the sizes are checked at several values, and only one size is
    # square at each of them.
    if symmetric and (len(shape) != 2 or shape[0] != shape[1]):
        raise NotationError(f"symbol {name!r}: only a square matrix (shape: [n, n]) can be "
                            f"symmetric, its shape is {list(shape)}", where)
    if symmetric and kind != "real" and kind != "positive":
        raise NotationError(f"symbol {name!r}: a {kind} symbol cannot be symmetric", where)
    interval = _interval(name, spec.get("interval"), kind, where)
    return SymbolDecl(name, family_sizes, shape, kind, classes,
                      _names(spec.get("latex"), f"{name}: latex", where),
                      str(spec.get("description", "")), symmetric, interval)


def _interval(name: str, raw: Any, kind: str, where: Location) -> tuple[float, float] | None:
    """``interval: [a, b]``, finite numbers with a < b, on a real symbol (a positive one is
    ``[a, b]`` with a > 0)."""
    if raw is None:
        return None
    if kind != "real":
        raise NotationError(f"symbol {name!r}: an interval is for a real symbol, not a {kind} "
                            "one (a positive one: interval [a, b] with a > 0)", where)
    ok = isinstance(raw, list) and len(raw) == 2 and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        for v in raw)
    if not ok or not raw[0] < raw[1]:
        raise NotationError(f"symbol {name!r}: interval must be [a, b], two finite numbers "
                            f"with a < b, got {raw!r}", where)
    return float(raw[0]), float(raw[1])
