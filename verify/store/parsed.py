"""The LaTeX parser's outcomes as data, so that they can be kept in the verdict cache and
shared between a run's workers and between runs (parsing a new line costs 10-30 ms; a class
has hundreds of distinct lines, and grading it again after a rubric change reads them all).

The parser's output is a SymPy tree over placeholder symbols (:mod:`verify.read.latex.step`).  Its
stored form is a JSON tree over a whitelist of node types, rebuilt with ``evaluate=False`` so
that every node comes back exactly as the parser built it.  Nothing is ever evaluated from
text: names become ``Symbol`` names, numbers are checked digit strings, node types are looked
up in :data:`_NODES`.  A tree with anything else in it (a float, a function call, a list) is
simply not stored: it is parsed again when next seen.  An outcome is stored only when its
stored form rebuilds to an equal tree, and a stored form that fails any check is a miss.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
from collections.abc import Callable
from typing import Any

import sympy as sp

from verify.core.errors import NotStorable
from verify.core.limits import STORED_TREE_DEPTH, STORED_TREE_NODES
from verify.store.cache import VerdictCache, content_key

_DIGITS = re.compile(r"-?[0-9]{1,4000}")
KIND = "parse"


def _build(kind: Callable[..., sp.Basic]) -> Callable[[list[sp.Basic]], sp.Basic]:
    return lambda args: kind(*args, evaluate=False)


_NODES: dict[str, Callable[[list[sp.Basic]], sp.Basic]] = {
    "Add": _build(sp.Add), "Mul": _build(sp.Mul), "Pow": _build(sp.Pow),
    "exp": _build(sp.exp), "log": _build(sp.log),
    "Derivative": _build(sp.Derivative),
    "Sum": lambda args: sp.Sum(*args), "Product": lambda args: sp.Product(*args),
    "Tuple": lambda args: sp.Tuple(*args),
}


def tree_data(node: sp.Basic) -> Any:
    """The stored form of a parser tree; :class:`NotStorable` when it has other nodes."""
    counter = [0]
    return _data(node, counter, 0)


def _data(node: sp.Basic, counter: list[int], depth: int) -> Any:
    counter[0] += 1
    if counter[0] > STORED_TREE_NODES or depth > STORED_TREE_DEPTH:
        raise NotStorable("too large")
    if isinstance(node, sp.Symbol):
        if node != sp.Symbol(node.name):   # assumptions: not what a name alone rebuilds
            raise NotStorable(node.name)
        return {"s": node.name}
    if node is sp.pi:
        return {"c": "pi"}
    if node is sp.E:
        return {"c": "E"}
    if isinstance(node, sp.Integer):
        return {"i": str(int(node))}
    if isinstance(node, sp.Rational):
        return {"q": [str(node.p), str(node.q)]}
    name = type(node).__name__
    if name not in _NODES or type(node) is not getattr(sp, name):
        raise NotStorable(name)
    return {"f": name, "a": [_data(arg, counter, depth + 1) for arg in node.args]}


def tree_from_data(data: Any) -> sp.Basic:
    """A stored form back into its tree; ValueError for anything malformed."""
    counter = [0]
    return _tree(data, counter, 0)


def _tree(data: Any, counter: list[int], depth: int) -> sp.Basic:
    counter[0] += 1
    if counter[0] > STORED_TREE_NODES or depth > STORED_TREE_DEPTH:
        raise ValueError("stored tree too large")
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise ValueError("not a stored node")
    if "s" in data and isinstance(data["s"], str) and len(data) == 1:
        return sp.Symbol(data["s"])
    if "c" in data and len(data) == 1 and data["c"] in ("pi", "E"):
        return sp.pi if data["c"] == "pi" else sp.E
    if "i" in data and len(data) == 1:
        return sp.Integer(_integer(data["i"]))
    if "q" in data and len(data) == 1 and isinstance(data["q"], list) and len(data["q"]) == 2:
        return sp.Rational(_integer(data["q"][0]), _integer(data["q"][1]))
    kind, args = data.get("f"), data.get("a")
    if isinstance(kind, str) and kind in _NODES and isinstance(args, list):
        return _NODES[kind]([_tree(arg, counter, depth + 1) for arg in args])
    raise ValueError("not a stored node")


def _integer(text: Any) -> int:
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        raise ValueError("not an integer")
    return int(text)


def same_tree(first: sp.Basic, second: sp.Basic) -> bool:
    """Node for node the same: the same types, the same arguments in the same order (SymPy's
    ``==`` may not look at the order of an unevaluated sum's terms)."""
    if type(first) is not type(second) or len(first.args) != len(second.args):
        return False
    if not first.args:
        return bool(first == second)
    return all(same_tree(a, b) for a, b in zip(first.args, second.args, strict=True))


@functools.lru_cache(maxsize=1)   # no key: installed versions do not change in a process
def parser_version() -> str:
    """The parser's own version and its runtime's: a new parser may read a text otherwise."""
    parts = []
    for package in ("latex2sympy2_extended", "antlr4-python3-runtime", "sympy"):
        try:
            parts.append(f"{package}={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{package}=?")
    return ",".join(parts)


class ParseStore:
    """Parser outcomes in a verdict cache, by the placeholder text and the parser's version:
    a tree, or the parser's rejection message."""

    def __init__(self, cache: VerdictCache) -> None:
        self.cache = cache
        self.version = parser_version()

    def _key(self, text: str) -> str:
        return content_key(KIND, [self.version, text])

    def get(self, text: str) -> sp.Basic | str | None:
        """The stored tree, the stored rejection (a str), or None (never stored, damaged)."""
        data = self.cache.get_data(KIND, self._key(text))
        if not isinstance(data, dict) or len(data) != 1:
            return None
        if "rejected" in data:
            return str(data["rejected"]) if isinstance(data["rejected"], str) else None
        try:
            return tree_from_data(data.get("tree"))
        except (ValueError, TypeError, RecursionError):
            return None

    def put(self, text: str, outcome: sp.Basic | str) -> bool:
        """Store an outcome when it can be stored exactly; whether it was."""
        if isinstance(outcome, str):
            self.cache.put_data(KIND, self._key(text), {"rejected": outcome})
            return True
        try:
            data = tree_data(outcome)
            if not same_tree(tree_from_data(data), outcome):
                return False
        except (NotStorable, ValueError, TypeError, RecursionError):
            return False
        self.cache.put_data(KIND, self._key(text), {"tree": data})
        return True
