"""A difference the exact test finds nonzero, in a rational function of independent variables
(no atom that could hide an identity), is a refutation whatever its size, with an exact
counterexample that shows it; diagnoses are shown only when confirmed; a counterexample names
its point."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from verify.model.verdict import Status, StepVerdict
from verify.pipeline import Options, check_path

HEADER = textwrap.dedent("""\
    ---
    sizes: {K: [2, 3]}
    indices: {j: K}
    symbols:
      t: {}
      a: {}
      lam: {kind: positive, latex: ['\\lambda']}
      z: {shape: [K]}
    ---

    """)


def _step(tmp_path: Path, before: str, after: str, header: str = HEADER) -> StepVerdict:
    path = tmp_path / "doc.md"
    path.write_text(header + f"$$\n{before} \\\\\n= {after}\n$$\n")
    steps = check_path(path, Options()).all_steps()
    assert steps[0].status is Status.START, steps
    return steps[1]


# (before, after, verdict, words the message must hold)
ROWS = [
    ("a", "a + 10^{-9}", Status.REFUTED, "(after - before = 1e-09)"),
    ("a", "a + 10^{-30}", Status.REFUTED, "(after - before = 1e-30)"),
    ("t^2", "t^2 + 10^{-12} t", Status.REFUTED, "after - before = "),
    ("\\frac{1}{\\lambda}", "\\frac{1 + 10^{-15}}{\\lambda}", Status.REFUTED,
     "after - before = "),
    ("z_j", "z_j + 10^{-20}", Status.REFUTED, "j="),
    ("(a+1)^2", "a^2 + 2a + 1", Status.PROVED, "exact identity"),
    ("\\frac{t^2 - 1}{t - 1}", "t + 1", Status.PROVED, "exact identity"),
    # A true identity that needs more than independent exp/log atoms: the exact test finds
    # the atoms' difference nonzero, and the rule must not turn that into a refutation.
    ("\\log(1 + e^{2t}) - t", "\\log(e^{-t} + e^{t})", Status.SUPPORTED,
     "numeric agreement"),
    # The sides hold exp, but their difference is a nonzero constant: refuted.
    ("e^{t}", "e^{t} + 10^{-12}", Status.REFUTED, "(after - before = 1e-12)"),
    ("e^{t} + t", "e^{t} + t (1 + 10^{-12})", Status.REFUTED, "after - before = "),
]


@pytest.mark.parametrize(("before", "after", "status", "words"), ROWS,
                         ids=[f"{r[0]} = {r[1]}" for r in ROWS])
def test_exact_differences(tmp_path: Path, before: str, after: str, status: Status,
                           words: str) -> None:
    step = _step(tmp_path, before, after)
    assert step.status is status, step.message
    assert words in step.message, step.message
    if status is Status.REFUTED:
        example = step.counterexample
        assert example is not None and example.gap is not None and example.gap != 0
        assert "the exact test finds the sides different" in step.message


def test_the_counterexample_names_a_scalar_point(tmp_path: Path) -> None:
    step = _step(tmp_path, "t^2", "t^2 + 1")
    assert step.status is Status.REFUTED
    assert "differ at $t = " in step.message and "at :" not in step.message, step.message
    constant = _step(tmp_path, "2", "3")
    assert constant.status is Status.REFUTED
    assert "differ everywhere: before 2, after 3" in constant.message, constant.message


def _doubling(tmp_path: Path, before: str, after: str) -> StepVerdict:
    """A definition doubled 59 times: values near 2^59 t, where absolute tolerances misfire."""
    lines = ["---", "sizes: {K: [2]}", "symbols:", "  t: {}", "definitions:",
             '  d1: {body: "2*t"}']
    lines += [f'  d{k}: {{body: "2*d{k - 1}"}}' for k in range(2, 60)]
    lines += ["  D: {body: \"d59\", latex: ['D']}", "---", ""]
    return _step(tmp_path, before, after, "\n".join(lines) + "\n")


@pytest.mark.parametrize(("after", "diagnosis"), [
    ("t", ""),                                           # was "drops everything (after = 0)"
    ("t + D", "the term $t$ of this line is extra (it does not come from the line before)."),
    ("-D", "the sign is flipped: this line is $-1$ times the line before."),
    ("3 D", r"this line is $3$ times the line before: a factor $\frac{1}{3}$ was lost (or $3$ "
            "added)."),
    ("0", "this line is $0$ and the line before is not: everything was dropped, or this is an "
          "equation to solve (a gradient set to $0$), not a step."),
])
def test_a_diagnosis_is_shown_only_when_confirmed(tmp_path: Path, after: str,
                                                  diagnosis: str) -> None:
    step = _doubling(tmp_path, "D", after)
    assert step.status is Status.REFUTED, step.message
    assert step.diagnosis == diagnosis, step.diagnosis
