"""Splitting documents into chains of raw steps: forms, labels, notes, lines."""

from __future__ import annotations

from tests.paths import DATA, seed_text
from verify.read.latex.source import split_document

DATA = DATA / "latex"


def steps_of(text: str, suffix: str = ".md") -> list[list[tuple[str, int, str | None, str]]]:
    return [[(s.text, s.line, s.label, s.note) for s in chain.steps]
            for chain in split_document(text, suffix)]


def test_dollar_chain_and_lines() -> None:
    text = "intro\n\n$$a = b\n= c$$\n"
    assert steps_of(text) == [[("a", 3, None, ""), ("b", 3, None, ""), ("c", 4, None, "")]]


def test_block_starting_with_equals_continues_and_prose_is_note() -> None:
    text = "$$a$$\n\n[Cancel terms]\n\n$$= b$$\n\n$$c = d$$\n"
    chains = steps_of(text)
    assert chains == [[("a", 1, None, ""), ("b", 5, None, "Cancel terms")],
                      [("c", 7, None, ""), ("d", 7, None, "")]]


def test_quad_annotation_and_trailing_number() -> None:
    text = r"$$a = b \quad \text{Apply chain rule on } z_j \quad (1)$$"
    assert steps_of(text) == [[("a", 1, "(1)", ""), ("b", 1, "(1)", "Apply chain rule on z_j")]]


def test_annotation_with_equals_is_not_split() -> None:
    text = r"$$a = b \quad \text{split up special case of } k = j \quad (6)$$"
    assert [s[0] for s in steps_of(text)[0]] == ["a", "b"]


def test_label_on_next_line_and_tag() -> None:
    text = "$$a \\tag{1}$$\n\n$$= b$$\n(2)\n"
    assert steps_of(text) == [[("a", 1, "(1)", ""), ("b", 3, "(2)", "")]]


def test_trailing_equals_opens_chain() -> None:
    text = "$$a = \\quad (3)$$\n\n$$= b \\quad (4)$$"
    assert steps_of(text) == [[("a", 1, "(3)", ""), ("b", 3, "(4)", "")]]


def test_definition_relation() -> None:
    chain = split_document(r"$$s := P = q$$")[0]
    assert [s.relation for s in chain.steps] == ["", ":=", "="]


def test_equals_inside_groups_do_not_split() -> None:
    text = r"$$P(y=k) = \sum_{k=1}^K 1_{\{y = k\}} = \begin{cases} 1 & y = k \\ 0 \end{cases}$$"
    assert len(steps_of(text)[0]) == 3


def test_label_only_block_is_no_step() -> None:
    assert steps_of("$$(13)$$") == []


def test_tex_environments() -> None:
    chains = steps_of((DATA / "aligned.tex").read_text(), ".tex")
    assert [[(t, line, label) for t, line, label, _ in c] for c in chains] == [
        [("a", 13, "(eq:first)"), ("a + b - b", 13, "(eq:first)"), ("2a - a", 14, "(eq:first)")],
        [(r"\sum_{k=1}^{K} y_k", 16, r"(\star)"), (r"\sum_{j=1}^{K} y_j", 16, r"(\star)")],
        [("b", 19, None), ("b", 19, None)],
        [("a", 20, None), ("a", 20, None)],
    ]


def test_seed_000_chains() -> None:
    chains = split_document(seed_text("000_561a27f6dc100100"))
    assert [len(c.steps) for c in chains] == [6, 3, 6]
    assert [s.label for s in chains[0].steps] == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]
    assert [s.line for s in chains[0].steps] == [1, 3, 6, 9, 12, 14]


def test_seed_002_labels_and_notes() -> None:
    chains = split_document(seed_text("002_51a9bad641ab4da6"))
    third = chains[2].steps
    assert [s.label for s in third] == [f"({n})" for n in range(3, 13)]
    assert third[1].note == "Apply derivative rule for logs"


def test_seed_003_notes_between_blocks() -> None:
    chain = split_document(seed_text("003_4fc6b41a1466133b"))[0]
    assert len(chain.steps) == 13
    assert chain.steps[3].note == "Apply chain rule"
    assert chain.steps[3].line == 10


def test_code_fence_is_ignored() -> None:
    assert steps_of("```\n$$a = b$$\n```\n") == []
