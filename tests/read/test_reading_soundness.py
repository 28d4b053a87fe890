r"""Issue 11's table: lines the reader used to read as something they do not say.

Each case is a small Markdown document, as a user writes it, checked through the whole
pipeline; the expected status of its last step is the truth (or ``unparsed`` with a reason).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.pipeline import Options, check_path

HEADER = r"""---
sizes: {K: [2, 3]}
indices: {j: K, q: K, m: K}
symbols:
  t: {}
  a: {}
  z: {shape: [K]}
definitions:
  sigma: {params: [v], body: "1/(1+exp(-v))", latex: ['\sigma']}
  tanh: {params: [v], body: "(exp(v)-exp(-v))/(exp(v)+exp(-v))", latex: ['\tanh']}
  soft: {params: [c, v], body: "exp(v[c]) / Sum(exp(v[m]), (m, 1, K))", latex: ['S']}
---

"""

# (first line, second line, expected status of the second, a text its message must hold)
CASES = [
    # exponents on a function name before its arguments raise the value
    (r"\sigma(t)", r"\sigma^2(t)", "refuted", ""),
    (r"\sigma(t)^{2}", r"\sigma^{2}(t)", "proved", ""),
    (r"1 - \tanh(t)^2", r"1 - \tanh^2(t)", "proved", ""),
    (r"\tanh^{2}(t) + 1", r"(\tanh(t))^{2} + 1", "proved", ""),
    (r"\tanh^{3}(t)", r"\tanh(t)^2", "refuted", ""),
    (r"\log^2 t", r"(\log t)^2", "proved", ""),
    (r"\ln^{2}(t)", r"\ln(t)", "refuted", ""),
    (r"\exp^{2}(t)", r"\exp(2t)", "proved", ""),
    (r"S_j^2(z)", r"S_j(z) S_j(z)", "proved", ""),
    (r"S_j^2(z)", r"S_j(z)", "refuted", ""),
    # an inverse or a second prime on a function name is refused, never dropped; one prime
    # is the derivative at the argument (tests/read/test_numbered_names_primes.py)
    (r"\sigma(t)", r"\sigma^{-1}(t)", "unparsed", "ambiguous"),
    (r"\sigma(t)(1 - \sigma(t))", r"\sigma''(t)", "unparsed", "second and higher"),
    (r"\sigma(t)(1 - \sigma(t))", r"\sigma'(t)", "proved", ""),
    (r"\ln(t)", r"\exp^{-1}(t)", "unparsed", "ambiguous"),
    (r"\exp(t)", r"\ln^{-1} t", "unparsed", "ambiguous"),
    # mathematics after a \quad is part of the expression (TeX shows a product)
    (r"2\quad t", r"2\quad (t + 1)", "refuted", ""),
    (r"2\quad t", r"2 t", "proved", ""),
    (r"2 \qquad t", r"t + t", "proved", ""),
    (r"2\quad at ta", r"2", "refuted", ""),   # two-letter runs are maths, not prose
    (r"\frac{-1}{S_q(z)}\quad\frac{\partial}{\partial z_j}S_q(z)",
     r"\frac{-1}{S_q(z)}\quad\frac{\partial}{\partial z_j}S_j(z)", "refuted", ""),
    # prose, labels and side statements after a gap are annotations
    (r"2 t \quad \text{by the rule}", r"t + t \quad (3)", "proved", ""),
    (r"2 t \quad (double it)", r"t + t", "proved", ""),
    (r"2 t \qquad a = t", r"t + t", "proved", ""),
    (r"2 t", r"t + t \quad [Apply chain rule]", "proved", ""),
    (r"2 t", r"t + t [Apply chain rule]", "proved", ""),
    (r"2\quad t \quad \text{by rule}", r"t \quad 2 \quad (4)", "proved", ""),
]


def _last(tmp_path: Path, first: str, second: str) -> tuple[str, str, list[str]]:
    path = tmp_path / "case.md"
    path.write_text(HEADER + "$$\n" + first + " \\\\\n= " + second + "\n$$\n")
    result = check_path(path, Options())
    steps = result.chains[0].steps
    return steps[-1].status, steps[-1].message, [s.note for s in steps]


@pytest.mark.parametrize(("first", "second", "status", "says"), CASES)
def test_line_reads_as_written(tmp_path: Path, first: str, second: str, status: str,
                               says: str) -> None:
    got, message, _ = _last(tmp_path, first, second)
    assert got == status, message
    assert says in message


@pytest.mark.parametrize(("first", "second", "note"), [
    (r"2 t \quad \text{by the rule}", r"t + t", "by the rule"),
    (r"2 t \qquad a = t", r"t + t", "side statement, not checked: a = t"),
    (r"2 t \quad (double it)", r"t + t", "(double it)"),
])
def test_annotations_are_kept_as_notes(tmp_path: Path, first: str, second: str,
                                       note: str) -> None:
    assert _last(tmp_path, first, second)[2][0] == note


# Lines with two readings in common use are refused; one reading in use is read as such.
AMBIGUOUS = [r"\ln a t", r"\ln 2 t", r"\exp a t", r"\ln t^2 a", r"\ln \sigma(t) a",
             r"\exp{t} a", r"\exp -t", r"\ln \frac{a}{t} a", r"a/t a", r"a/2t", r"1/2 t",
             r"a/(t) a", r"a / \sigma(t) a", r"a/t^2 a"]
# Not read yet, and said so (a transpose of a bracket used to be "undeclared symbol T").
NOT_READ = [(r"(z)^{-T}", "transpose of a bracket")]
READS = [  # (line, an equal line written without ambiguity)
    (r"\ln t^2", r"\ln(t^{2})"),
    (r"\ln{t}^2", r"\ln(t^{2})"),
    (r"\ln^2 t", r"(\ln(t))^{2}"),
    (r"\ln a + t", r"\ln(a) + t"),
    (r"\ln a \cdot t", r"\ln(a) t"),
    (r"\log t / 2", r"\frac{\ln(t)}{2}"),
    (r"\ln \frac{a}{t}", r"\ln(\frac{a}{t})"),
    (r"\ln \sum_{j=1}^{K} \exp(z_j) a + t", r"\ln(a \sum_{j=1}^{K} \exp(z_j)) + t"),
    (r"a \ln z_j - t", r"a \ln(z_j) - t"),
    (r"a/t \cdot a", r"\frac{a^{2}}{t}"),
    (r"a/t^2", r"\frac{a}{t^{2}}"),
    (r"(a + t)^{T}", r"a + t"),   # the transpose of a 1x1 value
]


@pytest.mark.parametrize("line", AMBIGUOUS)
def test_ambiguous_lines_are_refused(tmp_path: Path, line: str) -> None:
    status, message, _ = _last(tmp_path, "t", line)
    assert status == "unparsed"
    assert "ambiguous" in message


@pytest.mark.parametrize(("line", "plain"), READS)
def test_conventional_lines_read_as_their_plain_form(tmp_path: Path, line: str,
                                                      plain: str) -> None:
    status, message, _ = _last(tmp_path, line, plain)
    assert status == "proved", message


@pytest.mark.parametrize(("line", "says"), NOT_READ)
def test_unread_constructs_say_what_they_are(tmp_path: Path, line: str, says: str) -> None:
    status, message, _ = _last(tmp_path, "t", line)
    assert status == "unparsed"
    assert says in message


MATRIX_HEADER = r"""---
sizes: {n: [2, 3], m: [2, 3]}
indices: {i: m, l: n}
symbols:
  X: {shape: [m, n]}
  A: {shape: [n, n]}
  w: {shape: [n], latex: ['\mathbf{w}', 'w']}
  v: {shape: [n], latex: ['\mathbf{v}', 'v']}
  y: {shape: [m], latex: ['\mathbf{y}', 'y']}
  t: {}
---

"""

# Brackets in products of vectors and matrices, read in the written order.
MATRIX_CASES = [
    (r"(X\mathbf{w}-\mathbf{y})^{\top}(X\mathbf{w}-\mathbf{y})",
     r"\mathbf{w}^T X^T X \mathbf{w} - 2 \mathbf{y}^T X \mathbf{w} + \mathbf{y}^T \mathbf{y}",
     "proved"),
    (r"(X\mathbf{w}-\mathbf{y})^{\top}(X\mathbf{w}-\mathbf{y})",
     r"\mathbf{w}^T X^T X \mathbf{w} - \mathbf{y}^T X \mathbf{w} + \mathbf{y}^T \mathbf{y}",
     "refuted"),
    (r"\nabla_{\mathbf{w}} (X\mathbf{w}-\mathbf{y})^{\top}(X\mathbf{w}-\mathbf{y})",
     r"2 X^{\top} (X \mathbf{w} - \mathbf{y})", "proved"),
    (r"\nabla_{\mathbf{w}} (X\mathbf{w}-\mathbf{y})^{\top}(X\mathbf{w}-\mathbf{y})",
     r"2 X (X^{\top} \mathbf{w} - \mathbf{y})", "unparsed"),   # shapes do not fit
    (r"w^T (w + v)", r"w^T w + w^T v", "proved"),
    (r"(w + v)^T A (w - v)", r"w^T A w - v^T A v", "refuted"),
    (r"(w + v)^T (A + A^T) (w - v)", r"w^T (A + A^T) w - v^T (A + A^T) v", "proved"),
    (r"(A^T A)^{-1} A^T w", r"A^{-1} w", "proved"),
    (r"(A w)^T (A w)", r"w^T A^T A w", "proved"),
    (r"(A w)^T (A w)", r"w^T A A w", "refuted"),
    (r"t (w + v)^T w", r"t w^T w + t v^T w", "proved"),
]


@pytest.mark.parametrize(("first", "second", "status"), MATRIX_CASES)
def test_bracketed_products_read_in_order(tmp_path: Path, first: str, second: str,
                                          status: str) -> None:
    path = tmp_path / "case.md"
    path.write_text(MATRIX_HEADER + "$$\n" + first + " \\\\\n= " + second + "\n$$\n")
    last = check_path(path, Options()).chains[0].steps[-1]
    assert last.status == status, last.message


@pytest.mark.parametrize(("line", "status"), [
    (r"(w)(v)", "unparsed"),
    # a row vector (the transpose of a bracket), and a 1x1 value's transpose times a vector:
    # read, and not equal to the scalar before them
    (r"(w + v)^T", "refuted"), (r"(t + 1)^T w", "refuted")])
def test_bracketed_products_that_do_not_fit_are_refused(tmp_path: Path, line: str,
                                                        status: str) -> None:
    path = tmp_path / "case.md"
    path.write_text(MATRIX_HEADER + "$$\nt \\\\\n= " + line + "\n$$\n")
    last = check_path(path, Options()).chains[0].steps[-1]
    assert last.status == status, last.message
    if status == "refuted":
        assert "different shapes" in last.message


CASE_SPLIT = r"""---
sizes: {K: [2, 3]}
indices: {i: K, j: K, k: K}
symbols:
  a: {shape: [K]}
definitions:
  p: {index: [j], body: "exp(a[j]) / Sum(exp(a[k]), (k, 1, K))"}
sections:
  - {lines: [16, 16], where: ["i == j"]}
  - {lines: [18, 18], where: ["i != j"]}
---

$$\frac{\partial p_j}{\partial a_i}$$

If $i = j$:
$$= SPLIT_ONE$$
If $i \neq j$:
$$= SPLIT_TWO$$
"""


@pytest.mark.parametrize(("one", "two", "statuses"), [
    # each case goes on from the chain's first line under its own condition
    (r"p_j - p_j^2", r"-p_j p_i", ["proved", "proved"]),
    (r"p_j - p_j^2", r"p_j p_i", ["proved", "refuted"]),
    (r"p_j + p_j^2", r"-p_j p_i", ["refuted", "proved"]),
])
def test_case_split_blocks_continue_from_the_first_line(tmp_path: Path, one: str, two: str,
                                                        statuses: list[str]) -> None:
    path = tmp_path / "split.md"
    path.write_text(CASE_SPLIT.replace("SPLIT_ONE", one).replace("SPLIT_TWO", two))
    result = check_path(path, Options())
    got = [step.status for chain in result.chains for step in chain.steps
           if step.status != "start"]
    assert got == statuses, [s.message for c in result.chains for s in c.steps]


CONDITION_HEADER = r"""---
sizes: {K: [2, 3]}
indices: {i: K, k: K, m: K}
symbols:
  o: {shape: [K]}
definitions:
  p: {index: [k], body: "exp(o[k]) / Sum(exp(o[m]), (m, 1, K))"}
sections:
  - {lines: [12, 12], where: ["i == k"]}
---

$$\frac{\partial p_i}{\partial o_k} = p_k (1 - p_k) = \frac{\partial p_k}{\partial o_k}$$
"""


def test_a_condition_on_a_letter_a_line_does_not_use(tmp_path: Path) -> None:
    """Under i == k, a line that only mentions k is checked for every k (some i meets it)."""
    path = tmp_path / "cond.md"
    path.write_text(CONDITION_HEADER)
    steps = check_path(path, Options()).chains[0].steps
    assert [s.status for s in steps] == ["start", "proved", "proved"], [s.message for s in steps]
    path.write_text(CONDITION_HEADER.replace(r"= \frac{\partial p_k}{\partial o_k}",
                                             r"= \frac{\partial p_k}{\partial o_k} + 1"))
    assert check_path(path, Options()).chains[0].steps[-1].status == "refuted"


# A brace under part of a line is typographic: the page shows its content as written, so
# "a - \underbrace{t - a}" shows "a - t - a" and reading it as a bracket would be a guess.
# (line, what its message must say) for braces something binds to; refused, never guessed.
BRACE_BOUND = [
    (r"a - \underbrace{t - a}_{x}", "after a minus sign"),
    (r"a - \underbrace{t + a}_{= 0}", "after a minus sign"),
    (r"a - \overbrace{t + a}^{x}", "after a minus sign"),
    (r"2\underbrace{t + a}_{x}", "after a factor"),
    (r"2\underbrace{-t}_{x}", "after a factor"),
    (r"\sigma(t) \underbrace{t - a}_{x}", "after a factor"),
    (r"\underbrace{t + a}_{x} a", "before a factor"),
    (r"\underbrace{t + a}_{x} \cdot a", "before a factor"),
    (r"\underbrace{t + a}_{x}^{2}", "exponent"),
    (r"\underbrace{t a}_{x}^{2}", "exponent"),
    (r"a / \underbrace{t a}_{x}", "division"),
]
# (line, the same line without the brace, as TeX shows it) where nothing binds to the brace.
BRACE_FREE = [
    (r"a - \underbrace{t}_{x}", r"a - t"),
    (r"a - \underbrace{t a}_{\text{a product}}", r"a - t a"),
    (r"a - \underbrace{-t}_{x}", r"a + t"),
    (r"\underbrace{t + a}_{x} - a", r"t"),
    (r"a + \underbrace{t - a}_{x} + a", r"a + t"),
    (r"a + \overbrace{t - a}^{x}", r"t"),
    (r"2\underbrace{t a}_{x}", r"2 t a"),
    (r"(\underbrace{t - a}_{x}) a", r"(t - a) a"),
    (r"\frac{\underbrace{t + a}_{x}}{2}", r"\frac{t + a}{2}"),
]


@pytest.mark.parametrize(("line", "says"), BRACE_BOUND)
def test_a_brace_something_binds_to_is_refused(tmp_path: Path, line: str, says: str) -> None:
    status, message, _ = _last(tmp_path, "t", line)
    assert status == "unparsed", message
    assert says in message and "write the brackets you mean" in message, message


@pytest.mark.parametrize(("line", "plain"), BRACE_FREE)
def test_a_free_brace_reads_as_its_content(tmp_path: Path, line: str, plain: str) -> None:
    status, message, _ = _last(tmp_path, plain, line)
    assert status == "proved", message


def test_a_line_after_a_refused_brace_is_checked_against_the_last_line_read(
        tmp_path: Path) -> None:
    """linreg_wwwonderer.md, lines 28-31: the line after the refused brace is compared with
    the line before it, never with the misread brace."""
    path = tmp_path / "case.md"
    path.write_text(HEADER + "$$\n(t - a)^2 \\\\\n= t^2 - \\underbrace{t a - a t}_{x} + a^2 "
                    "\\\\\n= t^2 - 2 t a + a^2\n$$\n")
    steps = check_path(path, Options()).chains[0].steps
    assert [s.status for s in steps] == ["start", "unparsed", "proved"], \
        [s.message for s in steps]
    assert steps[2].compared_with == 0
