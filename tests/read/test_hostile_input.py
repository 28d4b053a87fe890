"""Hostile and careless input, round two: each input once crashed a run or gave a misleading
message; each now gets a clear refusal (file, line, the construct named) or is read right.

The inputs that are files live in ``tests/data/fuzz_regressions`` (replayed through the worker
pool by ``tests/read/test_fuzz.py``); here each is read and its message checked."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
from pathlib import Path

import pytest
import sympy as sp
import yaml

from tests.paths import DATA
from verify.cli import main
from verify.core.errors import AssignmentError, InputError
from verify.core.limits import DOCUMENT_STEPS, SUM_NUMERIC_LIMIT, YAML_NESTING
from verify.core.printable import printable
from verify.grade.assignment import load_assignment
from verify.model.document import Document
from verify.model.options import Options
from verify.read.encoding import encoding_from_mapping, load_yaml, read_encoding
from verify.read.latex.document import document_from_text, read_latex_document
from verify.run.runner import Limits, LocalPool

REGRESSIONS = DATA / "fuzz_regressions"
HEADER = "---\nsymbols:\n  a: {}\n  b: {}\n  alpha: {}\n---\n"


def steps(document: Document) -> list[tuple[sp.Expr | None, str | None]]:
    return [(s.expr, s.problem) for c in document.chains for s in c.steps]


def read(text: str, name: str = "doc.md") -> Document:
    return document_from_text(text, Path(name))


# ---- 1. a document of too many steps ------------------------------------------------------
def trivial_document(count: int) -> str:
    """``count`` steps of ``a = a`` (two steps per display)."""
    return HEADER + "$$\na = a\n$$\n" * (count // 2)


def test_a_document_above_the_step_limit_is_refused_at_reading() -> None:
    document = read(trivial_document(40_000), "huge.md")
    assert document.chains == ()
    [problem] = document.problems
    assert problem.startswith("huge.md: 40000 steps, more than the "
                              f"{DOCUMENT_STEPS} one document may have")


def test_a_document_at_the_step_limit_is_read() -> None:
    document = read(trivial_document(DOCUMENT_STEPS), "big.md")
    assert not document.problems
    assert sum(len(c.steps) for c in document.chains) == DOCUMENT_STEPS


def test_an_encoding_above_the_step_limit_is_refused() -> None:
    raw = {"notation": {"symbols": {"a": {}}},
           "chains": [{"steps": [{"expr": "a"}] * (DOCUMENT_STEPS + 1)}]}
    document = encoding_from_mapping(raw, "huge.yaml")
    assert document.chains == ()
    assert any(f"{DOCUMENT_STEPS + 1} steps, more than" in p for p in document.problems)


@pytest.mark.slow
def test_one_huge_document_does_not_lose_the_others(tmp_path: Path) -> None:
    huge, good = tmp_path / "huge.md", tmp_path / "good.md"
    huge.write_text(trivial_document(40_000))
    good.write_text(HEADER + "$$\n(a+b)^2 = a^2 + 2ab + b^2\n$$\n")
    out, err = io.StringIO(), io.StringIO()
    main([str(huge), str(good), "--no-cache", "--jobs", "1"], out=out, err=err)
    text = out.getvalue()
    assert "Traceback" not in text + err.getvalue()
    assert f"{good}:8: proved" in text and f"== {good}: 1 proved" in text
    assert f"{huge}: 40000 steps, more than the {DOCUMENT_STEPS}" in text
    assert f"== {huge}: no steps, 1 input error(s)" in text


@pytest.mark.slow
def test_the_runner_waits_in_bounded_slices(tmp_path: Path) -> None:
    """A deadline past what wait() accepts (2**31 ms) once raised OverflowError."""
    good = tmp_path / "good.md"
    good.write_text(HEADER + "$$\n(a+b)^2 = a^2 + 2ab + b^2\n$$\n")
    with LocalPool(jobs=1, limits=Limits(seconds_per_step=1e9)) as pool:
        [result] = pool.run([good], Options(points=4))
    assert [s.status.value for s in result.all_steps()] == ["start", "proved"]


# ---- 2. letters and digits beyond ASCII inside maths --------------------------------------
@pytest.mark.parametrize(("unicode", "ascii_"), [
    ("(a + α)² = a² + 2aα + α^2", r"(a + \alpha)^2 = a^{2} + 2a\alpha + \alpha^2"),
    ("αb - b³ + a⁻¹", r"\alpha b - b^{3} + a^{-1}"),
])
def test_greek_letters_and_scripts_read_as_their_commands(unicode: str, ascii_: str) -> None:
    read_unicode = steps(read(HEADER + f"$$\n{unicode}\n$$\n"))
    assert read_unicode == steps(read(HEADER + f"$$\n{ascii_}\n$$\n"))
    assert all(problem is None for _, problem in read_unicode)


@pytest.mark.parametrize(("char", "name"), [
    ("é", "U+00E9 (LATIN SMALL LETTER E WITH ACUTE)"),
    ("а", "U+0430 (CYRILLIC SMALL LETTER A)"),     # looks like a Latin a
    ("Α", "U+0391 (GREEK CAPITAL LETTER ALPHA)"),  # looks like a Latin A: no command
    ("½", "U+00BD (VULGAR FRACTION ONE HALF)"),
    ("٣", "U+0663 (ARABIC-INDIC DIGIT THREE)"),
    ("e\u0301", "U+0301 (COMBINING ACUTE ACCENT)"),
])
def test_other_letters_and_digits_are_refused_named(char: str, name: str) -> None:
    [(expr, problem)] = steps(read(HEADER + f"$$\na + {char}\n$$\n", "u.md"))
    assert expr is None and problem is not None
    assert problem.startswith(f"u.md:8: the character {name} is not read")


# ---- 3. YAML and definitions the readers once failed on -----------------------------------
@pytest.mark.parametrize(("file", "message"), [
    ("yaml_set_tag.md", "yaml_set_tag.md:4: malformed YAML: the YAML tag !!set is not allowed"),
    ("yaml_deep_nesting.md",
     f"yaml_deep_nesting.md:4: malformed YAML: YAML nested deeper than {YAML_NESTING} levels"),
    ("recursive_definition.md", "recursive_definition.md:7: definition 'g' uses itself "
                                "through 'h': a recursive definition never finishes expanding"),
    ("yaml_deep_nesting.yaml",
     f"yaml_deep_nesting.yaml:3: malformed YAML: YAML nested deeper than {YAML_NESTING} levels"),
    ("assignment_alias_bomb.yaml", "assignment_alias_bomb.yaml:9: malformed YAML: YAML "
                                   "aliases (*name) are not allowed"),
    ("yaml_bad_int.yaml", "yaml_bad_int.yaml:1: malformed YAML: a value that cannot be read"),
])
def test_header_and_encoding_problems_are_named(file: str, message: str) -> None:
    path = REGRESSIONS / file
    document = read_encoding(path) if path.suffix == ".yaml" else read_latex_document(path)
    assert any(f"/{message}" in p for p in document.problems), document.problems
    assert not any(s.internal_error for c in document.chains for s in c.steps)


@pytest.mark.parametrize(("definitions", "message"), [
    ({"f": {"params": ["v"], "body": "f(v) + 1"}}, "definition 'f' uses itself in its body"),
    ({"c": {"body": "2 * c"}}, "definition 'c' uses itself in its body"),
    ({"W": {"index": ["k"], "body": "W[k] + 1"}}, "definition 'W' uses itself in its body"),
    ({"g": {"params": ["v"], "body": "h(v)"}, "h": {"params": ["v"], "body": "q(v)"},
      "q": {"params": ["v"], "body": "g(v) + v"}},
     "definition 'g' uses itself through 'h' -> 'q'"),
])
def test_recursive_definitions_are_refused_named(definitions: dict[str, object],
                                                 message: str) -> None:
    raw = {"notation": {"sizes": {"K": [2]}, "indices": {"k": "K"}, "symbols": {"a": {}},
                        "definitions": definitions}, "chains": []}
    document = encoding_from_mapping(raw, "rec.yaml")
    assert any(message in p for p in document.problems), document.problems


def test_a_parameter_named_like_a_definition_is_no_recursion() -> None:
    raw = {"notation": {"symbols": {"a": {}}, "definitions": {
        "v": {"body": "a + 1"}, "f": {"params": ["v"], "body": "v * 2"}}}, "chains": []}
    assert not encoding_from_mapping(raw, "ok.yaml").problems


@pytest.mark.parametrize("text", ["symbols: [a, b]", "indices: [i]", "definitions: [f]",
                                  "symbols: !!omap [{a: {}}]", "title: !!binary aGk=",
                                  "symbols: !thing {a: {}}"])
def test_wrong_types_in_a_header_are_notation_errors(text: str) -> None:
    document = read(f"---\n{text}\n---\n$$\na = a\n$$\n", "t.md")
    [problem] = [p for p in document.problems if "undeclared" not in p]
    assert problem.startswith("t.md:2: "), problem
    assert not re.search(r"\b[A-Z]\w*Error\b", problem), problem


# ---- 4. messages that once misled ---------------------------------------------------------
def test_a_large_upper_limit_of_a_sum_says_so() -> None:
    [(expr, problem)] = steps(read(HEADER + "$$\n\\sum_{i=1}^{100000} a\n$$\n", "s.md"))
    assert expr is None
    assert problem == (f"s.md:8: the upper limit of a sum or product is a number above "
                       f"{SUM_NUMERIC_LIMIT} at '\\sum_{{i=1}}^{{100000}}': the checks "
                       "expand it term by term")
    [(_, power)] = steps(read(HEADER + "$$\na^{100}\n$$\n"))
    assert power is not None and "a numeric exponent above" in power


@pytest.mark.parametrize("file", ["bom.md", "cr_line_ends.md"])
def test_a_byte_order_mark_and_cr_line_ends_are_read(file: str) -> None:
    document = read_latex_document(REGRESSIONS / file)
    assert not document.problems
    [chain] = document.chains
    assert [s.location.line for s in chain.steps] == [8, 8]
    assert all(s.expr is not None for s in chain.steps)


# ---- 5. what reaches the terminal ---------------------------------------------------------
@pytest.mark.parametrize(("raw", "shown"), [
    ("plain é α \\alpha", "plain é α \\alpha"),
    ("a\x1b[2Jb", "a\\x1b[2Jb"),
    ("two\nlines\r", "two\\nlines\\r"),
    ("bidi\u202eoverride\u2028", "bidi\\u202eoverride\\u2028"),
    ("c1\x9b31m", "c1\\x9b31m"),
])
def test_printable_escapes_control_characters(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@pytest.mark.slow
def test_hostile_file_names_are_printed_escaped(tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b[2J\nname.md"
    path.write_text(HEADER + "$$\na = a\n$$\n")
    out = io.StringIO()
    main([str(path), "--no-cache", "--jobs", "1"], out=out, err=io.StringIO())
    text = out.getvalue()
    assert "\x1b" not in text
    lines = text.splitlines()
    assert len(lines) == 3 and all("evil\\x1b[2J\\nname.md" in line for line in lines)


# ---- 6. the assignment file, guarded as a submission --------------------------------------
def bomb(levels: int) -> str:
    anchors = ['  - &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'] + [
        f"  - &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return "\n".join(anchors)


@pytest.mark.parametrize("where", ["assumptions", "latex"])
def test_an_assignment_alias_bomb_is_refused_at_once(tmp_path: Path, where: str) -> None:
    body = (f"anchors:\n{bomb(10)}\nnotation:\n  symbols:\n    a: {{latex: *l9}}\n"
            if where == "latex" else
            f"anchors:\n{bomb(10)}\nnotation:\n  symbols: {{a: {{}}}}\n  assumptions: *l9\n")
    path = tmp_path / "assignment.yaml"
    path.write_text(body + 'problem: "a"\nexpected: "a"\n')
    assert path.stat().st_size < 1300
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(AssignmentError, match=r"YAML aliases \(\*name\) are not allowed") as error:
        load_assignment(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.monotonic() - started < 2 and peak < 50 * 2**20
    assert error.value.location is not None and error.value.location.line == 3


@pytest.mark.parametrize(("text", "message"), [
    ("notation:\n  symbols:\n    a: " + "[" * 10_000, f"nested deeper than {YAML_NESTING}"),
    ("notation: !!set {a}", "the YAML tag !!set is not allowed"),
])
def test_an_assignment_is_read_with_the_header_loader(tmp_path: Path, text: str,
                                                      message: str) -> None:
    path = tmp_path / "assignment.yaml"
    path.write_text(text + '\nproblem: "a"\nexpected: "a"\n')
    with pytest.raises(AssignmentError, match=re.escape(message)):
        load_assignment(path)


def test_an_assignment_with_a_recursive_definition_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "assignment.yaml"
    path.write_text(yaml.safe_dump({
        "notation": {"symbols": {"a": {}},
                     "definitions": {"f": {"params": ["v"], "body": "f(v)"}}},
        "problem": "a", "expected": "a"}))
    with pytest.raises(AssignmentError, match="definition 'f' uses itself"):
        load_assignment(path)


def test_load_yaml_refusals_are_input_errors_at_their_line() -> None:
    with pytest.raises(InputError) as error:
        load_yaml("a: 1\nb: " + "[" * 100, "x.yaml", first_line=10)
    assert str(error.value).startswith("x.yaml:11: malformed YAML: YAML nested deeper")
