"""A lost Dask cluster: every worker gone mid-run.  Dask would wait for ever for a worker;
the run must end, within the allowance a fresh worker has to start, with a row for every
document, those not done saying the cluster was lost, and a non-zero exit code."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.cli import EXIT, exit_code
from verify.model.options import Options
from verify.model.verdict import DocumentResult, Status
from verify.run.runner import Limits, RunSettings, check_all

DOCUMENT = """\
title: small
notation:
  symbols:
    a: {}
chains:
  - name: main
    steps:
      - {latex: 'a(a+1)', expr: "a*(a+1)"}
      - {latex: 'a^2+a', expr: "a**2 + a"}
"""


@pytest.mark.slow
def test_a_cluster_whose_workers_all_go_ends_the_run(tmp_path: Path) -> None:
    """In a process of its own: the cluster's scheduler and client threads, and whatever the
    lost worker was doing, must not outlive the test in the suite's process (a thread still
    compiling races later tests' ast.parse, which CPython 3.11 does not make safe)."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from tests.run.test_lost_cluster import lose_the_cluster; "
         "lose_the_cluster(Path(sys.argv[1]))", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]


def lose_the_cluster(tmp_path: Path) -> None:
    """The scenario: four documents on a one-worker cluster whose worker goes after the
    first result; every assertion of the test is made here."""
    from distributed import LocalCluster
    paths = []
    for n in range(4):
        path = tmp_path / f"d{n}.yaml"
        path.write_text(DOCUMENT)
        paths.append(path)
    allowance = 3.0
    settings_limits = Limits(seconds_per_step=20.0, start_seconds=allowance)
    # Worker processes, not threads: a job the lost worker was running must not go on in this
    # process after the test (a thread still parsing would race later tests' ast.parse, which
    # CPython 3.11 does not make safe across threads).
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:

        def progress(done: int, total: int, running: str) -> None:
            if done == 1:   # the first document is back: now every worker goes
                cluster.scale(0)
                killed.append(time.monotonic())

        killed: list[float] = []
        returned: list[list[DocumentResult]] = []
        # In a thread, so that a run that waits for ever fails the test instead of hanging it.
        run = threading.Thread(target=lambda: returned.append(check_all(
            paths, Options(), RunSettings(limits=settings_limits,
                                          scheduler=cluster.scheduler_address), progress)),
            daemon=True)
        run.start()
        run.join(timeout=60)
        assert not run.is_alive(), "the run waited for the lost cluster for a minute"
        ended = time.monotonic()
    assert killed, "the run never got a first result"
    assert ended - killed[0] < allowance + 10   # bounded: noticed, not waited on for ever
    results = returned[0]
    assert [r.path for r in results] == [str(p) for p in paths]
    checked = [r for r in results if not r.problems]
    lost = [r for r in results if r.problems]
    assert len(checked) >= 1 and lost   # a document came back before, some were lost
    for result in checked:
        assert [s.status for s in result.all_steps()] == [Status.START, Status.PROVED]
    for result in lost:   # a limit's reason, never evidence: no step, no verdict
        assert result.chains == ()
        assert "the cluster was lost: no Dask worker" in result.problems[0]
        assert result.path in result.problems[0]
    assert exit_code(results) == EXIT["input"]
