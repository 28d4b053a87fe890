"""Every memo's key holds everything its value depends on (issue 11).

Documents that differ in one detail are checked in one process, one after the other and in
both orders, so that a memo filled by the first would answer for the second if its key left
that detail out.  The memos they go through: the concretizers shared by notation content and
their sub-expression memo (verify/check/claims.py, verify/check/concretize.py), the readings
of steps (verify/read/latex/step.py), the free indices and sizes per notation (NameUses), the
verdict cache (verify/store/cache.py).  docs/memos.md lists every memo and what its key holds."""

from __future__ import annotations

import importlib.metadata
import io
import json
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.cli import main
from verify.model.verdict import Status
from verify.pipeline import Options, check_document
from verify.read.latex.document import document_from_text
from verify.store.cache import VerdictCache, code_fingerprint, fingerprint

SOFTMAX = """---
sizes: {K: [2, 3]}
indices: {j: K, q: K, m: K, k: K}
symbols:
  z: {shape: [K]}
definitions:
  s:
    index: [k]
    body: "exp(z[k]) / Sum(exp(z[m]), (m, 1, K))"
    latex: ['\\sigma', 's']
  E:
    body: "BODY"
    latex: ['E']
---
$$\\frac{\\partial E}{\\partial z_j} = RIGHT$$
"""


def softmax(right: str, body: str = "-log(s[q])") -> str:
    """``E`` a constant with the free index ``q``; the step claims its derivative."""
    return SOFTMAX.replace("BODY", body).replace("RIGHT", right)


def scalar(kind: str = "real", index_size: str = "K") -> str:
    return f"""---
sizes: {{K: [2, 3], N: [1, 2]}}
indices: {{j: {index_size}}}
symbols:
  t: {{kind: {kind}}}
---
$$\\sum_{{j}} t = K t$$

$$\\sqrt{{t^{{2}}}} = t$$
"""


# (name, document, the verdict of each step after its chain's start)
CASES: dict[str, tuple[str, tuple[Status, ...]]] = {
    # the issue's two rows: q is free in E's body, the step at q = 2 is not the step at q = 1
    "free q, right": (softmax("\\sigma_j - \\delta_{jq}"), (Status.PROVED,)),
    "free q, q taken as 1": (softmax("\\sigma_j - \\delta_{j1}"), (Status.REFUTED,)),
    # a definition's body: only the sign differs
    "body negated": (softmax("\\sigma_j - \\delta_{jq}", body="log(s[q])"),
                     (Status.REFUTED,)),
    # an index range: j over K (the sum has K terms) or over N
    "j over K, real t": (scalar(), (Status.PROVED, Status.REFUTED)),
    "j over N, real t": (scalar(index_size="N"), (Status.REFUTED, Status.REFUTED)),
    # a kind: sqrt(t^2) = t for a positive t only
    "j over K, positive t": (scalar(kind="positive"), (Status.PROVED, Status.PROVED)),
}

PAIRS = [("free q, right", "free q, q taken as 1"),
         ("free q, right", "body negated"),
         ("j over K, real t", "j over N, real t"),
         ("j over K, real t", "j over K, positive t")]


def statuses(name: str, cache: VerdictCache | None) -> tuple[Status, ...]:
    text, _ = CASES[name]
    document = document_from_text(text, Path(f"{name.replace(' ', '_')}.md"))
    assert document.problems == (), document.problems
    result = check_document(document, Options(), cache)
    return tuple(step.status for chain in result.chains for step in chain.steps[1:])


@pytest.mark.parametrize("with_cache", [False, True], ids=["no cache", "cache"])
@pytest.mark.parametrize("pair", PAIRS, ids=[" / ".join(p) for p in PAIRS])
def test_documents_differing_in_one_detail_get_their_own_verdicts(
        pair: tuple[str, str], with_cache: bool, tmp_path: Path) -> None:
    with VerdictCache(tmp_path / "cache.sqlite3") as cache:
        for order in (pair, pair[::-1]):
            for name in order:
                assert statuses(name, cache if with_cache else None) == CASES[name][1], name


def test_each_case_alone_in_a_fresh_cache(tmp_path: Path) -> None:
    """The expected verdicts are the ones each document gets on its own (the table is not
    written to fit an order)."""
    for number, name in enumerate(CASES):
        with VerdictCache(tmp_path / f"{number}.sqlite3") as cache:
            assert statuses(name, cache) == CASES[name][1], name


@pytest.mark.slow
def test_the_issue_rows_through_two_worker_processes_and_a_shared_cache(
        tmp_path: Path) -> None:
    paths = []
    for name in ("free q, right", "free q, q taken as 1"):
        path = tmp_path / f"{name.replace(' ', '_').replace(',', '')}.md"
        path.write_text(CASES[name][0])
        paths.append(path)
    verdicts = []
    for order in (paths, paths[::-1]):
        out = tmp_path / "out.json"
        code = main([*map(str, order), "--jobs", "2", "--cache", str(tmp_path / "c.sqlite3"),
                     "--json", str(out), "--quiet"], out=io.StringIO(), err=io.StringIO())
        assert code == 1
        data = json.loads(out.read_text())
        verdicts.append({Path(d["path"]).name: [s["status"] for c in d["chains"]
                                                for s in c["steps"][1:]]
                         for d in data["documents"]})
    expected = {paths[0].name: ["proved"], paths[1].name: ["refuted"]}
    assert verdicts == [expected, expected]


def test_the_code_fingerprint_holds_the_engines_versions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached verdict depends on SymPy, NumPy, JAX and the LaTeX parser as much as on our
    code: another version of any of them gives other keys."""
    real_version = importlib.metadata.version
    before = fingerprint()
    for library in ("sympy", "numpy", "jax", "latex2sympy2_extended"):
        with monkeypatch.context() as patch:
            patch.setattr(importlib.metadata, "version",
                          lambda name, bumped=library: "0.0.0-other" if name == bumped
                          else real_version(name))
            assert fingerprint() != before, library
    assert fingerprint() == before
    assert len(code_fingerprint()) == 64


# ---- concrete variables are kept by name: the name must say which declared symbol ----------
def clash_document(second: str) -> dict[str, object]:
    """``x[1, 2]`` of a family of vectors against ``x_1[2]`` of another vector (or of a
    harmless name): two declared quantities, never one variable."""
    return {"title": "t", "notation": {
        "sizes": {"K": [2, 3]}, "indices": {"k": "K"},
        "symbols": {"x": {"family": ["K"], "shape": ["K"]}, second: {"shape": ["K"]},
                    "a": {}, "a_1": {}}},
        "chains": [{"name": "c", "steps": [{"latex": "x_{12}", "expr": "x[1, 2]"},
                                           {"latex": "y_2", "expr": f"{second}[2]"}]}]}


@pytest.mark.parametrize(("second", "refused"), [("x_1", True), ("x_is_2", True),
                                                 ("_t1", True), ("x1", False), ("xs_1", False)])
def test_names_whose_components_could_share_a_variable_are_refused(second: str,
                                                                    refused: bool) -> None:
    from verify.read.encoding import encoding_from_mapping
    document = encoding_from_mapping(clash_document(second), "t.yaml")
    if refused:
        assert document.problems and ("rename one" in document.problems[0]
                                      or "reserved" in document.problems[0])
        return
    assert document.problems == ()
    steps = check_document(document, Options()).chains[0].steps
    assert steps[1].status is Status.REFUTED


def test_a_notation_built_directly_cannot_merge_two_names_either() -> None:
    import sympy as sp

    from verify.check.concretize import Concretizer
    from verify.core.errors import BindError
    from verify.model import expr as E
    from verify.model.notation import Notation, SymbolDecl
    notation = Notation({"K": (2,)}, {}, {"x": SymbolDecl("x", ("K",), ("K",)),
                                          "x_1": SymbolDecl("x_1", (), ("K",))}, {})
    concretizer = Concretizer(notation, {"K": 2})
    concretizer.value(E.family("x")[1, 2], {})
    with pytest.raises(BindError, match="share the variable"):
        concretizer.value(E.family("x_1")[sp.Integer(2)], {})


# ---- grading: a submission's sidecar and an edited assignment -------------------------------
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"


def test_a_grade_is_kept_under_the_submission_as_read_sidecar_included(tmp_path: Path) -> None:
    from verify.grade.assignment import load_assignment
    from verify.grade.parallel import grade_key
    assignment = load_assignment(ASSIGNMENT)
    submission = tmp_path / "ann.md"
    submission.write_text("$$\\hat{p}_j = p_j$$\n")
    alone = grade_key(submission, assignment)
    # The sidecar declares the name the line uses: the reading, so the grade, changes.
    (tmp_path / "ann.notation.yaml").write_text(
        "definitions:\n  phat: {index: [k], body: \"p[1, k]\", latex: ['\\\\hat{p}']}\n")
    assert grade_key(submission, assignment) != alone


def test_a_worker_grades_with_the_assignment_as_it_is_now(tmp_path: Path) -> None:
    from verify.grade import parallel
    path = tmp_path / "a.yaml"
    text = ASSIGNMENT.read_text()
    assert "check: {seed: 0, points: 20}" in text
    path.write_text(text)
    judge, assignment = parallel._judge(str(path), None)
    assert (judge.seed, assignment.seed) == (0, 0)
    path.write_text(text.replace("check: {seed: 0, points: 20}", "check: {seed: 5, points: 7}"))
    judge, assignment = parallel._judge(str(path), None)
    assert (judge.seed, judge.points, assignment.seed, assignment.points) == (5, 7, 5, 7)


# ---- label groups: the shared concretizer meets them in the order of the process's history --
def test_label_configurations_do_not_depend_on_the_order_groups_were_met() -> None:
    """A claim whose counterexample is one of two symmetric label configurations reports the
    same one whether or not the shared concretizer met the labels in the other order first
    (for another claim, another document)."""
    import sympy as sp

    from verify.check.claims import Claim, DocumentChecker, SharedConcretizers
    from verify.core.errors import Location
    from verify.model import expr as E
    from verify.read.notation import parse_notation
    from verify.verdict.combine import judge
    notation = parse_notation({"sizes": {"N": [2], "K": [2]}, "indices": {"i": "N"},
                               "symbols": {"y": {"family": ["N"], "shape": ["K"],
                                                 "kind": "onehot"}}}, Location("t"))
    y = E.family("y")
    one, two = sp.Integer(1), sp.Integer(2)
    claim = Claim("c", Location("t"), y[one, one] - y[two, one], sp.Integer(0), notation)
    earlier = Claim("e", Location("t"), y[two, two] + y[one, two], sp.Integer(0), notation)

    def message(history: list[Claim]) -> str:
        checker = DocumentChecker(0, 20, SharedConcretizers())
        for other in history:
            checker.run([other])
        judgement = judge(checker.run([claim])["c"], 0, 20, claim.before)
        assert judgement.status is Status.REFUTED
        return judgement.message

    assert message([]) == message([earlier])
