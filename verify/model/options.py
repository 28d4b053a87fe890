"""What a check is told (seed, sizes, points): a record of plain values, so that the
parent of a run (the command line, the runner) can build and pass it without importing the
checker's engines, SymPy and JAX, which only the worker processes need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

POINTS = 20   # random points per size combination (verify.check.numeric draws them)


@dataclass(frozen=True)
class Options:
    seed: int = 0
    sizes: Mapping[str, tuple[int, ...]] | None = None  # --sizes: override check values
    points: int = POINTS
