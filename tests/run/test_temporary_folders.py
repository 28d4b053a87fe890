"""The temporary folders of a run (``verify-text-*`` of :func:`verify.api.check_text`,
``verify-run-*`` of grading with ``--no-cache`` and several jobs) are gone when the run ends,
however it ends, and one left by a killed run is deleted by the next run of its kind."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.api import check_text
from verify.core.atomic import TEMPORARY_MARK
from verify.grade.assignment import load_assignment
from verify.grade.parallel import grade_in_workers
from verify.run.runner import RunSettings

ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
NOTATION = "symbols: {a: {}}"


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary directory, for this test alone."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def ours(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("verify-"))


@pytest.mark.parametrize("text, notation, folder_made", [
    ("$$ a + a = 2 a $$\n", NOTATION, True),                      # checked
    ("---\nsymbols: !!set {a}\n---\n$$ a = a $$\n", None, True),  # refused in the folder's block
    ("$$ a = a $$\n", "symbols: [unclosed", False),               # refused before it
])
def test_checking_a_text_leaves_no_folder_and_deletes_a_killed_runs(
        temporary: Path, text: str, notation: str | None, folder_made: bool) -> None:
    stale = temporary / f"verify-text-{TEMPORARY_MARK}-{dead_pid()}-x"
    stale.mkdir()
    (stale / "text.md").write_text("left by a killed run")
    alive = temporary / f"verify-text-{TEMPORARY_MARK}-1-x"   # pid 1 lives: not ours to take
    alive.mkdir()
    result = check_text(text, notation=notation, cache=False)
    assert result.documents
    assert ours(temporary) == ([alive.name] if folder_made else sorted([alive.name, stale.name]))


@pytest.mark.parametrize("meanwhile", ["a problem", "an exception"])
def test_a_graded_run_leaves_no_folder_however_it_ends(temporary: Path, tmp_path: Path,
                                                       meanwhile: str) -> None:
    stale = temporary / f"verify-run-{TEMPORARY_MARK}-{dead_pid()}-x"
    stale.mkdir()
    (tmp_path / "ann.md").write_text("$$ a = a $$\n")
    during: list[list[str]] = []

    def check_key() -> str:
        during.append(ours(temporary))   # the run's own folder, the stale one gone
        if meanwhile == "an exception":
            raise KeyError("the answer key")
        return "the answer key is wrong"

    def run() -> object:
        return grade_in_workers([tmp_path / "ann.md"], load_assignment(ASSIGNMENT),
                                RunSettings(jobs=2), meanwhile=check_key)
    if meanwhile == "an exception":
        with pytest.raises(KeyError):
            run()
    else:
        assert run() == "the answer key is wrong"
    assert len(during) == 1 and len(during[0]) == 1, during
    assert during[0][0].startswith(f"verify-run-{TEMPORARY_MARK}-")
    assert ours(temporary) == []
