"""Which files of a folder are documents, read only inside the folder: the one rule for
``check DIR`` and for a class folder.

A folder's entry named like a document (:func:`verify.read.suffixes.document_suffix`) is

* **read** when it is a regular file, or a symbolic link to a regular file that resolves
  inside the folder given (the user's own links between their files);
* **refused**, with its reason, when it is a link leading outside the folder (a submission
  that links to another student's file or to ``/etc/passwd`` must not bring that text into
  anyone's results), a dangling link, a folder, or a special file (a FIFO would block the
  read forever; a device is not a document): ``check`` reports it as an input problem,
  grading gives it a row that says why;
* **skipped**, with a message and no row, when it is hidden (``.x.md``, and the ``._x.md``
  that macOS leaves beside every file it copies): editors and systems write those, not
  authors.  Hidden folders are not entered.

Files named explicitly on a command line are the user's choice and are read where their links
lead, but never when they are not regular files.

A document's notation sidecar (``<stem>.notation.yaml`` beside it) is read under the same rule
as a document of the document's own folder (:func:`read_sidecar`): a sidecar that links
outside that folder, a dangling one, a folder or a special file of that name is refused with
its name and reason (the document's notation is then what its own header declares), and one
larger than a notation header may be is not read beyond that.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from verify.core.errors import FileRefused
from verify.core.limits import HEADER_CHARS
from verify.read.suffixes import document_suffix

NOTATION_SIDECAR = ".notation.yaml"   # a document's notation, not a document


@dataclass(frozen=True)
class Listing:
    """A folder's documents: those to read, those refused (and why), the hidden ones."""

    files: tuple[Path, ...]
    refused: tuple[tuple[Path, str], ...]
    skipped: tuple[Path, ...]

    def problems(self) -> list[str]:
        return [f"{path}: not read: {why}" for path, why in self.refused]

    def notes(self, what: str) -> list[str]:
        return [f"{path}: skipped, a hidden file (rename it to {what} it)"
                for path in self.skipped]


def list_documents(folder: Path, suffixes: tuple[str, ...], *, recursive: bool) -> Listing:
    """The documents of ``folder`` (and, ``recursive``, of its subfolders that are not hidden
    nor links), each list in a stable order."""
    root = folder.resolve()
    files: list[Path] = []
    refused: list[tuple[Path, str]] = []
    skipped: list[Path] = []
    for place, subfolders, names in os.walk(folder):   # links to folders: listed, not entered
        entries = sorted(names + subfolders)
        subfolders[:] = [s for s in subfolders if recursive and not s.startswith(".")
                         and document_suffix(Path(s), suffixes) is None]
        for name in entries:
            path = Path(place) / name
            if document_suffix(path, suffixes) is None or name.endswith(NOTATION_SIDECAR):
                continue
            if name.startswith("."):
                skipped.append(path)
                continue
            why = refusal(path, root)
            if why is None:
                files.append(path)
            else:
                refused.append((path, why))
    return Listing(tuple(sorted(files)), tuple(sorted(refused)), tuple(sorted(skipped)))


def refusal(path: Path, folder: Path | None = None) -> str | None:
    """Why ``path`` is not read as a document of ``folder`` (default: its own folder); None
    when it is a regular file there, or a link to one that stays inside ``folder``."""
    root = (folder if folder is not None else path.parent).resolve()
    try:
        if os.path.islink(path):
            target = path.resolve()
            if not target.exists():
                return "a symbolic link to nothing"
            if target != root and root not in target.parents:
                return "a symbolic link leading outside its folder"
        mode = os.stat(path).st_mode
    except (OSError, RuntimeError) as error:    # RuntimeError: a loop of links
        return f"cannot be examined ({type(error).__name__})"
    return _kind_refusal(mode)


def _kind_refusal(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    return "a special file (a FIFO, socket or device), not a document"


def read_inside(path: Path, folder: Path | None = None, *, most: int | None = None) -> bytes:
    """The bytes of a document of ``folder`` (default: its own folder), or its first ``most``;
    :class:`FileRefused` for anything :func:`refusal` refuses (or that changed into it since),
    OSError if unreadable."""
    why = refusal(path, folder)
    if why is not None:
        raise FileRefused(why)
    return read_regular(path.resolve(), most=most)


def sidecar_path(document: Path) -> Path:
    """Where the notation sidecar of ``document`` would be: beside it (beside the link, when
    ``document`` is one), named by its stem."""
    return document.with_name(document.stem + NOTATION_SIDECAR)


def read_sidecar(document: Path) -> bytes | None:
    """The bytes of ``document``'s notation sidecar, None when there is none (nothing of that
    name, not even a dangling link); :class:`FileRefused` when :func:`refusal` refuses it as a
    file of the document's folder (a link leading outside, a link to nothing, a folder, a
    special file) or when it is larger than a header may be; OSError if unreadable."""
    sidecar = sidecar_path(document)
    if not os.path.lexists(sidecar):
        return None
    why = refusal(sidecar, document.parent)
    if why is not None:
        raise FileRefused(why)
    # UTF-8 takes at most four bytes a character: a longer file is longer than a header.
    most = 4 * HEADER_CHARS
    data = read_regular(sidecar.resolve(), most=most + 1)
    if len(data) > most:
        raise FileRefused(f"larger than {most} bytes, the most a notation header may have")
    return data


def read_regular(path: Path, *, most: int | None = None) -> bytes:
    """The bytes of the regular file ``path`` names (links followed), or its first ``most``
    bytes; :class:`FileRefused` for a folder or a special file, checked on the file opened
    (O_NONBLOCK: a FIFO does not block the open, and is refused)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        why = _kind_refusal(os.fstat(descriptor).st_mode)
        if why is not None:
            raise FileRefused(why)
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        return handle.read() if most is None else handle.read(most)


def submission_id(path: Path, suffixes: tuple[str, ...]) -> str:
    """A student's id: the file name without its suffix, or the whole name when another
    document of the folder has the same stem (``dup.md`` and ``dup.tex`` are two rows, and
    each must say which file it is)."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return path.stem
    # A name's stem is a prefix of it: the cheap test first, so that a class of a thousand
    # files does not build a thousand paths per student (it was 9 ms a submission).
    twins = [n for n in names if n.startswith(path.stem) and n != path.name
             and Path(n).stem == path.stem and document_suffix(Path(n), suffixes) is not None]
    return path.name if twins else path.stem


def skipped_notes(paths: list[Path], suffixes: tuple[str, ...], what: str, *,
                  recursive: bool) -> list[str]:
    """One note per hidden document skipped in the folders among ``paths``."""
    return [note for path in paths if path.is_dir()
            for note in list_documents(path, suffixes, recursive=recursive).notes(what)]


def submission_paths(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The entries of a class folder (not its subfolders) that get a row, in a stable order:
    the readable submissions and the refused ones (whose row says why,
    :func:`read_inside`); hidden ones are :func:`skipped_notes`'s."""
    listing = list_documents(folder, suffixes, recursive=False)
    return sorted([*listing.files, *(path for path, _ in listing.refused)])
