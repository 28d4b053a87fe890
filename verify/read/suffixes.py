"""Which files are documents, by suffix: the one table, for checking and for grading.

The two sets differ on purpose in what they accept: ``check`` reads the encoding language
too (a derivation written as YAML), while a submission folder holds students' LaTeX or
Markdown, and a YAML file there is the assignment's or a notation, not a submission.  Both
match in any case (``UPPER.MD`` and ``.TEX`` are documents for ``check DIR`` as for
``grade``): :func:`document_suffix` is the one rule.  Markdown is read with ``$...$`` math;
``.markdown`` is not read.  Which files of a folder are read at all (hidden ones, links,
special files) is :mod:`verify.read.files`.
"""

from __future__ import annotations

from pathlib import Path

ENCODING_SUFFIXES = (".yaml", ".yml")   # the encoding language
LATEX_SUFFIXES = (".tex", ".md")        # LaTeX, and Markdown with $...$ math
CHECKED_SUFFIXES = ENCODING_SUFFIXES + LATEX_SUFFIXES   # `check`
GRADED_SUFFIXES = LATEX_SUFFIXES                        # grading


def document_suffix(path: Path, suffixes: tuple[str, ...]) -> str | None:
    """``path``'s suffix in lower case when it is one of ``suffixes``, else None."""
    suffix = path.suffix.lower()
    return suffix if suffix in suffixes else None
