r"""An equation the document solves (a gradient set to 0, then rearranged to its solution) is
never refuted as an identity: each of its rows is checked at the solution it reaches
(verify.check.solving), and without one it is unknown, saying why.  The cases are the shapes of
the real derivations (tests/data/real: lsq_weighted_zyxue, wlsq_neylon, gda_prml_amitrajan012;
a Gaussian MLE) with the slips students make in them."""

from __future__ import annotations

import textwrap

import pytest

from tests.paths import DATA
from verify.api import check_text
from verify.model.verdict import Status

LSQ = textwrap.dedent("""\
    ---
    sizes: {N: [2, 3], D: [2]}
    symbols:
      X: {shape: [N, D]}
      w: {shape: [D], latex: ['\\mathbf{w}', '\\hat{\\mathbf{w}}']}
      y: {shape: [N], latex: ['\\mathbf{y}']}
      lambda: {kind: positive, latex: ['\\lambda']}
    ---

    """)
RIDGE = r"X^T (X\mathbf{w} - \mathbf{y}) + \lambda \mathbf{w}"


def _rows(text: str) -> list[tuple[int, Status, str]]:
    """(line, status, message) of every step but a chain's start (and the unread L)."""
    result = check_text(text, cache=False).document
    return [(s.location.line, s.status, s.message) for c in result.chains for s in c.steps
            if s.status not in (Status.START, Status.UNPARSED)]


def _block(words: str, *rows: str) -> str:
    return LSQ + words + "\n\n$$\\begin{aligned}\n" + " \\\\\n".join(rows) + \
        "\n\\end{aligned}$$\n"


# (prose, rows, the statuses of the steps after each start in order, words of their messages)
CASES = [
    # the normal equations of ridge regression, solved right: all proved at the solution
    ("Setting the gradient to zero:",
     (f"\\frac{{\\partial L}}{{\\partial \\mathbf{{w}}}} &= {RIDGE} = 0",
      r"(X^TX + \lambda I)\mathbf{w} &= X^T \mathbf{y}",
      r"\mathbf{w} &= (X^TX + \lambda I)^{-1} X^T \mathbf{y}"),
     [Status.PROVED, Status.PROVED, Status.PROVED],
     ["at the solution", "at the solution", "it solves the equation set to 0 on line"]),
    # the words alone (no derivative on the left) say it is solved
    ("Equating it to zero and solving,",
     (f"{RIDGE} &= 0", r"\hat{\mathbf{w}} &= (X^TX + \lambda I)^{-1} X^T \mathbf{y}"),
     [Status.PROVED, Status.PROVED], ["at the solution", "it solves"]),
    # the lambda lost in the solution: the solution is refuted, the rows before not judged
    # (a right row is false at a wrong solution)
    ("We set it to zero:",
     (f"{RIDGE} &= 0", r"X^TX\mathbf{w} &= X^T \mathbf{y} - \lambda \mathbf{w}",
      r"\mathbf{w} &= (X^TX)^{-1} X^T \mathbf{y}"),
     [Status.UNKNOWN, Status.UNKNOWN, Status.REFUTED],
     ["not checked, as the solution", "not checked, as the solution",
      "not a solution of the equation set to 0"]),
    # a slip in the middle, the solution right: the slip is refuted where it stands
    ("We set it to zero:",
     (f"{RIDGE} &= 0", r"(X^TX + \lambda I)\mathbf{w} &= 2 X^T \mathbf{y}",
      r"\mathbf{w} &= (X^TX + \lambda I)^{-1} X^T \mathbf{y}"),
     [Status.PROVED, Status.REFUTED, Status.PROVED],
     ["at the solution", "at the solution", "it solves"]),
    # rearranged, never solved: the 0 unknown, never refuted; the rearranged row is the
    # equation set to 0 itself (its sides differ by that line)
    ("Setting the derivative to zero,",
     (f"{RIDGE} &= 0", r"(X^TX + \lambda I)\mathbf{w} &= X^T \mathbf{y}"),
     [Status.UNKNOWN, Status.PROVED],
     ["an equation the document solves, not a step", "the equation set to 0 on line"]),
    # rearranged with a slip, never solved: not the same equation, and with no solution to
    # check it at, unknown (never passed)
    ("Setting the derivative to zero,",
     (f"{RIDGE} &= 0", r"(X^TX + \lambda I)\mathbf{w} &= 2 X^T \mathbf{y}"),
     [Status.UNKNOWN, Status.UNKNOWN],
     ["an equation the document solves, not a step", "it goes on solving the equation"]),
    # nothing says it is solved, and its first side is no derivative: a claim, refuted
    ("Hence",
     (f"{RIDGE} &= 0",),
     [Status.REFUTED], ["the sides differ"]),
]


@pytest.mark.parametrize(("prose", "rows", "statuses", "words"), CASES)
def test_an_equation_the_document_solves_is_checked_at_its_solution(
        prose: str, rows: tuple[str, ...], statuses: list[Status], words: list[str]) -> None:
    found = _rows(_block(prose, *rows))
    assert [status for _, status, _ in found] == statuses, found
    for (_, _, message), word in zip(found, words, strict=True):
        assert word in message, message


def test_the_solution_may_come_in_the_next_block_and_wear_a_hat() -> None:
    # mle_cadizm: d/dmu of the log-likelihood set to 0, then "the MLE for mu has to be" mu hat
    text = textwrap.dedent(r"""
        ---
        sizes: {n: [2, 3]}
        indices: {i: n}
        symbols:
          x: {family: [n]}
          mu: {latex: ['\mu']}
          muhat: {latex: ['\hat{\mu}']}
          sigma: {kind: positive, latex: ['\sigma']}
          xbar: {latex: ['\bar{x}']}
        ---
        The next step is equating this to $0$:

        $$\frac{1}{\sigma} \left( \sum_{i=1}^n x_i - n \mu \right) = 0$$

        Simple algebraic manipulations show that the MLE for $\mu$ has to be

        $$\hat{\mu} = \frac{\sum_{i=1}^n x_i}{n} = \bar{x}$$
        """)
    found = _rows(text)
    assert [status for _, status, _ in found] == [Status.PROVED, Status.PROVED,
                                                  Status.UNKNOWN], found
    assert "at the solution $\\hat{\\mu} = \\frac{\\sum_{i=1}^n x_i}{n}$" in found[0][2]
    assert "it solves" in found[1][2]
    # the step that names xbar is an identity, refuted as one, but xbar is first written in it
    # (an abbreviation?): refuted only as read
    assert found[2][2].startswith("refuted as read (the sides differ"), found[2]


def test_a_solution_at_the_edge_of_its_domain_is_not_refuted() -> None:
    # gda_prml_amitrajan012: pi = mean of the 0/1 labels is 1 when every label is 1, where
    # the line set to 0 divides by 1 - pi: no value there, so no evidence against it
    found = [row for row in _rows((DATA / "real" / "gda_prml_amitrajan012.md").read_text())
             if row[0] in (31, 32)]
    assert [status for _, status, _ in found] == [Status.PROVED, Status.UNKNOWN,
                                                  Status.UNKNOWN, Status.PROVED,
                                                  Status.PROVED], found
    assert "has no value in some checked case" in found[2][2]
    assert "the solution it reaches does not solve" in found[1][2]


def test_the_displays_after_a_line_set_to_0_go_on_solving_it() -> None:
    """The normal equations one display at a time (lsq_techqa2383350.md's shape): each is the
    equation set to 0 scaled (by 1/2, -1/2), the slip among them (a factor 2 on one side) is
    not passed."""
    text = LSQ + textwrap.dedent(r"""
        Setting the gradient to zero:
        $$\frac{\partial L}{\partial \mathbf{w}} = 2 X^T (X \mathbf{w} - \mathbf{y}) = 0$$
        $$X^T X \mathbf{w} - X^T \mathbf{y} = 0$$
        so that
        $$X^T \mathbf{y} = X^T X \mathbf{w}$$
        $$X^T X \mathbf{w} = 2 X^T \mathbf{y}$$
        """)
    found = _rows(text)
    assert [status for _, status, _ in found] == [Status.UNKNOWN, Status.PROVED, Status.PROVED,
                                                  Status.UNKNOWN], found
    assert "the equation set to 0 on line 12 times $\\frac{1}{2}$" in found[1][2]
    assert "times $- \\frac{1}{2}$" in found[2][2] or "times $-\\frac{1}{2}$" in found[2][2]


def test_a_row_of_matrices_written_out_is_left_an_equation() -> None:
    """A run of solving whose rows write matrices out (a Matrix against a transposed one):
    SymPy forms no difference of their sides, so the row is not compared with the line set
    to 0 as an equation; it stays unknown, and the document is checked (it was an internal
    error)."""
    text = textwrap.dedent(r"""
        ---
        sizes: {n: [2]}
        symbols:
          a: {}
          b: {}
          w: {shape: [n]}
        ---
        Setting the gradient to zero:

        $$\nabla_{\mathbf{w}} L = \begin{bmatrix} a & b \\ 0 & a \end{bmatrix}^T \mathbf{w} = 0$$

        $$\begin{bmatrix} a & 0 \\ b & a \end{bmatrix} \mathbf{w} = \begin{bmatrix} 0 \\ 0
        \end{bmatrix}$$
        """).lstrip()
    document = check_text(text, cache=False).document
    assert not document.internal
    row = [s for c in document.chains for s in c.steps if s.location.line == 12]
    assert row and all(s.status in (Status.UNKNOWN, Status.START) for s in row)
