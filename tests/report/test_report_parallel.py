"""Reports compiled several at a time (grading writes one per student): the same files,
names, messages and PDFs' text as one after another, in the order given."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from verify.core.errors import Location
from verify.core.limits import REPORT_COMPILE_JOBS
from verify.model.verdict import ChainResult, DocumentResult, Status, StepVerdict
from verify.report.demo import demo_result
from verify.report.pdf import ReportFile, compile_jobs, write_reports

needs_tex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="pdflatex/pdftotext missing: run scripts/setup-tex.sh (CI does, via scripts/dev test)")


def steps_document(path: str, steps: list[str]) -> DocumentResult:
    verdicts = tuple(StepVerdict(Location(path, n + 1), n, latex, Status.SUPPORTED, "agree")
                     for n, latex in enumerate(steps))
    return DocumentResult(path, Path(path).stem, (ChainResult("chain 1", verdicts),), 0, ())


def documents() -> list[DocumentResult]:
    """A class of reports: a full one twice (the same stem: two names), one of problems only,
    one whose steps are typeset verbatim (a TeX bomb), short ones."""
    return [demo_result(), demo_result(),
            DocumentResult("class/empty.md", "empty", (), 0, (), ("empty file",)),
            steps_document("class/bomb.md", ["a = b", r"= \phantom{" * 12 + "a" + "}" * 12]),
            *(steps_document(f"class/s{n}.md", ["a = b", f"= b + {n}", r"= \frac{a}{2}"])
              for n in range(4))]


def described(reports: list[ReportFile], folder: Path) -> list[tuple[object, ...]]:
    return [(r.document, r.tex_path.relative_to(folder),
             r.pdf_path.relative_to(folder) if r.pdf_path else None,
             r.message.replace(str(folder), "OUT"), dict(r.verbatim)) for r in reports]


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix != ".pdf"}


@pytest.mark.parametrize(("jobs", "at_a_time"), [(1, REPORT_COMPILE_JOBS), (2, 2), (6, 6)])
def test_reports_are_compiled_as_many_at_a_time_as_jobs_and_a_few_at_least(
        jobs: int, at_a_time: int) -> None:
    assert REPORT_COMPILE_JOBS >= 2
    assert compile_jobs(jobs) == max(at_a_time, REPORT_COMPILE_JOBS)


def test_without_an_engine_the_tex_files_are_those_of_one_after_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("verify.report.pdf.shutil.which", lambda name: None)
    serial = write_reports(documents(), tmp_path / "serial", date="D", jobs=1)
    parallel = write_reports(documents(), tmp_path / "parallel", date="D", jobs=3)
    assert described(serial, tmp_path / "serial") == described(parallel, tmp_path / "parallel")
    assert files(tmp_path / "serial") == files(tmp_path / "parallel")
    assert len(files(tmp_path / "serial")) == len(documents())


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.slow
@needs_tex
def test_compiled_in_parallel_the_reports_are_those_compiled_serially(tmp_path: Path) -> None:
    timings = {}
    results = {}
    for jobs in (1, 2):
        start = time.monotonic()
        results[jobs] = write_reports(documents(), tmp_path / str(jobs), date="D", jobs=jobs)
        timings[jobs] = time.monotonic() - start
    serial, parallel = results[1], results[2]
    assert described(serial, tmp_path / "1") == described(parallel, tmp_path / "2")
    assert all(r.pdf_path is not None for r in parallel), [r.message for r in parallel]
    assert files(tmp_path / "1") == files(tmp_path / "2")     # the .tex, byte for byte
    for one, two in zip(serial, parallel, strict=True):
        assert one.pdf_path is not None and two.pdf_path is not None
        assert pdf_text(one.pdf_path) == pdf_text(two.pdf_path)
    assert [p.name for p in (tmp_path / "2").iterdir() if "verify-partial" in p.name] == []
    print(f"reports of {len(serial)} documents: {timings[1]:.1f} s serially, "
          f"{timings[2]:.1f} s two at a time")
