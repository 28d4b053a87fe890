"""Which files are documents, by suffix: the one table, for checking and for grading.

The two rules differ on purpose in what they accept: ``check`` reads the encoding language
too (a derivation written as YAML), while a submission folder holds students' LaTeX or
Markdown, and a YAML file there is the assignment's or a notation, not a submission.  They
also differ in case, kept as it was: ``check`` matches suffixes exactly, grading in any case
(``.TEX`` is a submission).  Markdown is read with ``$...$`` math; ``.markdown`` is not read.
"""

from __future__ import annotations

ENCODING_SUFFIXES = (".yaml", ".yml")   # the encoding language
LATEX_SUFFIXES = (".tex", ".md")        # LaTeX, and Markdown with $...$ math
CHECKED_SUFFIXES = ENCODING_SUFFIXES + LATEX_SUFFIXES   # `check`: exact case
GRADED_SUFFIXES = LATEX_SUFFIXES                        # grading: any case
