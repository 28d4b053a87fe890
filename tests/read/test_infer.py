r"""Inferring a document's notation (verify/read/infer.py, ``python -m verify infer``).

A table of small documents in the style of derivations/ and tests/data/real/ (their lines, the
header removed) -> the declarations inferred and the names left undeclared; every inferred
header of the shipped documents is a header the reader accepts; and (slow) the round trip:
each document checked with its own header and with the inferred one, the figure printed, no
step the labels or the original header call wrong passing under the inferred header.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_real_corpus import at_solution
from verify.cli import main
from verify.read.header import read_header
from verify.read.infer import Inference, header_yaml, infer_document
from verify.read.latex.names import build_lexicon
from verify.read.latex.source import plain_text

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([*ROOT.glob("derivations/*.md"), *ROOT.glob("tests/data/real/*.md")])
DOCUMENTS = [p for p in DOCUMENTS if p.name != "README.md"]


def _declarations(inference: Inference) -> dict[str, Any]:
    """The inference as a header mapping (what ``infer`` prints, parsed back)."""
    text = header_yaml(inference)
    loaded = yaml.safe_load(text.split("---")[1])
    return loaded or {}


# (document, {name: expected declaration}, names left undeclared)
CASES: list[tuple[str, dict[str, Any], set[str]]] = [
    # derivations/logistic_regression.md, line 34
    (r"$$\nabla_{\mathbf{w}} L(\mathbf{w}) = -\sum_{i=1}^{N} \left[ y_i \log "
     r"\sigma(\mathbf{w}^T \mathbf{x}_i) + (1 - y_i) \log\left(1 - \sigma(\mathbf{w}^T "
     r"\mathbf{x}_i)\right) \right]$$",
     {"sizes": {"N": [1, 2], "n": [2, 3]}, "indices": {"i": "N"},
      "symbols": {"w": {"shape": ["n"]}, "y": {"family": ["N"]},
                  "x": {"family": ["N"], "shape": ["n"]}},
      "definitions": {"sigma": {"params": ["t"], "body": "1 / (1 + exp(-t))",
                                "latex": ["\\sigma"]}}},
     {"L"}),
    # derivations/least_squares.md: X is N x n; its rows and columns are never assumed equal
    (r"$$\nabla_{\mathbf{w}} \left( \mathbf{w}^T X^T X \mathbf{w} - 2 \mathbf{y}^T X "
     r"\mathbf{w} + \mathbf{y}^T \mathbf{y} \right) = 2 X^T X \mathbf{w} - 2 X^T \mathbf{y}$$",
     {"sizes": {"n": [2, 3], "m": [2, 3]},
      "symbols": {"w": {"shape": ["n"]}, "X": {"shape": ["m", "n"]}, "y": {"shape": ["m"]}}},
     set()),
    # tests/data/real/softmax_ce_zakariapz.md: L is defined by the chain it starts; p is used
    # before the chain that defines it, so it is read as a family (its definition refuted)
    (r"\[ L = -\sum_j^C y_j \log p_j \\ = -\sum_j^C \ell_j. \]" "\n"
     r"\[ p_j = \frac{\exp( a_j)}{\sum_k^C \exp(a_k)}. \]" "\n"
     r"\[ \frac{\partial L}{\partial a_i} = -\sum_j^C \frac{\partial \ell_j}{\partial p_j} "
     r"\frac{\partial p_j}{\partial a_i}. \]",
     {"sizes": {"C": [2, 3]}, "indices": {"j": "C", "k": "C", "i": "C"},
      "symbols": {"y": {"family": ["C"]}, "p": {"family": ["C"]},
                  "ell": {"family": ["C"], "latex": ["\\ell"]}, "a": {"family": ["C"]}}},
     {"L"}),
    # a scalar added to a vector is a vector; X' is a transpose (ridge_stats540478.md)
    (r"$$X'Xw+\lambda w=X'y$$",
     {"sizes": {"n": [2, 3], "m": [2, 3]},
      "symbols": {"X": {"shape": ["n", "m"]}, "w": {"shape": ["m"]},
                  "lam": {"latex": ["\\lambda"]}, "y": {"shape": ["n"]}}},
     set()),
    # a letter summed over and used as a value: neither reading is taken
    (r"$$\sum_{k=1}^{K} k a_k = K a_K$$", {"sizes": {"K": [2, 3]}}, {"k", "a"}),
    # a capital that multiplies nothing: a scalar or a matrix? not guessed
    (r"$$A b + A c = A (b + c)$$", {"symbols": {"b": {}, "c": {}}}, {"A"}),
    # a capital multiplying a bold vector is a matrix, square only when inverted; squared by
    # one step alone, it is left to the author (X^{-1} of a data matrix is a classic slip)
    (r"$$A^{-1} A \mathbf{v} = \mathbf{v}$$",
     {"sizes": {"n": [2, 3]}, "symbols": {"v": {"shape": ["n"]}}}, {"A"}),
    (r"$$A^{-1} A \mathbf{v} = \mathbf{v}$$ and $$A^{-1} \mathbf{b} = \mathbf{v}$$",
     {"sizes": {"n": [2, 3]},
      "symbols": {"A": {"shape": ["n", "n"]}, "v": {"shape": ["n"]}, "b": {"shape": ["n"]}}},
     set()),
    # a sample superscript: a family over the sample index
    (r"$$\sum_{i=1}^{N} \boldsymbol{\theta}^T \mathbf{x}^{(i)} = \boldsymbol{\theta}^T "
     r"\sum_{i=1}^{N} \mathbf{x}^{(i)}$$",
     {"sizes": {"N": [1, 2], "n": [2, 3]}, "indices": {"i": "N"},
      "symbols": {"theta": {"shape": ["n"], "latex": ["\\theta"]},
                  "x": {"family": ["N"], "shape": ["n"], "latex": ["x^{(i)}"]}}},
     set()),
    # w_k^T x: a family of vectors; x_i beside x_{ij}: a family of vectors, j its entries
    (r"$$\sum_{k=1}^{K} w_k^T x = \sum_{k=1}^{K} \sum_{j=1}^{n} w_{kj} x_j$$",
     {"sizes": {"K": [2, 3], "n": [2, 3]}, "indices": {"k": "K", "j": "n"},
      "symbols": {"w": {"family": ["K"], "shape": ["n"]}, "x": {"shape": ["n"]}}},
     set()),
    (r"$$\sum_{i=1}^{N} x_i^T w = \sum_{i=1}^{N} x_{ij} w_j$$",
     {"sizes": {"N": [1, 2], "n": [2, 3]}, "indices": {"i": "N", "j": "n"},
      "symbols": {"x": {"family": ["N"], "shape": ["n"]}}},
     {"w"}),    # j is known as x's entry only once x's length is: w_j is not read (yet)
    # a subscript no sum gives a range: left undeclared with the index to declare
    (r"$$x_t + x_t = 2 x_t$$", {}, {"x"}),
    # an update rule: w_t beside w and w_{t+1} is another value of w, of its shape (w_{t+1}
    # stays unread, as no header spelling declares it)
    (r"$$w_{t+1} = w_t - \eta X^T (X w - y) = w_t - \eta X^T X w + \eta X^T y$$",
     {"sizes": {"n": [2, 3], "m": [2, 3]},
      "symbols": {"w": {"shape": ["n"]}, "wt": {"shape": ["n"], "latex": ["w_t"]},
                  "eta": {"latex": ["\\eta"]}, "X": {"shape": ["m", "n"]},
                  "y": {"shape": ["m"]}}},
     set()),
    # shapes the prose states: X n-by-d, w of length d (no unification needed, nor guessed)
    ("Let $X \\in \\mathbb{R}^{n \\times d}$ and $\\mathbf{w} \\in \\mathbb{R}^d$.\n\n"
     "$$\\frac{1}{2} X w \\cdot 2 = X w$$",
     {"sizes": {"n": [2, 3], "d": [2, 3]},
      "symbols": {"X": {"shape": ["n", "d"]}, "w": {"shape": ["d"]}}}, set()),
    # "for any matrix A" settles the capital that multiplies no vector; A's shape is the
    # products' (a determinant's argument is square, but one line alone may not say so)
    ("Note: for any matrix \\(A\\),\n\n$$A^T A + A^T A = 2 A^T A$$",
     {"sizes": {"n": [2, 3], "m": [2, 3]}, "symbols": {"A": {"shape": ["n", "m"]}}}, set()),
    ("Note: for any matrix \\(A\\),\n\n$$\\det(A) \\det(A) = \\det(A)^2$$", {}, {"A"}),
    ("$$\\det(A) \\det(A) = \\det(A)^2$$\n\n$$\\det(A^T) = \\det(A)$$",
     {"sizes": {"n": [2, 3]}, "symbols": {"A": {"shape": ["n", "n"]}}}, set()),
    # a word of small letters ('+ const') names nothing; t alone only inside a probability
    # p(t | \pi), its entries t_n: the vector of them (gda_prml_amitrajan012.md, real)
    (r"$$\sum_{n=1}^N t_n \log p(t|\pi) + const = \sum_{n=1}^N t_n$$",
     {"sizes": {"N": [1, 2]}, "indices": {"n": "N"}, "symbols": {"t": {"shape": ["N"]}}},
     {"p"}),
    # said to be two things (a vector, then a scalar): neither
    ("Here $x \\in \\mathbb{R}^n$, there $x \\in \\mathbb{R}$.\n\n$$x + x = 2 x$$",
     {"symbols": {"x": {}}}, set()),
    # x alone only as a call's whole argument (y_i(x)), otherwise by its entries: the vector
    # of them (real: logsoftmax_mnn.md)
    ("$$y_i(x) = \\frac{\\exp(x_i)}{\\sum_j \\exp(x_j)}$$",
     {"sizes": {"n": [2, 3]}, "indices": {"j": "n", "i": "n"},
      "symbols": {"y": {"family": ["n"]}, "x": {"shape": ["n"]}}}, set()),
    # a trace's argument is square: A X B has A's rows as B's columns (three products, three
    # sizes, never more)
    (r"$$\operatorname{tr}(A X B) = \operatorname{tr}(B A X) = \operatorname{tr}(X B A)$$",
     {"sizes": {"n": [2, 3], "m": [2, 3], "p": [2, 3]},
      "symbols": {"A": {"shape": ["n", "m"]}, "X": {"shape": ["m", "p"]},
                  "B": {"shape": ["p", "n"]}}}, set()),
    # two sizes the words name are never made one: X w stays the misfit it is (the reader
    # refuses it), not read with n = d
    ("Let $X \\in \\mathbb{R}^{n \\times n}$ and $w \\in \\mathbb{R}^{d}$.\n\n"
     "$$X w + X w = 2 X w$$",
     {"sizes": {"n": [2, 3], "d": [2, 3]},
      "symbols": {"X": {"shape": ["n", "n"]}, "w": {"shape": ["d"]}}}, set()),
    # the standard definitions applied by their names (verify/model/stdlib.py): a sized one
    # over the length of the vector it is applied to
    (r"$$\operatorname{logsumexp}(\mathbf{x}) = \log \sum_{i=1}^{n} \exp(x_i)$$",
     {"sizes": {"n": [2, 3]}, "indices": {"i": "n"}, "symbols": {"x": {"shape": ["n"]}},
      "definitions": {"lse": {"params": ["v"], "body": "log(Sum(exp(v[i]), (i, 1, n)))",
                              "latex": ["\\operatorname{LSE}", "\\operatorname{logsumexp}"]}}},
     set()),
    (r"$$\operatorname{ReLU}(t) + \operatorname{ReLU}(-t) = \sqrt{t^2}$$",
     {"symbols": {"t": {}},
      "definitions": {"relu": {"params": ["t1"], "body": "(t1 + sqrt(t1**2)) / 2",
                               "latex": ["\\operatorname{ReLU}"]}}}, set()),
    # a range written as a set: [K], {1, ..., K} give K and the index over it
    (r"$$\sum_{k \in [K]} y_k z_k = \sum_{k \in \{1, \dots, K\}} z_k y_k$$",
     {"sizes": {"K": [2, 3]}, "indices": {"k": "K"},
      "symbols": {"y": {"family": ["K"]}, "z": {"family": ["K"]}}}, set()),
    # a sample's family x^{(i)} beside x alone in other chains ("for a single example"): the
    # family and one sample's value, spelled x (real: corpus/logreg_jethro.md); x alone before
    # a bracket (a call?) or in one chain with x^{(i)} stays undeclared
    ("$$\\sum_{i=1}^{m} x^{(i)} y^{(i)} = \\sum_{i=1}^{m} y^{(i)} x^{(i)}$$\n\n"
     "$$x y + x = x (y + 1)$$",
     {"sizes": {"m": [2, 3]}, "indices": {"i": "m"},
      "symbols": {"y": {"family": ["m"], "latex": ["y^{(i)}"]}, "y1": {"latex": ["y"]}}}, {"x"}),
    (r"$$x^{(i)} + x = 2 x$$", {}, {"x"}),
    # theta_0, theta_1 numbered, theta alone only as J(theta)'s argument (left unread)
    (r"$$\frac{\partial J(\theta)}{\partial \theta_0} = \theta_0 + \theta_1$$",
     {"symbols": {"theta0": {"latex": ["\\theta_{0}"]}, "theta1": {"latex": ["\\theta_{1}"]}}},
     {"J"}),
    # d stays reserved for a differential, even where it stands as an index (\sum e^{x_d};
    # real: corpus/softmax_ce_bieber.md): declared an index, dX would be read as a product
    (r"$$\sum_{i=1}^{n} x_i = \frac{\sum e^{x_d} x_i}{\sum e^{x_d}}$$",
     {"sizes": {"n": [2, 3]}, "indices": {"i": "n"}, "symbols": {"x": {"family": ["n"]}}},
     set()),
    # without the step t+1, w_t beside the vector w is its entry t
    (r"$$w_t + w^T x = w^T x + w_t$$",
     {"sizes": {"n": [2, 3]}, "indices": {"t": "n"},
      "symbols": {"w": {"shape": ["n"]}, "x": {"shape": ["n"]}}}, set()),
    # a function written as a call is not read as a product
    (r"$$f(a + b) = f(a) + f(b)$$", {"symbols": {"a": {}, "b": {}}}, {"f"}),
    # z alone only as a derivative's variable, else by its entries z_j: the vector of them
    # (softmax_ce_postnetwork.md); alone in a product too, it stays undeclared
    (r"$$\frac{\partial \ell}{\partial z} = \sum_{j=1}^{C} z_j$$",
     {"sizes": {"C": [2, 3]}, "indices": {"j": "C"},
      "symbols": {"ell": {"latex": ["\\ell"]}, "z": {"shape": ["C"]}}}, set()),
    (r"$$x + \sum_{j=1}^{C} x_j = 1$$",
     {"sizes": {"C": [2, 3]}, "indices": {"j": "C"}}, {"x"}),
    # z inside a longer numerator is an argument (d\sigma(z)/dz of a scalar z): no vector
    (r"$$\frac{d \sigma(z)}{d z} = \sigma(z)(1 - \sigma(z))$$ and $$\sum_{j=1}^{C} z_j = 1$$",
     {"sizes": {"C": [2, 3]}, "indices": {"j": "C"},
      "definitions": {"sigma": {"params": ["t"], "body": "1 / (1 + exp(-t))",
                                "latex": ["\\sigma"]}}}, {"z"}),
    # a case's condition (& i=j) compares index letters: i is no value
    (r"$$\frac{\partial \hat{y}_i}{\partial z_j} = \begin{cases} \hat{y}_i(1-\hat{y}_i), & i=j "
     r"\\ -\hat{y}_i \hat{y}_j, & i \neq j \end{cases}$$ and $$\sum_{i=1}^{C} \hat{y}_i = 1$$",
     {"sizes": {"C": [2, 3]}, "indices": {"i": "C", "j": "C"},
      "symbols": {"yhat": {"family": ["C"], "latex": ["\\hat{y}"]}, "z": {"family": ["C"]}}},
     set()),
    # a capital subscript that is no index is a label (covariances C_Y and C_R of a fresh Q&A
    # copy): a name of its own, of the shape its own uses give it
    (r"$$\operatorname{tr}(A C_Y A^T C_R) = \operatorname{tr}(C_Y A^T C_R A)$$",
     {"sizes": {"n": [2, 3], "m": [2, 3]},
      "symbols": {"A": {"shape": ["n", "m"]}, "CY": {"shape": ["m", "m"], "latex": ["C_Y"]},
                  "CR": {"shape": ["n", "n"], "latex": ["C_R"]}}},
     set()),
    # a function's name typed without its backslash, max(0, z), names nothing: no m, no x,
    # and no a alone beside a_j (a cheat sheet's relu line: relu the standard ReLU; z a
    # number there and a vector beside z_j, so left undeclared)
    (r"$$relu(z) = max(0, z)$$ and $$a_j = \frac{e^{z_j}}{\sum_k e^{z_k}}$$",
     {"sizes": {"n": [2, 3]}, "indices": {"k": "n", "j": "n"},
      "definitions": {"relu": {"params": ["t"], "body": "(t + sqrt(t**2)) / 2",
                               "latex": ["\\operatorname{ReLU}"]}}},
     {"a", "z"}),
]


@pytest.mark.parametrize(("text", "expected", "undeclared"), CASES)
def test_inferred_declarations(text: str, expected: dict[str, Any], undeclared: set[str]) -> None:
    inference = infer_document(text)
    got = _declarations(inference)
    got.pop("title", None)
    assert got == expected
    assert {a.latex.lstrip("\\") for a in inference.ambiguities} == undeclared
    for ambiguity in inference.ambiguities:
        assert ambiguity.settle and ambiguity.line >= 1


def test_every_declaration_says_why() -> None:
    inference = infer_document(CASES[0][0])
    reasons = [s.reason for s in inference.symbols] + [i.reason for i in inference.indices]
    assert "y inferred a family over N from line 1" in reasons
    assert all(" inferred " in reason and "from line" in reason for reason in reasons)


def _body(path: Path) -> str:
    """The document with its own header removed (nothing else changed)."""
    text = plain_text(path.read_text(encoding="utf-8"))
    lines = read_header(text, path, str(path)).header_lines
    return "\n".join(text.split("\n")[lines:])


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_inferred_header_is_a_header_the_reader_accepts(path: Path) -> None:
    """Pasted back, the inferred header reads without a problem of its own."""
    body = _body(path)
    header = header_yaml(infer_document(body))
    read = read_header(header + body, Path(path.name), path.name)
    assert read.problems == ()
    assert build_lexicon(read.notation).problems == ()


def test_infer_command_prints_the_header(tmp_path: Path) -> None:
    source = tmp_path / "note.md"
    source.write_text(CASES[0][0] + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["infer", str(source)], out, err) == 0
    printed = out.getvalue()
    assert printed.startswith("---\n") and printed.rstrip().endswith("---")
    assert "# y inferred a family over N from line 1" in printed
    assert "L: written as a call" in printed
    assert main(["infer", str(tmp_path / "missing.md")], out, err) == 2


# ------------------------------------------------------------------ the round trip (slow)

PASSING = {"proved", "supported"}


def round_trip(paths: list[Path], cache: Path | bool = False) -> tuple[int, int, list[str]]:
    """Each document checked with its header and with the inferred one: (steps with the same
    verdict, steps, the false passes: steps wrong by the labels or refuted with the header,
    passing with the inferred one)."""
    import verify
    labels = yaml.safe_load((ROOT / "tests/data/real/labels.yaml").read_text())["files"]
    same = total = 0
    wrong_passes: list[str] = []
    for path in paths:
        text = plain_text(path.read_text(encoding="utf-8"))
        original_lines = read_header(text, path, str(path)).header_lines
        body = _body(path)
        header = header_yaml(infer_document(body))
        shift = header.count("\n") - original_lines
        mine = verify.check_text(text, name=path.stem, cache=cache)
        inferred = verify.check_text(header + body, name=path.stem, cache=cache)
        before = {s.location.line: s.status.value
                  for c in mine.document.chains for s in c.steps}
        after = {s.location.line - shift: s for c in inferred.document.chains for s in c.steps}
        steps = labels.get(path.name, {}).get("steps", [])
        false_lines = {step.get("line") for step in steps if step["truth"] == "false"}
        condition_lines = {step.get("line") for step in steps
                           if step["truth"] in ("condition", "scaled")}
        for line, status in before.items():
            if status == "start":
                continue
            total += 1
            step = after.get(line)
            now = step.status.value if step is not None else "unparsed"
            same += now == status
            # an equation the source solves, checked where it is solved, passes rightly
            solved = step is not None and line in condition_lines and at_solution(step.message)
            if now in PASSING and (status == "refuted" or line in false_lines | condition_lines) \
                    and status not in PASSING and not solved:
                wrong_passes.append(f"{path.name}:{line}: {status} with its header, {now} "
                                    "with the inferred one")
    return same, total, wrong_passes


@pytest.mark.slow
def test_round_trip_never_passes_a_wrong_step(tmp_path: Path) -> None:
    same, total, wrong = round_trip(DOCUMENTS, tmp_path / "cache.sqlite")
    print(f"with its header removed, {same} of {total} steps get the same verdict")
    assert wrong == []
    assert total > 0


# A document without a header, its inferred header pasted back: a wrong step is refuted (or
# left unread), never passed; a right one is decided.
CHECKED: list[tuple[str, list[str]]] = [
    (r"$$\sum_{i=1}^{N} \mathbf{w}^T \mathbf{x}_i = \sum_{i=1}^{N} \mathbf{x}_i^T \mathbf{w}"
     r" = N \mathbf{w}^T \mathbf{x}_1$$", ["start", "proved", "refuted"]),
    # the slip w^T X y would make X square: it does not choose its own reading (X undeclared)
    (r"$$\mathbf{y}^T X \mathbf{w} = \mathbf{w}^T X^T \mathbf{y} = \mathbf{w}^T X \mathbf{y}$$",
     ["unparsed", "unparsed", "unparsed"]),
    (r"$$\mathbf{y}^T X \mathbf{w} = \mathbf{w}^T X^T \mathbf{y} = \mathbf{w}^T X^T X X^T"
     r"\mathbf{y}$$", ["start", "proved", "refuted"]),   # X stays m x n: the slip is refuted
    (r"$$\sigma(t)(1 - \sigma(t)) = \sigma(t) - \sigma(t)^2 = \sigma(-t)$$",
     ["start", "proved", "refuted"]),
]


@pytest.mark.parametrize(("text", "statuses"), CHECKED)
def test_checked_under_the_inferred_header(text: str, statuses: list[str]) -> None:
    import verify
    header = header_yaml(infer_document(text))
    result = verify.check_text(header + text, cache=False, points=5)
    got = [s.status.value for c in result.document.chains for s in c.steps]
    assert got == statuses


def test_a_partial_header_is_extended_not_repeated(tmp_path: Path) -> None:
    source = tmp_path / "partial.md"
    source.write_text("---\nsizes: {N: [1, 2], d: [2]}\nindices: {i: N}\nsymbols:\n"
                      "  w: {shape: [d], latex: ['\\mathbf{w}']}\n---\n" + CASES[0][0] + "\n",
                      encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["infer", str(source)], out, err) == 0
    printed = out.getvalue()
    assert printed.startswith("# the document declares part of its notation")
    added = yaml.safe_load(printed.split("---")[1])
    assert "w" not in added["symbols"] and "N" not in added.get("sizes", {})
    assert added["symbols"]["y"] == {"family": ["N"]}
    assert "i" not in added.get("indices", {})
