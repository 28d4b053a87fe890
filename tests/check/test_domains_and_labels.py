r"""Two ways a wrong step once passed.

* A domain mismatch: at a point where one side is a finite real number and the other is not
  (``\log(t^{2})`` against ``2\log(t)`` at t < 0), the numeric check used to ignore the point.
  Now it is a counterexample once 50 digits confirm both sides there; a point 50 digits do not
  confirm is no evidence, and numeric agreement at too few finite points supports nothing.
* Sampled label configurations: above :data:`verify.core.limits.LABEL_CONFIGS` one-hot
  configurations the exact test samples them, and a sample never proves an identity.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.model.verdict import Status, StepVerdict
from verify.pipeline import Options, check_path

SCALARS = r"""---
sizes: {K: [2]}
indices: {j: K}
symbols:
  t: {}
  a: {}
  s: {kind: positive}
---

"""


def _step(tmp_path: Path, header: str, before: str, after: str) -> StepVerdict:
    path = tmp_path / "doc.md"
    path.write_text(header + f"$$\n{before} \\\\\n= {after}\n$$\n")
    steps = check_path(path, Options()).all_steps()
    assert steps[0].status is Status.START, steps
    return steps[1]


# (before, after, verdict, words the message must hold)
DOMAINS = [
    (r"\log(t^{2})", r"2\log(t)", Status.REFUTED,
     "after not a real number (the side before is a real number there"),
    (r"2\log(t)", r"\log(t^{2})", Status.REFUTED,
     "before not a real number, after "),
    (r"\log(t a)", r"\log(t) + \log(a)", Status.REFUTED, "after not a real number"),
    (r"\log(s t^{2})", r"\log(s) + 2\log(t)", Status.REFUTED, "after not a real number"),
    (r"\sqrt{t^2}", "t", Status.REFUTED, "the sides differ at "),
    # declared positive: the rule holds
    (r"\log(s^{2})", r"2\log(s)", Status.PROVED, "exact identity"),
    # a removable point, never sampled exactly
    (r"\frac{t^2}{t}", "t", Status.PROVED, "exact identity"),
    # both sides undefined at the same points: those points stay ignored
    (r"\log(t)", r"\log(t)", Status.PROVED, "exact identity"),
    (r"\log(\sqrt{t + 3})", r"\frac{1}{2}\log(t + 3)", Status.SUPPORTED, "numeric agreement"),
    # where one side is undefined, 50 digits find the other real (sqrt(t) sqrt(a) with
    # t, a < 0 is -sqrt(ta) as complex numbers): no evidence, and the 2 or so points where
    # both sides are real are too few to support the step
    (r"\sqrt{t}\sqrt{a}", r"\sqrt{t a}", Status.UNKNOWN, "numeric agreement at only"),
]


@pytest.mark.parametrize(("before", "after", "status", "words"), DOMAINS,
                         ids=[f"{r[0]} = {r[1]}" for r in DOMAINS])
def test_a_side_undefined_where_the_other_is_real(tmp_path: Path, before: str, after: str,
                                                  status: Status, words: str) -> None:
    step = _step(tmp_path, SCALARS, before, after)
    assert step.status is status, step.message
    assert words in step.message, step.message
    if status is Status.REFUTED and "not a real number" in step.message:
        example = step.counterexample
        assert example is not None and example.point["t"] < 0, example
        assert "different domains" in step.diagnosis, step.diagnosis


def _labels(k: int, n: int) -> str:
    return (f"---\nsizes: {{K: [{k}], N: [{n}]}}\nindices: {{i: N, k: K}}\nsymbols:\n"
            "  y: {family: [N], shape: [K], kind: onehot}\n  t: {}\n---\n\n")


TOTAL = r"\sum_{i=1}^{N} \sum_{k=1}^{K} y_{i,k} t"
# Wrong in exactly one configuration of the K^N: a sample of 729 misses it nearly always.
ONE_CONFIG = r"N t + y_{1,1} y_{2,2} y_{3,3} y_{4,1} y_{5,2} y_{6,3} t"

# (K, N, before, after, verdict, words)
LABELS = [
    (4, 6, TOTAL, "N t", Status.PROVED, "exact identity"),              # 4096: every one
    (4, 6, TOTAL, ONE_CONFIG, Status.REFUTED, "y_{6,3}"),               # found, and shown
    (5, 6, TOTAL, "N t", Status.SUPPORTED, "729 sampled of the 15625"),  # sampled: no proof
    (6, 6, TOTAL, ONE_CONFIG, Status.SUPPORTED, "729 sampled of the 46656"),
]


@pytest.mark.parametrize(("k", "n", "before", "after", "status", "words"), LABELS,
                         ids=[f"K={r[0]} N={r[1]} {r[3]}" for r in LABELS])
def test_sampled_label_configurations_prove_nothing(tmp_path: Path, k: int, n: int,
                                                   before: str, after: str, status: Status,
                                                   words: str) -> None:
    step = _step(tmp_path, _labels(k, n), before, after)
    assert step.status is status, step.message
    assert words in step.message, step.message
