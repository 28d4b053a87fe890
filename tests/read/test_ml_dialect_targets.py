r"""The three derivations the ML-dialect work is measured by, read and checked as written: the
textbook least-squares gradient ``\frac{2}{N}X^\top(X\mathbf{w}-\mathbf{y})``, the trace rule
``\nabla_A \operatorname{tr}(AB) = B^\top``, and a two-layer tanh network's
``\partial L / \partial W^{(1)}_{ji}`` with layer superscripts (tests/data/latex/
tanh_two_layer.md), each with its slip refuted."""

from __future__ import annotations

import pytest

from tests.paths import DATA
from verify.api import check_text
from verify.pipeline import Options, check_path

LEAST_SQUARES = r"""---
sizes: {N: [2, 3], d: [2]}
symbols:
  X: {shape: [N, d], latex: ['X']}
  w: {shape: [d], latex: ['\mathbf{w}']}
  y: {shape: [N], latex: ['\mathbf{y}']}
---
$$\nabla_{\mathbf{w}} \frac{1}{N}\|X\mathbf{w}-\mathbf{y}\|^2 = LINE$$
"""

TRACE = r"""---
sizes: {n: [2, 3]}
symbols:
  A: {shape: [n, n]}
  B: {shape: [n, n]}
---
$$\nabla_A \operatorname{tr}(AB) = LINE$$
"""

CASES = [
    (LEAST_SQUARES, r"\frac{2}{N}X^\top(X\mathbf{w}-\mathbf{y})", "proved"),
    (LEAST_SQUARES, r"\frac{2}{N}X^{T}(X\mathbf{w}-\mathbf{y})", "proved"),
    (LEAST_SQUARES, r"\frac{2}{N}(\mathbf{w}^TX^TX - \mathbf{y}^TX)", "unknown"),   # a row
    (LEAST_SQUARES, r"2X^\top(X\mathbf{w}-\mathbf{y})", "refuted"),    # the 1/N lost
    (LEAST_SQUARES, r"\frac{2}{N}X^\top(X\mathbf{w}+\mathbf{y})", "refuted"),
    (TRACE, r"B^\top", "proved"),
    (TRACE, r"B", "refuted"),
]


@pytest.mark.parametrize(("document", "line", "verdict"), CASES, ids=[c[1] for c in CASES])
def test_textbook_answers(document: str, line: str, verdict: str) -> None:
    result = check_text(document.replace("LINE", line), cache=False).documents[0]
    steps = result.chains[0].steps
    assert [s.status.value for s in steps[1:]] == [verdict], [s.message for s in steps]


def test_two_layer_tanh_network_reads_with_layer_superscripts() -> None:
    result = check_path(DATA / "latex" / "tanh_two_layer.md", Options(seed=0))
    assert not result.problems
    verdicts = [[s.status.value for s in chain.steps] for chain in result.chains]
    assert verdicts == [["start", "proved", "proved"], ["start", "refuted"]]


def test_second_derivatives_in_index_and_matrix_form() -> None:
    r"""``\frac{\partial^2 L}{\partial \mathbf{w} \partial \mathbf{w}^T}`` (the Hessian),
    ``\frac{\partial^2 L}{\partial w_i \partial w_j}``, ``\frac{d^2}{dx^2}``: each the derivative
    of the derivative (JAX differentiates twice for the numeric witness); the slip
    ``X^T X`` for the logistic Hessian is refuted."""
    result = check_path(DATA / "latex" / "logistic_hessian.md", Options(seed=0))
    assert not result.problems
    verdicts = [[s.status.value for s in chain.steps] for chain in result.chains]
    assert verdicts == [["start", "proved"]] * 4 + [["start", "refuted"]]
