r"""Round trip: a random expression, written in LaTeX as people write it, read back.

The property (issue 11): the reading of a rendered line is the generated expression at the
checked sizes, or the line is ``unparsed`` with a reason; never a different expression.  Lines
are read through the front end's own path (a one-line Markdown document,
:func:`verify.read.latex.document.document_from_text`); the reading is compared with the generated
expression by the checker itself (``generated = read`` must be proved or supported), after a
structural comparison that settles most examples at once.

Examples per run: ``VERIFY_ROUNDTRIP_EXAMPLES`` (default 200, derandomized so CI is
reproducible); ``VERIFY_ROUNDTRIP_SEED`` picks another derandomized sequence.  Lines that once
failed are replayed from ``tests/data/roundtrip_regressions.yaml``.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
import yaml
from hypothesis import HealthCheck, given, seed, settings

from tests.paths import DATA
from tests.read import roundtrip as R
from verify.core.errors import Location
from verify.model.document import Chain, Document, Step
from verify.model.notation import Notation
from verify.model.verdict import Status
from verify.pipeline import Options, check_document
from verify.read.dsl import Scope, parse_expression
from verify.read.latex.document import document_from_text

EXAMPLES = int(os.environ.get("VERIFY_ROUNDTRIP_EXAMPLES", "200"))
SEED = int(os.environ.get("VERIFY_ROUNDTRIP_SEED", "0"))
REGRESSIONS = DATA / "roundtrip_regressions.yaml"
# The share of lines that must be read (not refused), so the property cannot pass by refusing.
FLOOR_ALL = 0.5
FLOOR_PLAIN = 0.9

settings.register_profile("roundtrip", max_examples=EXAMPLES, deadline=None,
                          derandomize=SEED == 0, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
PROFILE = settings.get_profile("roundtrip")


def markdown(notation: dict[str, Any], line: str) -> str:
    """A one-line Markdown derivation with its notation in the front matter."""
    return f"---\n{yaml.safe_dump(notation, sort_keys=False)}---\n\n$$\n{line}\n$$\n"


def read_line(line: str, notation_name: str) -> tuple[Document, Step | str]:
    """The document, and its one step, or why the line did not give exactly one step."""
    document = document_from_text(markdown(R.NOTATIONS[notation_name], line),
                                  Path("roundtrip.md"))
    assert document.problems == (), document.problems
    steps = [step for chain in document.chains for step in chain.steps]
    if len(steps) != 1:
        return document, f"the line gave {len(steps)} steps: {[s.latex for s in steps]}"
    return document, steps[0]


def compare(expected: sp.Expr, read: sp.Expr, notation: Notation) -> tuple[Status, str]:
    """The checker's verdict on ``expected = read``."""
    where = Location("roundtrip.md", 1)
    chain = Chain("roundtrip", (Step(where, "generated", expected), Step(where, "read", read)))
    result = check_document(Document("roundtrip.md", "roundtrip", notation, (chain,)),
                            Options(seed=0, points=8))
    verdict = result.chains[0].steps[1]
    return verdict.status, verdict.message


def outcome(line: str, notation_name: str, expected: sp.Expr) -> tuple[str, str]:
    """``("read", how)`` when the line reads as ``expected``, ``("refused", why)`` when it is
    unparsed; a misreading fails here, with what was read."""
    document, step = read_line(line, notation_name)
    assert not isinstance(step, str), f"{line!r}: {step}"
    if step.expr is None:
        assert step.problem, f"{line!r}: unreadable without a reason"
        return "refused", step.problem
    assert not step.note, f"{line!r}: part of the line was taken as a note: {step.note!r}"
    if step.expr == expected:
        return "read", "identical"
    status, message = compare(expected, step.expr, document.notation)
    assert status in (Status.PROVED, Status.SUPPORTED), (
        f"{line!r} was read as {step.expr}, but it says {expected}: {status} ({message})")
    return "read", str(status)


def run_property(depth: int, plain: bool, stats: Counter[str]) -> None:
    """Hypothesis over the generator; ``plain`` keeps the first spelling of every choice."""
    @seed(SEED)
    @PROFILE
    @given(R.cases(depth=depth, plain=plain))
    def prop(case: tuple[R.Node, str]) -> None:
        node, line = case
        kind, why = outcome(line, "softmax", R.to_sympy(node))
        stats[kind] += 1
        if kind == "refused":
            stats["why: " + why.split(": ", 1)[-1][:70]] += 1

    prop()


def _report(stats: Counter[str]) -> str:
    return "\n".join(f"{count:5d}  {what}" for what, count in stats.most_common())


@pytest.mark.slow
def test_roundtrip_every_spelling() -> None:
    stats: Counter[str] = Counter()
    run_property(3, False, stats)
    total = stats["read"] + stats["refused"]
    print(f"\nround trip, every spelling: {stats['read']} of {total} read\n{_report(stats)}")
    assert total >= min(EXAMPLES, 50)
    assert stats["read"] >= FLOOR_ALL * total, _report(stats)


@pytest.mark.slow
def test_roundtrip_plain_spellings() -> None:
    stats: Counter[str] = Counter()
    run_property(2, True, stats)
    total = stats["read"] + stats["refused"]
    print(f"\nround trip, plain spellings: {stats['read']} of {total} read\n{_report(stats)}")
    assert total >= min(EXAMPLES, 50)
    assert stats["read"] >= FLOOR_PLAIN * total, _report(stats)


# ---- regressions --------------------------------------------------------------------------
def _regressions() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(REGRESSIONS.read_text())
    return list(loaded["cases"])


def _expected(case: dict[str, Any]) -> sp.Expr:
    """The regression's expected reading, written in the encoding language."""
    document, _ = read_line("0", case.get("notation", "softmax"))
    return parse_expression(case["reads"], Scope.for_document(document.notation),
                            Location(str(REGRESSIONS)))


def _marked(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case["known"])] if "known" in case else []
    return pytest.param(case, marks=marks, id=case["latex"][:50])


@pytest.mark.parametrize("case", [_marked(c) for c in _regressions()])
def test_roundtrip_regression(case: dict[str, Any]) -> None:
    notation = case.get("notation", "softmax")
    if case["reads"] == "unparsed":
        _, step = read_line(case["latex"], notation)
        assert not isinstance(step, str) and step.expr is None and step.problem, step
        return
    kind, why = outcome(case["latex"], notation, _expected(case))
    assert kind == "read", why
