"""Canonical texts of expressions and notations: structural like ``srepr`` (every node's class
and arguments, every symbol's name and assumptions), for keys.  Two things with the same text
give the same verdicts: the verdict cache keys claims by them (:mod:`verify.store.cache`) and the
checker shares concretizers between documents of equal notation (:mod:`verify.check.claims`)."""

from __future__ import annotations

import json

import sympy as sp
from sympy.core.function import AppliedUndef

from verify.core.memo import Memo, memoized
from verify.model.notation import Notation

# Key: the node (SymPy equality is structural, assumptions included): a text is its function.
_TEXTS: Memo[sp.Basic, str] = Memo("model.canon.texts", 200_000)
# Notation texts by object (the object is kept with its text, so a reused id is noticed).
_NOTATIONS: Memo[int, tuple[Notation, str]] = Memo("model.canon.notations", 512)
# Expression texts by object, in front of _TEXTS (the node kept with its text, as above): a
# claim's sides are keyed again and again (the judge's memo, the verdict cache, the screen),
# and an equal but new tree costs a walk of the whole tree in _TEXTS, the same object none.
_BY_OBJECT: Memo[int, tuple[sp.Basic, str]] = Memo("model.canon.texts_by_object", 4096)


@memoized("model.canon.sstr", 8192)   # key: the node, all a printed form depends on
def sstr(node: sp.Basic) -> str:
    """SymPy's ``sstr`` of an expression, kept for the process: verdicts and diagnoses print
    the same lines again and again, and printing a large expression costs milliseconds."""
    return sp.sstr(node)


class Canon:
    """Canonical texts of expressions and notations, for keys.  Structural like ``srepr``
    (every node's class and arguments, every symbol's name and assumptions) but several times
    faster, and memoized: consecutive claims share a step, a chain's claims a notation."""

    def __init__(self) -> None:
        # Expression texts are shared by every instance of the process (bounded): the same
        # lines come back in document after document of a class.
        self.texts = _TEXTS
        self.notations = _NOTATIONS

    def expr(self, node: sp.Basic | None) -> str:
        if node is None:
            return ""
        kept = _BY_OBJECT.get(id(node))
        if kept is not None and kept[0] is node:
            return kept[1]
        found = self._expr(node)
        _BY_OBJECT[id(node)] = (node, found)   # whole expressions only, not their parts
        return found

    def _expr(self, node: sp.Basic) -> str:
        found = self.texts.get(node)
        if found is None:
            found = self.texts[node] = self._text(node)
        return found

    def _text(self, node: sp.Basic) -> str:
        kind = type(node).__name__
        if isinstance(node, sp.Symbol):
            return f"{kind}({node.name!r},{sorted(node.assumptions0.items())!r})"
        if isinstance(node, sp.Rational):
            return f"{kind}({node.p}/{node.q})"
        if isinstance(node, sp.Float):
            return sp.srepr(node)
        if isinstance(node, AppliedUndef):
            kind = f"F:{kind}"   # a document's function, never confused with SymPy's own
        args = ",".join(self._expr(a) if isinstance(a, sp.Basic) else repr(a) for a in node.args)
        return f"{kind}({args})"

    def notation(self, notation: Notation) -> str:
        found = self.notations.get(id(notation))
        if found is None or found[0] is not notation:
            found = self.notations[id(notation)] = (notation, self._notation(notation))
        return found[1]

    def _notation(self, notation: Notation) -> str:
        data = {
            "sizes": {name: list(values) for name, values in sorted(notation.sizes.items())},
            "indices": dict(sorted(notation.indices.items())),
            # "symmetric" and an interval only when set: the texts (and keys) of other
            # notations are unchanged.
            "symbols": {name: [list(s.family), list(s.shape), s.kind, s.classes,
                               *(["symmetric"] if s.symmetric else []),
                               *(["interval", *s.interval] if s.interval else [])]
                        for name, s in sorted(notation.symbols.items())},
            "definitions": {name: [d.style, list(d.params), self.expr(d.body)]
                            for name, d in sorted(notation.definitions.items())},
            "assumptions": list(notation.assumptions),
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"))


def notation_dump(notation: Notation) -> str:
    """A canonical text of everything in a notation that can change a verdict."""
    return Canon().notation(notation)
