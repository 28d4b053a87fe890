"""A notation header that cannot be read is reported once, at the line it is about, and each
step then says the header is broken (issue 13: not a cascade of "undeclared symbol" for the
names the header declares).  A document without a header is not "broken": its steps name
what they lack."""

from __future__ import annotations

import pytest

from verify.api import check_text

STEP = "$$ \\mathbf{w}^T\\mathbf{w} + x = x + \\mathbf{w}^T\\mathbf{w} $$\n"

BROKEN: list[tuple[str, int, str]] = [   # (header, the line reported, what it says)
    ("sizes: {n: [2]}\nsymbols:\n  x: {}\n  w: {shape: [n], latex: ['\\mathbf{w}']}\n"
     "definitions:\n  f: {params: [t], body: \"foo(t) + 1\", latex: ['f']}\n",
     7, "unknown function 'foo'"),
    ("sizes: {n: [2]}\nsymbols:\n  x: {}\n  w: {shape: [n], latex: ['\\mathbf{w}'], "
     "colour: red}\n", 5, "unknown keys ['colour']"),
    ("sizes: {n: [2]}\nsymbols:\n  x: {}\n  w: {shape: [m], latex: ['\\mathbf{w}']}\n",
     5, "undeclared size 'm'"),
]


@pytest.mark.parametrize(("header", "line", "says"), BROKEN, ids=[b[2] for b in BROKEN])
def test_a_broken_header_is_reported_once_and_named_by_every_step(header: str, line: int,
                                                                  says: str) -> None:
    result = check_text(f"---\n{header}---\n{STEP}", cache=False).documents[0]
    assert len(result.problems) == 1
    assert f"text.md:{line}: " in result.problems[0] and says in result.problems[0]
    steps = [s for chain in result.chains for s in chain.steps]
    assert steps and all(s.status.value == "unparsed" for s in steps)
    for step in steps:
        assert "the notation header is broken" in step.message and says in step.message
        assert "undeclared symbol" not in step.message


def test_no_header_is_not_a_broken_header() -> None:
    # no header at all: read under the inferred notation (verify.read.inferred), no problem
    result = check_text(STEP, cache=False).documents[0]
    assert result.problems == () and result.inferred is not None
    messages = [s.message for chain in result.chains for s in chain.steps]
    assert messages and all("broken" not in m for m in messages)
