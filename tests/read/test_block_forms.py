r"""Document structure as people write it: a case announced in prose before a block that goes on
with ``=`` ("If $i=j$," then ``= ...``), and the block forms of plain TeX and old LaTeX
(``\eqalign{... \cr ...}``, ``eqnarray`` with ``&=&``, ``=&``, ``\\[2ex]``, a relation with a
label over it, size switches, an ``array{rcl}`` used as an equation layout).  LaTeX in, the
chains of (relation, step LaTeX) out; and whole documents checked.  Rows marked "real" are
copied from tests/data/real/ or tests/data/corpus/."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.api import check_text
from verify.read.latex.document import document_from_text
from verify.read.latex.source import announced_case, row_condition, split_document

SOFTMAX = r"""---
sizes: {C: [2, 3]}
indices: {i: C, j: C, k: C}
symbols:
  a: {shape: [C]}
definitions:
  p: {index: [j], body: "exp(a[j]) / Sum(exp(a[k]), (k, 1, C))", latex: ['p']}
---
"""


def chains(text: str, suffix: str = ".md") -> list[list[tuple[str, str]]]:
    return [[(s.relation, s.text) for s in chain.steps] for chain in split_document(text, suffix)]


@pytest.mark.parametrize(("prose", "case"), [
    (r"If \(i=j\),", "i=j"),                              # real: softmax_ce_zakariapz.md
    ("And if \\(i \\neq j\\),\n", r"i \neq j"),          # real: softmax_ce_zakariapz.md
    ("If $i = k$,", "i = k"),                            # real: softmax_ce_sunhaozhe.md
    ("Case 2: $k \\neq i$.", r"k \neq i"),
    ("**Case 1:** $i = k$", "i = k"),
    ("For $i = j$ we get", "i = j"),
    ("In the case where $i \\ne j$:", r"i \ne j"),
    ("Case 1 ($i = j$):", "i = j"),
    ("### Case 2: $i \\neq j$", r"i \neq j"),
    ("For the case $j = i$, we have that", "j = i"),
    # a lead-in clause or two before the case (real: logsoftmax_mnn.md)
    ("Therefore, for the log-softmax function, when $i = k$, we have", "i = k"),
    ("and when $i \\not= k$, ", r"i \not= k"),             # real: logsoftmax_mnn.md
    # prose that says more than a case is no case
    ("Both of these cases can be combined,", ""),
    ("Note that if $i=j$ then we are done", ""),
    ("We compute, and it is clear, that $x = 1$", ""),
    ("Otherwise,", r"\text{otherwise}"),      # a case, but none the reader can use
    (r"where \(h(x^{(i)})\) is sigmoid function of \(x^{(i)}\)", ""),  # real
    ("", ""),
    # the paragraph right before the block announces it (softmax_ce_postnetwork.md)
    ("\n[Insert Neural Network Diagram Here]\n\nCase 2: \\(i \\neq j\\)\n\n", r"i \neq j"),
    ("Case 2: $i \\neq j$\n\nThe Jacobian has these entries:\n", ""),
])
def test_announced_case(prose: str, case: str) -> None:
    assert announced_case(prose) == case


@pytest.mark.parametrize(("block", "case"), [
    # a fresh real post (a deep-learning demo's README) writes each case after its formula
    (r" \frac{\partial a_j}{\partial z_i} = a_i(1 - a_i), \quad i = j ", "i = j"),
    (r" \frac{\partial a_j}{\partial z_i} = -a_i a_j,\quad i \neq j. ", r"i \neq j"),
    (r"x \qquad \text{if } k \ne i", r"k \ne i"),
    (r"f = g \quad (i = j)", "i = j"),
    # not a case: two rows, letters that are no index letters, a condition inside a group
    (r"a = b \\ = c \quad i = j", ""),
    (r"a = b \quad x = y", ""),
    (r"a = \left( b \quad i = j \right)", ""),
    (r"a = b \quad i = j + 1", ""),
])
def test_row_condition(block: str, case: str) -> None:
    assert row_condition(block) == case


def test_a_row_condition_is_the_block_case() -> None:
    text = SOFTMAX + (r"$$ \frac{\partial p_j}{\partial a_i} = p_i(1 - p_i), \quad i = j $$"
                      "\n\n"
                      r"$$ \frac{\partial p_j}{\partial a_i} = -p_i p_j,\quad i \neq j. $$"
                      "\n\n"
                      r"$$ \frac{\partial p_j}{\partial a_i} = -p_i p_i,\quad i \neq j. $$"
                      "\n")
    result = check_text(text, cache=False).document
    assert [s.status.value for c in result.chains for s in c.steps[1:]] == \
        ["proved", "proved", "refuted"]


def test_case_block_carries_its_case_and_the_next_block_inherits_it() -> None:
    text = "$$a = b$$\nIf $i=j$,\n$$= c \\\\ = d$$\nso\n$$= e$$\nThen\n$$f = g$$\n"
    found = [[(s.text, s.case) for s in chain.steps] for chain in split_document(text)]
    assert found == [[("a", ""), ("b", ""), ("c", "i=j"), ("d", "i=j"), ("e", "i=j")],
                     [("f", ""), ("g", "")]]


def test_prose_speaking_of_cases_ends_the_case() -> None:
    text = "$$a = b$$\nIf $i=j$,\n$$= c$$\nBoth of these cases can be combined,\n$$= e$$\n"
    found = [[(s.text, s.case) for s in chain.steps] for chain in split_document(text)]
    assert found == [[("a", ""), ("b", ""), ("c", "i=j"), ("e", "")]]


# real: softmax_ce_zakariapz.md lines 29-31, its two case blocks starting with '='
ZAKARIAPZ = SOFTMAX + "\n".join((
    "",
    r"\[ \frac{\partial p_j}{\partial a_i} = \frac{\partial }{\partial a_i} "
    r"\frac{\exp( a_j)}{\sum_k^C \exp(a_k)} \] If \(i=j\),",
    r"\[ = \frac{\partial }{\partial a_j} \frac{\exp( a_j)}{\sum_k^C \exp(a_k)} \\ "
    r"= p_j -p_j^2 \] And if \(i \neq j\),",
    r"\[ = \exp( a_j) \frac{\partial }{\partial a_i}\left(\sum_k^C \exp(a_k) \right)^{-1} "
    r"\\ = -p_jp_i. \\ \]", ""))


def _verdicts(text: str) -> list[tuple[tuple[str, ...], list[tuple[int, str]]]]:
    result = check_text(text, cache=False).document
    return [(chain.where, [(s.location.line, s.status.value) for s in chain.steps[1:]])
            for chain in result.chains]


def test_case_blocks_go_on_from_the_chain_head_under_their_case() -> None:
    found = _verdicts(ZAKARIAPZ)
    assert found == [
        ((), [(10, "proved")]),
        (("i == j",), [(11, "proved"), (11, "proved")]),
        (("i != j",), [(12, "proved"), (12, "proved")])]


def test_a_wrong_step_under_its_case_is_still_refuted() -> None:
    wrong = ZAKARIAPZ.replace(r"= -p_jp_i.", r"= p_jp_i.")
    assert _verdicts(wrong)[2] == (("i != j",), [(12, "proved"), (12, "refuted")])


def test_a_case_the_reader_cannot_use_is_checked_within_itself() -> None:
    text = SOFTMAX + r"""
$$p_j = \frac{\exp( a_j)}{\sum_k^C \exp(a_k)}$$
If $a_j > 0$,
$$= \frac{\exp( a_j)}{\sum_k^C \exp(a_k)} = \frac{\exp( a_j)}{\sum_k^C \exp(a_k)}$$
"""
    document = document_from_text(text, Path("case.md"))
    assert [[s.latex for s in chain.steps] for chain in document.chains] == [
        ["p_j", r"\frac{\exp( a_j)}{\sum_k^C \exp(a_k)}"],
        [r"\frac{\exp( a_j)}{\sum_k^C \exp(a_k)}", r"\frac{\exp( a_j)}{\sum_k^C \exp(a_k)}"]]
    assert "checked within itself" in document.chains[1].note
    assert [s.status.value for c in check_text(text, cache=False).document.chains
            for s in c.steps[1:]] == ["proved", "proved"]


def test_otherwise_is_a_case_checked_within_itself() -> None:
    text = ZAKARIAPZ.replace(r"And if \(i \neq j\),", "Otherwise,")
    document = document_from_text(text, Path("case.md"))
    assert document.chains[2].steps[0].latex.startswith(r"\exp( a_j)")
    assert "'Otherwise', a case the reader cannot use" in document.chains[2].note
    assert [s.status.value for s in check_text(text, cache=False).document.chains[1].steps[1:]
            ] == ["proved", "proved"]


def test_a_header_section_wins_over_the_prose() -> None:
    text = ZAKARIAPZ.replace("---\n\n", "sections:\n  - lines: [14, 14]\n    where: ['i != j']\n"
                             "---\n\n", 1)
    # the header says i != j on line 14, the i = j block: the header is followed
    assert _verdicts(text)[1][0] == ("i != j",)


# --- block forms ------------------------------------------------------------------------------

@pytest.mark.parametrize(("block", "expected"), [
    # real: frob_xat_newbetuts229422.md line 41 (plain TeX's \eqalign, rows ended by \cr)
    (r"$$\eqalign{ f &= \frac{1}{2}\,M:M \cr df &= M:dM \cr &= M:dX\,A^T \cr }$$",
     [[("", "f"), ("=", r"\frac{1}{2}\,M:M")],
      [("", "df"), ("=", "M:dM"), ("=", r"M:dX\,A^T")]]),
    # real: frob_xtx_techqa.md line 13 (\eqalign with a space, an empty row \cr\cr)
    (r"$$ \eqalign { f &= \|M\|^2_F = M:M \cr\cr df &= 2\,M:dM }$$",
     [[("", "f"), ("=", r"\|M\|^2_F"), ("=", "M:M")], [("", "df"), ("=", r"2\,M:dM")]]),
    (r"\begin{eqnarray} a &=& b \\ &=& c \nonumber \end{eqnarray}",
     [[("", "a"), ("=", "b"), ("=", "c")]]),
    # aligned, gathered, alignat outside any $$ (Markdown's MathJax renders them: a real post
    # of an R Markdown blog writes its sigmoid derivations so)
    ("\\begin{aligned}\na &= b \\\\\n&= c \\\\\n\\end{aligned}",
     [[("", "a"), ("=", "b"), ("=", "c")]]),
    (r"\begin{alignat}{2} a &= b \\ &= c \end{alignat}", [[("", "a"), ("=", "b"), ("=", "c")]]),
    (r"\begin{gathered} a = b \end{gathered}", [[("", "a"), ("=", "b")]]),
    # an implication arrow after words starts the row's equation (a fresh real post: "\text{Base
    # on (3), (4)} => \dfrac{d}{dz_i}..."), never split at the '=' of '=>'
    (r"\begin{aligned} \text{Base on (3)} => a &= b \\ &= c \end{aligned}",
     [[("", "a"), ("=", "b"), ("=", "c")]]),
    (r"\begin{aligned} \Rightarrow a &= b \end{aligned}", [[("", "a"), ("=", "b")]]),
    # real: ridge_segment_techqa4293920.md line 29 ('=&', the sign before the column)
    (r"\begin{align} f(\beta)=&\frac{1}{2}x \\ =& y \end{align}",
     [[("", r"f(\beta)"), ("=", r"\frac{1}{2}x"), ("=", "y")]]),
    # real: sigmoid_mikelmg.md (corpus) row options \\[1em]
    (r"\begin{align} a &= b \\[2ex] &= c \\[1em] &= d \end{align}",
     [[("", "a"), ("=", "b"), ("=", "c"), ("=", "d")]]),
    # a relation with a label over it: '=' (':=' under 'def', a triangle)
    (r"$$a \stackrel{(a)}{=} b \overset{\text{def}}{=} c \overset{\triangle}{=} d$$",
     [[("", "a"), ("=", "b"), (":=", "c"), (":=", "d")]]),
    # real: lsq_mlcourse.md lines 26-28 (\Large, an array{rcl} laid out as equations)
    ("$$\\Large \\begin{array}{rcl}L &=& \\frac{1}{2n} a \\\\\n&=& b \\\\\n&=& c\n"
     "\\end{array}$$",
     [[("", "L"), ("=", r"\frac{1}{2n} a"), ("=", "b"), ("=", "c")]]),
    # real: tanh_specialfunctions.md line 18 (array{ll})
    (r"$$\begin{array}{ll} t &= u \\ &= v, \end{array}$$", [[("", "t"), ("=", "u"),
                                                           ("=", "v,")]]),
    (r"$$\small a = \large b$$", [[("", "a"), ("=", "b")]]),
    # real: frob_xat_newbetuts229422.md line 37: a row '& \qquad + ...' goes on with the
    # expression of the row before
    (r"\begin{align} a &= b + c \\ &\qquad + d \\ &= e \end{align}",
     [[("", "a"), ("=", "b + c     \\qquad + d"), ("=", "e")]]),
    # real: mse_imathworks.md (corpus): a row whose left side is only words goes on from the
    # row before, the words its note
    (r"\begin{align} a &= b \\ \text{(chain rule)} &= c \\ &= d \end{align}",
     [[("", "a"), ("=", "b"), ("=", "c"), ("=", "d")]]),
    # one word in text type may be a name the notation spells: a new equation, as before
    (r"\begin{align} a &= b \\ \text{Cost} &= c \end{align}",
     [[("", "a"), ("=", "b")], [("", r"\text{Cost}"), ("=", "c")]]),
])
def test_block_forms_read_row_by_row(block: str, expected: list[list[tuple[str, str]]]) -> None:
    assert chains(block) == expected


@pytest.mark.parametrize("block", [
    # an array whose middle column is not a relation is a matrix, left as written
    r"$$\begin{array}{rcl} a & b & c \\ d & e & f \end{array}$$",
    # real: lsq_mlcourse.md line 56: equations joined by \Leftrightarrow are no chain of steps
    r"$$\begin{array}{rcl} L = 0 &\Leftrightarrow& b = 0 \end{array}$$",
    # an array with other columns, or inside an expression
    r"$$\begin{array}{cc} a & b \end{array}$$",
    r"$$x = \left(\begin{array}{rcl} a &=& b \end{array}\right)$$",
    # an \eqalign never closed stays as written
    r"$$\eqalign{ a &= b \cr$$",
])
def test_layouts_that_are_not_equations_stay_as_written(block: str) -> None:
    found = chains(block)
    assert any("array" in text or "eqalign" in text for chain in found for _, text in chain)


def test_the_label_over_a_relation_is_the_step_note() -> None:
    steps = split_document(r"$$a \stackrel{(a)}{=} b \overset{??}{=} c = d$$")[0].steps
    assert [s.note for s in steps] == ["", "over the '=': (a)", "over the '=': ??", ""]


SCALAR = "---\nsymbols:\n  x: {}\n  t: {}\n---\n"


@pytest.mark.parametrize(("block", "verdicts"), [
    (r"$$\eqalign{ (x+1)^2 &= x^2 + 2x + 1 \cr &= x^2 + 1 }$$",
     ["proved", "refuted"]),
    ("\\begin{eqnarray} (x+1)^2 &=& x^2 + 2x + 1 \\\\[2ex] &=& x(x+2) + 1 \\end{eqnarray}",
     ["proved", "proved"]),
    (r"$$\Large \begin{array}{rcl} \exp(2t) &=& \exp(t)^2 \\ &=& \exp(t) \end{array}$$",
     ["proved", "refuted"]),
    (r"$$(x+1)^2 \stackrel{(a)}{=} x^2 + 2x + 1 \overset{(b)}{=} x^2 + 2x$$",
     ["proved", "refuted"]),
    (r"\begin{align} (x-1)^2 =& x^2 - 2x + 1 \\ =& (1-x)^2 \end{align}",
     ["proved", "proved"]),
])
def test_block_forms_checked(block: str, verdicts: list[str]) -> None:
    result = check_text(SCALAR + block + "\n", cache=False).document
    assert [s.status.value for c in result.chains for s in c.steps[1:]] == verdicts
