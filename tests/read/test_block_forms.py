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
from verify.read.latex.source import announced_case, split_document

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
    # prose that says more than a case is no case
    ("Both of these cases can be combined,", ""),
    ("Note that if $i=j$ then we are done", ""),
    (r"where \(h(x^{(i)})\) is sigmoid function of \(x^{(i)}\)", ""),  # real
    ("", ""),
])
def test_announced_case(prose: str, case: str) -> None:
    assert announced_case(prose) == case


def test_case_block_carries_its_case_and_the_next_block_inherits_it() -> None:
    text = "$$a = b$$\nIf $i=j$,\n$$= c \\\\ = d$$\nso\n$$= e$$\nThen\n$$f = g$$\n"
    found = [[(s.text, s.case) for s in chain.steps] for chain in split_document(text)]
    assert found == [[("a", ""), ("b", ""), ("c", "i=j"), ("d", "i=j"), ("e", "i=j")],
                     [("f", ""), ("g", "")]]


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


def test_a_header_section_wins_over_the_prose() -> None:
    text = ZAKARIAPZ.replace("---\n\n", "sections:\n  - lines: [14, 14]\n    where: ['i != j']\n"
                             "---\n\n", 1)
    # the header says i != j on line 14, the i = j block: the header is followed
    assert _verdicts(text)[1][0] == ("i != j",)
