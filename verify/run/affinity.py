r"""Which pending job a worker gets next: the one most like what that worker has done already.

Why: a worker keeps what it computed for one job (parser outcomes, step readings,
concretizers, gradient traces) for the next, but never sees another worker's.  A class repeats
its lines, so handing out submissions in file order makes every worker read and concretize
most of the class's lines for itself.  Giving each worker the submissions whose lines it has
mostly seen, and steering it away from lines another worker already holds, lets the workers
divide the class's lines between them instead.

The choice only changes who does the work and when, never a result: every judgement is a
function of the claim's content, the seed and the points alone (the tests compare grades
computed in one process, by one worker and by two).

A job's *features* are a cheap proxy for its lines, computed from the raw bytes by the
parent without reading any LaTeX: the display pieces of the file (between ``$$``, row breaks,
alignment marks and line ends) that hold a command, with spaces, spacing and sizing commands
taken out.  Two spellings that read the same (``\mathbf`` and ``\boldsymbol``) stay two
features; the heuristic only has to be right often, since a wrong guess costs time, not
correctness.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from verify.core.limits import AFFINITY_FILE_BYTES
from verify.read.files import read_regular

# How much a line that another worker already holds counts against a job, relative to a line
# this worker holds counting for it.  0 ignores the others; 0.5 was best of 0, 0.5 and 1 in a
# simulation of the synthetic class (bench/synthetic.py) with two workers.
OTHERS_WEIGHT = 0.5

_PIECES = re.compile(r"\$\$|\\\\|\n|&|\\begin\s*\{[^}]*\}|\\end\s*\{[^}]*\}|\\\[|\\\]")
_SURFACE = re.compile(r"\\(?:left|right|[bB]igg?[lr]?)(?![A-Za-z])|\\[,;:! ]|\\q?quad(?![A-Za-z])"
                      r"|\s+")


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def file_features(path: Path) -> frozenset[str]:
    """A file's :func:`line_features` (none when it cannot be read or is too large: the
    worker then says why)."""
    if file_size(path) > AFFINITY_FILE_BYTES:
        return frozenset()
    try:
        return line_features(read_regular(path))   # a FIFO is refused, not waited on
    except OSError:
        return frozenset()


def by_affinity(paths: Sequence[Path], pending: Iterable[int]) -> AffinityQueue:
    """The pending files (numbers into ``paths``), longest first, then by affinity: a
    worker gets the file most like those it had.  Longest first breaks ties, so that with
    several workers a long file does not start last and run alone."""
    order = sorted(pending, key=lambda n: -file_size(paths[n]))
    return AffinityQueue(order, {n: file_features(paths[n]) for n in order})


def line_features(data: bytes) -> frozenset[str]:
    """The display pieces of a file that hold a LaTeX command, spacing and sizing removed."""
    if len(data) > AFFINITY_FILE_BYTES:
        return frozenset()
    text = data.decode("utf-8", errors="replace")
    return frozenset(_SURFACE.sub("", piece) for piece in _PIECES.split(text) if "\\" in piece)


class JobQueue(Protocol):
    """Pending jobs, handed out one at a time to the worker asking."""

    def __len__(self) -> int: ...

    def take(self, worker: int) -> int:
        """The next job for the worker with this serial number (the queue is not empty)."""


class OrderedQueue:
    """Jobs in the order given, whoever asks."""

    def __init__(self, jobs: Iterable[int]) -> None:
        self._jobs = deque(jobs)

    def __len__(self) -> int:
        return len(self._jobs)

    def take(self, worker: int) -> int:
        return self._jobs.popleft()


class AffinityQueue:
    """Jobs handed out by affinity: a worker gets the pending job with the highest share of
    features it has seen minus ``OTHERS_WEIGHT`` times the share that only other workers
    have seen; ties go to the earlier job in the order given (so with nothing seen yet, and
    for jobs without features, the order given is kept).

    The counts are kept up to date as jobs are taken (each (feature, job) pair is touched at
    most once per worker), so a choice costs one pass over the pending jobs."""

    def __init__(self, jobs: Sequence[int], features: dict[int, frozenset[str]]) -> None:
        self._pending: dict[int, None] = dict.fromkeys(jobs)   # ordered, O(1) removal
        self._features = {job: features.get(job, frozenset()) for job in jobs}
        self._holders: dict[str, list[int]] = {}
        for job in jobs:
            for feature in self._features[job]:
                self._holders.setdefault(feature, []).append(job)
        self._seen: dict[int, set[str]] = {}          # by worker: features it has seen
        self._own: dict[int, dict[int, int]] = {}     # by worker: job -> features it has seen
        self._seen_by_any: set[str] = set()
        self._any: dict[int, int] = dict.fromkeys(jobs, 0)   # job -> features anyone has seen

    def __len__(self) -> int:
        return len(self._pending)

    def take(self, worker: int) -> int:
        own = self._own.setdefault(worker, {})
        best, best_score = -1, 0.0
        for job in self._pending:
            size = len(self._features[job])
            mine = own.get(job, 0)
            score = (mine - OTHERS_WEIGHT * (self._any[job] - mine)) / size if size else 0.0
            if best < 0 or score > best_score:
                best, best_score = job, score
        del self._pending[best]
        self._record(worker, best)
        return best

    def _record(self, worker: int, job: int) -> None:
        seen = self._seen.setdefault(worker, set())
        own = self._own[worker]
        for feature in self._features[job] - seen:
            seen.add(feature)
            fresh = feature not in self._seen_by_any
            self._seen_by_any.add(feature)
            for holder in self._holders[feature]:
                if holder in self._pending:
                    own[holder] = own.get(holder, 0) + 1
                    if fresh:
                        self._any[holder] += 1

    def seen(self, worker: int) -> frozenset[str]:
        """The features of the jobs this worker has taken (for tests and diagnostics)."""
        return frozenset(self._seen.get(worker, ()))
