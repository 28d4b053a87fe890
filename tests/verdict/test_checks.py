"""The checker on small, real claims: each row is a step pair and the verdict it must get.

Right steps come from the softmax-regression derivations; wrong ones are the slips students
make (a sign, a lost 1/N, a dropped term, swapped indices, the one-hot trap)."""

from __future__ import annotations

import pytest

from tests.helpers import last_step
from verify.model.verdict import Status

GRADIENT = "Sum(x[i] * (p[k, i] - y[i, k]), (i, 1, N)) / N"

RIGHT = [
    ("softmax gradient", "D(L, w[k])", GRADIENT),
    ("partial of softmax by component",
     "D(p[k, i], w[j, l])", "p[k, i] * (delta(j, k) - p[j, i]) * x[i, l]"),
    ("chain rule through an intermediate", "D(sigma(z, k), z[j])",
     "sigma(z, k) * (delta(j, k) - sigma(z, j))"),
    ("log of a quotient", "log(sigma(z, k))", "z[k] - log(Sum(exp(z[m]), (m, 1, K)))"),
    ("one-hot labels sum to one", "Sum(y1[k], (k, 1, K)) * t", "t"),
    ("indicator collapses a sum", "Sum(delta(lab[i], k) * delta(j, k), (k, 1, K))",
     "delta(lab[i], j)"),
    ("gradient of a quadratic form", "D(dot(w[k], mat(C, w[k])), w[k])",
     "mat(C + T(C), w[k])"),
    ("inverse times matrix", "mat(mat(inv(C), C), w[k])", "w[k]"),
    ("excluded term", "Sum(y1[k], (k, 1, K), skip=j)", "1 - y1[j]"),
    ("derivative of a function value", "D(log(sigma(z, k)), sigma(z, k))", "1/sigma(z, k)"),
    ("constant factor moves out", "Sum(2 * dot(w[k], x[i]), (i, 1, N))",
     "2 * Sum(dot(w[k], x[i]), (i, 1, N))"),
]

# The last column is what the diagnosis must say, or None where it must say nothing: none of
# the engine's candidates (verify.verdict.candidates) explains a term dropped from a
# definition the line before only names (L), or a missing symmetrisation, and an explanation
# that does not hold would be worse than none.
WRONG: list[tuple[str, str, str, str | None]] = [
    ("sign flipped", "D(L, w[k])", "-(" + GRADIENT + ")", "the sign is flipped"),
    ("lost 1/N", "D(L, w[k])", "Sum(x[i] * (p[k, i] - y[i, k]), (i, 1, N))",
     r"this line is $N$ times the line before: a factor $\frac{1}{N}$ was lost"),
    ("factor 2", "D(L, w[k])", "2 * (" + GRADIENT + ")",
     r"this line is $2$ times the line before: a factor $\frac{1}{2}$ was lost (or $2$ added)"),
    ("dropped term", "D(L, w[k])", "Sum(x[i] * p[k, i], (i, 1, N)) / N", None),
    ("swapped indices (a transpose)", "D(dot(w[k], mat(C, x1)), w[k])", "mat(T(C), x1)",
     r"a transpose too many: $C^{\top}$ should be $C$"),
    ("one-hot trap: sum over k != j is not 1", "Sum(y1[k], (k, 1, K), skip=j) * t", "t",
     r"it holds only when $\mathrm{y1}_{j} = 0$"),
    ("one sample only", "Sum(dot(w[k], x[i]), (i, 1, N))", "dot(w[k], x[1])",
     "it holds only when $N = 1$ (one sample)"),
    ("quadratic form without symmetrisation", "D(dot(w[k], mat(C, w[k])), w[k])",
     "2 * mat(C, w[k])", None),
]


@pytest.mark.parametrize(("name", "before", "after"), RIGHT, ids=[r[0] for r in RIGHT])
def test_right_steps_are_proved(name: str, before: str, after: str) -> None:
    step = last_step(before, after)
    assert step.status is Status.PROVED, step.message


@pytest.mark.parametrize(("name", "before", "after", "diagnosis"), WRONG,
                         ids=[w[0] for w in WRONG])
def test_wrong_steps_are_refuted_with_a_counterexample(name: str, before: str, after: str,
                                                       diagnosis: str | None) -> None:
    step = last_step(before, after)
    assert step.status is Status.REFUTED, step.message
    assert step.counterexample is not None
    assert step.counterexample.deviation > 1e-12
    if diagnosis is None:
        assert step.diagnosis == "", step.diagnosis
    else:
        assert diagnosis in step.diagnosis, step.diagnosis


def test_where_restricts_the_free_indices() -> None:
    claim = ("D(sigma(z, k), z[j])", "-sigma(z, k) * sigma(z, j)")
    assert last_step(*claim, where=("k != j",)).status is Status.PROVED
    step = last_step(*claim)
    assert step.status is Status.REFUTED
    assert step.diagnosis == r"it holds only when $j \neq k$: the case $j = k$ is missing.", \
        step.diagnosis


def test_shape_mismatch_is_refuted() -> None:
    step = last_step("D(L, w[k])", "Sum(dot(w[k], x[i]), (i, 1, N))")
    assert step.status is Status.REFUTED
    assert "shape" in step.message


def test_evidence_is_reproducible() -> None:
    first = last_step("D(L, w[k])", "2 * (" + GRADIENT + ")", seed=7)
    second = last_step("D(L, w[k])", "2 * (" + GRADIENT + ")", seed=7)
    assert first.counterexample == second.counterexample
    assert first.evidence is not None and first.evidence.seed == 7
    assert first.counterexample is not None
    assert {"K", "N", "n"} <= set(first.counterexample.sizes)


def test_undeclared_symbol_marks_only_that_step() -> None:
    from tests.helpers import check_chain
    result = check_chain("t", "foo", "t")
    statuses = [s.status for s in result.chains[0].steps]
    assert statuses == [Status.START, Status.UNPARSED, Status.PROVED]
    assert "foo" in result.chains[0].steps[1].message
    assert "checked against step 1" in result.chains[0].steps[2].message


def test_index_out_of_range_is_reported_with_sizes() -> None:
    step = last_step("t", "w[3, 1]")
    assert step.status is Status.UNPARSED
    assert "K=2" in step.message


def test_final_right_reasoning_wrong() -> None:
    from tests.helpers import check_chain
    result = check_chain("2 * t * u", "t * u", "2 * t * u")
    chain = result.chains[0]
    assert [s.status for s in chain.steps] == [Status.START, Status.REFUTED, Status.REFUTED]
    assert chain.ends_agree is True
    assert "reasoning wrong" in chain.summary
