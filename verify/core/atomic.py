"""Outputs written whole or not at all, and temporary folders that do not outlive their run.

A file is written to a temporary file in its own folder, flushed to disk, then renamed over
the target: a run killed at any moment (SIGKILL included) leaves the previous file or none at
the target path, never a truncated one.  The rename replaces whatever the target path names
(a symlink included) instead of writing through it, so an output never lands outside its
folder at a link's target; ``within`` also refuses a target whose folder resolves outside the
folder the user gave (a student's subfolder that is a symlink elsewhere).

A killed run cannot delete its temporaries, so their names hold the writer's process id, and
the next write into the same folder (or the next temporary folder of the same kind) deletes
those whose process is gone.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from verify.core.errors import OutsideFolder

TEMPORARY_MARK = "verify-partial"   # in every temporary's name: recognisable, sweepable


def write_text_atomic(path: Path, text: str, *, within: Path | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all."""
    with atomic_file(path, within=within) as handle:
        handle.write(text)


def write_bytes_atomic(path: Path, data: bytes, *, within: Path | None = None) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    with _replacing(path, within) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_file(path: Path, *, within: Path | None = None,
                newline: str | None = None) -> Iterator[TextIO]:
    """A UTF-8 text handle whose contents replace ``path`` when the block ends without an
    exception (and are discarded otherwise); ``within``: the folder ``path`` must resolve
    into.  ``newline`` as for :func:`open` (``""`` for the csv module)."""
    with _replacing(path, within) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline=newline)
        yield text
        text.flush()
        text.detach()


@contextlib.contextmanager
def atomic_binary_file(path: Path, *, within: Path | None = None) -> Iterator[BinaryIO]:
    """A binary handle whose contents replace ``path`` when the block ends without an
    exception (and are discarded otherwise), for writers that want a file (a figure)."""
    with _replacing(path, within) as handle:
        yield handle


@contextlib.contextmanager
def _replacing(path: Path, within: Path | None) -> Iterator[BinaryIO]:
    folder = path.parent
    if within is not None:
        ensure_within(folder, within)
    _sweep_files(folder)
    name = folder / f".{path.name[:80]}.{TEMPORARY_MARK}-{os.getpid()}-{secrets.token_hex(4)}"
    # O_EXCL and O_NOFOLLOW: the temporary is ours alone; 0o666 so that the umask, not us,
    # decides the output's permissions, as for any file the user writes.
    descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    _sync_folder(folder)


def ensure_within(path: Path, folder: Path) -> None:
    """Raise :class:`OutsideFolder` unless ``path`` (resolved, links followed) is ``folder``
    (resolved) or inside it."""
    resolved, root = path.resolve(), folder.resolve()
    if resolved != root and root not in resolved.parents:
        raise OutsideFolder(f"{path}: not written, it leads outside {folder} (to {resolved})")


@contextlib.contextmanager
def temporary_folder(kind: str) -> Iterator[Path]:
    """A fresh private folder in the system's temporary directory, deleted when the block
    ends however it ends; folders of the same ``kind`` left by killed runs are deleted."""
    base = Path(tempfile.gettempdir())
    prefix = f"{kind}-{TEMPORARY_MARK}-"
    for stale in _stale(base, prefix):
        shutil.rmtree(stale, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sweep_files(folder: Path) -> None:
    """Delete the temporaries in ``folder`` whose writer has died."""
    for stale in _stale(folder, "."):
        with contextlib.suppress(OSError):
            if not stale.is_symlink() and stale.is_file():
                stale.unlink()


_PID = re.compile(rf"{TEMPORARY_MARK}-(\d+)-")


def _stale(folder: Path, prefix: str) -> list[Path]:
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and TEMPORARY_MARK in n]
    except OSError:
        return []
    found = []
    for name in names:
        match = _PID.search(name)
        if match is not None and not _alive(int(match.group(1))):
            found.append(folder / name)
    return found


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:    # another user's process: alive
        return True
    return True


def _sync_folder(folder: Path) -> None:
    """The rename itself made durable (a crash of the machine keeps the new file)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
