"""Staying inside the given folders: which entries of a folder are documents for ``check DIR``
and for grading (one rule, verify/read/files.py), what is refused and said, what is skipped,
and that nothing outside a class folder reaches a student's results."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.core.errors import FileRefused
from verify.grade.assignment import load_assignment
from verify.grade.outputs import gradescope_results
from verify.grade.reading import Submission, discover, read_submission, student_id
from verify.grade.results import Grade, Outcome
from verify.pipeline import discover as discover_documents
from verify.read.files import read_inside, read_regular, skipped_notes
from verify.read.suffixes import CHECKED_SUFFIXES, GRADED_SUFFIXES

SECRET = "the text of a file outside the class folder"
GOOD = "$$ a + a $$\n$$ 2 a $$\n"
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"


def hostile_folder(tmp_path: Path) -> Path:
    """A folder holding every kind of entry named like a document."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(SECRET)
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD)
    (folder / "UPPER.MD").write_text(GOOD)
    (folder / "in.md").symlink_to("good.md")                    # a link inside: read
    (folder / "out.md").symlink_to(outside / "secret.md")       # a link leaving: refused
    (folder / "up.md").symlink_to("../outside/secret.md")       # the same, relative
    (folder / "dangling.md").symlink_to(folder / "nothing.md")
    (folder / "dir.md").mkdir()
    os.mkfifo(folder / "fifo.md")
    (folder / ".hidden.md").write_text(GOOD)
    (folder / "._good.md").write_text("\0\0 macOS resource fork")
    (folder / "notes.txt").write_text("not a document")
    return folder


REFUSED = {"out.md": "outside its folder", "up.md": "outside its folder",
           "dangling.md": "link to nothing", "dir.md": "a folder",
           "fifo.md": "special file"}


def test_check_dir_reads_regular_files_and_links_inside_and_says_why_for_the_rest(
        tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.tex").write_text(GOOD)
    (folder / "sub" / "up.md").symlink_to("../good.md")        # leaves sub/, not the folder
    (folder / ".git").mkdir()
    (folder / ".git" / "x.md").write_text(GOOD)                 # hidden folders: not entered
    (folder / "sub" / "x.notation.yaml").write_text("symbols: {}")
    files, problems = discover_documents([folder])
    assert [p.relative_to(folder).as_posix() for p in files] == \
        ["UPPER.MD", "good.md", "in.md", "sub/deep.tex", "sub/up.md"]
    assert len(problems) == len(REFUSED)
    for name, why in REFUSED.items():
        assert any(p.startswith(f"{folder / name}: not read:") and why in p for p in problems)
    assert all(SECRET not in p and "outside/secret" not in p for p in problems)
    notes = skipped_notes([folder], CHECKED_SUFFIXES, "check", recursive=True)
    assert sorted(notes) == sorted(f"{folder / n}: skipped, a hidden file (rename it to check "
                                   "it)" for n in ("._good.md", ".hidden.md"))


def test_named_files_follow_their_links_but_are_never_special(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    files, problems = discover_documents([folder / "out.md", folder / "fifo.md",
                                          folder / ".hidden.md", folder / "missing.md"])
    assert files == [folder / "out.md", folder / ".hidden.md"]   # named: the user's choice
    assert problems == [f"{folder / 'fifo.md'}: not read: a special file (a FIFO, socket or "
                        "device), not a document", f"{folder / 'missing.md'}: no such file "
                        "or folder"]


def test_grading_gives_every_entry_a_row_and_the_same_rule_as_check(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    listed = [p.name for p in discover(folder)]
    assert listed == sorted(["UPPER.MD", "good.md", "in.md", *REFUSED])
    checked, _ = discover_documents([folder])
    assert {p.name for p in checked} < set(listed)               # the same readable ones
    assert skipped_notes([folder], GRADED_SUFFIXES, "grade", recursive=False) == [
        f"{folder / n}: skipped, a hidden file (rename it to grade it)"
        for n in ("._good.md", ".hidden.md")]


def test_a_refused_submission_is_a_row_that_says_why_and_shows_nothing_outside(
        tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    assignment = load_assignment(ASSIGNMENT)
    for name, why in REFUSED.items():
        grade = read_submission(folder / name, assignment)
        assert isinstance(grade, Grade), name
        assert grade.outcome is Outcome.UNREADABLE and why in grade.reason, grade.reason
        shown = json.dumps(gradescope_results(grade))
        assert SECRET not in shown and str(tmp_path / "outside") not in shown
    assert isinstance(read_submission(folder / "in.md", assignment), Submission)


def test_read_inside_refuses_what_changed_into_a_link_leaving(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    assert read_inside(folder / "in.md") == GOOD.encode()
    for name in REFUSED:
        with pytest.raises(FileRefused):
            read_inside(folder / name)
    with pytest.raises(FileRefused, match="special file"):
        read_regular(folder / "fifo.md")          # returns at once: the FIFO is not waited on
    with pytest.raises(FileRefused, match="folder"):
        read_regular(folder / "dir.md")


def test_two_submissions_of_one_stem_get_distinct_ids(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("dup.md", "dup.tex", "ann.md", "bob.TEX", "bob.txt"):
        (folder / name).write_text(GOOD)
    ids = [student_id(p) for p in discover(folder)]
    assert ids == ["ann", "bob", "dup.md", "dup.tex"]
    assert len(set(ids)) == len(ids)


# ---- a document's notation sidecar: the same rule, for the document's own folder -----------
SIDECAR_SECRET = f"title: '{SECRET}'\nsymbols: {{b: {{}}}}\n"


def sidecar_folder(tmp_path: Path) -> Path:
    """One document per kind of ``<stem>.notation.yaml`` beside it; the sidecars that are read
    give the document a title, those outside the folder would give it SECRET."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.notation.yaml").write_text(SIDECAR_SECRET)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "shared.yaml.txt").write_text("title: shared\nsymbols: {a: {}}\n")
    kinds: dict[str, Callable[[Path], object]] = {
        "plain": lambda p: p.write_text("title: plain\nsymbols: {a: {}}\n"),
        "inside": lambda p: p.symlink_to("shared.yaml.txt"),
        "out": lambda p: p.symlink_to(outside / "secret.notation.yaml"),
        "up": lambda p: p.symlink_to("../outside/secret.notation.yaml"),
        "dangling": lambda p: p.symlink_to(folder / "nothing.yaml"),
        "dir": lambda p: p.mkdir(),
        "fifo": lambda p: os.mkfifo(p),
        "huge": lambda p: p.write_text("#" * (4 * 100_000 + 1))}
    for stem, make in kinds.items():
        (folder / f"{stem}.md").write_text("$$ a + a = 2 a $$\n")
        make(folder / f"{stem}.notation.yaml")
    return folder


SIDECAR_READ = {"plain": "plain", "inside": "shared"}
SIDECAR_REFUSED = {"out": "a symbolic link leading outside its folder",
                   "up": "a symbolic link leading outside its folder",
                   "dangling": "a symbolic link to nothing", "dir": "a folder, not a file",
                   "fifo": "a special file", "huge": "larger than 400000 bytes"}


def test_a_sidecar_is_read_only_inside_its_documents_folder(tmp_path: Path) -> None:
    from verify.pipeline import read_document
    folder = sidecar_folder(tmp_path)
    for stem, title in SIDECAR_READ.items():
        document = read_document(folder / f"{stem}.md")
        assert (document.title, document.problems) == (title, ()), stem
    for stem, why in SIDECAR_REFUSED.items():
        document = read_document(folder / f"{stem}.md")
        sidecar = folder / f"{stem}.notation.yaml"
        assert document.title == stem, stem                # nothing of the outside file
        assert any(p.startswith(f"{sidecar}: not read: {why}") for p in document.problems), \
            (stem, document.problems)
        assert SECRET not in repr(document)


def test_a_refused_sidecar_makes_no_cache_key_and_no_grade_from_outside(tmp_path: Path) -> None:
    from verify.grade.parallel import grade_key
    from verify.store.cache import source_key
    folder = sidecar_folder(tmp_path)
    assignment = load_assignment(ASSIGNMENT)
    for stem in SIDECAR_READ:
        assert source_key(folder / f"{stem}.md", 0, 20, None) is not None
    for stem, why in SIDECAR_REFUSED.items():
        # Not keyed by the outside file's bytes: the worker reads the document and says why.
        assert source_key(folder / f"{stem}.md", 0, 20, None) is None, stem
        assert grade_key(folder / f"{stem}.md", assignment) is None, stem
        submission = read_submission(folder / f"{stem}.md", assignment)
        assert isinstance(submission, Submission), stem
        assert any(why in note for note in submission.notes), (stem, submission.notes)
        assert SECRET not in repr(submission)


def test_a_huge_submission_is_not_read_whole_into_the_parent(tmp_path: Path) -> None:
    """A 600 MB file named like a document (sparse: no disk used) gets no cache key and an
    unreadable row, and the process reads at most a document's bound of it."""
    import resource

    from verify.core.limits import DOCUMENT_CHARS
    from verify.grade.parallel import grade_key
    from verify.store.cache import source_key
    folder = tmp_path / "class"
    folder.mkdir()
    huge = folder / "video.md"
    with huge.open("wb") as handle:
        handle.truncate(600 << 20)
    assignment = load_assignment(ASSIGNMENT)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert source_key(huge, 0, 20, None) is None
    assert grade_key(huge, assignment) is None
    grade = read_submission(huge, assignment)
    assert isinstance(grade, Grade) and grade.outcome is Outcome.UNREADABLE
    assert grade.reason == f"cannot read: larger than {DOCUMENT_CHARS} bytes"
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 100_000, grown_kb        # not the 600 MB
