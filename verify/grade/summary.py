"""The class summary: how many students made each mistake at which step, as a table
(``summary.md``, ``summary.csv``) and a plot (``summary.png``).

A student counts once per (mistake, step): the mistake of a refuted line is its first, most
specific diagnosis, or "unexplained" when no candidate explanation held; a first line that is
not the problem statement counts at step 1 ("wrong start" when unexplained)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from verify.grade.outputs import write_csv
from verify.grade.results import Credit, Grade, Outcome

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


def write_summary(folder: Path, grades: Sequence[Grade], title: str) -> list[Path]:
    rows = mistake_table(grades)
    csv_path, md_path, png_path = (folder / f"summary.{e}" for e in ("csv", "md", "png"))
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        write_csv(handle, ("mistake", "step", "students", "names"),
                  [{"mistake": r.mistake, "step": r.step, "students": len(r.students),
                    "names": " ".join(r.students)} for r in rows])
    md_path.write_text(summary_markdown(grades, rows, title), encoding="utf-8")
    from verify.grade.plot import plot_summary  # matplotlib only when a plot is drawn
    plot_summary(png_path, grades, rows, title)
    return [csv_path, md_path, png_path]


def summary_markdown(grades: Sequence[Grade], rows: Sequence[MistakeRow], title: str) -> str:
    outcomes = Counter(g.outcome for g in grades)
    scores = [g.score for g in grades if g.outcome is Outcome.GRADED]
    maximum = grades[0].maximum if grades else 0.0
    lines = [f"# Class summary: {_md(title)}", "",
             f"{len(grades)} submissions: " + ", ".join(
                 f"{outcomes[o]} {o.value}" for o in Outcome if outcomes[o]) + ".", ""]
    if scores:
        lines += [f"Scores of the graded (out of {maximum:g}): mean {statistics.mean(scores):.2f}, "
                  f"median {statistics.median(scores):g}, lowest {min(scores):g}, "
                  f"highest {max(scores):g}.", ""]
    lines += [f"Final result right, reasoning wrong: "
              f"{sum(1 for g in grades if g.final_right_reasoning_wrong)}. "
              f"To review by hand: {sum(1 for g in grades if g.needs_review)}.", "",
              "## Mistakes by step", ""]
    if not rows:
        lines.append("No refuted step.")
    else:
        lines += ["| mistake | step | students | who |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {_md(r.mistake)} | {r.step} | {len(r.students)} | "
                  f"{_md(', '.join(r.students))} |" for r in rows]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Student file names go into a table: keep them from breaking it or adding markup."""
    for char in "\\|*_`[]<>#":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")
