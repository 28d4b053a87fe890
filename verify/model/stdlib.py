r"""The standard definitions of ML derivations, as data: a header's ``use:`` declares them by
name, and the inference can recognise them by their usual LaTeX spellings.

Each entry is exactly what a hand-written header would declare under ``definitions``: a
function definition (``params`` and a ``body`` in the encoding language of
:mod:`verify.read.dsl`) with its spellings.  A body that runs over the entries of a vector
names the size it runs over and an index letter it sums with; both belong to the document, so
they are filled in where the entry is used (:meth:`StandardDefinition.declaration`), and the
letter, bound by the body's own sum, changes nothing of its meaning.

The API, for the header reader and for inference:

* :data:`STANDARD`, the entries by the name ``use:`` takes (``softmax``), :func:`known_names`;
* :func:`lookup` (a ``use:`` name) and :func:`lookup_spelling` (a LaTeX spelling as written,
  ``\operatorname{softmax}``, ``\mathrm{softmax}``, ``\sigma``): the entry, or None;
* :meth:`StandardDefinition.declaration`: the ``definitions`` entry for one document, as the
  mapping a YAML header holds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

# The placeholders of a body that runs over a vector's entries: the size, and the letter the
# body's own sum binds (a bound letter, so any declared index over the size will do).
SIZE = "{size}"
INDEX = "{index}"


@dataclass(frozen=True)
class StandardDefinition:
    """One standard definition.  ``key`` is the name ``use:`` takes, ``name`` the name of the
    definition it declares (what bodies and encodings call it), ``latex`` its spellings."""

    key: str
    name: str
    params: tuple[str, ...]
    body: str              # in the encoding language; SIZE and INDEX where it is sized
    latex: tuple[str, ...]
    description: str
    written: str           # how a step writes it, in LaTeX (for the documentation)

    @property
    def sized(self) -> bool:
        """Whether the body runs over a vector's entries (``use: [softmax(K)]``)."""
        return SIZE in self.body

    def params_avoiding(self, taken: Collection[str]) -> tuple[str, ...]:
        """The parameters, each renamed (``t`` to ``t1``) where the document declares the name
        already: a parameter shadows it inside the body anyway, but a body that mentions a
        declared name would make its uses look as if they used that name's sizes."""
        chosen: list[str] = []
        for param in self.params:
            name, number = param, 0
            while name in taken or name in chosen:
                number += 1
                name = f"{param}{number}"
            chosen.append(name)
        return tuple(chosen)

    def body_for(self, size: str | None = None, index: str | None = None,
                 params: tuple[str, ...] | None = None) -> str:
        """The body with the document's size, summation letter and parameter names."""
        body = self.body
        if params is not None and params != self.params:
            renames = dict(zip(self.params, params, strict=True))
            # Our own body text (never a document's): each parameter is a whole word in it.
            body = re.sub(r"\b(" + "|".join(map(re.escape, self.params)) + r")\b",
                          lambda match: renames[match.group(1)], body)
        if not self.sized:
            return body
        if size is None or index is None:
            raise ValueError(f"{self.key} runs over the entries of a vector: it needs a size "
                             "and an index letter")
        return body.replace(SIZE, size).replace(INDEX, index)

    def declaration(self, size: str | None = None, index: str | None = None,
                    latex: tuple[str, ...] | None = None,
                    taken: Collection[str] = ()) -> dict[str, Any]:
        """The ``definitions`` entry a header would hold, ``latex`` replacing the spellings,
        the parameters named apart from the document's names ``taken``."""
        params = self.params_avoiding(taken)
        return {"params": list(params), "body": self.body_for(size, index, params),
                "latex": list(self.latex if latex is None else latex),
                "description": self.description}


def _entry(key: str, name: str, params: str, body: str, latex: tuple[str, ...],
           description: str, written: str) -> StandardDefinition:
    return StandardDefinition(key, name, tuple(params.split()), body, latex, description,
                              written)


_SUM = f"({INDEX}, 1, {SIZE})"
_ENTRIES = (
    _entry("sigmoid", "sigma", "t", "1 / (1 + exp(-t))",
           ("\\sigma", "\\operatorname{sigmoid}"),
           "the logistic sigmoid 1 / (1 + e^{-t})", "\\sigma(z)"),
    _entry("tanh", "tanh", "t", "(exp(t) - exp(-t)) / (exp(t) + exp(-t))", ("\\tanh",),
           "the hyperbolic tangent, by its exponentials", "\\tanh(z)"),
    # max(0, t) as (t + |t|)/2: the same function, and differentiable wherever ReLU is (every
    # point but 0, which the checks' random points never hit).
    _entry("relu", "relu", "t", "(t + sqrt(t**2)) / 2", ("\\operatorname{ReLU}",),
           "the rectifier max(0, t), written (t + |t|)/2 (differentiable but at 0)",
           "\\operatorname{ReLU}(z)"),
    _entry("softmax", "softmax", "c v", f"exp(v[c]) / Sum(exp(v[{INDEX}]), {_SUM})",
           ("\\operatorname{softmax}",),
           "entry c of the softmax of the vector v", "\\operatorname{softmax}_j(\\mathbf{z})"),
    _entry("softmax_temperature", "softmaxT", "c v T",
           f"exp(v[c] / T) / Sum(exp(v[{INDEX}] / T), {_SUM})", ("\\operatorname{softmax}",),
           "entry c of the softmax of v / T (T the temperature)",
           "\\operatorname{softmax}_j(\\mathbf{z}, T)"),
    _entry("logsumexp", "lse", "v", f"log(Sum(exp(v[{INDEX}]), {_SUM}))",
           ("\\operatorname{LSE}", "\\operatorname{logsumexp}"),
           "the log of the sum of the exponentials of v's entries",
           "\\operatorname{LSE}(\\mathbf{z})"),
    _entry("cross_entropy", "CE", "p q", f"-Sum(p[{INDEX}] * log(q[{INDEX}]), {_SUM})",
           ("\\operatorname{CE}",), "the cross-entropy -sum_k p_k log q_k of q relative to p",
           "\\operatorname{CE}(\\mathbf{y}, \\mathbf{p})"),
    _entry("binary_cross_entropy", "BCE", "y q", "-(y * log(q) + (1 - y) * log(1 - q))",
           ("\\operatorname{BCE}",), "the binary cross-entropy of the prediction q for label y",
           "\\operatorname{BCE}(y, \\hat{y})"),
    _entry("mse", "MSE", "u v", f"Sum((u[{INDEX}] - v[{INDEX}])**2, {_SUM}) / {SIZE}",
           ("\\operatorname{MSE}",), "the mean of the squared differences of u's and v's entries",
           "\\operatorname{MSE}(\\mathbf{y}, \\hat{\\mathbf{y}})"),
    _entry("l1_penalty", "R1", "v", f"Sum(sqrt(v[{INDEX}]**2), {_SUM})", ("R_1",),
           "the L1 penalty sum_k |v_k| (the weight, if any, is written in the document)",
           "R_1(\\mathbf{w})"),
    _entry("l2_penalty", "R2", "v", f"Sum(v[{INDEX}]**2, {_SUM})", ("R_2",),
           "the squared L2 norm sum_k v_k^2 (the weight and any 1/2 are written in the "
           "document)", "R_2(\\mathbf{w})"),
    _entry("gaussian", "gauss", "t mu s2", "exp(-(t - mu)**2 / (2 * s2)) / sqrt(2 * pi * s2)",
           ("\\mathcal{N}",), "the normal density at t, mean mu, variance s2",
           "\\mathcal{N}(x; \\mu, \\sigma^2)"),
    _entry("gaussian_log_density", "logN", "t mu s2",
           "-log(2 * pi * s2) / 2 - (t - mu)**2 / (2 * s2)", ("\\operatorname{logN}",),
           "the log of the normal density at t, mean mu, variance s2",
           "\\operatorname{logN}(x; \\mu, \\sigma^2)"),
)

STANDARD: Mapping[str, StandardDefinition] = {entry.key: entry for entry in _ENTRIES}


def known_names() -> tuple[str, ...]:
    """The names ``use:`` takes, in the library's order."""
    return tuple(STANDARD)


def lookup(key: str) -> StandardDefinition | None:
    """The entry ``use:`` calls ``key``, or None."""
    return STANDARD.get(key)


# Upright words are one spelling however they are set: \operatorname{softmax},
# \operatorname*{softmax}, \mathrm{softmax}, \text{softmax}, \textrm, \mathop{\mathrm{..}}.
_UPRIGHT = re.compile(r"^\\(?:operatorname\*?|mathrm|text|textrm|textup|mbox)\s*\{\s*"
                      r"([A-Za-z][A-Za-z0-9]*)\s*\}$")
_MATHOP = re.compile(r"^\\mathop\s*\{(.*)\}$")


def _spelling_key(latex: str) -> str:
    """A spelling as compared: spaces gone, an upright word as ``\\operatorname{word}`` in
    lower case (``\\mathrm{LSE}`` is ``\\operatorname{lse}``)."""
    text = latex.strip()
    mathop = _MATHOP.match(text)
    if mathop:
        text = mathop.group(1).strip()
    upright = _UPRIGHT.match(text)
    if upright:
        return "\\operatorname{" + upright.group(1).lower() + "}"
    return re.sub(r"\s+", "", text)


def lookup_spelling(latex: str) -> StandardDefinition | None:
    r"""The standard definition a LaTeX name as written usually stands for (``\sigma``: the
    sigmoid, ``\mathrm{softmax}``: softmax, ``\tanh``), or None.  Where two entries share a
    spelling (softmax with and without temperature) the first, the plainer, answers: the
    caller tells them apart by the arguments (a temperature is a third one)."""
    key = _spelling_key(latex)
    for entry in _ENTRIES:
        if any(_spelling_key(spelling) == key for spelling in entry.latex):
            return entry
    return None
