"""Parser outcomes kept in the verdict cache (verify.store.parsed): every outcome of the seeds
comes back node for node; a stored outcome is read exactly as a fresh parse; anything
damaged or foreign in the cache is a miss, never code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sympy as sp

from tests.paths import ROOT
from verify.core import memo
from verify.core.errors import NotStorable, ParserRejected
from verify.grade.assignment import load_assignment
from verify.grade.reading import discover as discover_submissions
from verify.grade.reading import read_submission
from verify.pipeline import discover, read_document
from verify.read.latex import step as latex
from verify.store.cache import VerdictCache
from verify.store.parsed import (
    KIND,
    ParseStore,
    same_tree,
    tree_data,
    tree_from_data,
)


def _parser_texts() -> list[str]:
    """Every placeholder text the parser sees while the derivations and the test class are
    read (recorded by wrapping the parser)."""
    seen: list[str] = []
    original = latex._parse_fresh

    def recording(text: str) -> object:
        seen.append(text)
        return original(text)

    memo.clear_all()
    latex._parse_fresh = recording  # type: ignore[assignment]
    try:
        paths, _ = discover([ROOT / "derivations", ROOT / "examples" / "seeds",
                             ROOT / "tests" / "data" / "latex"])
        for path in paths:
            read_document(path)
        assignment = load_assignment(ROOT / "assignments" / "softmax_gradient.yaml")
        for path in discover_submissions(ROOT / "tests" / "data" / "class"):
            read_submission(path, assignment)
    finally:
        latex._parse_fresh = original  # type: ignore[assignment]
        memo.clear_all()
    return sorted(set(seen))


@pytest.fixture(scope="module")
def parser_texts() -> list[str]:
    texts = _parser_texts()
    assert len(texts) > 100
    return texts


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[ParseStore]:
    cache = VerdictCache(tmp_path / "cache.sqlite")
    yield ParseStore(cache)
    cache.close()


@pytest.mark.slow
def test_every_parser_outcome_of_the_seeds_comes_back_node_for_node(
        parser_texts: list[str]) -> None:
    stored = 0
    for text in parser_texts:
        outcome = latex._parse_fresh(text)
        if not isinstance(outcome, sp.Basic):
            continue
        try:
            data = tree_data(outcome)
        except NotStorable:
            continue
        assert same_tree(tree_from_data(data), outcome), text
        stored += 1
    assert stored > 100


@pytest.mark.slow
def test_a_stored_outcome_is_read_as_a_fresh_parse(parser_texts: list[str],
                                                   store: ParseStore,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """First pass: parse and store.  Second pass, as in another process (memos cleared) and
    with the parser unable to run: every step reads the same from the store."""
    fresh = {text: latex._parse_fresh(text) for text in parser_texts}
    latex.install_outcome_store(store)
    try:
        memo.clear_all()
        first = {text: latex._parse_outcome(text) for text in parser_texts}
        memo.clear_all()

        def no_parser(text: str) -> object:
            raise AssertionError(f"parsed again: {text}")

        stored = {t for t in parser_texts if store.get(t) is not None}
        monkeypatch.setattr(latex, "_parse_fresh", no_parser)
        for text in stored:
            again = latex._parse_outcome(text)
            if isinstance(fresh[text], ParserRejected):
                assert isinstance(again, ParserRejected)
                assert str(again) == str(fresh[text])
            else:
                assert same_tree(again, first[text])  # type: ignore[arg-type]
    finally:
        latex.install_outcome_store(None)
        memo.clear_all()
    assert len(stored) > 100


@pytest.mark.parametrize("data", [
    {"tree": {"f": "__import__", "a": [{"s": "os"}]}},
    {"tree": {"f": "Function", "a": []}},
    {"tree": {"s": 5}},
    {"tree": {"i": "1e9"}},
    {"tree": {"i": "9" * 5000}},
    {"tree": {"q": ["1"]}},
    {"tree": {"c": "oo"}},
    {"tree": {"s": "x", "i": "1"}},
    {"tree": "Symbol('x')"},
    {"tree": {"f": "Add", "a": "xy"}},
    {"rejected": 5},
    {"rejected": "why", "tree": {"s": "x"}},
    [1, 2],
])
def test_damaged_or_foreign_entries_are_misses(store: ParseStore, data: object) -> None:
    store.cache.put_data(KIND, store._key("x + y"), data)  # type: ignore[arg-type]
    assert store.get("x + y") is None


def test_deep_stored_trees_are_misses(store: ParseStore) -> None:
    node: dict[str, object] = {"s": "x"}
    for _ in range(250):
        node = {"f": "exp", "a": [node]}
    store.cache.put_data(KIND, store._key("deep"), {"tree": node})
    assert store.get("deep") is None


def test_a_name_is_only_a_name(store: ParseStore) -> None:
    """A payload in a symbol's name stays a symbol's name, in and out of the store."""
    payload = sp.Symbol("__import__('os').system('touch /tmp/pwned')")
    tree = sp.Add(payload, sp.Integer(2), evaluate=False)
    assert store.put("payload", tree)
    back = store.get("payload")
    assert isinstance(back, sp.Basic) and same_tree(back, tree)
    assert not Path("/tmp/pwned").exists()


def test_what_cannot_come_back_exactly_is_not_stored(store: ParseStore) -> None:
    x = sp.Symbol("x")
    assert not store.put("float", sp.Float(1.5) * x)
    assert not store.put("call", sp.Function("f")(x))
    assert not store.put("assumed", sp.Symbol("n", integer=True))
    assert store.get("float") is store.get("call") is store.get("assumed") is None
    assert store.put("rejected", "the parser said no")
    assert store.get("rejected") == "the parser said no"


def test_unevaluated_order_is_kept(store: ParseStore) -> None:
    x, y = sp.symbols("x y")
    tree = sp.Mul(sp.Add(y, x, evaluate=False), sp.Integer(-1), evaluate=False)
    assert store.put("order", tree)
    back = store.get("order")
    assert isinstance(back, sp.Basic) and same_tree(back, tree)
    assert not same_tree(sp.Add(x, y, evaluate=False), sp.Add(y, x, evaluate=False))
