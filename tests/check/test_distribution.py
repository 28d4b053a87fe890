"""``kind: distribution``: a probability vector (each row of a matrix) whose positive entries sum
to 1, which the checker uses exactly (the last entry is 1 minus the others), so a step that
holds only on probabilities is proved, one that fails on them is refuted, and a derivative by
an entry (which would move the others) is not computed."""

from __future__ import annotations

import pytest

from verify.api import check_text

HEADER = r"""---
sizes: {n: [2, 3], N: [1, 2]}
indices: {i: n, j: n, k: n, s: N}
symbols:
  z: {shape: [n]}
  p: {shape: [n], kind: distribution}
  P: {shape: [N, n], kind: distribution, latex: ['P']}
definitions:
  q: {index: [i], body: "exp(z[i]) / Sum(exp(z[k]), (k, 1, n))", latex: ['q']}
---
"""

CASES = [
    # mathse 3297525: the answer's step uses that the p_j sum to 1
    (r"-\sum_{j=1}^n p_j \log q_j = -\sum_{j=1}^n p_j z_j + \log \sum_{k=1}^n e^{z_k}",
     ["proved"]),
    (r"\sum_{j=1}^n p_j = 1", ["proved"]),
    (r"\sum_{j=1}^n P_{sj} = 1", ["proved"]),      # each row of a matrix
    (r"\sum_{j=1}^n p_j = 2", ["refuted"]),
    (r"-\sum_{j=1}^n p_j \log q_j = -\sum_{j=1}^n p_j z_j", ["refuted"]),
    (r"\frac{\partial}{\partial z_i} \left(-\sum_{j=1}^n p_j \log q_j\right) = q_i - p_i",
     ["proved"]),
    (r"\frac{\partial}{\partial z_i} \left(-\sum_{j=1}^n p_j \log q_j\right) = q_i", ["refuted"]),
]


@pytest.mark.parametrize(("line", "verdicts"), CASES, ids=[c[0] for c in CASES])
def test_distribution(line: str, verdicts: list[str]) -> None:
    result = check_text(HEADER + f"$${line}$$\n", cache=False)
    steps = [s for c in result.documents[0].chains for s in c.steps[1:]]
    assert [s.status.value for s in steps] == verdicts, [s.message for s in steps]


def test_a_derivative_by_an_entry_is_not_computed() -> None:
    result = check_text(HEADER + r"$$\frac{\partial}{\partial p_1} \sum_{j=1}^n p_j = 0$$",
                        cache=False)
    steps = [s for c in result.documents[0].chains for s in c.steps]
    assert steps[0].status.value == "unparsed" and "sum to 1" in steps[0].message
    assert not {"proved", "supported", "refuted"} & {s.status.value for s in steps}


def test_a_distribution_needs_a_shape() -> None:
    result = check_text("---\nsymbols:\n  p: {kind: distribution}\n---\n$$p = p$$\n",
                        cache=False)
    assert any("needs a shape" in problem for problem in result.documents[0].problems)
