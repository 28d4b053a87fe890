"""Which files a ``check`` of some paths reads: plain file-system work, without the
readers themselves (the parent of a run lists the documents; its workers read them)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from verify.read.files import list_documents, refusal
from verify.read.suffixes import CHECKED_SUFFIXES


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Files to check, in a stable order; problems for paths that do not exist or are refused
    (:mod:`verify.read.files`: links out of a folder named, special files).  The hidden files
    skipped are :func:`verify.read.files.skipped_notes`'s."""
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            listing = list_documents(path, CHECKED_SUFFIXES, recursive=True)
            found.extend(listing.files)
            problems.extend(listing.problems())
        elif os.path.lexists(path):
            why = refusal(path, path.resolve().parent)   # named: its links are followed
            found.extend([path] if why is None else [])
            problems.extend([] if why is None else [f"{path}: not read: {why}"])
        else:
            problems.append(f"{path}: no such file or folder")
    return found, problems
