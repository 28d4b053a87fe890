"""The process's memos: one bounded-memo facility, one registry, one :func:`clear_all`.

A memo keeps values that are pure functions of their key (docs/memos.md says, memo by memo,
what each key holds and why that is everything its value depends on).  Every memo here has
a name (``<module under verify>.<what it holds>``) and a bound, and obeys one limit rule: at
most ``bound`` entries, the least recently used goes first.  Two forms:

- :func:`memoized`, a decorator for a pure function, keyed by its positional arguments;
- :class:`Memo`, a mapping-like object for the places that build their key by hand.

Named memos are registered (:func:`registered`); :func:`clear_all` empties every one of
them (tests use it to start from a fresh process's state), and :func:`statistics` reads
their sizes and hit counts (benchmarks).  Thread safety is the GIL's: each step is one
operation on an ordered dict, and a racing eviction only costs a recomputation.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Generic, ParamSpec, TypeVar, overload

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")
P = ParamSpec("P")
R = TypeVar("R")

_MISSING = object()
_REGISTRY: dict[str, Memo[object, object]] = {}   # the registry itself: never cleared


@dataclass(frozen=True)
class MemoStatistics:
    """One memo's figures: entries now, its bound, lookups answered and not since the last
    :meth:`Memo.clear`."""

    name: str
    size: int
    bound: int
    hits: int
    misses: int


class Memo(Generic[K, V]):
    """A bounded memo: at most ``bound`` entries, the least recently used evicted first.

    ``name`` registers it for :func:`clear_all` and :func:`statistics` (a name may be
    registered once); ``name=None`` makes one private to an object (for instance a
    :class:`verify.check.claims.SharedConcretizers` made by a test), which its owner clears."""

    def __init__(self, name: str | None, bound: int) -> None:
        if bound < 1:
            raise ValueError(f"a memo's bound is at least 1, not {bound}")
        self.name = name
        self.bound = bound
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        if name is not None:
            if name in _REGISTRY:
                raise ValueError(f"a memo named {name!r} exists already")
            _REGISTRY[name] = self  # type: ignore[assignment]

    # ---- lookups (each counts as a hit or a miss, and a hit is used again)
    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        # Taken out and put back at the end (the most recent): one lookup that compares the
        # key with the one kept, where get() and move_to_end() made two.  Keys are SymPy
        # trees equal to, but seldom the same object as, the one kept, and each comparison
        # walks the whole tree (the second one cost 5% of a grading run).  Another
        # thread missing the entry meanwhile only computes it again.
        entries = self._entries
        found = entries.pop(key, _MISSING)
        if found is _MISSING:
            self.misses += 1
            return default
        self.hits += 1
        entries[key] = found   # type: ignore[assignment]
        return found

    def __getitem__(self, key: K) -> V:
        found = self.get(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return found  # type: ignore[return-value]

    def __contains__(self, key: object) -> bool:
        """Is ``key`` kept?  Absent, a miss; present, neither a hit nor a use (the lookup
        that follows is), so ``if key in memo: return memo[key]`` counts right for a memo
        whose values may be None."""
        if key in self._entries:
            return True
        self.misses += 1
        return False

    # ---- changes
    def __setitem__(self, key: K, value: V) -> None:
        entries = self._entries
        entries[key] = value
        entries.move_to_end(key)
        while len(entries) > self.bound:
            try:
                entries.popitem(last=False)
            except KeyError:
                break

    def clear(self) -> None:
        self._entries.clear()
        self.hits = self.misses = 0

    # ---- reading it whole (no hits counted, no order changed)
    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._entries))

    def values(self) -> list[V]:
        return list(self._entries.values())

    def statistics(self) -> MemoStatistics:
        return MemoStatistics(self.name or "", len(self._entries), self.bound, self.hits,
                              self.misses)


class MemoizedFunction(Generic[P, R]):
    """A pure function with a :class:`Memo` of its results by its arguments (``memo``); the
    function itself is ``__wrapped__``.  Raised exceptions are never kept."""

    def __init__(self, function: Callable[P, R], name: str | None, bound: int) -> None:
        self.__wrapped__ = function
        self.memo: Memo[Hashable, R] = Memo(name, bound)
        functools.update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        # Key: the arguments, which are all a pure function reads (keywords, which none of
        # our memoized functions takes, would be a second spelling of the same call).
        if kwargs:
            raise TypeError(f"{self.__wrapped__!r} is memoized by positional arguments only")
        key = args[0] if len(args) == 1 else args
        found = self.memo.get(key, _MISSING)
        if found is _MISSING:
            found = self.memo[key] = self.__wrapped__(*args, **kwargs)
        return found  # type: ignore[return-value]


def memoized(name: str | None,
             bound: int) -> Callable[[Callable[P, R]], MemoizedFunction[P, R]]:
    """Memoize a pure function under ``name`` (None: unregistered, as :class:`Memo`),
    keeping at most ``bound`` results."""
    def decorate(function: Callable[P, R]) -> MemoizedFunction[P, R]:
        return MemoizedFunction(function, name, bound)
    return decorate


def registered() -> dict[str, Memo[object, object]]:
    """Every named memo of the process, by name (the modules that define them imported)."""
    return dict(_REGISTRY)


def named(name: str) -> Memo[object, object]:
    """The registered memo called ``name`` (KeyError when its module is not imported)."""
    return _REGISTRY[name]


def clear_all() -> None:
    """Empty every registered memo: the state of a fresh process, as far as memos go."""
    for memo in _REGISTRY.values():
        memo.clear()


def statistics() -> list[MemoStatistics]:
    """Sizes, bounds and hit counts of every registered memo, by name."""
    return [_REGISTRY[name].statistics() for name in sorted(_REGISTRY)]
