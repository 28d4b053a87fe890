"""Work shared between documents in one process (a class repeats its lines): concretizers keyed
by notation content, parser outcomes and step readings kept per text, gradient jaxprs kept per
expression, binding checks kept per expression.  Each memo must give what a fresh computation
gives, and must not serve one notation's answer to another."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from tests.paths import ROOT
from verify import pipeline
from verify.check import numeric
from verify.check.claims import SHARED, Claim, DocumentChecker, SharedConcretizers
from verify.check.concretize import (
    NameUses,
    free_indices,
    sizes_used,
    symbols_in,
    walk_free_indices,
    walk_sizes_used,
)
from verify.core import memo
from verify.core.errors import Location, ParserRejected
from verify.grade.assignment import load_assignment
from verify.model import expr as E
from verify.model.notation import Definition, Notation
from verify.model.verdict import Status
from verify.read.latex import step as latex
from verify.read.latex.names import build_lexicon
from verify.verdict.combine import judge

ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"


@pytest.fixture(scope="module")
def notation() -> Notation:
    return load_assignment(ASSIGNMENT).notation


def twin(notation: Notation) -> Notation:
    """An equal notation that is another object (as each submission reads its own)."""
    return Notation(dict(notation.sizes), dict(notation.indices), dict(notation.symbols),
                    dict(notation.definitions), notation.assumptions)


def test_equal_notations_share_a_concretizer_and_others_do_not(notation: Notation) -> None:
    shared = SharedConcretizers()
    sizes = {"K": 2, "N": 1}
    first = shared.get(notation, sizes)
    assert shared.get(twin(notation), sizes) is first
    assert shared.get(notation, {"K": 3, "N": 1}) is not first
    other = notation.with_sizes({"K": (2, 4)})
    assert shared.get(other, sizes) is not first


def test_the_shared_concretizers_are_bounded(notation: Notation) -> None:
    from verify.check import claims as check
    shared = SharedConcretizers()
    for k in range(check.SHARED_CONCRETIZERS + 5):
        shared.get(notation.with_sizes({"K": (2, 3 + k)}), {"K": 2, "N": 1})
    assert len(shared.by_key) == check.SHARED_CONCRETIZERS


def test_a_judgement_does_not_depend_on_what_the_process_saw_before(
        notation: Notation) -> None:
    """The same claim judged with fresh concretizers and with concretizers that served many
    other claims first: the same verdict and the same evidence."""
    w, x, p = E.family("w"), E.family("x"), E.family("p")
    i, j, k = (E.index_symbol(n) for n in "ijk")
    N = E.size_symbol("N")
    wrong = sp.Sum(p[i, j] * x[i], (i, 1, N))                   # the 1/N lost
    right = sp.Sum(p[i, j] * x[i], (i, 1, N)) / N
    claim = Claim("c", Location("t"), right, wrong, notation)
    fresh = DocumentChecker(0, 20, SharedConcretizers())
    alone = judge(fresh.run([claim])["c"], 0, 20)
    busy = DocumentChecker(0, 20, SharedConcretizers())
    noise = [Claim(f"n{n}", Location("t"), sp.exp(E.Dot(w[k], x[i])) * n, p[i, k],
                   notation) for n in range(1, 4)]
    busy.run(noise)
    after = judge(busy.run([claim])["c"], 0, 20)
    assert alone.status is after.status is Status.REFUTED
    assert (alone.message, alone.counterexample, alone.diagnosis) == \
        (after.message, after.counterexample, after.diagnosis)
    assert [(c.engine, c.outcome, c.detail, c.cases) for c in alone.evidence.checks] == \
        [(c.engine, c.outcome, c.detail, c.cases) for c in after.evidence.checks]


def test_a_remembered_step_reading_equals_a_fresh_one(notation: Notation) -> None:
    lexicon = build_lexicon(notation)
    text = r"-\frac{1}{N} \sum_{i=1}^{N} \left( y_{ij} - p_{ij} \right) \mathbf{x}_i"
    first = latex.parse_step(text, notation, lexicon)
    assert latex.parse_step(text, twin(notation), build_lexicon(twin(notation))) is first
    memo.clear_all()
    again = latex.parse_step(text, notation, lexicon)
    assert again == first and again is not first


def test_a_reading_is_not_served_to_another_spelling(notation: Notation) -> None:
    """The same text read with a notation in which ``p`` is spelled otherwise."""
    text = r"p_{ij}"
    plain = latex.parse_step(text, notation, build_lexicon(notation))
    assert plain.expr is not None
    symbols = dict(notation.definitions)
    symbols["p"] = replace(symbols["p"], latex=(r"\hat{y}",))
    respelled = Notation(notation.sizes, notation.indices, notation.symbols, symbols,
                         notation.assumptions)
    other = latex.parse_step(text, respelled, build_lexicon(respelled))
    assert other.expr is None and other.problem


def test_a_rejected_text_stays_rejected() -> None:
    with pytest.raises(ParserRejected):
        latex.run_parser("\\frac{")
    with pytest.raises(ParserRejected):   # the remembered outcome
        latex.run_parser("\\frac{")


def test_gradient_jaxprs_are_kept_and_equal_fresh_ones() -> None:
    a, b = sp.symbols("a b", real=True)
    function = sp.exp(a * b) + a**2
    kept = numeric._traced_gradient(function, (a, b), 2)
    assert numeric._traced_gradient(function, (a, b), 2) is kept
    fresh = numeric._traced_gradient.__wrapped__(function, (a, b), 2)
    assert str(fresh.jaxpr) == str(kept.jaxpr)


def test_binding_outcomes_are_kept_per_expression_and_notation(notation: Notation) -> None:
    from verify.model.document import Chain
    chain = Chain("c", ())
    checker = DocumentChecker(0, 20, SHARED)
    x = E.family("x")
    i = E.index_symbol("i")
    fits = pipeline._binding_problem(x[i], notation, chain, checker)
    misfit = pipeline._binding_problem(x[i] * x[i], notation, chain, checker)   # x_i^2
    assert fits is None
    assert misfit is not None and "a power of a vector" in misfit
    assert pipeline._binding_problem(x[i], twin(notation), chain, checker) is None
    key = (x[i] * x[i], SHARED.notation_text(notation), ())
    assert memo.named("pipeline.bindings")[key] == misfit


def test_symbols_in_walks_shared_sub_expressions_once() -> None:
    a, b = sp.symbols("a b")
    inner = a + b
    deep = inner
    for _ in range(40):      # 2^40 paths through the graph: free_symbols would not return
        deep = sp.Mul(deep, deep + 1, evaluate=False)
    assert symbols_in([deep, sp.Integer(2)]) == {a, b}


def test_diagnoses_found_once_are_served_from_the_cache(tmp_path: Path) -> None:
    """A second judge (another worker, a later run) on the same cache file finds the
    diagnoses without searching; a damaged entry is a miss."""
    from verify.grade.claims import ClaimJudge, _diagnoses_from
    from verify.grade.results import Diagnosis, Kind
    from verify.store.cache import VerdictCache
    path = tmp_path / "c.sqlite3"
    found = (Diagnosis(Kind.SIGN, "the sign is flipped"),)
    with VerdictCache(path) as cache:
        ClaimJudge(0, 20, cache).keep_diagnoses("k", found)
    with VerdictCache(path) as cache:
        other = ClaimJudge(0, 20, cache)
        assert other.known_diagnoses("k") == found
        assert other.known_diagnoses("unknown") is None
    assert _diagnoses_from({"diagnoses": [["no such kind", "x"]]}) is None
    assert _diagnoses_from({"diagnoses": [["sign flipped"]]}) is None
    assert _diagnoses_from([1]) is None
    assert _diagnoses_from({"diagnoses": []}) == ()


def test_a_screen_checks_one_assignment_per_size(notation: Notation) -> None:
    """The last free-index assignment only (j = K), and every size combination."""
    p, x = E.family("p"), E.family("x")
    i, j = E.index_symbol("i"), E.index_symbol("j")
    N = E.size_symbol("N")
    line = sp.Sum(p[i, j] * x[i], (i, 1, N))
    claim = Claim("c", Location("t"), line, line, notation)
    full = DocumentChecker(0, 6).run([claim], symbolic=False)["c"]
    screen = DocumentChecker(0, 6, assignments_per_size=1).run([claim], symbolic=False)["c"]
    assert len(full.cases) > len(screen.cases) == len({tuple(c.sizes.items())
                                                        for c in full.cases})
    assert all(c.indices["j"] == c.sizes.get("K", c.concretizer.sizes["K"])
               for c in screen.cases)


def test_a_shared_exact_test_evaluator_decides_each_case_as_a_fresh_one(
        notation: Notation) -> None:
    """The cases of a claim at one size combination share the labels-free evaluator of the
    exact test; each case's outcome is the one a fresh evaluator gives."""
    import time

    from verify.check import symbolic
    p, x, y = E.family("p"), E.family("x"), E.family("y")
    i, j = E.index_symbol("i"), E.index_symbol("j")
    N = E.size_symbol("N")
    right = sp.Sum((p[i, j] - y[i, j]) * x[i], (i, 1, N)) / N
    claims = [Claim("same", Location("t"), right, right * 1, notation),
              Claim("wrong", Location("t"), right, right * 2, notation),
              Claim("swap", Location("t"), right, sp.Sum((y[i, j] - p[i, j]) * x[i],
                                                         (i, 1, N)) / N, notation)]
    outcomes = DocumentChecker(0, 20).run(claims)
    for key, expected in (("same", "identical"), ("wrong", "different"),
                          ("swap", "different")):
        for case in outcomes[key].cases:
            difference = [a - b for a, b in zip(case.before, case.after, strict=True)]
            fresh = symbolic.identical(difference,
                                       list(case.concretizer.label_groups.values()),
                                       np.random.default_rng(0), time.monotonic() + 60)
            assert case.symbolic is not None
            assert case.symbolic.outcome == fresh.outcome == expected


def _seed_expressions() -> list[tuple[sp.Expr, Notation]]:
    found = []
    for path in sorted((ROOT / "derivations").iterdir()):
        if path.suffix not in (".yaml", ".md", ".tex"):
            continue
        document = pipeline.read_document(path)
        for chain in document.chains:
            notation = document.notation_of(chain)
            found += [(step.expr, notation) for step in chain.steps if step.expr is not None]
            found += [(side, notation) for step in chain.steps for sub in step.subclaims
                      for side in (sub.lhs, sub.rhs) if side is not None]
    return found


@pytest.mark.slow
def test_name_uses_match_the_walks_on_every_seed_expression() -> None:
    """The memoized bottom-up free indices and sizes equal the plain walks, for every step
    of the derivations (and once more from a warm memo, and with the notation's sums as
    sub-expressions of a larger one)."""
    expressions = _seed_expressions()
    assert len(expressions) > 100
    for expr, notation in expressions * 2:
        wrapped = 2 * expr + sp.Symbol("N", integer=True, positive=True)
        for node in (expr, wrapped):
            assert free_indices(node, notation) == walk_free_indices(node, notation)
            assert sizes_used(node, notation) == walk_sizes_used(node, notation)


def test_name_uses_of_cyclic_definitions_are_the_walks(notation: Notation) -> None:
    """Definitions that use each other in a cycle: the walks (which cut the cycle) answer."""
    a, b = sp.Symbol("a"), sp.Symbol("b")
    i = E.index_symbol(next(iter(notation.indices)))
    definitions = {**notation.definitions,
                   "a": Definition("a", "constant", (), b + i, "a"),
                   "b": Definition("b", "constant", (), a, "b")}
    cyclic = replace(notation, definitions=definitions)
    uses = NameUses(cyclic)
    assert uses.cyclic and not NameUses(notation).cyclic
    assert uses.free(a + 1) == walk_free_indices(a + 1, cyclic) == {i.name}
    assert uses.sizes(a) == walk_sizes_used(a, cyclic)


def test_a_sampled_label_configuration_does_not_depend_on_the_other_claims() -> None:
    """Six samples of three one-hot classes are 729 label configurations, more than the
    numeric engine enumerates (it samples them): a claim judged with a claim over other labels
    gets the same sample, and so the same judgement, as the claim alone."""
    from verify.read.notation import parse_notation
    many = parse_notation({"sizes": {"K": [3], "N": [6]}, "indices": {"i": "N", "k": "K"},
                           "symbols": {"y": {"family": ["N"], "shape": ["K"],
                                             "kind": "onehot"},
                                       "q": {"shape": ["K"], "kind": "onehot"},
                                       "t": {}}},
                          Location("t"))
    y, q = E.family("y"), sp.IndexedBase("q")
    i, k = E.index_symbol("i"), E.index_symbol("k")
    K, N = E.size_symbol("K"), E.size_symbol("N")
    t = sp.Symbol("t", real=True)
    # Holds unless every sample is of class 1 (one configuration in 729: a sample may miss it).
    lhs = sp.Product(1 - y[i, 1], (i, 1, N)) * t
    claim = Claim("c", Location("t"), lhs + t, 2 * t, many)
    other = Claim("o", Location("t"), sp.Sum(q[k], (k, 1, K)) * t * N, N * t, many)
    alone = DocumentChecker(0, 20, SharedConcretizers()).run([claim])["c"]
    together = DocumentChecker(0, 20, SharedConcretizers()).run([claim, other])["c"]
    rows = [case.batch.rows for case in alone.cases if case.batch is not None]
    assert rows and len(rows[0]) < 729 * 20     # sampled, not enumerated
    assert [c.batch.rows.tolist() for c in alone.cases if c.batch is not None] == \
        [c.batch.rows.tolist() for c in together.cases if c.batch is not None]
    assert judge(alone, 0, 20).status is judge(together, 0, 20).status


def test_name_uses_are_bounded(notation: Notation, monkeypatch: pytest.MonkeyPatch) -> None:
    node_uses, name_uses = (memo.named(f"check.concretize.{n}") for n in ("node_uses",
                                                                           "name_uses"))
    monkeypatch.setattr(node_uses, "bound", 50)
    memo.clear_all()
    x, i = E.family("x"), E.index_symbol("i")
    for n in range(1, 40):
        assert free_indices(n * x[i], notation) == {"i"}
        assert len(node_uses) <= 50
    assert len(node_uses) == 50
    monkeypatch.setattr(name_uses, "bound", 1)
    free_indices(x[i], twin(notation))
    free_indices(x[i], replace(notation, sizes={**notation.sizes, "N": (1,)}))
    assert len(name_uses) == 1
