"""Gradescope's feedback in its ``md`` format (verify/grade/markdown.py): the mathematics as plain
text in code spans, every other Markdown character escaped, so that what the student reads is
what was meant, never an italic, a link, a heading, a list or HTML made from their LaTeX."""

from __future__ import annotations

import re

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from tests.grade.test_feedback import SCHEMA, graded
from verify.grade.markdown import code, inline, paragraphs
from verify.grade.outputs import gradescope_results

LINES = [
    # ours: diagnoses and counterexamples in LaTeX between dollars
    (r"this line is $N$ times the line before: a factor $\frac{1}{N}$ was lost",
     "this line is `N` times the line before: a factor `1/N` was lost"),
    (r"the sides differ at K=2, $y_{1,1} = 1$: before (-1.0155), after (-2.031)",
     "the sides differ at K=2, `y_(1,1) = 1`: before (-1.0155), after (-2.031)"),
    (r"Read as: $\sum_{i=1}^{N} \left(p_{i,j} - y_{i,j}\right) \cdot \mathbf{x}_{i}$",
     "Read as: `Σ_(i=1)^N (p_(i,j) - y_(i,j)) · x_i`"),
    # a student's source quoted in a reason: shown as written
    (r"undeclared symbol \theta at '\theta_j^{T}'",
     r"undeclared symbol \\theta at '\\theta\_j^{T}'"),
    ("a *bold* [link](x) <b>tag</b> & `code` | ~x~",
     r"a \*bold\* \[link\](x) \<b\>tag\</b\> \& \`code\` \| \~x\~"),
    # a line that would start a list, a heading or a quote; a number that would not
    ("- not an item", r"\- not an item"),
    ("1. not an item", r"1\. not an item"),
    ("# not a heading", r"\# not a heading"),
    ("> not a quote", r"\> not a quote"),
    ("2.5 / 10 points.", "2.5 / 10 points."),
    ("    indented\nover two lines", "indented over two lines"),
    ("an unpaired $ stays", "an unpaired $ stays"),
]


def test_each_line_is_shown_as_meant() -> None:
    assert [inline(text) for text, _ in LINES] == [shown for _, shown in LINES]


def test_a_code_span_holds_any_backticks() -> None:
    assert code("x_1") == "`x_1`"
    assert code("a``b") == "```a``b```"
    assert code("`x") == "`` `x ``"
    assert code("  ") == ""


def test_paragraphs_and_the_review_list() -> None:
    assert paragraphs(["6 / 10 points.", "", "To be reviewed by hand:"],
                      ["step 7 could not be read", "- a dash"]) == \
        "6 / 10 points.\n\nTo be reviewed by hand:\n\n- step 7 could not be read\n- \\- a dash"


def unescaped(shown: str) -> str:
    """The characters of ``shown`` that a CommonMark reader takes as Markdown: outside code
    spans (a run of backticks to the next run as long) and not after a backslash."""
    out, at = [], 0
    while at < len(shown):
        if shown[at] == "\\":
            at += 2
            continue
        run = re.match(r"`+", shown[at:])
        if run:
            close = shown.find(run.group(0), at + len(run.group(0)))
            assert close > 0, f"an unclosed code span in {shown!r}"
            at = close + len(run.group(0))
            continue
        out.append(shown[at])
        at += 1
    return "".join(out)


@given(st.text(alphabet=st.sampled_from(list("ab $\\`*_[]<>#|~&-+1.\n{}^")), max_size=40))
def test_outside_code_spans_every_markdown_character_is_escaped(text: str) -> None:
    shown = inline(text)
    assert "\n" not in shown
    assert not set(unescaped(shown)) & set("\\`*_[]<>#|~&"), (text, shown)


def test_results_json_is_markdown_and_validates() -> None:
    data = gradescope_results(graded(), "visible")
    jsonschema.validate(data, SCHEMA)
    assert data["output_format"] == data["test_output_format"] == "md"
    assert all(t["output_format"] == "md" for t in data["tests"])
    texts = [data["output"], *(t["output"] for t in data["tests"])]
    assert not any("$" in text or "\\frac" in text for text in texts)
    assert "$" in data["extra_data"]["feedback"][0]["message"]   # the LaTeX kept for the instructor
