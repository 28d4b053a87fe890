r"""Matrices written out in a step: entry by entry (``\begin{bmatrix} a & b \\ 0 & a
\end{bmatrix}``), a row vector (``(x_1 & x_2 & \cdots & x_n)``), with dots whose pattern the
written corners show (a Jacobian ``\partial \hat{y}_i / \partial z_j``), a diagonal one (blank or
0 off the diagonal), and a softmax Jacobian's two patterns (``\hat{y}_i(1 - \hat{y}_i)`` on the
diagonal, ``-\hat{y}_i \hat{y}_j`` off it): each read, checked, and its slip refuted; what shows
no pattern is refused with the reason."""

from __future__ import annotations

import pytest

from tests.paths import DATA
from verify.api import check_text
from verify.pipeline import Options, check_path

SQUARE = r"""---
sizes: {n: [2, 3]}
indices: {i: n, j: n}
symbols:
  A: {shape: [n, n]}
  x: {shape: [n]}
  a: {}
  b: {}
definitions:
  f: {index: [i], body: "Sum(A[i, j] * x[j], (j, 1, n))", latex: ['f']}
---
$$BEFORE = AFTER$$
"""

SOFTMAX = r"""---
sizes: {C: [2, 3]}
indices: {i: C, j: C}
symbols:
  z: {shape: [C]}
definitions:
  yh: {index: [i], body: "exp(z[i]) / Sum(exp(z[j]), (j, 1, C))", latex: ['\hat{y}']}
---
$$BEFORE = AFTER$$
"""

JACOBIAN = (r"\begin{bmatrix} \frac{\partial \hat{y}_1}{\partial z_1} & \dots & "
            r"\frac{\partial \hat{y}_1}{\partial z_C} \\ \vdots & \ddots & \vdots \\ "
            r"\frac{\partial \hat{y}_C}{\partial z_1} & \dots & "
            r"\frac{\partial \hat{y}_C}{\partial z_C} \end{bmatrix}")


def _split(diagonal: str, off: str) -> str:
    def at(r: str, c: str) -> str:
        return (diagonal if r == c else off).replace("I", r).replace("J", c)
    return (r"\begin{bmatrix} " + at("1", "1") + r" & \cdots & " + at("1", "C") +
            r" \\ \vdots & \ddots & \vdots \\ " + at("C", "1") + r" & \cdots & " +
            at("C", "C") + r" \end{bmatrix}")


CASES = [
    # entry by entry
    (SQUARE, r"\begin{bmatrix} a & b \\ 0 & a \end{bmatrix}\begin{bmatrix} a \\ b\end{bmatrix}",
     r"\begin{bmatrix} a^2 + b^2 \\ ab \end{bmatrix}", "proved"),
    (SQUARE, r"\begin{bmatrix} a & b \\ 0 & a \end{bmatrix}\begin{bmatrix} a \\ b\end{bmatrix}",
     r"\begin{bmatrix} a^2 + b^2 \\ b^2 \end{bmatrix}", "refuted"),
    (SQUARE, r"\begin{bmatrix} a & b \\ 0 & a \end{bmatrix}^T",
     r"\begin{bmatrix} a & 0 \\ b & a \end{bmatrix}", "proved"),
    (SQUARE, r"\begin{bmatrix} a & b \\ 0 & a \end{bmatrix}^T",
     r"\begin{bmatrix} a & b \\ 0 & a \end{bmatrix}", "refuted"),
    (SQUARE, r"\begin{pmatrix} a & b \end{pmatrix} \begin{pmatrix} b \\ a \end{pmatrix}",
     "2ab", "proved"),
    # a row vector, and its transpose
    (SQUARE, r"x^T", r"\begin{bmatrix} x_1 & x_2 & \cdots & x_n \end{bmatrix}", "proved"),
    (SQUARE, r"\begin{bmatrix} x_1 & x_2 & \cdots & x_n \end{bmatrix}^T", "x", "proved"),
    (SQUARE, r"\begin{bmatrix} x_1 & x_2 & \cdots & x_n \end{bmatrix} x",
     r"\sum_{i=1}^{n} x_i^2", "proved"),
    # corners with dots: the Jacobian of A x is A, not its transpose
    (SQUARE, r"\frac{\partial f}{\partial x}",
     r"\begin{bmatrix} A_{11} & \cdots & A_{1n} \\ \vdots & \ddots & \vdots \\ "
     r"A_{n1} & \cdots & A_{nn} \end{bmatrix}", "proved"),
    (SQUARE, r"\frac{\partial f}{\partial x}",
     r"\begin{bmatrix} A_{11} & \cdots & A_{n1} \\ \vdots & \ddots & \vdots \\ "
     r"A_{1n} & \cdots & A_{nn} \end{bmatrix}", "refuted"),
    (SQUARE, r"A",
     r"\begin{bmatrix} A_{11} & A_{12} & \cdots & A_{1n} \\ A_{21} & A_{22} & \cdots & A_{2n} "
     r"\\ \vdots & \vdots & \ddots & \vdots \\ A_{n1} & A_{n2} & \cdots & A_{nn} \end{bmatrix}",
     "proved"),
    # diagonal: blanks or zeros off it
    (SQUARE, r"\operatorname{diag}(x)",
     r"\begin{bmatrix} x_1 & & \\ & \ddots & \\ & & x_n \end{bmatrix}", "proved"),
    (SQUARE, r"\operatorname{diag}(x)",
     r"\begin{bmatrix} x_1 & 0 & \cdots & 0 \\ 0 & x_2 & \cdots & 0 \\ "
     r"\vdots & \vdots & \ddots & \vdots \\ 0 & 0 & \cdots & x_n \end{bmatrix}", "proved"),
    (SQUARE, r"\operatorname{diag}(x)",
     r"\begin{bmatrix} x_1^2 & & \\ & \ddots & \\ & & x_n^2 \end{bmatrix}", "refuted"),
    # the softmax Jacobian
    (SOFTMAX, r"\frac{\partial \hat{y}}{\partial z}", JACOBIAN, "proved"),
    (SOFTMAX, JACOBIAN, _split(r"\hat{y}_I(1-\hat{y}_I)", r"-\hat{y}_I\hat{y}_J"), "proved"),
    (SOFTMAX, JACOBIAN, _split(r"\hat{y}_I(1-\hat{y}_I)", r"\hat{y}_I\hat{y}_J"), "refuted"),
    (SOFTMAX, JACOBIAN, _split(r"\hat{y}_I(1+\hat{y}_I)", r"-\hat{y}_I\hat{y}_J"), "refuted"),
    (SOFTMAX, _split(r"\hat{y}_I(1-\hat{y}_I)", r"-\hat{y}_I\hat{y}_J"),
     r"\operatorname{diag}(\hat{y}) - \hat{y}\hat{y}^T", "proved"),
]


@pytest.mark.parametrize(("document", "before", "after", "verdict"), CASES,
                         ids=[f"{n}:{c[3]}" for n, c in enumerate(CASES)])
def test_matrix_steps(document: str, before: str, after: str, verdict: str) -> None:
    text = document.replace("BEFORE", before).replace("AFTER", after)
    steps = check_text(text, cache=False).documents[0].chains[0].steps
    assert [s.status.value for s in steps] == ["start", verdict], [s.message for s in steps]


REFUSED = [
    # rows of different lengths (softmax_jac_mnn.md, verbatim)
    (SOFTMAX, r"\begin{bmatrix}  y_1 - y_1 y_1 & - y_1 y_2 & ... &  - y_1 y_n \\\\  y_2 y_1 & "
     r"y_2 - y_1 y_2 & ... &  - y_1 y_n \\\\  \vdots & \ddots \\\\  y_n y_1 & - y_n y_2 & ... "
     r"& y_n - y_n y_n \end{bmatrix}", "different numbers of entries"),
    # off the diagonal, no one pattern
    (SOFTMAX, _split(r"\hat{y}_I", "1"), "off the diagonal of the matrix do not follow"),
    # a written entry that breaks the pattern of the corners
    (SQUARE, r"\begin{bmatrix} A_{11} & A_{12} & \cdots & A_{1n} \\ A_{21} & A_{21} & \cdots & "
     r"A_{2n} \\ \vdots & \vdots & \ddots & \vdots \\ A_{n1} & A_{n2} & \cdots & A_{nn} "
     r"\end{bmatrix}", "does not follow the pattern"),
    # two rows of dots
    (SQUARE, r"\begin{bmatrix} A_{11} & \cdots & A_{1n} \\ \vdots & \ddots & \vdots \\ "
     r"\vdots & \ddots & \vdots \\ A_{n1} & \cdots & A_{nn} \end{bmatrix}", "not clear"),
    # an empty entry with no diagonal to explain it
    (SQUARE, r"\begin{bmatrix} a & \\ b & a \end{bmatrix}", "empty entry"),
    # the number of rows shows nowhere in the entries
    (SQUARE, r"\begin{bmatrix} x_1 & \cdots & x_n \\ \vdots & \ddots & \vdots \\ "
     r"x_1 & \cdots & x_n \end{bmatrix}", "do not follow one pattern"),
]


@pytest.mark.parametrize(("document", "line", "why"), REFUSED,
                         ids=[f"{n}" for n in range(len(REFUSED))])
def test_matrix_refused(document: str, line: str, why: str) -> None:
    text = document.replace("BEFORE", "A" if document is SQUARE else "z").replace("AFTER", line)
    steps = check_text(text, cache=False).documents[0].chains[0].steps
    assert steps[1].status.value == "unparsed"
    assert why in (steps[1].message or ""), steps[1].message


def test_real_jacobian_is_read() -> None:
    """softmax_ce_postnetwork.md's Jacobian, verbatim: read and proved."""
    result = check_path(DATA / "real" / "softmax_ce_postnetwork.md", Options(seed=0))
    steps = [s for c in result.chains for s in c.steps if s.location.line == 55]
    assert [s.status.value for s in steps] == ["proved"], [s.message for s in steps]


def test_reading_reads_back() -> None:
    """The reading shown for a matrix with dots (its corners) is read back as the same matrix.
    (A softmax Jacobian's mirrored corner prints as SymPy orders its factors, -\\hat{y}_1
    \\hat{y}_C for -\\hat{y}_C \\hat{y}_1: right, but no longer the written pattern.)"""
    first = check_text(SOFTMAX.replace("BEFORE", JACOBIAN).replace("AFTER", JACOBIAN),
                       cache=False)
    reading = first.documents[0].chains[0].steps[1].reading
    assert reading is not None and r"\ddots" in reading
    again = check_text(SOFTMAX.replace("BEFORE", JACOBIAN).replace("AFTER", reading),
                       cache=False)
    steps = again.documents[0].chains[0].steps
    assert steps[1].status.value == "proved", (reading, steps[1].message)


SAMPLES = r"""---
sizes: {N: [2, 3], d: [2]}
indices: {i: N, j: d}
symbols:
  x: {family: [N], shape: [d], latex: ['x_i', '\mathbf{x}_i']}
  w: {shape: [d]}
  y: {shape: [N]}
---
$$BEFORE = AFTER$$
"""

ROWS = r"\begin{bmatrix} x_1^T \\ x_2^T \\ \vdots \\ x_N^T \end{bmatrix}"


@pytest.mark.parametrize(("before", "after", "verdict"), [
    # a data matrix by its samples, its rows x_i^T
    (ROWS + " w", r"\begin{bmatrix} x_1^T w \\ x_2^T w \\ \vdots \\ x_N^T w \end{bmatrix}",
     "proved"),
    (ROWS + "^T y", r"\sum_{i=1}^{N} y_i \mathbf{x}_i", "proved"),
    (r"\begin{bmatrix} \mathbf{x}_1^{\top} \\ \mathbf{x}_2^{\top} \\ \vdots \\ "
     r"\mathbf{x}_N^{\top} \end{bmatrix}^T y", r"\sum_{i=1}^{N} \mathbf{x}_i", "refuted"),
])
def test_a_column_of_rows_is_the_matrix_of_them(before: str, after: str, verdict: str) -> None:
    text = SAMPLES.replace("BEFORE", before).replace("AFTER", after)
    steps = check_text(text, cache=False).documents[0].chains[0].steps
    assert [s.status.value for s in steps] == ["start", verdict], [s.message for s in steps]


def test_a_column_of_rows_written_out_is_refused() -> None:
    text = SAMPLES.replace("BEFORE", r"\begin{bmatrix} x_1^T \\ x_2^T \end{bmatrix} w") \
        .replace("AFTER", "w")
    steps = check_text(text, cache=False).documents[0].chains[0].steps
    assert steps[0].status.value == "unparsed"
    assert "read as a pattern only" in (steps[0].message or "")


def test_a_matrix_with_dots_needs_index_letters() -> None:
    text = ("---\nsizes: {n: [2, 3]}\nsymbols: {A: {shape: [n, n]}}\n---\n"
            r"$$\begin{bmatrix} A_{11} & \cdots & A_{1n} \\ \vdots & \ddots & \vdots \\ "
            r"A_{n1} & \cdots & A_{nn} \end{bmatrix} = A$$" + "\n")
    steps = check_text(text, cache=False).documents[0].chains[0].steps
    assert steps[0].status.value == "unparsed"
    assert "two declared index letters" in (steps[0].message or "")
