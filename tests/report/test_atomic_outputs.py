"""Outputs are written whole or not at all and only inside their folder: a writer killed
mid-write leaves the previous file (or none) and its temporary is swept by the next write; a
temporary TeX folder of a killed run is swept by the next; a link already in a report folder
is replaced, never written through; a student's folder that leads elsewhere is refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.core.atomic import TEMPORARY_MARK, temporary_folder, write_text_atomic
from verify.core.errors import OutsideFolder
from verify.grade.assignment import load_assignment
from verify.grade.outputs import write_gradescope
from verify.grade.reading import read_submission
from verify.grade.results import Grade
from verify.model.verdict import DocumentResult
from verify.report.pdf import engine_available, write_reports

# A child that writes a big JSON file slowly, in chunks, through the one atomic writer, and
# says when it has begun: killed then, it is killed mid-write.
SLOW_WRITER = """
import sys, time
from pathlib import Path
from verify.core.atomic import atomic_file
with atomic_file(Path(sys.argv[1])) as handle:
    handle.write('[')
    for n in range(100000):
        handle.write('{"entry": %d, "padding": "%s"},' % (n, "x" * 200))
        if n == 1000:
            handle.flush()
            print("writing", flush=True)
            time.sleep(30)
    handle.write('0]')
"""


# The same through the binary writer (a figure): the .png of a killed run is not half a PNG.
BINARY_SLOW_WRITER = """
import sys, time
from pathlib import Path
from verify.core.atomic import atomic_binary_file
with atomic_binary_file(Path(sys.argv[1])) as handle:
    handle.write(b"\\x89PNG")
    for n in range(100000):
        handle.write(b"x" * 200)
        if n == 1000:
            handle.flush()
            print("writing", flush=True)
            time.sleep(30)
"""


def killed_writer(target: Path, code: str = SLOW_WRITER) -> None:
    child = subprocess.Popen([sys.executable, "-c", code, str(target)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "writing"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if TEMPORARY_MARK in p.name]


@pytest.mark.parametrize("writer", [SLOW_WRITER, BINARY_SLOW_WRITER])
@pytest.mark.parametrize("before", [None, '{"previous": true}\n'])
def test_a_writer_killed_mid_write_leaves_the_previous_file_or_none(
        tmp_path: Path, before: str | None, writer: str) -> None:
    target = tmp_path / "results.json"
    if before is not None:
        target.write_text(before)
    killed_writer(target, writer)
    if before is None:
        assert not target.exists()
    else:
        assert target.read_text() == before
    assert len(temporaries(tmp_path)) == 1 and temporaries(tmp_path)[0].stat().st_size > 0
    write_text_atomic(target, json.dumps({"next": "run"}))      # the next run's write
    assert json.loads(target.read_text()) == {"next": "run"}
    assert temporaries(tmp_path) == []                          # the dead writer's is swept


def test_a_write_that_fails_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "gradebook.csv"
    target.write_text("previous")
    with pytest.raises(ZeroDivisionError):
        write_text_atomic(target, f"{1 / 0}")
    from verify.core.atomic import atomic_file
    with pytest.raises(RuntimeError), atomic_file(target) as handle:
        handle.write("half")
        raise RuntimeError("stopped")
    assert target.read_text() == "previous" and temporaries(tmp_path) == []


TEMPORARY_HOLDER = """
import sys, time
from verify.core.atomic import temporary_folder
with temporary_folder(sys.argv[1]) as folder:
    (folder / "report.tex").write_text("x")
    print("writing", flush=True)
    time.sleep(30)
"""


def test_a_temporary_folder_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    kind = f"verify-test-{os.getpid()}"
    base = Path(os.environ.get("TMPDIR", "/tmp"))
    killed_writer(Path(kind), TEMPORARY_HOLDER)
    left = [p for p in base.iterdir() if p.name.startswith(kind)]
    assert len(left) == 1 and (left[0] / "report.tex").exists()
    with temporary_folder(kind) as mine:
        assert mine.is_dir() and not left[0].exists()
    assert not mine.exists()
    assert [p for p in base.iterdir() if p.name.startswith(kind)] == []


def test_a_link_in_the_report_folder_is_replaced_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("victim.tex", "victim.pdf"):
        (outside / name).write_text("must stay")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "doc.tex").symlink_to(outside / "victim.tex")
    (reports / "doc.pdf").symlink_to(outside / "victim.pdf")
    result = DocumentResult("doc.md", "doc", (), 0, (), ("nothing was read",))
    [report] = write_reports([result], reports, timeout=30)
    assert report.tex_path == reports / "doc.tex"
    assert not report.tex_path.is_symlink() and "nothing was read" in report.tex_path.read_text()
    assert (outside / "victim.tex").read_text() == "must stay"
    assert (outside / "victim.pdf").read_text() == "must stay"
    if engine_available():
        assert report.pdf_path == reports / "doc.pdf", report.message
        assert not report.pdf_path.is_symlink() and report.pdf_path.read_bytes()[:4] == b"%PDF"
    assert sorted(p.name for p in reports.iterdir()) == ["doc.pdf", "doc.tex"] or \
        not engine_available()


def test_a_student_folder_leading_outside_the_output_is_refused(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ann.md").write_text("")
    grade = read_submission(tmp_path / "class" / "ann.md",
                            load_assignment(ROOT / "assignments" / "softmax_gradient.yaml"))
    assert isinstance(grade, Grade)
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out" / "gradescope"
    out.mkdir(parents=True)
    (out / "ann").symlink_to(outside)
    with pytest.raises(OutsideFolder, match="leads outside"):
        write_gradescope(out, [grade])
    assert list(outside.iterdir()) == []
    (out / "ann").unlink()
    [written] = write_gradescope(out, [grade])
    assert written == out / "ann" / "results.json" and json.loads(written.read_text())["tests"]


def test_the_temporary_names_are_recognisable(tmp_path: Path) -> None:
    """What a sweep deletes is only ours: a dead writer's temporary, never a user's file."""
    (tmp_path / ".results.json.verify-partial-notapid-x").write_text("keep")
    (tmp_path / "results.json.bak").write_text("keep")
    started = time.monotonic()
    write_text_atomic(tmp_path / "results.json", "{}")
    assert time.monotonic() - started < 5
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".results.json.verify-partial-notapid-x", "results.json", "results.json.bak"]


def test_the_summary_figure_replaces_a_link_and_shows_the_title_as_written(
        tmp_path: Path) -> None:
    """summary.png is written as every output: a link there is replaced, not written through;
    an assignment title that is not valid mathtext (an unbalanced '$\\frac{1}{2$') is shown as
    text instead of failing the summary."""
    from verify.grade.summary import write_summary
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ann.md").write_text("")
    grade = read_submission(tmp_path / "class" / "ann.md",
                            load_assignment(ROOT / "assignments" / "softmax_gradient.yaml"))
    assert isinstance(grade, Grade)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.png").write_text("must stay")
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.png").symlink_to(outside / "victim.png")
    written = write_summary(out, [grade], r"Cost $\frac{1}{2$ and $x$")
    assert out / "summary.png" in written
    assert not (out / "summary.png").is_symlink()
    assert (out / "summary.png").read_bytes()[:4] == b"\x89PNG"
    assert (outside / "victim.png").read_text() == "must stay"
    assert temporaries(out) == []
