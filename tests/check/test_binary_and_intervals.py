r"""Binary labels and declared intervals in a document's notation header.

* ``kind: binary`` (``y \in \{0,1\}``): every entry 0 or 1 on its own, enumerated exactly, so
  ``y_i^2 = y_i`` is proved and a counterexample names the label's value, never a real number
  (``y1 = -1.84766`` was what a label of kind real gave);
* ``interval: [a, b]`` on a real symbol: its values, and so every counterexample's, are drawn
  from ``[a, b]``; with ``a > 0`` it is positive as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.core.errors import Location, NotationError
from verify.model.canon import notation_dump
from verify.model.notation import component_of
from verify.model.verdict import Status, StepVerdict
from verify.pipeline import Options, check_path
from verify.read.notation import parse_notation

HEADER = r"""---
sizes: {N: [1, 2], n: [2]}
indices: {i: N, l: n}
symbols:
  y: {family: [N], kind: binary, latex: ['y']}
  z: {kind: binary}
  B: {shape: [n, n], kind: binary}
  t: {}
  q: {interval: [0, 1]}
  r: {interval: [-3, -1]}
  s: {interval: [0.5, 2]}
---

"""


def step(tmp_path: Path, before: str, after: str) -> StepVerdict:
    path = tmp_path / "doc.md"
    path.write_text(HEADER + f"$$\n{before} \\\\\n= {after}\n$$\n", encoding="utf-8")
    steps = check_path(path, Options()).all_steps()
    assert steps[0].status is Status.START, steps
    return steps[1]


# (before, after, verdict, words of the message)
CASES = [
    # binary: true only because every entry is 0 or 1
    ("y_i^2", "y_i", Status.PROVED, "exact identity"),
    (r"y_i (1 - y_i)", "0", Status.PROVED, "exact identity"),
    ("z^3", "z", Status.PROVED, "exact identity"),
    (r"B_{1,2}^2", r"B_{1,2}", Status.PROVED, "exact identity"),
    # ... and each entry on its own: not one-hot, not always 1
    ("z", "1", Status.REFUTED, r"$1_{\{z = 0\}} = 1$: before 0, after 1"),
    (r"\sum_{i=1}^{N} y_i", "N", Status.REFUTED, "before 0, after 1"),
    (r"z (1 - y_i)", "0", Status.REFUTED, "the sides differ"),
    # a real symbol is no binary label: the same rule fails, at a real point
    ("t^2", "t", Status.REFUTED, "$t = "),
    # intervals: a rule that holds on the declared interval is not refuted there ...
    (r"\sqrt{q^2}", "q", Status.SUPPORTED, "numeric agreement"),
    (r"\sqrt{r^2}", "-r", Status.SUPPORTED, "numeric agreement"),
    # ... with a > 0 the symbol is positive and the rule is proved ...
    (r"\sqrt{s^2}", "s", Status.PROVED, "exact identity"),
    (r"\log(s^2)", r"2 \log(s)", Status.PROVED, "exact identity"),
    # ... and a wrong one is refuted at a point inside it
    (r"\sqrt{r^2}", "r", Status.REFUTED, "$r = -"),
    ("q", "q^2", Status.REFUTED, "$q = 0."),
]


@pytest.mark.parametrize(("before", "after", "status", "words"), CASES)
def test_binary_labels_and_intervals(tmp_path: Path, before: str, after: str, status: Status,
                                     words: str) -> None:
    verdict = step(tmp_path, before, after)
    assert verdict.status is status, verdict.message
    assert words in verdict.message


@pytest.mark.parametrize(("before", "after", "symbol", "low", "high"), [
    ("q", "q^2", "q", 0.0, 1.0), (r"\sqrt{r^2}", "r", "r", -3.0, -1.0),
    ("2 s", "s", "s", 0.5, 2.0)])
def test_a_counterexample_lies_in_the_declared_interval(tmp_path: Path, before: str,
                                                         after: str, symbol: str, low: float,
                                                         high: float) -> None:
    verdict = step(tmp_path, before, after)
    assert verdict.status is Status.REFUTED and verdict.counterexample is not None
    assert low <= verdict.counterexample.point[symbol] <= high


def test_a_binary_counterexample_holds_labels_only(tmp_path: Path) -> None:
    verdict = step(tmp_path, r"\sum_{i=1}^{N} y_i", "N")
    assert verdict.counterexample is not None
    assert verdict.counterexample.point == {}
    assert set(verdict.counterexample.labels.values()) == {1}


@pytest.mark.parametrize(("symbol", "message"), [
    ({"kind": "binary", "interval": [0, 1]}, "an interval is for a real symbol"),
    ({"kind": "positive", "interval": [1, 2]}, "an interval is for a real symbol"),
    ({"interval": [1, 0]}, "two finite numbers with a < b"),
    ({"interval": [0, 0]}, "two finite numbers with a < b"),
    ({"interval": [0, 1, 2]}, "two finite numbers with a < b"),
    ({"interval": [0, ".inf"]}, "two finite numbers with a < b"),
    ({"interval": [0, float("inf")]}, "two finite numbers with a < b"),
    ({"interval": [False, 1]}, "two finite numbers with a < b"),
    ({"interval": 1}, "two finite numbers with a < b"),
    ({"kind": "binary", "shape": ["n", "n"], "symmetric": True}, "cannot be symmetric"),
    ({"kind": "bool"}, "kind must be one of"),
])
def test_bad_declarations_are_refused(symbol: dict[str, object], message: str) -> None:
    raw = {"sizes": {"n": [2]}, "symbols": {"v": symbol}}
    with pytest.raises(NotationError, match=message):
        parse_notation(raw, Location("test"))


def test_a_binary_entrys_zero_indicator_is_its_component() -> None:
    notation = parse_notation({"sizes": {"N": [2]}, "symbols": {
        "y": {"family": ["N"], "kind": "binary"}, "z": {"kind": "binary"}, "t": {}}},
        Location("test"))
    assert component_of("y_2_is_0", notation.symbols) is not None
    assert component_of("y_2_is_0", notation.symbols).label_class == 0  # type: ignore[union-attr]
    assert component_of("z_is_0", notation.symbols).label_class == 0    # type: ignore[union-attr]
    assert component_of("y_2_is_1", notation.symbols) is None
    assert component_of("t_is_0", notation.symbols) is None


def test_a_name_that_a_binary_indicator_would_take_is_refused() -> None:
    with pytest.raises(NotationError, match="rename one"):
        parse_notation({"symbols": {"z": {"kind": "binary"}, "z_is_0": {}}}, Location("test"))


def test_an_interval_is_part_of_the_notations_key(tmp_path: Path) -> None:
    """A verdict that rests on an interval is never served for a notation without it (the
    memos and the verdict cache are keyed by the notation's canonical text)."""
    def dump(symbol: dict[str, object]) -> str:
        return notation_dump(parse_notation({"symbols": {"q": symbol}}, Location("test")))
    assert dump({"interval": [0, 1]}) != dump({}) != dump({"kind": "binary"})
    assert dump({"interval": [0, 1]}) != dump({"interval": [0, 2]})
    assert dump({}) == dump({"kind": "real"})
    assert step(tmp_path, r"\sqrt{q^2}", "q").status is Status.SUPPORTED
    plain = tmp_path / "plain.md"
    plain.write_text(HEADER.replace("q: {interval: [0, 1]}", "q: {}") +
                     "$$\n\\sqrt{q^2} \\\\\n= q\n$$\n", encoding="utf-8")
    assert check_path(plain, Options()).all_steps()[1].status is Status.REFUTED
