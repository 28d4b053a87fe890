"""Judgements made without the verdict's own diagnosis (``words=False``: the grader's
questions, the candidate explanations being confirmed) are keyed apart from those that show
it: the same claim judged both ways, through one cache, in either order, keeps its words
where they are shown, and the verdict itself is the same both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from verify.check.claims import Claim, DocumentChecker
from verify.core.errors import Location
from verify.model import expr as E
from verify.model.notation import Notation, SymbolDecl
from verify.pipeline import judge_claims
from verify.store.cache import VerdictCache, claim_key

NOTATION = Notation({"N": (1, 2, 3)}, {"i": "N"}, {"a": SymbolDecl("a")})
A = E.value_symbol("a")
# (before, after, words of the verdict's own diagnosis when they are sought)
CASES = [
    (A + 1, 2 * (A + 1), "2"),                              # a constant factor
    ((A + 1) / E.size_symbol("N"), A + 1, "N"),             # a lost 1/N
]


@pytest.mark.parametrize(("before", "after", "factor"), CASES)
@pytest.mark.parametrize("words_first", [True, False])
def test_without_words_never_answers_with_words(tmp_path: Path, before: sp.Expr, after: sp.Expr,
                                                factor: str, words_first: bool) -> None:
    claim = Claim("c", Location("doc.md", 1), before, after, NOTATION)
    assert claim_key(claim, False, 0, 5) != claim_key(claim, False, 0, 5, words=False)
    with VerdictCache(tmp_path / "cache.sqlite") as cache:
        found = {}
        for words in ((True, False) if words_first else (False, True)):
            found[words] = judge_claims([(claim, False)], DocumentChecker(0, 5), cache,
                                        words=words).by_key["c"]
    assert found[True].status is found[False].status
    assert found[True].message == found[False].message
    assert found[True].counterexample == found[False].counterexample
    assert factor in found[True].diagnosis
    assert found[False].diagnosis == ""
