r"""What the checker can use of a notation's assumptions: a declared symmetric matrix
(``symmetric: true``) is checked as one, and free-text ``assumptions`` are not used, so a
counterexample found while they are stated is no refutation (``unknown``, naming them).

The real case is tests/data/real/quadform_techqa.md: ``f(u+v) - f(u) = 2u^TAv + v^TAv`` for
the symmetric A the answer states.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.core.errors import Location, NotationError
from verify.grade.reading import redefinitions
from verify.model.canon import notation_dump
from verify.pipeline import Options, check_path
from verify.read.notation import parse_notation

SYMMETRIC = "symmetric: true, "
FREE_TEXT = 'assumptions: ["A is symmetric"]\n'


def _header(declared: str, assumptions: str) -> str:
    return ("---\nsizes: {n: [2, 3]}\nsymbols:\n"
            f"  A: {{{declared}shape: [n, n]}}\n  u: {{shape: [n]}}\n  v: {{shape: [n]}}\n"
            f"{assumptions}---\n\n")


QUADRATIC = (r"(u+v)^TA(u+v) - u^TAu", r"2u^TAv + v^TAv")
# (A declared symmetric, free-text assumption stated, first line, second line, status)
CASES = [
    # the real case: true for a symmetric A, false for others
    (True, False, *QUADRATIC, "proved"),
    (False, False, *QUADRATIC, "refuted"),
    (False, True, *QUADRATIC, "unknown"),
    (True, True, *QUADRATIC, "proved"),
    (True, False, r"u^TAv", r"v^TAu", "proved"),
    (False, False, r"u^TAv", r"v^TAu", "refuted"),
    (False, True, r"u^TAv", r"v^TAu", "unknown"),
    (True, False, r"u^TA^Tv", r"u^TAv", "proved"),
    # false for a symmetric A too: still refuted when declared
    (True, False, r"u^TAv", r"u^TAu", "refuted"),
    (True, False, r"(u+v)^TA(u+v)", r"u^TAu + v^TAv", "refuted"),
    # a proof stays a proof under any assumption
    (False, True, r"u^T(A + A^T)v", r"v^T(A + A^T)u", "proved"),
    # a refutation under free text is not, even when the declaration does not cover it
    (True, True, r"u^TAv", r"u^TAu", "unknown"),
]


@pytest.mark.parametrize(("declared", "stated", "first", "second", "status"), CASES)
def test_what_the_checker_can_use(tmp_path: Path, declared: bool, stated: bool, first: str,
                                  second: str, status: str) -> None:
    path = tmp_path / "case.md"
    path.write_text(_header(SYMMETRIC if declared else "", FREE_TEXT if stated else "")
                    + f"$$ {first} = {second} $$\n")
    last = check_path(path, Options()).chains[0].steps[-1]
    assert last.status == status, last.message
    if status == "unknown":
        assert "the notation assumes 'A is symmetric', which the checker cannot use: it found " \
               "a counterexample without it" in last.message, last.message
        assert last.counterexample is None


WHERE = Location("header.yaml", 1)


@pytest.mark.parametrize(("spec", "says"), [
    ({"shape": ["n"], "symmetric": True}, "only a square matrix"),
    ({"shape": ["n", "m"], "symmetric": True}, "only a square matrix"),
    ({"symmetric": True}, "only a square matrix"),
    ({"shape": ["n", "n"], "symmetric": "yes"}, "must be true or false"),
    ({"shape": ["n", "n"], "kind": "onehot", "symmetric": True}, "cannot be symmetric"),
])
def test_symmetric_needs_a_square_matrix(spec: dict[str, object], says: str) -> None:
    with pytest.raises(NotationError, match=says):
        parse_notation({"sizes": {"n": [2], "m": [2]}, "symbols": {"A": spec}}, WHERE)


def test_symmetric_is_part_of_what_a_notation_means() -> None:
    """Memo and cache keys hold the notation's canonical text, and a submission that declares
    the assignment's matrix symmetric changes the problem."""
    plain = parse_notation({"sizes": {"n": [2]}, "symbols": {"A": {"shape": ["n", "n"]}}},
                           WHERE)
    symmetric = parse_notation({"sizes": {"n": [2]},
                                "symbols": {"A": {"shape": ["n", "n"], "symmetric": True}}},
                               WHERE)
    assert symmetric.symbols["A"].symmetric and not plain.symbols["A"].symmetric
    assert notation_dump(plain) != notation_dump(symmetric)
    assert "symmetric" not in notation_dump(plain)
    assert redefinitions(plain, symmetric) == ["symbol A"]
    assert redefinitions(symmetric, plain) == ["symbol A"]
