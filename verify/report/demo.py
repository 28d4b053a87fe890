"""A hand-built result that exercises every part of a report (every status, scalar and vector
counterexamples, subclaims, an assumption, an unreadable step, OCR damage, a long aligned
equation).  The tests render it; ``python -m verify.report.demo DIR`` writes its report, which
is how docs/report-page.png was made."""

from __future__ import annotations

import sys
from pathlib import Path

from verify.core.errors import Location
from verify.model.verdict import (
    ChainResult,
    CheckRecord,
    Counterexample,
    DocumentResult,
    Evidence,
    Status,
    StepVerdict,
)

PATH = "derivations/003_softmax_gradient.tex"
SIZES = ({"K": 2}, {"K": 3})

# Seed 003's row as the OCR left it: "\b" of \boldsymbol and "\r" of \right were eaten.
OCR_ROW = "=\\left(-y_j+g_j(oldsymbol{z})\\cdot\\sum_{k=1}^Ky_k\night)\\cdot x_i"
LONG_ROW = (r"= \left( -y_j \cdot \frac{1}{g_j(\boldsymbol{z})} \cdot g_j(\boldsymbol{z}) "
            r"\cdot (1 - g_j(\boldsymbol{z})) + \sum_{\substack{k=1 \\ k \neq j}}^K y_k \cdot "
            r"\frac{1}{g_k(\boldsymbol{z})} \cdot g_k(\boldsymbol{z}) \cdot g_j(\boldsymbol{z})"
            r" \right) \cdot \frac{\partial z_j}{\partial \Theta_{ij}}")
WIDE_ROW = (r"= -y_{j} \cdot \frac{1}{g_{j}(z)} \cdot \frac{\partial g_{j}(z)}{\partial z_{j}} "
            r"\cdot \frac{\partial z_{j}}{\partial \Theta_{ij}} - "
            r"\sum_{\substack{k=1\\k\neq j}}^{K} y_{k} \cdot \frac{1}{g_{k}(z)} \cdot "
            r"\frac{\partial g_{k}(z)}{\partial z_{j}} \cdot "
            r"\frac{\partial z_{j}}{\partial \Theta_{ij}} + \sum_{i=1}^{N} \sum_{l=1}^{n} "
            r"\lambda \Theta_{il}^2 - \sum_{i=1}^{N} \sum_{l=1}^{n} \lambda \Theta_{il}^2 + "
            r"\frac{1}{N} \sum_{i=1}^{N} \left( \log \sum_{k=1}^{K} \exp(z_k^{(i)}) - "
            r"\log \sum_{k=1}^{K} \exp(z_k^{(i)}) \right)")
ALIGNED = (r"\begin{aligned} \frac{\partial L}{\partial \mathbf{w}_j} &= -\sum_{i=1}^{N} "
           r"\sum_{k=1}^{K} y_{ik} \frac{\partial}{\partial \mathbf{w}_j} \left( "
           r"\mathbf{w}_k^\top \mathbf{x}_i - \log \sum_{l=1}^{K} \exp(\mathbf{w}_l^\top "
           r"\mathbf{x}_i) \right) \\ &= -\sum_{i=1}^{N} \left( y_{ij} \mathbf{x}_i - "
           r"\sum_{k=1}^{K} y_{ik} \frac{\exp(\mathbf{w}_j^\top \mathbf{x}_i)}{\sum_{l=1}^{K} "
           r"\exp(\mathbf{w}_l^\top \mathbf{x}_i)} \mathbf{x}_i \right) \end{aligned}")


def _evidence(assumptions: tuple[str, ...] = (), deviation: float | None = 2.2e-16,
              symbolic: str = "identical") -> Evidence:
    checks = (CheckRecord("symbolic", symbolic, "", 0.41, 2),
              CheckRecord("numeric", "agree" if symbolic != "different" else "disagree", "",
                          0.08, 40))
    return Evidence(seed=20240917, sizes=SIZES, points_per_size=20, max_deviation=deviation,
                    checks=checks, assumptions=assumptions)


def _step(index: int, latex: str, status: Status, message: str, **extra: object) -> StepVerdict:
    label = extra.pop("label", None)
    line = int(str(extra.pop("line", 5 + 4 * index)))
    return StepVerdict(location=Location(PATH, line, label if isinstance(label, str) else None),
                       index=index, latex=latex, status=status, message=message,
                       compared_with=index - 1 if index else None, **extra)  # type: ignore[arg-type]


def _softmax_chain() -> ChainResult:
    scalar = Counterexample(sizes={"K": 3}, indices={"i": 1, "j": 2}, labels={},
                            point={"z_1": 0.25, "z_2": -1.5, "z_3": 0.75, "y_1": 0.0,
                                   "y_2": 1.0, "y_3": 0.0, "x_1": 1.25},
                            lhs=(-0.7734,), rhs=(0.7734,), deviation=1.0)
    steps = (
        _step(0, r"\frac{\partial}{\partial \Theta_{ij}} \mathcal{J}(\boldsymbol{\Theta}) = "
                 r"-\frac{\partial}{\partial \Theta_{ij}} \left( \sum_{k=1}^{K} y_k "
                 r"\log(g_k(\boldsymbol{z})) \right) \tag{1}", Status.START,
              "start of the chain", label="1", sympy="-Derivative(Sum(y[k]*log(g(z)[k]),"
              " (k, 1, K)), Theta[i, j])"),
        _step(1, r"= -\sum_{k=1}^{K} y_k \cdot \frac{\partial}{\partial \Theta_{ij}} "
                 r"\log(g_k(\boldsymbol{z}))", Status.PROVED,
              "identical at K=2 and K=3", sympy="-Sum(y[k]*Deriv(log(g(z)[k]), Theta[i, j]),"
              " (k, 1, K))", evidence=_evidence(), note="[Apply chain rule]"),
        _step(2, WIDE_ROW, Status.PROVED, "identical at K=2 and K=3",
              sympy="-y[j]/g(z)[j]*Deriv(g(z)[j], z[j])*x[i] - Sum(...)", evidence=_evidence(),
              note="[Separate the cases k = j and k != j; add and remove a penalty]"),
        _step(3, LONG_ROW, Status.SUPPORTED, "numbers agree at 40 points; SymPy ran out of time",
              sympy="(-y[j]*(1 - g(z)[j]) + Sum(y[k]*g(z)[j], (k, 1, K)))*x[i]",
              evidence=_evidence(symbolic="timeout", deviation=4.4e-16),
              note="[Derivative of the softmax function]"),
        _step(4, r"= \left(-y_j + \sum_{k=1}^K y_k \cdot g_j(\boldsymbol{z})\right) \cdot x_i",
              Status.REFUTED, "the two sides differ at K=3", counterexample=scalar,
              diagnosis="the sign of the first term flipped: the sides differ by a factor -1.",
              sympy="(-y[j] + Sum(y[k]*g(z)[j], (k, 1, K)))*x[i]",
              reading=r"x_{i} \cdot \left(\sum_{k=1}^{K} g_{j}\left(\boldsymbol{z}\right) "
                      r"\cdot y_{k} - y_{j}\right)",
              evidence=_evidence(symbolic="different", deviation=1.0)),
        _step(5, OCR_ROW, Status.SUPPORTED, "holds when the labels are one-hot",
              sympy="(-y[j] + g(z)[j]*Sum(y[k], (k, 1, K)))*x[i]",
              evidence=_evidence(assumptions=("y is one-hot: its components sum to 1",)),
              note="[g_j(z) does not depend on k: pull it out of the sum]"),
        _step(6, r"= (-y_j + g_j(\boldsymbol{z})) \cdot x_i \quad \text{since } "
                 r"\sum_k y_k = 1", Status.UNKNOWN,
              "the symbolic check timed out and 12 of 40 points were not finite",
              sympy="(-y[j] + g(z)[j])*x[i]", evidence=_evidence(symbolic="timeout",
                                                               deviation=None)),
        _step(7, r"= (g_j(\boldsymbol{z}) - y_j) \cdot x_i \label{eq:final}", Status.PROVED,
              "identical", label="eq:final", sympy="(g(z)[j] - y[j])*x[i]",
              reading=r"x_{i} \cdot \left(g_{j}\left(\boldsymbol{z}\right) - y_{j}\right)",
              evidence=_evidence()),
    )
    return ChainResult("Gradient of the softmax loss", steps, where=("k != j",),
                       ends_agree=True,
                       summary="The first and last steps agree at every size checked.")


def _vector_chain() -> ChainResult:
    vector = Counterexample(sizes={"K": 2, "N": 2, "n": 2}, indices={"j": 1},
                            labels={"y_1": 2, "y_2": 1},
                            point={"w_1_1": 0.5, "w_1_2": -0.25, "w_2_1": 1.0, "w_2_2": 0.125,
                                   "x_1_1": 1.5, "x_1_2": -0.5, "x_2_1": 0.25, "x_2_2": 2.0},
                            lhs=(0.3212, -0.8815), rhs=(0.6424, -1.763), deviation=0.5)
    sub = StepVerdict(Location(PATH, 40), 0, r"\underbrace{\sum_{k=1}^K y_{ik}}_{=1}",
                      Status.PROVED, "one-hot labels sum to one", sympy="Sum(y[i, k], (k, 1, K))",
                      reading=r"\sum_{k=1}^{K} y_{i,k} = 1",
                      evidence=_evidence(assumptions=("one-hot labels",)))
    bad_sub = StepVerdict(Location(PATH, 40), 1, r"\frac{1}{N} \sum_{i=1}^N 1 = N",
                          Status.REFUTED, "1 is not N", sympy="Sum(1, (i, 1, N))/N",
                          counterexample=Counterexample({"N": 2}, {}, {}, {}, (1.0,), (2.0,),
                                                        0.5),
                          diagnosis="the sides differ by a factor N")
    steps = (
        StepVerdict(Location(PATH, 36, "(12)"), 0, ALIGNED, Status.PROVED,
                    "identical at every size", sympy="-Sum(Sum(y[i, k]*Deriv(...), ...), ...)",
                    evidence=_evidence(), subclaims=(sub, bad_sub)),
        StepVerdict(Location(PATH, 44, "(13)"), 1, r"= -\frac{1}{N} \sum_{i=1}^{N} ( y_{ij} - "
                    r"\hat{y}_{ij} ) \mathbf{x}_i \, \frac{\partial}{\partial} \mathbf{W} "
                    r"\frac{\;", Status.UNPARSED,
                    "line 44, column 71: \\frac needs two arguments; the step ends after one",
                    compared_with=0),
        StepVerdict(Location(PATH, 48, "(14)"), 2,
                    r"= -2 \sum_{i=1}^{N} ( y_{ij} - \hat{y}_{ij} ) \mathbf{x}_i",
                    Status.REFUTED, "the two sides differ", compared_with=0,
                    counterexample=vector, diagnosis="the sides differ by a factor 2.",
                    sympy="-2*Sum((y[i, j] - yhat[i, j])*x[i], (i, 1, N))",
                    reading=r"-2 \cdot \sum_{i=1}^{N} \mathbf{x}_{i} \cdot \left(y_{i,j} - "
                            r"\hat{y}_{i,j}\right)",
                    evidence=_evidence(symbolic="different", deviation=0.5)),
    )
    return ChainResult("Gradient with respect to a weight vector", steps, ends_agree=False)


def demo_result() -> DocumentResult:
    return DocumentResult(path=PATH, title="Derivation of the Gradient for Softmax Regression",
                          chains=(_softmax_chain(), _vector_chain()), seed=20240917,
                          sizes=({"K": 2, "N": 1, "n": 2}, {"K": 3, "N": 2, "n": 2}),
                          problems=("line 30: an annotation in brackets was not closed",),
                          seconds=3.42,
                          versions={"verify": "0.1.0", "sympy": "1.14.0", "jax": "0.10.2"})


def main(argv: list[str] | None = None) -> int:
    from verify.report.pdf import write_reports

    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "reports/demo")
    for report in write_reports([demo_result()], out, date="2025-01-01"):
        print(f"{report.tex_path}: {report.message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
