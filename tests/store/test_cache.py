"""The verdict cache: keys, storage, invalidation, and claim-level reuse across documents."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from verify.check.claims import Claim, DocumentChecker
from verify.model.document import Document
from verify.model.reading import spelled
from verify.pipeline import Options, check_document, judge_claims
from verify.read.encoding import read_encoding
from verify.store.cache import (
    VerdictCache,
    claim_key,
    code_fingerprint,
    document_key,
    source_key,
)
from verify.store.serialize import judgement_data
from verify.verdict.combine import Judgement

DOCUMENT = """\
title: cache
notation:
  sizes: {n: [2, 3]}
  indices: {l: n}
  symbols:
    x: {shape: [n]}
    a: {}
chains:
  - name: main
    steps:
      - {latex: 'a(a+1)', expr: "a*(a+1)"}
      - {latex: 'a^2+a', expr: "a**2 + a"}
      - {latex: 'a^2', expr: "a**2"}
      - {latex: 'x.x', expr: "Sum(x[l]**2, (l, 1, n))"}
"""


def read(tmp_path: Path, text: str = DOCUMENT, name: str = "doc.yaml") -> Document:
    path = tmp_path / name
    path.write_text(text)
    return read_encoding(path)


def step_claims(document: Document) -> list[tuple[Claim, bool]]:
    """Every step against the one before it, as the pipeline plans them."""
    chain = document.chains[0]
    notation = document.notation_of(chain)
    claims = []
    for index in range(1, len(chain.steps)):
        before, after = chain.steps[index - 1].expr, chain.steps[index].expr
        assert before is not None and after is not None
        claims.append((Claim(f"main#{index}", chain.steps[index].location, before, after,
                             notation, chain.where), True))
    return claims


def timeless(judgement: Judgement) -> Any:
    data = judgement_data(judgement)
    for check in data["evidence"]["checks"]:
        check.pop("seconds")
    return data


# ---- keys -----------------------------------------------------------------------------------
def test_document_key_is_stable_across_reads(tmp_path: Path) -> None:
    assert document_key(read(tmp_path), 0, 20, None) == document_key(read(tmp_path), 0, 20, None)


@pytest.mark.parametrize("change", [
    lambda d: d.replace('"a**2"', '"a**3"'),                   # a step's expression
    lambda d: d.replace("'a^2'", "'a^{2}'"),                  # a step's LaTeX (it is reported)
    lambda d: d.replace("n: [2, 3]", "n: [2, 4]"),             # the sizes
    lambda d: d.replace("a: {}", "a: {kind: positive}"),       # the notation
    lambda d: "# a comment moves every line\n" + d,           # lines are reported too
])
def test_document_key_changes_with_what_the_result_shows(tmp_path: Path, change: Any) -> None:
    assert document_key(read(tmp_path), 0, 20, None) != \
        document_key(read(tmp_path, change(DOCUMENT)), 0, 20, None)


def test_document_key_changes_with_options(tmp_path: Path) -> None:
    document = read(tmp_path)
    keys = {document_key(document, 0, 20, None), document_key(document, 1, 20, None),
            document_key(document, 0, 21, None), document_key(document, 0, 20, {"n": [2]})}
    assert len(keys) == 4


def test_claim_key_ignores_where_the_claim_stands(tmp_path: Path) -> None:
    here = step_claims(read(tmp_path))
    there = step_claims(read(tmp_path, "# moved\n\n" + DOCUMENT, "other.yaml"))
    assert [claim_key(c, d, 0, 20) for c, d in here] == \
        [claim_key(c, d, 0, 20) for c, d in there]
    assert here[0][0].location != there[0][0].location


def test_claim_key_depends_on_seed_points_and_diagnosis(tmp_path: Path) -> None:
    claim, _ = step_claims(read(tmp_path))[0]
    keys = {claim_key(claim, True, 0, 20), claim_key(claim, False, 0, 20),
            claim_key(claim, True, 1, 20), claim_key(claim, True, 0, 5)}
    assert len(keys) == 4


def test_source_key_follows_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text(DOCUMENT)
    first = source_key(path, 0, 20, None)
    assert first == source_key(path, 0, 20, None)
    assert first != source_key(path, 1, 20, None)
    path.write_text(DOCUMENT + "\n")
    assert first != source_key(path, 0, 20, None)
    assert source_key(tmp_path / "missing.yaml", 0, 20, None) is None


def test_code_fingerprint_covers_the_package() -> None:
    fingerprint = code_fingerprint()
    assert len(fingerprint) == 64 and fingerprint == code_fingerprint()


def test_markdown_sidecar_is_part_of_the_source_key(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("$$a = a$$\n")
    before = source_key(path, 0, 20, None)
    (tmp_path / "doc.notation.yaml").write_text("symbols: {a: {}}\n")
    assert source_key(path, 0, 20, None) != before


# ---- storage --------------------------------------------------------------------------------
def test_results_round_trip_through_sqlite(tmp_path: Path) -> None:
    result = check_document(read(tmp_path), Options())
    with VerdictCache(tmp_path / "c.sqlite3") as cache:
        assert cache.get_result("k") is None
        cache.put_result("k", result)
        assert cache.get_result("k") == result
        assert cache.get_result("k", "source") is None   # kinds do not mix
        assert (cache.stats.hits, cache.stats.misses, cache.stats.writes) == (1, 2, 1)


def test_a_new_checker_version_invalidates_old_entries(tmp_path: Path) -> None:
    result = check_document(read(tmp_path), Options())
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path, checker="1") as old:
        old.put_result("k", result)
    with VerdictCache(path, checker="2") as new:
        assert new.get_result("k") is None
        assert new.count() == 0
    with VerdictCache(path, checker="1") as again:
        assert again.get_result("k") is None     # dropped, not hidden


def test_the_default_checker_id_holds_the_code_fingerprint(tmp_path: Path) -> None:
    from verify import CHECKER_VERSION
    from verify.store.cache import checker_id, code_fingerprint
    with VerdictCache(tmp_path / "c.sqlite3") as cache:
        assert cache.checker == checker_id()
        assert cache.checker.startswith(CHECKER_VERSION + "+")
        assert code_fingerprint()[:16] in cache.checker


def test_the_oldest_entries_go_beyond_the_bound(tmp_path: Path) -> None:
    result = check_document(read(tmp_path), Options())
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path) as cache:
        for number in range(5):
            cache.put_result(f"k{number}", result)
    with VerdictCache(path, max_entries=3) as bounded:
        assert bounded.count() == 3
        assert bounded.get_result("k0") is None and bounded.get_result("k1") is None
        assert bounded.get_result("k4") == result
        assert bounded.prune() == 0


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with VerdictCache(path) as cache:
        cache.put_result("k", check_document(read(tmp_path), Options()))
    db = sqlite3.connect(path)
    db.execute("UPDATE verdicts SET payload = ?", ('{"format": 1, "path": 3}',))
    db.commit()
    db.close()
    with VerdictCache(path) as cache:
        assert cache.get_result("k") is None


# ---- claims ---------------------------------------------------------------------------------
def test_identical_claims_across_documents_are_checked_once(tmp_path: Path) -> None:
    first = read(tmp_path)
    second = read(tmp_path, "# another student\n" + DOCUMENT, "student.yaml")
    with VerdictCache(tmp_path / "c.sqlite3") as cache:
        computed = judge_claims(step_claims(first), DocumentChecker(0, 20), cache)
        writes = cache.stats.writes
        reused = judge_claims(step_claims(second), DocumentChecker(0, 20), cache)
        assert cache.stats.writes == writes == 3
        assert cache.stats.hits == 3
    assert computed.checked == computed.reusable == set(computed.by_key)
    assert reused.checked == set() and reused.reusable == set(reused.by_key)
    uncached = judge_claims(step_claims(second), DocumentChecker(0, 20), None)
    for key in computed.by_key:
        assert timeless(reused.by_key[key]) == timeless(computed.by_key[key]) == \
            timeless(uncached.by_key[key])


def test_cached_judgements_equal_the_pipeline_verdicts(tmp_path: Path) -> None:
    document = read(tmp_path)
    verdicts = [s for s in check_document(document, Options()).all_steps()][1:]
    with VerdictCache(tmp_path / "c.sqlite3") as cache:
        judge_claims(step_claims(document), DocumentChecker(0, 20), cache)
        cached = judge_claims(step_claims(document), DocumentChecker(0, 20), cache).by_key
    for verdict, key in zip(verdicts, sorted(cached), strict=True):
        assert cached[key].status == verdict.status
        # The cached message is spelling-free; the verdict names its point in the document's
        # spellings (verify.model.reading.spelled), and only there do they differ.
        shown, example = spelled(cached[key].message, cached[key].counterexample,
                                 document.notation)
        assert shown in verdict.message and example == verdict.counterexample


def test_cached_step_costs_little(tmp_path: Path) -> None:
    """The issue's target is under 2 ms for a cached step; allow slack for a loaded CI."""
    import time
    document = read(tmp_path)
    claims = step_claims(document)
    with VerdictCache(tmp_path / "c.sqlite3") as cache:
        judge_claims(claims, DocumentChecker(0, 20), cache)
        started = time.perf_counter()
        for _ in range(10):
            judge_claims(claims, DocumentChecker(0, 20), cache)
        per_step = (time.perf_counter() - started) / (10 * len(claims))
    assert per_step < 0.02


def test_equal_bound_expressions_share_a_key(tmp_path: Path) -> None:
    """``a**2 + 0*a`` is bound to the same SymPy tree as ``a**2``: same question, same key."""
    assert document_key(read(tmp_path), 0, 20, None) == document_key(
        read(tmp_path, DOCUMENT.replace('"a**2"', '"a**2 + 0*a"')), 0, 20, None)


def test_canonical_text_tells_apart_what_srepr_tells_apart() -> None:
    import sympy as sp

    from verify.model.canon import Canon
    canon = Canon()
    k, k_int = sp.Symbol("k"), sp.Symbol("k", integer=True)
    pairs = [(k, k_int), (sp.exp(k), sp.Function("exp")(k)), (sp.Rational(1, 2), sp.Float(0.5)),
             (k + 1, k + 2), (sp.Indexed("w", k), sp.Indexed("w", k_int))]
    for first, second in pairs:
        assert canon.expr(first) != canon.expr(second), (first, second)
    assert canon.expr(sp.exp(k) * 2) == Canon().expr(2 * sp.exp(k))
