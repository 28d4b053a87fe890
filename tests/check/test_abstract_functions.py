r"""Abstract functions: ``f: {params: [t], body: any}`` in a header is any function of one
number (an activation a back-propagation exercise leaves open, Newton's ``f``).  Checked as
one fixed smooth function (verify/read/notation.py ``abstract_bodies``), with ``f'(u)`` its
derivative, written out, at any argument: a pass holds for that function and is
``supported``, never ``proved``; a refutation is a counterexample for every ``f``.  Both say
which function stood in.
"""

from __future__ import annotations

import pytest

import verify
from verify.core.errors import Location, NotationError
from verify.model.notation import abstract_derivative
from verify.read.notation import abstract_bodies, parse_notation

HEADER = """---
symbols:
  x: {}
  w: {}
  b: {}
  y: {}
definitions:
  f: {params: [t], body: any}
  a: {body: "f(w*x + b)"}
---
"""

# (the display, the statuses of its steps)
CASES: list[tuple[str, list[str]]] = [
    # the chain rule through any function: right, then the inner derivative lost
    (r"$$\frac{d}{dx} f(x^2) = 2x f'(x^2) = f'(x^2)$$", ["start", "supported", "refuted"]),
    # the sigmoid's identity is no identity of every function
    (r"$$\frac{d}{dx} f(x) = f(x)(1 - f(x))$$", ["start", "refuted"]),
    # algebra with f's values as atoms holds for every function (supported all the same)
    (r"$$f(x) + f(x) = 2 f(x)$$", ["start", "supported"]),
    # a node of a network, a = f(wx + b): the weight's gradient, then the input lost
    (r"$$\frac{\partial}{\partial w} (a - y)^2 = 2 (a - y) f'(w x + b) x = 2 (a - y) "
     r"f'(w x + b)$$", ["start", "supported", "refuted"]),
]


@pytest.mark.parametrize(("display", "statuses"), CASES)
def test_checked_as_any_function(display: str, statuses: list[str]) -> None:
    document = verify.check_text(HEADER + display + "\n", cache=False, points=5).document
    steps = [s for c in document.chains for s in c.steps]
    assert [s.status.value for s in steps] == statuses, [s.message for s in steps]
    for step in steps:
        if step.status.value in ("supported", "refuted"):
            assert "f(t) = " in step.message       # the function that stood in, written out
        if step.status.value == "supported":
            assert "not proved for every function" in step.message


def test_the_derivative_reads_back_as_written() -> None:
    document = verify.check_text(HEADER + r"$$f'(x^2) = f'(x^2)$$" "\n", cache=False,
                                 points=5).document
    assert document.chains[0].steps[0].reading == r"f'\left(x^{2}\right)"


def test_the_stand_in_is_fixed_and_its_derivative_written_out() -> None:
    value, slope = abstract_bodies("f", "t")
    assert (value, slope) == abstract_bodies("f", "t")          # reproducible
    assert value != abstract_bodies("g", "t")[0]                  # one function per name
    assert "exp(t/3)" in value and "exp(t/3)" in slope and "t**5" in value


@pytest.mark.parametrize(("definitions", "words"), [
    ({"f": {"params": ["s", "t"], "body": "any"}}, "takes one parameter"),
    ({"f": {"body": "any"}}, "takes one parameter"),
    ({"f": {"params": ["t"], "body": "any"},
      abstract_derivative("f"): {"params": ["t"], "body": "t"}}, "call it otherwise"),
])
def test_an_abstract_function_of_more_or_fewer_numbers_is_refused(
        definitions: dict[str, object], words: str) -> None:
    raw = {"sizes": {"n": [2, 3]}, "definitions": definitions}
    with pytest.raises(NotationError, match=words):
        parse_notation(raw, Location("test"))
