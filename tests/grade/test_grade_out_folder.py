"""``--out`` hygiene: a folder holding another run's results is refused unless ``--overwrite``
is given, and then replaced whole, so no student file of that run is left behind (ready to be
uploaded to Gradescope with this run's); a failure half-way leaves the old results intact."""

from __future__ import annotations

import errno
import io
import shutil
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from tests.paths import ROOT
from verify.grade.assignment import load_assignment
from verify.grade.cli import EXIT, main, write_outputs
from verify.grade.results import Grade, Outcome

ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
CLASS = ROOT / "tests" / "data" / "class"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def a_class(folder: Path, *names: str) -> Path:
    folder.mkdir()
    for name in names:
        shutil.copy(CLASS / name, folder / name)
    return folder


def grade(submissions: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run(str(ASSIGNMENT), str(submissions), "--out", str(out), "--no-reports", *extra)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """The results of an earlier run, of a class of two (ok_ada, sign_final)."""
    out = tmp_path / "out"
    code, _, _ = grade(a_class(tmp_path / "first", "ok_ada.md", "sign_final.md"), out)
    assert code == EXIT["ok"]
    assert (out / "gradescope" / "sign_final" / "results.json").is_file()
    return out


def test_a_folder_of_another_run_is_refused_untouched(tmp_path: Path, earlier: Path) -> None:
    before = files(earlier)
    code, stdout, err = grade(a_class(tmp_path / "second", "ok_ada.md"), earlier)
    assert code == EXIT["input"] == 2
    assert err.strip() == (f"--out {earlier}: holds the results of another run; pass "
                           "--overwrite to replace them whole, or give an empty or new folder")
    assert stdout == ""          # refused before anyone is graded
    assert files(earlier) == before


@pytest.mark.slow   # grades a class (seconds each): the refusal rows stay fast
def test_overwrite_leaves_exactly_the_new_class(tmp_path: Path, earlier: Path) -> None:
    """The stale student: sign_final graded in the earlier run, not in this one."""
    second = a_class(tmp_path / "second", "ok_ada.md", "empty.md")
    code, _, _ = grade(second, earlier, "--overwrite")
    assert code == EXIT["ok"]
    fresh = tmp_path / "fresh"
    assert grade(second, fresh)[0] == EXIT["ok"]
    assert set(files(earlier)) == set(files(fresh))
    assert not (earlier / "gradescope" / "sign_final").exists()
    assert sorted(p.name for p in (earlier / "gradescope").iterdir()) == ["empty", "ok_ada"]
    assert "sign_final" not in (earlier / "gradebook.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "fresh", "out", "second"]


@pytest.mark.slow   # grades a class (seconds each): the refusal rows stay fast
@pytest.mark.parametrize("state", ["absent", "empty"])
def test_an_absent_or_empty_folder_is_fine(tmp_path: Path, state: str) -> None:
    out = tmp_path / "deep" / "out"
    if state == "empty":
        out.mkdir(parents=True)
    code, _, _ = grade(a_class(tmp_path / "c", "ok_ada.md"), out)
    assert code == EXIT["ok"] and (out / "gradescope" / "ok_ada" / "results.json").is_file()


def test_a_folder_of_other_files_is_refused_even_with_overwrite(tmp_path: Path) -> None:
    """Replacing a folder whole deletes what it holds: never a folder that is not ours."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "lecture.tex").write_text("mine", encoding="utf-8")
    for extra in ((), ("--overwrite",)):
        code, _, err = grade(a_class(tmp_path / f"c{len(extra)}", "ok_ada.md"), notes, *extra)
        assert code == EXIT["input"]
        assert "holds files that are not the results of a grading run" in err
        assert files(notes) == {"lecture.tex": b"mine"}


@pytest.mark.slow   # grades a class (seconds each): the refusal rows stay fast
def test_a_crash_half_way_leaves_the_old_folder_intact(
        tmp_path: Path, earlier: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the summary plot is written (after the gradebook and the
    Gradescope files of the new run): the old results stay as they were, nothing is left
    beside them."""
    before = files(earlier)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(Figure, "savefig", disk_full)
    new = [Grade("zoe", str(tmp_path / "zoe.md"), Outcome.EMPTY, 0.0, 10.0, "empty file")]
    with pytest.raises(OSError, match="No space left"):
        write_outputs(earlier, load_assignment(ASSIGNMENT), new, reports=False,
                      overwrite=True)
    assert files(earlier) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "out"]
