"""bench/synthetic.py, the generator of the grading benchmark's class: deterministic, distinct
files, about ten display lines each, its statistics true to the files.  No grading here (the
rewrites were validated by grading a sample once; the suite is slow enough)."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.paths import ROOT
from verify.read.latex.source import split_document


def _load_synthetic() -> ModuleType:
    """bench/ is a folder of scripts, not a package: loaded by path."""
    path = ROOT / "bench" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("bench_synthetic", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


synthetic = _load_synthetic()


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _display_lines(path: Path) -> list[str]:
    """The steps the grader reads, found by the grader's own splitter."""
    text = path.read_text(encoding="utf-8")
    return [step.text for chain in split_document(text, path.suffix) for step in chain.steps]


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("class1000")
    return folder, synthetic.build_class(folder, 1000, seed=0)


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    synthetic.build_class(tmp_path / "one", 80, seed=7)
    synthetic.build_class(tmp_path / "two", 80, seed=7)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_different_seeds_differ(tmp_path: Path) -> None:
    synthetic.build_class(tmp_path / "zero", 80, seed=0)
    synthetic.build_class(tmp_path / "one", 80, seed=1)
    zero, one = _files(tmp_path / "zero"), _files(tmp_path / "one")
    assert len(set(zero.values()) & set(one.values())) < 8


@pytest.mark.slow
def test_count_files_all_distinct(thousand: tuple[Path, Any]) -> None:
    folder, stats = thousand
    files = _files(folder)
    assert len(files) == 1000 == stats.count
    assert len(set(files.values())) == 1000
    assert sorted(Path(name).stem for name in files) == [f"student{n:04d}"
                                                         for n in range(1, 1001)]
    suffixes = {suffix: sum(Path(name).suffix == suffix for name in files)
                for suffix in (".md", ".tex")}
    assert suffixes == dict(stats.suffixes)
    assert 100 <= suffixes[".tex"] <= 300  # about one in five


@pytest.mark.slow
def test_about_ten_lines(thousand: tuple[Path, Any]) -> None:
    _, stats = thousand
    assert 9.0 <= stats.mean_lines <= 11.0
    assert stats.max_lines <= 15


@pytest.mark.slow
def test_statistics_match_the_files(thousand: tuple[Path, Any]) -> None:
    folder, stats = thousand
    per_file = [_display_lines(path) for path in sorted(folder.iterdir())]
    sizes = [len(lines) for lines in per_file]
    assert sum(sizes) / len(sizes) == pytest.approx(stats.mean_lines)
    assert (min(sizes), max(sizes)) == (stats.min_lines, stats.max_lines)
    distinct = {line for lines in per_file for line in lines}
    pairs = {pair for lines in per_file for pair in itertools.pairwise(lines)}
    assert len(distinct) == stats.distinct_lines
    assert len(pairs) == stats.distinct_pairs
    # distinct files, and distinct lines too: far more than the 33 hand-made submissions have
    assert len(distinct) > 1000 and len(pairs) > 2000


@pytest.mark.slow
def test_mix_of_right_and_wrong(thousand: tuple[Path, Any]) -> None:
    _, stats = thousand
    kinds, slips = stats.kinds, stats.slips
    assert kinds["unmutated"] >= 400
    assert kinds["with_slips"] >= 400
    assert 1 <= kinds.get("empty", 0) + kinds.get("prose_only", 0) <= 30
    assert set(slips) == set(synthetic.SLIP_WEIGHTS)  # every kind of slip occurs
