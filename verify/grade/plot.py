"""The class summary as a picture: the score distribution beside a mistake-by-step grid.

Matplotlib with the Agg backend (files only, no display), selected through the object API so
that importing this module never changes the global backend of a program that embeds it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from verify.core.atomic import atomic_binary_file
from verify.grade.mistakes import MistakeRow
from verify.grade.results import Grade, Outcome


def plot_summary(path: Path, grades: Sequence[Grade], rows: Sequence[MistakeRow],
                 title: str) -> None:
    figure = Figure(figsize=(11, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    scores_axes, grid_axes = figure.subplots(1, 2, width_ratios=(1, 1.6))
    _scores(scores_axes, grades)
    _grid(grid_axes, rows)
    # The assignment's title as written: never read as mathtext or TeX (an unbalanced
    # '$\frac{1}{2$' failed the whole summary), whatever the user's matplotlibrc says.
    figure.suptitle(title[:90], parse_math=False, usetex=False)
    with atomic_binary_file(path) as handle:   # whole or not at all, as every output
        figure.savefig(handle, format="png", dpi=110)


def _scores(axes: Axes, grades: Sequence[Grade]) -> None:
    graded = [g.score for g in grades if g.outcome is Outcome.GRADED]
    other = sum(1 for g in grades if g.outcome is not Outcome.GRADED)
    maximum = max((g.maximum for g in grades), default=1.0) or 1.0
    axes.hist(graded, bins=10, range=(0, maximum), color="#4477aa", edgecolor="white")
    axes.set_xlabel(f"score (out of {maximum:g})")
    axes.set_ylabel("students")
    axes.set_title(f"{len(graded)} graded" + (f", {other} empty or unreadable" if other else ""))


def _grid(axes: Axes, rows: Sequence[MistakeRow]) -> None:
    if not rows:
        axes.text(0.5, 0.5, "no refuted step", ha="center", va="center")
        axes.set_axis_off()
        return
    kinds = sorted({r.mistake for r in rows})
    steps = sorted({r.step for r in rows})
    counts = [[0] * len(steps) for _ in kinds]
    for row in rows:
        counts[kinds.index(row.mistake)][steps.index(row.step)] = len(row.students)
    top = max(max(line) for line in counts)
    image = axes.imshow(counts, cmap="Reds", aspect="auto", vmin=0, vmax=max(top, 1))
    for y, line in enumerate(counts):
        for x, count in enumerate(line):
            if count:  # white on the dark cells, black on the light ones
                axes.text(x, y, str(count), ha="center", va="center", fontsize=9,
                          color="white" if count > top / 2 else "black")
    axes.set_xticks(range(len(steps)), [str(s) for s in steps])
    axes.set_yticks(range(len(kinds)), kinds)
    axes.set_xlabel("step")
    axes.set_title("students per mistake and step")
    figure = axes.get_figure()
    if figure is not None:
        bar = figure.colorbar(image, ax=axes, label="students")
        bar.locator = MaxNLocator(integer=True)  # students come in whole numbers
        bar.update_ticks()
