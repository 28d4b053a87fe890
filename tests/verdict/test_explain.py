"""The one diagnosis engine as checking uses it: a refuted step of a document gets the same
explanations grading gives (the sign of one term, a dropped factor), a diagnosis never changes
a verdict, and a cache serves the same words again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import chain_document, check_chain
from verify.model.verdict import Status
from verify.pipeline import Options, check_document
from verify.read.encoding import encoding_from_mapping
from verify.store.cache import VerdictCache
from verify.verdict.combine import DOMAIN_DIAGNOSIS
from verify.verdict.kinds import Kind, diagnoses_of, joined

# (name, the chain's lines, words the diagnosis of its last line must contain)
STEPS = [
    ("a term changed sign", ("t**2 + u", "t**2 - u"), "the term $u$ of the line before changed "
                                                      "sign"),
    ("a term dropped", ("t**2 + u", "t**2"), "the term $u$ of the line before is missing"),
    ("an extra term", ("t**2", "t**2 + u"), "the term $u$ of this line is extra"),
    ("a lost 1/N", ("Sum(dot(w[k], x[i]), (i, 1, N)) / N", "Sum(dot(w[k], x[i]), (i, 1, N))"),
     r"a factor $\frac{1}{N}$ was lost"),
    ("the chain rule", ("D(exp(dot(w[k], x1)), w[k])", "exp(dot(w[k], x1))"),
     "the chain rule's inner derivative"),
    ("j = k assumed", ("D(sigma(z, k), z[j])", "sigma(z, k) * (1 - sigma(z, j))"),
     r"it holds only when $j = k$"),
    # the sum over samples dropped and the one sample written without its index (seed 000's
    # (3)): right for N = 1 when x1 is x_1 and y1 is y_1
    ("one sample, unindexed", ("Sum(y[i, k] * dot(w[k], x[i]), (i, 1, N))",
                               "y1[k] * dot(w[k], x1)"),
     r"it holds only when $N = 1$ (one sample), with $\mathrm{x1}$ for $x_{1}$ and "
     r"$\mathrm{y1}$ for $y_{1}$: the sum over the samples was dropped"),
]


@pytest.mark.parametrize(("name", "lines", "words"), STEPS, ids=[s[0] for s in STEPS])
def test_checking_a_document_explains_its_refuted_steps(name: str, lines: tuple[str, ...],
                                                        words: str) -> None:
    step = check_chain(*lines).chains[0].steps[-1]
    assert step.status is Status.REFUTED, step.message
    assert words in step.diagnosis, step.diagnosis


def test_a_diagnosis_never_changes_a_verdict() -> None:
    lines = ("t**2 + u", "t**2 - u", "t**2 - u", "2 * (t**2 - u)", "t * t - u", "t**2")
    document = encoding_from_mapping(chain_document(*lines), "test.yaml")
    plain = check_document(document, Options(), diagnose=False)
    explained = check_document(document, Options(), diagnose=True)
    assert [s.status for s in plain.chains[0].steps] == \
        [s.status for s in explained.chains[0].steps]
    assert [s.message for s in plain.chains[0].steps] == \
        [s.message for s in explained.chains[0].steps]
    refuted = [s for s in explained.chains[0].steps if s.status is Status.REFUTED]
    assert len(refuted) == 4 and all(s.diagnosis for s in refuted)
    assert all(not s.diagnosis for s in explained.chains[0].steps
               if s.status is not Status.REFUTED)


def test_a_cache_serves_the_same_diagnosis(tmp_path: Path) -> None:
    document = encoding_from_mapping(chain_document("t**2 + u", "t**2 - u"), "test.yaml")
    cache = VerdictCache(tmp_path / "cache.sqlite")
    first = check_document(document, Options(), cache).chains[0].steps[-1]
    again = check_document(document, Options(), cache).chains[0].steps[-1]
    assert first.diagnosis and again.diagnosis == first.diagnosis


# The verdict's own words (verify.verdict.diagnose, combine) and the kind grading files them
# under: a rubric's feedback entry names kinds, so a wording must not lose its kind.
OWN_WORDS = [
    ("the sign is flipped: this line is $-1$ times the line before.", [Kind.SIGN]),
    (r"this line is $N$ times the line before: a factor $\frac{1}{N}$ was lost (or $N$ added).",
     [Kind.FACTOR]),
    ("this line is $0$ and the line before is not: everything was dropped, or this is an "
     "equation to solve (a gradient set to $0$), not a step.", [Kind.FACTOR]),
    ("it holds only when $N = 1$ (one sample): a sum over the samples was dropped or "
     "collapsed.", [Kind.ONE_SAMPLE]),
    (r"it holds only when $j \neq k$.", [Kind.INDEX_DIFFERENT]),
    ("it holds only when $i = j$.", [Kind.INDEX_EQUAL]),
    ("it holds only when the label indicator y1_2 is 0.", [Kind.LABEL_ZERO]),
    ("it holds only when y1_j = 0 (the label is not class j): it fails exactly where that "
     "one-hot entry is 1.", [Kind.LABEL_ZERO]),
    (r"this line is $2$ times the line before: a factor $\frac{1}{2}$ was lost (or $2$ added). "
     "it holds only when $N = 1$.", [Kind.FACTOR, Kind.ONE_SAMPLE]),
    ("the sides have different shapes: before a 2x1 vector, after a scalar", [Kind.SHAPES]),
    (DOMAIN_DIAGNOSIS, [Kind.DOMAIN]),
]


@pytest.mark.parametrize(("text", "kinds"), OWN_WORDS, ids=[w[0][:40] for w in OWN_WORDS])
def test_the_verdicts_own_words_keep_their_kind(text: str, kinds: list[Kind]) -> None:
    found = diagnoses_of(text)
    assert [d.kind for d in found] == kinds
    if text.endswith("."):
        assert joined(found) == text


# ---- an equation the document solves: a line set to 0, then rearranged -----------------------
def solved(*displays: str) -> list[str]:
    """The diagnoses of the refuted steps of a Markdown document of ``displays`` (one a line,
    from line 5 on: each display is its own chain), in order."""
    from verify.api import check_text
    text = "---\nsymbols: {t: {}, u: {}}\n---\n\n" + "\n".join(f"$$ {d} $$" for d in displays)
    result = check_text(text, cache=False)
    return [s.diagnosis for c in result.document.chains for s in c.steps
            if s.status is Status.REFUTED]


@pytest.mark.parametrize(("displays", "words"), [
    # t = u solves 2 t - 2 u = 0 (t - u is half of it): an equation, not a step; once (a
    # derivative set to 0, or words that say so, make it an equation the document solves,
    # checked at its solution: tests/check/test_solving.py)
    ((r"2 (t - u) = 2 t - 2 u = 0", "t = u"),
     [r"this line is $0$ and the line before is not",
      r"this is an equation, not an identity: it holds where $2 \cdot t - 2 \cdot u = 0$ "
      "(set to $0$ at line 5)"]),
    (("0 = u - t^2", "u = t^2"),          # 0 = g, then a = b: the first sets g itself
     [r"it holds where $u - t^{2} = 0$ (set to $0$ at line 5)",
      r"it holds where $u - t^{2} = 0$ (set to $0$ at line 5)"]),
    (("2 t - 2 u = 0", "t = u + 1"), [r"this line is $0$", None]),   # no multiple of it
    # solved by clearing a denominator: t - u is -(u/t - 1) t
    (("\\frac{u}{t} - 1 = 0", "t = u"),
     [r"this line is $0$", r"it holds where $\frac{u}{t} - 1 = 0$ (set to $0$ at line 5)"]),
    (("t = u", "2 t - 2 u = 0"), [None, r"this line is $0$"]),      # set to 0 only later
    (("2 t - 2 u = t", "t = u"), [None, None]),                      # nothing set to 0
])
def test_a_step_that_solves_an_equation_set_to_zero_says_so(
        displays: tuple[str, ...], words: list[str | None]) -> None:
    found = solved(*displays)
    assert len(found) == len(words), found
    for diagnosis, wanted in zip(found, words, strict=True):
        if wanted is None:
            assert "equation, not an identity" not in diagnosis, diagnosis
        else:
            assert wanted in diagnosis, diagnosis
        assert diagnosis.count("equation, not an identity") <= 1, diagnosis


def test_a_slip_in_a_chain_set_to_zero_is_still_the_slip() -> None:
    found = solved("t^2 + u = t^2 - u = 0")
    assert found[0].startswith("the term $u$ of the line before changed sign"), found
    assert "equation, not an identity" not in found[0]


def test_the_equation_words_keep_their_kind() -> None:
    text = r"this is an equation, not an identity: it holds where $t = 0$ (set to $0$ at line 3)."
    assert [d.kind for d in diagnoses_of(text)] == [Kind.EQUATION]
