"""Grading in worker processes: the same grades whichever way they were computed (in this
process, one worker, two workers, a Dask cluster), grades served from the verdict cache
without a worker, and the limits (a submission stopped by one is an error row, never a pass).

Real submissions of the synthetic class and real worker processes throughout."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.paths import ROOT
from verify.grade.assignment import Assignment, load_assignment
from verify.grade.grader import grade_all
from verify.grade.parallel import (
    GRADE_HANDLER,
    GradeBatch,
    grade_in_workers,
    grade_key,
    reusable,
)
from verify.grade.reading import discover
from verify.grade.results import Outcome
from verify.grade.serialize import grade_data
from verify.run.affinity import OrderedQueue
from verify.run.runner import Limits, LocalPool, RunSettings
from verify.store.cache import open_cache

ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
CLASS = ROOT / "tests" / "data" / "class"
# Right, a carried slip, a lost 1/N in LaTeX, garbage, an empty file.
NAMES = ("ok_ada.md", "sign_term.md", "lost_n_tex.tex", "all_garbage.md", "empty.md")


@pytest.fixture(scope="module")
def assignment() -> Assignment:
    return load_assignment(ASSIGNMENT)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("class")
    for name in NAMES:
        shutil.copy(CLASS / name, made / name)
    return made


@pytest.fixture(scope="module")
def in_process(folder: Path, assignment: Assignment) -> list[Any]:
    return comparable(grade_all(discover(folder), assignment))


def comparable(grades: list[Any]) -> list[Any]:
    """The grades as data, without the wall-clock seconds (which differ run to run)."""
    def strip(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: strip(v) for k, v in data.items() if k != "seconds"}
        if isinstance(data, list):
            return [strip(v) for v in data]
        return data
    return [strip(grade_data(g)) for g in grades]


# A pool's workers run the handler its maker names; the name goes into the worker's code.
@pytest.mark.parametrize("handler", ["verify.grade.parallel", "", "verify.x:f; import os",
                                     "verify.x:f\nimport os", "1verify:f"])
def test_a_pool_refuses_a_handler_that_is_not_a_module_function_name(handler: str) -> None:
    with pytest.raises(ValueError, match="module:function"):
        LocalPool(1, Limits(), handler=handler)


def test_a_grading_batch_is_refused_by_a_checking_pool(folder: Path,
                                                       assignment: Assignment) -> None:
    with LocalPool(1, Limits()) as pool:   # the default: checking documents
        with pytest.raises(ValueError, match="serve_grade"):
            pool.drive(GradeBatch(pool, [folder / "ok_ada.md"], assignment, None))
        assert not pool.workers and pool.started_count == 0


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_workers_give_the_grades_of_one_process(folder: Path, assignment: Assignment,
                                                in_process: list[Any], jobs: int) -> None:
    # per_worker=1: two workers on these five submissions (by default they are worth one)
    grades = grade_in_workers(discover(folder), assignment, RunSettings(jobs=jobs),
                              per_worker=1)
    assert not isinstance(grades, str), grades  # a str: the run stopped, and why
    assert comparable(grades) == in_process
    scores = {g.student: (g.outcome, g.score) for g in grades}
    assert scores["ok_ada"] == (Outcome.GRADED, 10) and scores["sign_term"][1] == 4
    assert scores["empty"][0] is Outcome.EMPTY


@pytest.mark.parametrize(("jobs", "per_worker", "waiting", "workers"), [
    (2, 40, 0, 0), (2, 40, 1, 1), (2, 40, 30, 1), (2, 40, 79, 1), (2, 40, 80, 2),
    (2, 40, 1000, 2), (4, 40, 130, 3), (1, 40, 1000, 1), (2, 1, 2, 2), (2, 1, 1, 1),
])
def test_a_second_worker_only_for_enough_submissions(assignment: Assignment, jobs: int,
                                                     per_worker: int, waiting: int,
                                                     workers: int) -> None:
    with LocalPool(jobs, Limits(), handler=GRADE_HANDLER) as pool:
        batch = GradeBatch(pool, [], assignment, None, per_worker)   # nothing to start
        assert batch.workers_for(waiting) == workers
        assert pool.started_count == 0


@pytest.mark.slow
def test_a_small_class_starts_one_worker_however_many_jobs(folder: Path,
                                                           assignment: Assignment) -> None:
    with LocalPool(2, Limits(), handler=GRADE_HANDLER) as pool:
        run = GradeBatch(pool, discover(folder), assignment, None)
        pool.drive(run)
        assert pool.started_count == 1 and len(run.results) == len(NAMES)


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_grades(folder: Path, assignment: Assignment,
                                              in_process: list[Any]) -> None:
    from distributed import LocalCluster
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster:
        grades = grade_in_workers(discover(folder), assignment,
                                  RunSettings(scheduler=cluster.scheduler_address))
    assert not isinstance(grades, str), grades
    assert comparable(grades) == in_process


@pytest.mark.slow
def test_a_graded_file_is_served_from_the_cache_without_a_worker(
        tmp_path: Path, folder: Path, assignment: Assignment, in_process: list[Any]) -> None:
    settings = RunSettings(jobs=1, cache_path=tmp_path / "cache.sqlite3")
    first = grade_in_workers(discover(folder), assignment, settings)
    assert not isinstance(first, str), first
    assert comparable(first) == in_process
    cache = open_cache(settings.cache_path)
    assert cache is not None
    with LocalPool(1, Limits(), cache, GRADE_HANDLER) as pool:
        batch = GradeBatch(pool, discover(folder), assignment, None)
        assert not batch.queue   # every grade found: nothing for a worker to do
        pool.drive(batch)
        again = [batch.results[n] for n in range(len(NAMES))]
        assert not pool.workers
    assert cache.stats.hits == len(NAMES)
    cache.close()
    assert comparable(again) == in_process


def test_a_changed_file_or_assignment_changes_the_key(tmp_path: Path,
                                                      assignment: Assignment) -> None:
    path = tmp_path / "a.md"
    path.write_text("$$ x $$")
    key = grade_key(path, assignment)
    path.write_text("$$ y $$")
    assert grade_key(path, assignment) != key
    assert grade_key(tmp_path / "missing.md", assignment) is None


@pytest.mark.slow
def test_stopped_grades_are_not_reused(folder: Path, assignment: Assignment) -> None:
    """A grade stopped by a limit depends on the machine, not on the file: never cached."""
    with LocalPool(1, Limits(seconds_per_step=0.001), handler=GRADE_HANDLER) as pool:
        batch = GradeBatch(pool, [folder / "ok_ada.md"], assignment, None)
        pool.drive(batch)
        stopped = batch.results[0]
    assert stopped.outcome is Outcome.ERROR and "time limit" in stopped.reason
    assert stopped.needs_review and stopped.score == 0
    assert pool.replaced == 1
    assert not reusable(stopped)


@pytest.mark.slow
def test_a_worker_killed_from_outside_is_an_error_row(folder: Path,
                                                     assignment: Assignment) -> None:
    """The worker dies mid-grading (as the kernel's OOM killer would do it): the row says
    so, the next submission is graded by a new worker."""
    import os
    import signal
    import threading

    with LocalPool(1, Limits(), handler=GRADE_HANDLER) as pool:
        batch = GradeBatch(pool, [folder / "sign_term.md", folder / "ok_ada.md"], assignment,
                           None)
        batch.queue = OrderedQueue([0, 1])

        def kill_when_busy() -> None:
            for _ in range(600):
                busy = [w for w in list(pool.workers) if w.busy and not w.reading]
                if busy:
                    os.kill(busy[0].process.pid, signal.SIGKILL)
                    return
                threading.Event().wait(0.05)
        killer = threading.Thread(target=kill_when_busy)
        killer.start()
        pool.drive(batch)
        killer.join()
    killed, graded = batch.results[0], batch.results[1]
    assert killed.outcome is Outcome.ERROR and "died" in killed.reason
    assert "signal 9" in killed.reason
    assert graded.outcome is Outcome.GRADED and graded.score == 10
