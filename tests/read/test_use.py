r"""``use:`` in a notation header: the standard definitions of verify/model/stdlib.py declared by
name.  A use must read and check exactly as the hand-written declaration it replaces: real
documents are checked both ways (their own header, and the header with the definition taken
out and ``use:`` put in) and every step must get the same verdict; per entry, a right and a
wrong line under both headers, the wrong one refuted.  A header's mistakes in ``use:`` are
reported at its line, with the names the library knows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.paths import DATA, DERIVATIONS
from verify.core.errors import Location, NotationError
from verify.model.stdlib import STANDARD, known_names, lookup_spelling
from verify.model.verdict import DocumentResult, Status
from verify.pipeline import Options, check_path
from verify.read.header import read_header
from verify.read.notation import parse_notation

REAL = DATA / "real"
PASSING = {Status.PROVED, Status.SUPPORTED}


def _without(text: str, name: str, indent: int) -> str:
    """``text`` with the definition ``name`` (at ``indent`` spaces) taken out, its continuation
    lines with it."""
    pattern = re.compile(rf"^{' ' * indent}{re.escape(name)}:.*\n(?:{' ' * (indent + 1)}.*\n)*",
                         re.M)
    found = pattern.findall(text)
    assert len(found) == 1, (name, found)
    return pattern.sub("", text)


def _with_use(text: str, name: str, use: str, indent: int = 2) -> str:
    """The document with its hand-written ``name`` replaced by ``use``, put just before its
    ``definitions:`` key."""
    stripped = _without(text, name, indent)
    key = " " * (indent - 2) + "definitions:"
    assert stripped.count(f"\n{key}\n") == 1
    return stripped.replace(f"\n{key}\n", f"\n{' ' * (indent - 2)}use: {use}\n{key}\n")


def _verdicts(result: DocumentResult) -> list[tuple[object, ...]]:
    """Every step's verdict, without line numbers (the two headers differ in length)."""
    assert not result.problems, result.problems
    found: list[tuple[object, ...]] = []
    for chain in result.chains:
        for step in chain.steps:
            description = step.counterexample.describe() if step.counterexample else None
            found.append((step.location.label, step.status, step.reading, description,
                          step.diagnosis, re.sub(r"\S+:\d+: ", "", step.message)))
    return found


# (document, hand-written definition it holds, the use: that replaces it, indent).
REAL_CASES = [
    pytest.param(REAL / "logreg_hessian_stats400514.md", "sigma", "[sigmoid]", 0,
                 id="sigmoid-stats400514"),
    pytest.param(REAL / "tanh_questionai.md", "tanh", "[tanh]", 0, id="tanh-questionai"),
    pytest.param(REAL / "tanh_specialfunctions.md", "tanh", "[tanh]", 0,
                 id="tanh-specialfunctions"),
    pytest.param(REAL / "logreg_2nd_imathworks.md", "g",
                 "[{sigmoid: {name: g, latex: ['g']}}]", 0, id="sigmoid-as-g-imathworks",
                 marks=pytest.mark.slow),
    pytest.param(REAL / "logreg_hessian_neylon.md", "g",
                 "[{sigmoid: {name: g, latex: ['g']}}]", 0, id="sigmoid-as-g-neylon",
                 marks=pytest.mark.slow),
    pytest.param(REAL / "backprop_techqa4064289.md", "f",
                 "[{sigmoid: {name: f, latex: ['f']}}]", 0, id="sigmoid-as-f-backprop",
                 marks=pytest.mark.slow),
    pytest.param(REAL / "logreg_l2_ingenjoy.md", "sigma", "[sigmoid]", 0,
                 id="sigmoid-ingenjoy", marks=pytest.mark.slow),
    pytest.param(DERIVATIONS / "logistic_regression.md", "sigma", "[sigmoid]", 0,
                 id="sigmoid-logistic-regression", marks=pytest.mark.slow),
    # A softmax over K whose body sums with m; the library's sums with j (the first index
    # over K that is no parameter): a bound letter, so nothing changes.
    pytest.param(DERIVATIONS / "003_4fc6b41a1466133b.yaml", "g",
                 r"""[{softmax: {size: K, name: g, latex: ['g_k(\boldsymbol{z})', 'g']}}]""", 2,
                 id="softmax-as-g-seed003", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("path", "name", "use", "indent"), REAL_CASES)
def test_use_checks_a_real_document_as_its_hand_written_header(
        tmp_path: Path, path: Path, name: str, use: str, indent: int) -> None:
    text = path.read_text(encoding="utf-8")
    header_indent = indent + 2
    changed = tmp_path / path.name
    changed.write_text(_with_use(text, name, use, header_indent), encoding="utf-8")
    assert f"use: {use}" in changed.read_text(encoding="utf-8")
    by_hand = _verdicts(check_path(path, Options(seed=0)))
    by_use = _verdicts(check_path(changed, Options(seed=0)))
    assert by_use == by_hand
    assert any(status in PASSING | {Status.REFUTED} for _, status, *_ in by_hand)


# The notation of the per-entry cases; each entry's hand-written form is spelt as a person
# would write it (its own parameter and index letters), not copied from the library.
NOTATION = """sizes: {K: [2, 3]}
indices: {k: K, j: K, m: K}
symbols:
  z: {shape: [K], latex: ['\\mathbf{z}', 'z']}
  u: {shape: [K], latex: ['\\mathbf{u}', 'u']}
  v: {shape: [K], latex: ['\\mathbf{v}', 'v']}
  y: {shape: [K], kind: onehot, latex: ['\\mathbf{y}', 'y']}
  p: {shape: [K], kind: positive, latex: ['\\mathbf{p}', 'p']}
  x: {}
  b: {kind: binary}
  q: {interval: [0.05, 0.95]}
  T: {kind: positive}
  mu: {latex: ['\\mu']}
  s: {kind: positive}
"""

# (use:, the hand-written definitions entry, a right line, a wrong line)
ENTRY_CASES = [
    ("sigmoid", "sigma: {params: [a], body: '1 / (1 + exp(-a))', latex: ['\\sigma']}",
     r"\frac{d}{dx} \sigma(x) = \sigma(x) (1 - \sigma(x))",
     r"\frac{d}{dx} \sigma(x) = \sigma(x) (1 + \sigma(x))"),
    ("tanh", "tanh: {params: [a], body: '(exp(2*a) - 1) / (exp(2*a) + 1)', latex: ['\\tanh']}",
     r"\frac{d}{dx} \tanh(x) = 1 - \tanh(x) \tanh(x)",
     r"\frac{d}{dx} \tanh(x) = 1 + \tanh(x) \tanh(x)"),
    ("relu", "relu: {params: [a], body: '(a + sqrt(a**2)) / 2', latex: ['\\operatorname{ReLU}']}",
     r"\operatorname{ReLU}(x) + \operatorname{ReLU}(-x) = |x|",
     r"\operatorname{ReLU}(x) - \operatorname{ReLU}(-x) = |x|"),
    ("softmax(K)", "softmax: {params: [a, w], body: 'exp(w[a]) / Sum(exp(w[k]), (k, 1, K))', "
                   "latex: ['\\operatorname{softmax}']}",
     r"\frac{\partial}{\partial z_k} \operatorname{softmax}_j(\mathbf{z}) = "
     r"\operatorname{softmax}_j(\mathbf{z}) (\delta_{jk} - \operatorname{softmax}_k(\mathbf{z}))",
     r"\frac{\partial}{\partial z_k} \operatorname{softmax}_j(\mathbf{z}) = "
     r"\operatorname{softmax}_j(\mathbf{z}) (1 - \operatorname{softmax}_k(\mathbf{z}))"),
    ("softmax_temperature(K)",
     "softmaxT: {params: [a, w, c], body: 'exp(w[a] / c) / Sum(exp(w[k] / c), (k, 1, K))', "
     "latex: ['\\operatorname{softmax}']}",
     r"\frac{\partial}{\partial z_j} \operatorname{softmax}_j(\mathbf{z}, T) = \frac{1}{T} "
     r"\operatorname{softmax}_j(\mathbf{z}, T) (1 - \operatorname{softmax}_j(\mathbf{z}, T))",
     r"\frac{\partial}{\partial z_j} \operatorname{softmax}_j(\mathbf{z}, T) = "
     r"\operatorname{softmax}_j(\mathbf{z}, T) (1 - \operatorname{softmax}_j(\mathbf{z}, T))"),
    ("logsumexp(K)", "lse: {params: [w], body: 'log(Sum(exp(w[k]), (k, 1, K)))', "
                     "latex: ['\\operatorname{LSE}']}",
     r"\frac{\partial}{\partial z_j} \operatorname{LSE}(\mathbf{z}) = "
     r"\frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}",
     r"\frac{\partial}{\partial z_j} \operatorname{LSE}(\mathbf{z}) = e^{z_j}"),
    # The one-hot trap: -1/p_j is right exactly where y_j = 1.
    ("cross_entropy(K)", "CE: {params: [a, c], body: '-Sum(a[k] * log(c[k]), (k, 1, K))', "
                         "latex: ['\\operatorname{CE}']}",
     r"\frac{\partial}{\partial p_j} \operatorname{CE}(\mathbf{y}, \mathbf{p}) = "
     r"-\frac{y_j}{p_j}",
     r"\frac{\partial}{\partial p_j} \operatorname{CE}(\mathbf{y}, \mathbf{p}) = -\frac{1}{p_j}"),
    ("binary_cross_entropy", "BCE: {params: [a, c], body: '-a * log(c) - (1 - a) * log(1 - c)', "
                             "latex: ['\\operatorname{BCE}']}",
     r"\frac{d}{dq} \operatorname{BCE}(b, q) = \frac{q - b}{q (1 - q)}",
     r"\frac{d}{dq} \operatorname{BCE}(b, q) = \frac{b - q}{q (1 - q)}"),
    ("mse(K)", "MSE: {params: [a, c], body: 'Sum((a[k] - c[k])**2, (k, 1, K)) / K', "
               "latex: ['\\operatorname{MSE}']}",
     r"\frac{\partial}{\partial u_j} \operatorname{MSE}(\mathbf{u}, \mathbf{v}) = "
     r"\frac{2}{K} (u_j - v_j)",
     r"\frac{\partial}{\partial u_j} \operatorname{MSE}(\mathbf{u}, \mathbf{v}) = 2 (u_j - v_j)"),
    ("l1_penalty(K)", "R1: {params: [w], body: 'Sum(sqrt(w[k]**2), (k, 1, K))', "
                      "latex: ['R_1']}",
     r"\frac{\partial}{\partial z_j} R_1(\mathbf{z}) = \frac{z_j}{|z_j|}",
     r"\frac{\partial}{\partial z_j} R_1(\mathbf{z}) = 1"),
    ("l2_penalty(K)", "R2: {params: [w], body: 'Sum(w[k] * w[k], (k, 1, K))', latex: ['R_2']}",
     r"\frac{\partial}{\partial z_j} R_2(\mathbf{z}) = 2 z_j",
     r"\frac{\partial}{\partial z_j} R_2(\mathbf{z}) = z_j"),
    ("gaussian", "gauss: {params: [a, c, e], body: 'exp(-(a - c)**2 / (2 * e)) / sqrt(2 * pi * e)',"
                 " latex: ['\\mathcal{N}']}",
     r"\log \mathcal{N}(x; \mu, s) = -\frac{1}{2} \log(2 \pi s) - \frac{(x - \mu)^2}{2 s}",
     r"\log \mathcal{N}(x; \mu, s) = -\frac{1}{2} \log(2 \pi s) - \frac{(x - \mu)^2}{s}"),
    ("gaussian_log_density",
     "logN: {params: [a, c, e], body: '-log(2 * pi * e) / 2 - (a - c)**2 / (2 * e)', "
     "latex: ['\\operatorname{logN}']}",
     r"\frac{\partial}{\partial \mu} \operatorname{logN}(x; \mu, s) = \frac{x - \mu}{s}",
     r"\frac{\partial}{\partial \mu} \operatorname{logN}(x; \mu, s) = \frac{\mu - x}{s}"),
]


def _check(tmp_path: Path, header: str, *lines: str) -> DocumentResult:
    body = "".join(f"\n$$ {line} $$\n" for line in lines)
    path = tmp_path / "doc.md"
    path.write_text(f"---\n{header}---\n{body}", encoding="utf-8")
    return check_path(path, Options(seed=0))


def test_every_entry_has_a_case() -> None:
    assert sorted(case[0].split("(")[0] for case in ENTRY_CASES) == sorted(known_names())


@pytest.mark.parametrize(("use", "by_hand", "right", "wrong"), [
    pytest.param(*case, id=case[0].split("(")[0],
                 marks=() if case[0] in ("sigmoid", "softmax(K)") else pytest.mark.slow)
    for case in ENTRY_CASES])
def test_each_standard_definition_reads_as_by_hand_and_still_refutes(
        tmp_path: Path, use: str, by_hand: str, right: str, wrong: str) -> None:
    with_use = _verdicts(_check(tmp_path, f"{NOTATION}use: [{use}]\n", right, wrong))
    hand = _verdicts(_check(tmp_path, f"{NOTATION}definitions:\n  {by_hand}\n", right, wrong))
    # Same verdicts and readings; the evidence may differ in how many label cases the
    # exact test needed (the hand-written body is another, equal, expression).
    assert [v[:4] for v in with_use] == [v[:4] for v in hand]
    statuses = [verdict[1] for verdict in with_use]
    # right: the first chain's second line passes; wrong: the second chain's is refuted
    assert statuses[0] is Status.START and statuses[1] in PASSING, with_use
    assert statuses[2] is Status.START and statuses[3] is Status.REFUTED, with_use


def _problems(tmp_path: Path, header: str) -> tuple[str, ...]:
    path = tmp_path / "doc.md"
    text = f"---\n{header}---\n\n$$ x = x $$\n"
    return read_header(text, path, "doc.md").problems


@pytest.mark.parametrize(("use", "line", "message"), [
    ("[sigmoid, sofmax]", 2, "'sofmax' in 'use' is not a standard definition; known: "
                             + ", ".join(known_names())),
    ("\n  - sigmoid\n  - logsumexpp(K)", 4, "'logsumexpp(K)' in 'use' is not a standard"),
    ("[softmax]", 2, "'softmax' in 'use' runs over the entries of a vector: name their size, "
                     "softmax(K)"),
    ("[softmax(Q)]", 2, "'softmax(Q)' in 'use': 'Q' is not a declared size"),
    ("[mse(n)]", 2, "'mse(n)' in 'use' sums over n: declare an index letter over n"),
    ("[sigmoid(K)]", 2, "'sigmoid(K)' in 'use': sigmoid takes no size"),
    ("[sigmoid, {sigmoid: {name: sigma}}]", 2, "'sigma' is declared twice"),
    ("[{sigmoid: {as: g}}]", 2, "'sigmoid' in 'use' takes latex, name, size"),
    ("[3]", 2, "a 'use' entry is a name such as sigmoid or softmax(K), got 3"),
])
def test_a_wrong_use_is_a_header_error_at_its_line(tmp_path: Path, use: str, line: int,
                                                    message: str) -> None:
    header = f"use: {use}\nsizes: {{K: [2], n: [2]}}\nindices: {{k: K}}\n"
    problems = _problems(tmp_path, header)
    assert len(problems) == 1 and problems[0].startswith(f"doc.md:{line}: {message}"), problems


def test_a_use_and_a_definition_of_the_same_name_is_refused(tmp_path: Path) -> None:
    header = "use: [sigmoid]\ndefinitions:\n  sigma: {params: [t], body: 't'}\n"
    problems = _problems(tmp_path, header)
    assert len(problems) == 1 and "'sigma' is declared twice, by 'use: sigmoid' and under " \
        "definitions" in problems[0], problems


def test_a_use_declares_what_the_library_holds() -> None:
    raw = {"sizes": {"K": [2]}, "indices": {"c": "K", "k": "K"},
           "use": ["softmax(K)", {"sigmoid": {"name": "g", "latex": ["g"]}},
                   {"logsumexp": {"size": "K"}}]}
    notation = parse_notation(raw, Location("t.yaml", 1))
    # its sum takes the first index letter over K; its parameter 'c', an index letter of the
    # document, is renamed
    assert notation.definitions["softmax"].text == "exp(v[c1]) / Sum(exp(v[c]), (c, 1, K))"
    assert notation.definitions["softmax"].params == ("c1", "v")
    assert notation.definitions["softmax"].latex == ("\\operatorname{softmax}",)
    assert notation.definitions["g"].params == ("t",)
    assert notation.definitions["g"].latex == ("g",)
    assert notation.definitions["lse"].text == "log(Sum(exp(v[c]), (c, 1, K)))"
    with pytest.raises(NotationError, match="'sigma' is declared both as a symbol"):
        parse_notation({"symbols": {"sigma": {}}, "use": ["sigmoid"]}, Location("t.yaml", 1))


def test_every_entry_parses_as_a_definition() -> None:
    for entry in STANDARD.values():
        raw = {"sizes": {"K": [2]}, "indices": {"k": "K"},
               "use": [f"{entry.key}(K)" if entry.sized else entry.key]}
        definition = parse_notation(raw, Location("t.yaml", 1)).definitions[entry.name]
        assert definition.style == "function" and definition.params == entry.params


@pytest.mark.parametrize(("latex", "key"), [
    ("\\sigma", "sigmoid"), ("\\operatorname{sigmoid}", "sigmoid"), ("\\tanh", "tanh"),
    ("\\mathrm{softmax}", "softmax"), ("\\operatorname{softmax}", "softmax"),
    ("\\text{Softmax}", "softmax"), ("\\operatorname*{softmax}", "softmax"),
    ("\\mathop{\\mathrm{LSE}}", "logsumexp"), ("\\operatorname{logsumexp}", "logsumexp"),
    ("\\operatorname{ReLU}", "relu"), ("\\mathrm{relu}", "relu"), ("\\mathcal{N}", "gaussian"),
    ("\\mathrm{MSE}", "mse"), ("\\operatorname{BCE}", "binary_cross_entropy"),
    ("R_1", "l1_penalty"), (" R_{2} ".replace("{2}", "2"), "l2_penalty"),
    ("\\rho", None), ("x", None), ("\\operatorname{softmaxx}", None), ("\\mathrm{N}", None),
])
def test_lookup_spelling(latex: str, key: str | None) -> None:
    found = lookup_spelling(latex)
    assert (found.key if found else None) == key
