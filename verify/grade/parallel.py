"""Grading a class in killable worker processes, on this machine or on a Dask cluster.

The same workers as checking (:mod:`verify.run.runner`): fresh interpreters with a memory limit,
talking JSON over a socket pair, killed at their deadline and replaced.  Per submission::

    parent -> worker   {"kind": "grade", "path", "assignment", "cache"}
    worker -> parent   {"kind": "read", "steps"}          (the file is read: the clock starts)
    worker -> parent   {"kind": "graded", "grade"}        (verify.grade.serialize)
                     | {"kind": "failed", "reason"}        (out of memory: the worker retires)

A submission gets ``read_seconds`` to be read, then ``--timeout`` seconds per line for
everything else (checking, judging its ends, diagnosing).  One that runs out of time or memory,
or whose worker dies, gets an error row (zero points, flagged for review) saying which limit
stopped it; the class goes on.

Each worker keeps its :class:`~verify.grade.claims.ClaimJudge` (and the process's parser,
concretizer and gradient memos) from one submission to the next, so a line seen once is cheap
for every later student that worker grades; with a verdict cache on disk the workers also
share their judgements through it.  Results do not depend on which worker graded what: every
judgement is a function of the claim's content, the seed and the points alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from verify.core.atomic import temporary_folder
from verify.core.errors import SerializeError
from verify.core.memo import Memo
from verify.grade.assignment import Assignment, load_assignment
from verify.grade.claims import ClaimJudge
from verify.grade.grader import grade_safely
from verify.grade.reading import error_grade
from verify.grade.results import Credit, Grade, Outcome
from verify.grade.serialize import grade_data, grade_from_data
from verify.read.latex.step import install_outcome_store
from verify.run.affinity import by_affinity
from verify.run.runner import (
    Batch,
    LocalPool,
    Progress,
    RunSettings,
    Worker,
    claim_cache,
    limits_data,
    on_cluster,
    parse_store,
    reply,
    thread_pool,
    timed_out,
)
from verify.store.cache import content_key, file_parts, open_cache
from verify.store.serialize import dumps, loads

# ---- the worker ---------------------------------------------------------------------------
GRADE_HANDLER = "verify.grade.parallel:serve_grade"   # the grading pools' workers run it
ASSIGNMENTS_KEPT = 8   # runs of other assignments, long gone, go first
# Both keyed by the assignment's path and the hash of its bytes (see _judge).
_ASSIGNMENTS: Memo[str, Assignment] = Memo("grade.parallel.assignments", ASSIGNMENTS_KEPT)
_JUDGES: Memo[tuple[str, str | None], ClaimJudge] = \
    Memo("grade.parallel.judges", ASSIGNMENTS_KEPT)


def serve_grade(conn: Connection, request: Mapping[str, Any]) -> bool:
    """One submission, in a worker (the :data:`verify.run.runner.Handler` of grading); False
    when the worker should retire."""
    if request.get("kind") != "grade":
        return False
    path = Path(str(request["path"]))
    try:
        judge, assignment = _judge(str(request["assignment"]), request.get("cache"))
        grade = grade_safely(path, assignment, judge,
                             lambda steps: reply(conn, {"kind": "read", "steps": steps}))
    except MemoryError:
        reply(conn, {"kind": "failed", "reason": "grading ran out of memory (the limit is "
                                                 "set by --memory-mb)"})
        return False
    except Exception as error:  # the assignment itself: the parent makes the error row
        reply(conn, {"kind": "failed", "reason": f"{type(error).__name__}: {error}"})
        return False
    reply(conn, {"kind": "graded", "grade": grade_data(grade)})
    return True


def _judge(assignment_path: str, cache_path: object) -> tuple[ClaimJudge, Assignment]:
    """The worker's assignment and judge, made once and kept for every later submission.

    Both are kept by the assignment's path *and bytes* (and the judge by the cache too): a
    worker that outlives a run (a Dask cluster's) must not grade the next run with an
    assignment edited since, nor judge with its old seed and points."""
    key = f"{assignment_path}\0{hashlib.sha256(Path(assignment_path).read_bytes()).hexdigest()}"
    assignment = _ASSIGNMENTS.get(key)
    if assignment is None:
        assignment = _ASSIGNMENTS[key] = load_assignment(Path(assignment_path))
    cache = cache_path if isinstance(cache_path, str) else None
    connection = claim_cache(cache)
    install_outcome_store(parse_store(cache))   # each request: where its parses are kept
    judge = _JUDGES.get((key, cache))
    if judge is None:
        judge = _JUDGES[(key, cache)] = ClaimJudge(
            assignment.seed, assignment.points, connection)
    return judge, assignment


# ---- the parent ---------------------------------------------------------------------------
# Submissions to grade (not served by the cache) per worker: a second worker starts only for
# twice as many.  A worker's start costs about 2.5 s of CPU and its first sight of the class's
# lines about 2 s more, against about 0.2 s per submission once warm: on 2 cores, 2 jobs on a
# class of 30 took 1.65 times as long as 1 job (and 1.6 times on the 15 of examples/class).
SUBMISSIONS_PER_WORKER = 40


class GradeBatch(Batch[Grade]):
    handler = GRADE_HANDLER

    def __init__(self, pool: LocalPool, paths: list[Path], assignment: Assignment,
                 progress: Progress | None, per_worker: int = SUBMISSIONS_PER_WORKER) -> None:
        super().__init__(pool, len(paths), progress)
        self.per_worker = per_worker
        self.paths, self.assignment = paths, assignment
        self.keys: dict[int, str] = {}
        # Longest first, then the submission most like those the asking worker graded.
        self.queue = by_affinity(paths, self.uncached(self._cached))

    def _cached(self, number: int) -> bool:
        """Was this very file graded before, against this very assignment?  Then its grade
        is served from the verdict cache without a worker (a class graded again after one
        late submission costs that submission)."""
        cache = self.pool.cache
        key = grade_key(self.paths[number], self.assignment) if cache is not None else None
        if cache is None or key is None:
            return False
        self.keys[number] = key
        data = cache.get_data("grade", key)
        try:
            found = grade_from_data(data) if data is not None else None
        except SerializeError:   # a damaged entry is a miss
            found = None
        if found is None:
            return False
        self.done(number, found)
        return True

    def _store(self, number: int, grade: Grade) -> None:
        cache, key = self.pool.cache, self.keys.get(number)
        if cache is not None and key is not None and reusable(grade):
            cache.put_data("grade", key, grade_data(grade))

    def name(self, number: int) -> str:
        return self.paths[number].name

    def request(self, number: int) -> dict[str, Any]:
        cache = self.pool.cache
        return {"kind": "grade", "path": str(self.paths[number]),
                "assignment": str(Path(self.assignment.path).resolve()),
                "cache": str(cache.path) if cache is not None else None}

    def receive(self, worker: Worker, message: Mapping[str, Any]) -> None:
        kind = message["kind"]
        if kind == "read":
            self.checking(worker, max(1, int(message["steps"])))
        elif kind == "graded":
            grade = grade_from_data(message["grade"])
            assert worker.number is not None
            self._store(worker.number, grade)
            self.finish(worker, grade)
        elif kind == "failed":
            self.retire(worker, str(message["reason"]))
        else:
            raise KeyError(kind)

    def stopped(self, worker: Worker, reason: str) -> Grade:
        assert worker.number is not None
        return error_grade(self.paths[worker.number], self.assignment,
                           f"grading stopped: {reason}")


def grade_key(path: Path, assignment: Assignment) -> str | None:
    """The key of a file's grade: the file's path and bytes (and its notation sidecar's), the
    assignment's bytes, its seed and points (and, as every key, the checker's version and
    code).  None when either file cannot be read (the worker reports that)."""
    try:
        # The submission as the reader sees it: its bytes and its notation sidecar's.
        parts = [*file_parts(path), Path(assignment.path).read_bytes().hex()]
    except OSError:
        return None
    return content_key("grade", [*parts, str(assignment.seed), str(assignment.points)])


def reusable(grade: Grade) -> bool:
    """May this grade be served again?  Not when it depends on the machine rather than the
    file: an error row, a line left undecided (a time limit, an engine's failure), a check
    that timed out."""
    if grade.outcome is Outcome.ERROR or any(s.credit is Credit.UNDECIDED for s in grade.steps):
        return False
    return grade.result is None or not timed_out(grade.result)


def grade_in_workers(paths: Sequence[Path], assignment: Assignment, settings: RunSettings,
                     progress: Progress | None = None,
                     meanwhile: Callable[[], str] | None = None,
                     per_worker: int = SUBMISSIONS_PER_WORKER) -> list[Grade] | str:
    """Every submission's grade, in the order given, graded by up to ``settings.jobs``
    killable workers, one for every ``per_worker`` submissions the cache does not serve (or
    on the Dask cluster at ``settings.scheduler``).

    ``meanwhile`` runs here while the workers start (importing SymPy and JAX takes seconds):
    the command checks its answer key then.  When it returns a problem, nothing is graded
    and the problem is returned instead of the grades."""
    if settings.scheduler is not None:
        problem = meanwhile() if meanwhile is not None else ""
        return problem or _on_cluster(paths, assignment, settings, progress)
    with _run_folder(settings) as folder:
        cache = open_cache(settings.cache_path if folder is None
                           else folder / "run-cache.sqlite")
        try:
            with LocalPool(settings.jobs, settings.limits, cache, GRADE_HANDLER) as pool:
                # The batch serves what the cache holds and starts a worker for each of the
                # first submissions it lacks (never more than --jobs): they import while the
                # key is checked, and a class graded before starts none.
                run = GradeBatch(pool, list(paths), assignment, progress, per_worker)
                problem = meanwhile() if meanwhile is not None else ""
                if problem:
                    return problem
                pool.drive(run)
                return [run.results[n] for n in range(len(paths))]
        finally:
            if cache is not None:
                cache.close()


def _run_folder(settings: RunSettings) -> contextlib.AbstractContextManager[Path | None]:
    """With --no-cache and several jobs, a folder that goes with the run, for a cache of the
    run's own: nothing is read from an earlier run or left for a later one, but the run's
    workers still share their judgements and diagnoses (a class repeats its slips).  It is
    deleted however the run ends, and one left by a killed run is deleted by the next
    (:func:`verify.core.atomic.temporary_folder`)."""
    if settings.cache_path is None and settings.jobs > 1:
        return temporary_folder("verify-run")
    return contextlib.nullcontext()


# ---- on a Dask cluster --------------------------------------------------------------------
def _on_cluster(paths: Sequence[Path], assignment: Assignment, settings: RunSettings,
                progress: Progress | None) -> list[Grade]:
    """One task per submission (:func:`cluster_grade_task`), on the Dask cluster."""
    assert settings.scheduler is not None
    cache = str(settings.cache_path) if settings.cache_path is not None else None
    limits = limits_data(settings.limits)
    source = str(Path(assignment.path).resolve())

    def lost(number: int, error: Exception) -> Grade:
        return error_grade(paths[number], assignment, "the cluster could not grade this "
                                                      f"submission: {type(error).__name__}: "
                                                      f"{error}")
    return on_cluster(settings.scheduler, cluster_grade_task,
                      [(str(path), source, limits, cache) for path in paths],
                      lambda text: grade_from_data(loads(text)), lost,
                      [path.name for path in paths], progress)


_ASSIGNMENT_OF_THREAD = threading.local()


def cluster_grade_task(path: str, assignment_path: str, limits: Sequence[Any],
                       cache_path: str | None) -> str:
    """Run on a Dask worker: one submission through this thread's own killable pool."""
    pool = thread_pool(GRADE_HANDLER, limits, cache_path, assignment_path)
    if getattr(_ASSIGNMENT_OF_THREAD, "path", None) != assignment_path:
        _ASSIGNMENT_OF_THREAD.assignment = load_assignment(Path(assignment_path))
        _ASSIGNMENT_OF_THREAD.path = assignment_path
    assignment: Assignment = _ASSIGNMENT_OF_THREAD.assignment
    run = GradeBatch(pool, [Path(path)], assignment, None)
    pool.drive(run)
    return dumps(grade_data(run.results[0]))
