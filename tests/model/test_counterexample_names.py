"""Counterexamples name their variables in the document's LaTeX: each concrete variable the
concretizer makes stands for one declared component (verify.model.notation.component_of), written by
the renderer in the notation's first spelling (verify.model.reading.variable).  A table of concrete
names and their LaTeX; the inverse checked against every variable a concretizer makes; golden
refuted lines of the seeds; the JSON, the report and grading feedback; cached judgements stay
spelling-free."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sympy as sp

from tests.helpers import NOTATION, chain_document
from tests.paths import DATA, ROOT, SCHEMA_PATH
from verify.check.concretize import Concretizer
from verify.cli import main
from verify.core.errors import Location
from verify.model.notation import Component, Notation, SymbolDecl, component_of
from verify.model.reading import spelled, spelled_diagnosis, variable, with_names
from verify.model.verdict import ChainResult, Counterexample, DocumentResult, Status, StepVerdict
from verify.pipeline import Options, check_document
from verify.read.encoding import encoding_from_mapping
from verify.report.tex import render_document

SCHEMA = json.loads(SCHEMA_PATH.read_text())

SPELLED: dict[str, Any] = {
    **NOTATION,
    "indices": {**NOTATION["indices"], "kp": "K"},
    "symbols": {**NOTATION["symbols"],
                "w": {"family": ["K"], "shape": ["n"], "latex": [r"\mathbf{w}", "w"]},
                "x": {"family": ["N"], "shape": ["n"], "latex": [r"\mathbf{x}^{(i)}"]},
                "y1": {"shape": ["K"], "kind": "onehot", "latex": ["y_k", "y_j"]},
                "lam": {"kind": "positive", "latex": [r"\lambda"]},
                "C": {"shape": ["n", "n"], "latex": [r"\boldsymbol{C}"]}},
}


def _notation(spec: dict[str, Any] = SPELLED) -> Notation:
    return encoding_from_mapping(chain_document("t", notation=spec), "t.yaml").notation


# (concrete name, the component it stands for, its LaTeX in SPELLED's spellings)
TABLE: list[tuple[str, Component | None, str | None]] = [
    ("t", Component("t", ()), "t"),
    ("lam", Component("lam", ()), r"\lambda"),
    ("w_1_2", Component("w", (1, 2)), r"\mathbf{w}_{1,2}"),
    ("x_2_1", Component("x", (2, 1)), r"\mathbf{x}^{(2)}_{1}"),   # the sample superscript
    ("y_1_2", Component("y", (1, 2)), "y_{1,2}"),                  # no spelling: its name
    ("y1_2", Component("y1", (2,)), "y_{2}"),                      # spelled y_k: base y
    ("x1_3", Component("x1", (3,)), r"\mathrm{x1}_{3}"),           # no spelling, never x_1
    ("C_2_1", Component("C", (2, 1)), r"\boldsymbol{C}_{2,1}"),
    ("lab_1_is_3", Component("lab", (1,), 3), r"1_{\{\mathrm{lab}_{1} = 3\}}"),
    ("w_1", None, None),             # too few numbers for a member's entry
    ("w_1_2_3", None, None),         # too many
    ("lab_1_2", None, None),         # a label has indicators, not entries
    ("t_1", None, None),             # a scalar has no components
    ("_t1", None, None),             # a derivative's stand-in
    ("nosuch", None, None),
]


@pytest.mark.parametrize(("name", "component", "latex"), TABLE, ids=[r[0] for r in TABLE])
def test_each_concrete_variable_is_named_in_the_documents_latex(
        name: str, component: Component | None, latex: str | None) -> None:
    notation = _notation()
    assert component_of(name, notation.symbols) == component
    assert variable(name, notation) == latex


def test_every_variable_a_concretizer_makes_is_its_own_components_inverse() -> None:
    """Each concrete variable of every declared symbol at every size maps back to the symbol
    it was made for, with as many numbers as its family and shape have axes."""
    notation = _notation()
    for sizes in ({"K": 2, "N": 1, "n": 2}, {"K": 3, "N": 2, "n": 3}):
        concretizer = Concretizer(notation, sizes)
        expected = 0
        for decl in notation.symbols.values():
            members = [()] if not decl.family else \
                [(f,) for f in range(1, sizes[decl.family[0]] + 1)]
            for family in members:
                if decl.kind == "label":
                    assert decl.classes is not None
                    concretizer._label_indicators(decl, family)
                    expected += sizes[decl.classes]
                else:
                    concretizer._component_block(decl, family)
                    expected += int(sp.prod([sizes[axis] for axis in decl.shape]))
        made = concretizer.variables
        assert len(made) == expected
        for concrete in made:
            found = component_of(concrete, notation.symbols)
            assert found is not None, concrete
            assert found.symbol == concretizer._owners[concrete], concrete
            decl = notation.symbols[found.symbol]
            axes = len(decl.family) + (0 if decl.kind == "label" else len(decl.shape))
            assert len(found.numbers) == axes, concrete
            assert variable(concrete, notation) is not None


# ---- the description ------------------------------------------------------------------------
EXAMPLE = Counterexample({"K": 2}, {"kp": 1}, {"y1_2": 1, "lab_1_is_2": 1},
                         {"lam": 0.5, "w_1_2": -1.25}, (1.0,), (2.0,), 0.5, 1.0)


def test_the_description_names_variables_in_latex_and_keeps_the_concrete_names_as_keys() -> None:
    plain = EXAMPLE.describe()
    assert plain == ("at K=2, k'=1, y1_2=1, lab_1_is_2=1, lam = 0.5, w_1_2 = -1.25: "
                     "before 1, after 2")
    named = with_names(EXAMPLE, _notation())
    assert named.labels == EXAMPLE.labels and named.point == EXAMPLE.point
    assert named.describe() == (r"at K=2, k'=1, $y_{2} = 1$, $1_{\{\mathrm{lab}_{1} = 2\}} = 1$, "
                                r"$\lambda = 0.5$, $\mathbf{w}_{1,2} = -1.25$: before 1, after 2")
    message, example = spelled(f"the sides differ {plain}", EXAMPLE, _notation())
    assert example == named and message == f"the sides differ {named.describe()}"


# (diagnosis as cached, as shown): the cache keeps the checker's names, the user reads LaTeX
DIAGNOSES = [
    ("It holds only when the label indicator y1_2 is 0.",
     "It holds only when the label indicator $y_{2}$ is 0."),
    ("It holds only when y1_j = 0, i.e. when the label is not class j: it fails exactly where "
     "that one-hot entry is 1.",
     "It holds only when $y_{j} = 0$, i.e. when the label is not class j: it fails exactly "
     "where that one-hot entry is 1."),
    ("it holds only when y1_kp = 0: it fails where that one-hot entry is 1",
     "it holds only when $y_{k'} = 0$: it fails where that one-hot entry is 1"),
    ("it holds only when nosuch_j = 0", "it holds only when nosuch_j = 0"),   # not declared
    ("It holds only when N = 1 (one sample).", "It holds only when N = 1 (one sample)."),
]


@pytest.mark.parametrize(("cached", "shown"), DIAGNOSES)
def test_diagnoses_name_label_entries_in_latex_at_display_time(cached: str, shown: str) -> None:
    assert spelled_diagnosis(cached, _notation()) == shown


# ---- end to end -------------------------------------------------------------------------------
SCALAR: dict[str, Any] = {"sizes": {"K": [1], "n": [1]}, "indices": {"k": "K"},
                          "symbols": {"lam": {"kind": "positive", "latex": [r"\lambda"]},
                                      "w": {"family": ["K"], "shape": ["n"],
                                            "latex": [r"\mathbf{w}"]}}}


def test_a_refuted_scalar_step_names_its_point_in_latex_and_the_json_carries_both(
        tmp_path: Path) -> None:
    path = tmp_path / "scalar.yaml"
    path.write_text(json.dumps(chain_document("lam * w[1, 1]", "lam ** 2 * w[1, 1]",
                                              notation=SCALAR)))
    out, target = io.StringIO(), tmp_path / "out.json"
    assert main([str(path), "--no-cache", "--json", str(target)], out, io.StringIO()) == 1
    line = next(t for t in out.getvalue().splitlines() if "refuted —" in t)
    # the terminal's plain text of $\lambda = ...$, $\mathbf{w}_{1,1} = ...$
    assert re.search(r"at K=1, n=1, λ = [0-9.]+, w_\(1,1\) = -?[0-9.]+: before", line), line
    assert re.search(r"(?<![\\\w])lam\b", line) is None and "w_1_1" not in line
    data = json.loads(target.read_text())
    jsonschema.validate(data, SCHEMA)
    step = data["documents"][0]["chains"][0]["steps"][1]
    example = step["counterexample"]
    assert set(example["point"]) == {"lam", "w_1_1"}                 # machine-readable keys
    assert example["names"] == {"lam": r"\lambda", "w_1_1": r"\mathbf{w}_{1,1}"}
    assert example["description"] in step["message"]
    assert "$\\lambda = " in step["message"]   # the JSON keeps the LaTeX


def test_a_cached_judgement_stays_spelling_free_and_each_document_reads_its_own(
        tmp_path: Path) -> None:
    """Two notations that differ only in spellings share a cached judgement (its key holds
    no spellings); each shows the counterexample in its own spellings."""
    from verify.store.cache import VerdictCache
    other = {**SCALAR, "symbols": {**SCALAR["symbols"], "lam": {"kind": "positive",
                                                                "latex": [r"\mu"]}}}
    shown = []
    cache = VerdictCache(tmp_path / "cache.sqlite3")
    for spec in (SCALAR, other):
        document = encoding_from_mapping(chain_document("lam", "lam ** 2", notation=spec),
                                         "s.yaml")
        step = check_document(document, Options(), cache).chains[0].steps[1]
        shown.append(step.message)
    cache.close()
    assert r"$\lambda = " in shown[0] and r"$\mu = " in shown[1]


def test_the_report_typesets_the_counterexample_in_the_documents_latex() -> None:
    named = with_names(EXAMPLE, _notation())
    step = StepVerdict(Location("d.yaml", 2), 1, "x", Status.REFUTED, "the sides differ", 0,
                       counterexample=named)
    start = StepVerdict(Location("d.yaml", 1), 0, "x", Status.START, "")
    result = DocumentResult("d.yaml", "d", (ChainResult("c", (start, step)),), 0, ({"K": 2},))
    tex = render_document(result)
    assert r"label $y_{2}=1$, $1_{\{\mathrm{lab}_{1} = 2\}}=1$" in tex
    assert r"index $k'=1$" in tex
    assert r"$\lambda = 0.5$" in tex and r"$\mathbf{w}_{1,2} = -1.25$" in tex
    assert "y1_2" not in tex and "w_1_2" not in tex


# The seeds' refuted lines, their sub-claims' and their diagnoses, as the text output prints
# them: every label named as the document writes it, in plain text (y_(1,2) for y_{1,2}).
SEEDS = ["examples/seeds/000_561a27f6dc100100.md", "examples/seeds/001_a92e6727470740bd.md",
         "examples/seeds/002_51a9bad641ab4da6.md", "derivations/002_51a9bad641ab4da6.yaml"]


@pytest.mark.slow
def test_the_seeds_refuted_lines_are_golden() -> None:
    out = io.StringIO()
    main([*(str(ROOT / s) for s in SEEDS), "--no-cache"], out, io.StringIO())
    lines = out.getvalue().replace(str(ROOT) + "/", "").splitlines()
    kept = [t for n, t in enumerate(lines) if "refuted —" in t or (
        "diagnosis:" in t and n > 0 and "refuted —" in lines[n - 1])]
    assert "\n".join(kept) + "\n" == (DATA / "reading" / "refuted_seeds.txt").read_text()
    # the checker's own names (y1_2, w_1_2); the terminal's plain text of y_{2} is y_2
    assert not re.search(r"\by1_[0-9]|\b(?:y|w|x)_[0-9]+_[0-9]", "\n".join(kept))
    assert "$" not in "\n".join(kept)   # plain text on the terminal, never LaTeX in dollars


def test_grading_feedback_names_the_counterexample_in_latex() -> None:
    from verify.grade.assignment import load_assignment
    from verify.grade.grader import grade_all
    assignment = load_assignment(ROOT / "assignments" / "softmax_gradient.yaml")
    (grade,) = grade_all([DATA / "class" / "sign_term.md"], assignment)
    (line,) = [s for s in grade.steps if "differ" in s.message]
    assert re.search(r"at K=2, N=1, n=2, j=1, \$y_\{1,2\} = 1\$: before", line.message), \
        line.message
    assert sp.Symbol("y_1_2").name not in line.message


def test_a_name_spelled_pi_is_written_pi() -> None:
    """A symbol declared with the spelling ``\\pi`` (the reader reads it as that symbol, not the
    constant) is named so in a counterexample, not ``\\mathrm{pi}``."""
    notation = Notation({}, {}, {"pi": SymbolDecl("pi", latex=("\\pi",)),
                                 "varpi": SymbolDecl("varpi", latex=("\\varpi",))})
    assert variable("pi", notation) == "\\pi"
    assert variable("varpi", notation) == "\\varpi"
