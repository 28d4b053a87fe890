"""How declared names are written in LaTeX by default: one Latin letter as itself, a Greek
letter's name as its command, a primed index letter (``kp``) as ``k'``.  The LaTeX reader's
lexicon (:mod:`verify.read.latex.names`) starts from these; every output that writes a name
back (readings, counterexamples, reports) uses them too."""

from __future__ import annotations

import re

GREEK = frozenset((
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon",
    "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi",
    "Sigma", "Upsilon", "Phi", "Psi", "Omega"))


def default_spellings(name: str) -> tuple[str, ...]:
    if re.fullmatch(r"[A-Za-z]", name):
        return (name,)
    if name in GREEK:
        return ("\\" + name,)
    return ()


def index_spellings(name: str) -> tuple[str, ...]:
    primed = re.fullmatch(r"([A-Za-z])(p+)", name)
    if primed:
        return (primed.group(1) + "'" * len(primed.group(2)),)
    return default_spellings(name)


def latex_of_index(name: str) -> str:
    """How to write a declared index letter in LaTeX (``kp`` -> ``k'``)."""
    spellings = index_spellings(name)
    return spellings[0] if spellings else name
