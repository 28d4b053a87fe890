"""What the class got wrong: how many students made each mistake at which step.

A student counts once per (mistake, step): the mistake of a refuted line is its first, most
specific diagnosis, or "unexplained" when no candidate explanation held; a first line that is
not the problem statement counts at step 1 ("wrong start" when unexplained).  The table is
written out by :mod:`verify.grade.summary` and drawn by :mod:`verify.grade.plot`, both above
this module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verify.grade.results import Credit, Grade

UNEXPLAINED = "unexplained"
WRONG_START = "wrong start"


@dataclass(frozen=True)
class MistakeRow:
    mistake: str
    step: int
    students: tuple[str, ...]


def mistakes(grade: Grade) -> list[tuple[str, int]]:
    """(mistake, step) for each wrong line of one student."""
    found: list[tuple[str, int]] = []
    if grade.start_ok is False and grade.steps:
        first = grade.start_diagnoses[0].kind.value if grade.start_diagnoses else WRONG_START
        found.append((first, grade.steps[0].number))
    for step in grade.steps:
        if step.credit is Credit.REFUTED:
            kind = step.diagnoses[0].kind.value if step.diagnoses else UNEXPLAINED
            found.append((kind, step.number))
    return list(dict.fromkeys(found))


def mistake_table(grades: Sequence[Grade]) -> list[MistakeRow]:
    who: dict[tuple[str, int], list[str]] = {}
    for grade in grades:
        for key in mistakes(grade):
            who.setdefault(key, []).append(grade.student)
    rows = [MistakeRow(m, s, tuple(names)) for (m, s), names in who.items()]
    return sorted(rows, key=lambda r: (-len(r.students), r.step, r.mistake))
