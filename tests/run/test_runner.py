"""The runner: documents in killable worker processes with limits, locally or on Dask.

Real documents and real worker processes throughout; the limits are exercised with inputs
that really exceed them (a YAML alias bomb, a per-step allowance no check can meet)."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from verify.cli import main
from verify.model.verdict import DocumentResult, Status
from verify.pipeline import Options, check_path
from verify.run.runner import Limits, LocalPool, RunSettings, check_all, stopped
from verify.store.serialize import result_data, result_from_data

TINY = """\
title: tiny
notation:
  sizes: {n: [2, 3]}
  indices: {l: n}
  symbols:
    x: {shape: [n]}
    a: {}
chains:
  - name: main
    steps:
      - {latex: 'a(a+1)', expr: "a*(a+1)"}
      - {latex: 'a^2+a', expr: "a**2 + a"}
      - {latex: 'a^2', expr: "a**2"}
      - {latex: 'garbage', unparsed: "OCR garbage"}
      - {latex: 'x.x', expr: "Sum(x[l]**2, (l, 1, n))"}
"""

MARKDOWN = """\
---
sizes: {n: [2, 3]}
indices: {l: n}
symbols:
  a: {}
  b: {}
---
$$(a + b)^2 = a^2 + 2ab + b^2 = (b + a)(a + b) \\tag{1}$$
"""


def alias_bomb(levels: int = 9) -> str:
    """YAML whose aliases expand to 9**levels leaves: cheap to parse, ruinous to copy."""
    lines = ['l0: &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for n in range(1, levels + 1):
        refs = ", ".join([f"*l{n - 1}"] * 9)
        lines.append(f"l{n}: &l{n} [{refs}]")
    body = "\n".join("    " + line for line in lines)
    return f"title: bomb\nnotation:\n  symbols:\n{body}\n  assumptions: *l{levels}\nchains: []\n"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "a_tiny.yaml").write_text(TINY)
    (folder / "b_square.md").write_text(MARKDOWN)
    (folder / "c_other.yaml").write_text(TINY.replace("a**2\"", "a**2 + a\""))
    return sorted(folder.iterdir())


@pytest.fixture(scope="module")
def pool() -> Iterator[LocalPool]:
    with LocalPool(jobs=2, limits=Limits(seconds_per_step=30.0)) as shared:
        yield shared


def without_timings(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: without_timings(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [without_timings(v) for v in data]
    return data


def comparable(result: DocumentResult) -> Any:
    return without_timings(result_data(result))


@pytest.mark.slow
def test_pool_results_equal_in_process_results(pool: LocalPool, documents: list[Path]) -> None:
    pooled = pool.run(documents, Options(seed=3))
    assert [r.path for r in pooled] == [str(p) for p in documents]
    for path, result in zip(documents, pooled, strict=True):
        assert comparable(result) == comparable(check_path(path, Options(seed=3)))


@pytest.mark.slow
def test_every_step_gets_a_status(pool: LocalPool, documents: list[Path]) -> None:
    for result in pool.run(documents, Options()):
        assert result.all_steps()
        assert all(isinstance(step.status, Status) for step in result.all_steps())


@pytest.mark.slow
def test_check_phase_time_limit_marks_pending_steps_unknown(documents: list[Path]) -> None:
    tiny = documents[0]
    with LocalPool(jobs=1, limits=Limits(seconds_per_step=1e-4)) as strict:
        [result] = strict.run([tiny], Options())
        assert strict.replaced == 1
        statuses = [s.status for s in result.all_steps()]
        assert statuses == [Status.START, Status.UNKNOWN, Status.UNKNOWN, Status.UNPARSED,
                            Status.UNKNOWN]
        assert "time limit" in result.all_steps()[1].message
        assert "--timeout" in result.all_steps()[1].message
        assert result.all_steps()[3].message.endswith("OCR garbage")
        # the run goes on: with a fair allowance, a fresh worker checks the same document
        strict.limits = Limits()
        [again] = strict.run([tiny], Options())
        assert again.counts()[Status.REFUTED] == 2


@pytest.mark.slow
def test_a_yaml_alias_bomb_is_refused_and_the_run_goes_on(tmp_path: Path,
                                                         documents: list[Path]) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    started = time.monotonic()
    with LocalPool(jobs=1, limits=Limits(read_seconds=3.0)) as pool:
        bombed, fine = pool.run([bomb, documents[0]], Options())
    assert time.monotonic() - started < 60
    # refused by the reader (aliases are not allowed), and the read limit backs that up
    assert bombed.problems and any(word in bombed.problems[0]
                                   for word in ("aliases", "time limit", "memory"))
    assert fine.counts()[Status.PROVED] == 1


@pytest.mark.slow
def test_memory_limit_ends_the_document_not_the_run(tmp_path: Path,
                                                    documents: list[Path]) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    with LocalPool(jobs=1, limits=Limits(memory_mb=1024, read_seconds=120.0)) as pool:
        bombed, fine = pool.run([bomb, documents[0]], Options())
    assert "memory" in bombed.problems[0]
    assert fine.counts()[Status.PROVED] == 1


def test_stopped_without_skeleton_is_a_document_problem() -> None:
    result = stopped(None, "x.tex", 0, "reading the document exceeded its time limit")
    assert result.chains == ()
    assert result.problems == ("x.tex: not read: reading the document exceeded its time limit",)


def test_results_travel_as_json_and_come_back_equal(documents: list[Path]) -> None:
    for path in documents:
        result = check_path(path, Options())
        text = json.dumps(result_data(result))
        assert result_from_data(json.loads(text)) == result


def _cli_json(tmp_path: Path, name: str, args: list[str]) -> Any:
    out = tmp_path / f"{name}.json"
    code = main([*args, "--json", str(out), "--no-cache", "--quiet"], out=io.StringIO(),
                err=io.StringIO())
    assert code == 1   # the tiny documents have refuted steps
    return without_timings(json.loads(out.read_text()))


@pytest.mark.slow
def test_same_json_for_one_job_two_jobs_and_a_dask_cluster(tmp_path: Path,
                                                            documents: list[Path]) -> None:
    from distributed import LocalCluster
    folder = [str(documents[0].parent)]
    one = _cli_json(tmp_path, "one", [*folder, "--jobs", "1"])
    two = _cli_json(tmp_path, "two", [*folder, "--jobs", "2"])
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster:
        threads = _cli_json(tmp_path, "threads", [*folder, "--scheduler",
                                                  cluster.scheduler_address])
    # Dask worker processes are daemonic: the runner's workers must start there too.
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        processes = _cli_json(tmp_path, "processes", [*folder, "--scheduler",
                                                      cluster.scheduler_address])
    assert one == two == threads == processes
    assert len(one["documents"]) == 3


@pytest.mark.slow
def test_check_all_with_cache_reuses_results(tmp_path: Path, documents: list[Path]) -> None:
    settings = RunSettings(jobs=1, cache_path=tmp_path / "cache.sqlite3")
    first = check_all(documents, Options(), settings)
    started = time.monotonic()
    second = check_all(documents, Options(), settings)
    assert time.monotonic() - started < 5   # no worker needed: every result was cached
    assert [comparable(r) for r in first] == [comparable(r) for r in second]


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--timeout", "0"], ["--memory-mb", "100"]])
def test_bad_limits_are_usage_errors(args: list[str], documents: list[Path]) -> None:
    err = io.StringIO()
    assert main([str(documents[0]), *args], out=io.StringIO(), err=err) == 2
    assert err.getvalue()
