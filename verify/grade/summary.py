"""The class summary: how many students made each mistake at which step, as a table
(``summary.md``, ``summary.csv``) and a plot (``summary.png``); what counts as a mistake is
:mod:`verify.grade.mistakes`."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from verify.core.atomic import atomic_file, write_text_atomic
from verify.grade.mistakes import MistakeRow, mistake_table
from verify.grade.outputs import write_csv
from verify.grade.results import Grade, Outcome


def write_summary(folder: Path, grades: Sequence[Grade], title: str) -> list[Path]:
    rows = mistake_table(grades)
    csv_path, md_path, png_path = (folder / f"summary.{e}" for e in ("csv", "md", "png"))
    with atomic_file(csv_path, newline="") as handle:
        write_csv(handle, ("mistake", "step", "students", "names"),
                  [{"mistake": r.mistake, "step": r.step, "students": len(r.students),
                    "names": " ".join(r.students)} for r in rows])
    write_text_atomic(md_path, summary_markdown(grades, rows, title))
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
    review = [g for g in grades if g.needs_review]
    lines += [f"Final result right, reasoning wrong: "
              f"{sum(1 for g in grades if g.final_right_reasoning_wrong)}. "
              f"To review by hand: {len(review)}.", ""]
    if review:   # each with its reasons: a line not read or decided is the grader's doubt
        lines += ["## To review by hand", ""]
        lines += [f"- **{_md(g.student)}** ({g.score:g}/{g.maximum:g}): "
                  + "; ".join(_md(r) for r in g.review_reasons) for g in review]
        lines.append("")
    lines += ["## Mistakes by step", ""]
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
