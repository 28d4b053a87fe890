"""The verdict cache: a verdict computed once is reused wherever the same question comes back.

Three kinds of entries live in one SQLite table, all stored as JSON (never pickle):

``source``
    A whole :class:`~verify.model.verdict.DocumentResult`, keyed by :func:`source_key`: a hash of
    the file's bytes (and its notation sidecar's) and the options.  Looked up before the
    document is even read: a hit needs no worker.
``document``
    A whole result, keyed by :func:`document_key`: a hash of the document as read (every
    step's bound SymPy expression in canonical form, its LaTeX, line, label and note; every
    chain's ``where`` conditions; the notation's canonical dump, which holds the sizes), the
    seed and the points.  Looked up once the worker has read the document.
``claim``
    One claim's :class:`~verify.verdict.combine.Judgement`, keyed by :func:`claim_key`: the
    reference
    step's and this step's bound expressions (canonical form), the chain's ``where``
    conditions, the notation dump, the seed and the points.  Nothing about where the claim
    stands (file, line) enters the key, so identical steps across a class are checked once
    (:func:`verify.pipeline.judge_claims`: the cache stores and serves, it never judges).

The canonical form (:class:`Canon`) is structural like ``srepr``: every node's class and
arguments, every symbol's name and assumptions.  Every key also holds
:data:`verify.CHECKER_VERSION` and a fingerprint of this package's source and of the versions of
the libraries it checks with (:data:`ENGINES`), and opening a cache
deletes the entries of any other version or code, so a changed checker never serves an old
verdict and old entries do not pile up; beyond :data:`CACHE_ENTRIES` the oldest are dropped.
The cache is only an optimisation: a damaged entry is a miss, never an error, and an entry
edited outside this code (its keyed checksum fails, :class:`VerdictCache`) is a miss too; a
damaged file is moved aside and rebuilt.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib.metadata
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verify.core.errors import CacheSchemaMismatch, FileRefused, SerializeError
from verify.core.limits import CACHE_ENTRIES, DOCUMENT_CHARS, ENCODING_FILE_BYTES
from verify.core.version import CHECKER_VERSION
from verify.model.verdict import DocumentResult
from verify.read.files import read_regular, read_sidecar
from verify.store.serialize import (
    dumps,
    judgement_data,
    judgement_from_data,
    loads,
    result_data,
    result_from_data,
)

if TYPE_CHECKING:   # all import SymPy (claims and combine JAX too): the parent of a run opens
    #                 the cache to serve whole results, and must not pay for them (keys of
    #                 claims and documents are made in the workers, which have them anyway)
    from verify.check.claims import Claim
    from verify.model.canon import Canon
    from verify.model.document import Chain, Document, Step
    from verify.model.notation import Notation
    from verify.verdict.combine import Judgement

ENVIRONMENT = "DERIVATION_VERIFY_CACHE"
FILE_NAME = "verdicts.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    checker TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL,
    mac TEXT NOT NULL
)"""


def default_path() -> Path:
    """``$DERIVATION_VERIFY_CACHE``, else the user's cache directory."""
    configured = os.environ.get(ENVIRONMENT)
    if configured:
        return Path(configured)
    import platformdirs
    return platformdirs.user_cache_path("derivation-verify") / FILE_NAME


# ---- keys ---------------------------------------------------------------------------------
def content_key(kind: str, parts: Iterable[str]) -> str:
    """A key for entries of another layer (the grader's ``grade`` entries): like every key
    here, it holds the checker version and the code's fingerprint."""
    return _digest(kind, parts)


def _digest(kind: str, parts: Iterable[str]) -> str:
    """sha256 over length-prefixed parts, so no two different part lists collide by joining.
    Every key holds the checker version and the code's fingerprint: a verdict computed by
    other code is never served, even when nobody remembered to bump the version."""
    hasher = hashlib.sha256(f"{kind}\0{CHECKER_VERSION}\0{code_fingerprint()}\0".encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        hasher.update(f"{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


def claim_key(claim: Claim, diagnose: bool, seed: int, points: int,
              canon: Canon | None = None, words: bool = True) -> str:
    """The key of one claim's judgement; ``diagnose``: judged against its reference step
    (a step claim, whose refutation gets a diagnosis) rather than alone (a sub-claim, ends);
    ``words``: False for a judgement made without the verdict's own diagnosis
    (:func:`verify.verdict.combine.judge`), which must never answer one that shows it."""
    if canon is None:
        from verify.model.canon import Canon
        canon = Canon()
    return _digest("claim", [canon.expr(claim.before), canon.expr(claim.after),
                             *(canon.expr(w) for w in claim.where),
                             canon.notation(claim.notation), str(seed), str(points),
                             str(diagnose), *(() if words else ("without words",))])


def _step_parts(step: Step, canon: Canon) -> list[str]:
    parts = [str(step.location.line), step.location.label or "", step.latex,
             canon.expr(step.expr), step.problem or "", step.note, str(step.origin or "")]
    for sub in step.subclaims:
        parts += [sub.latex, canon.expr(sub.lhs), canon.expr(sub.rhs), sub.problem or ""]
    return [str(len(step.subclaims)), *parts]


def _chain_parts(chain: Chain, canon: Canon) -> list[str]:
    parts = [chain.name, chain.note, canon.notation(chain.notation) if chain.notation else "",
             _spellings(chain.notation) if chain.notation else "",
             *(canon.expr(w) for w in chain.where), "|", *chain.where_text, "|"]
    for step in chain.steps:
        parts += _step_parts(step, canon)
    return [str(len(chain.steps)), *parts]


def document_key(document: Document, seed: int, points: int,
                 sizes: Mapping[str, Sequence[int]] | None) -> str:
    """The key of a whole document's result (its path included: results name their file)."""
    from verify.model.canon import Canon
    canon = Canon()
    parts = [document.path, document.title, document.source, canon.notation(document.notation),
             _spellings(document.notation),
             json.dumps({k: list(v) for k, v in sorted((sizes or {}).items())}),
             str(seed), str(points), *document.problems, "|", str(len(document.chains))]
    # An inferred notation is part of the result (its declarations and their reasons): the
    # same reading declared in a header is another result.
    parts.append(repr(document.inferred))
    for chain in document.chains:
        parts += _chain_parts(chain, canon)
    return _digest("document", parts)


def _spellings(notation: Notation) -> str:
    """The notation's LaTeX spellings, which a result (not a judgement) shows: the readings
    and the counterexamples' variable names are written in them."""
    return json.dumps([[name, list(d.latex)] for name, d in sorted(notation.symbols.items())] +
                      [[name, list(d.latex)] for name, d in
                       sorted(notation.definitions.items())])


def checker_id() -> str:
    """What the ``checker`` column holds: the version and the code's fingerprint."""
    return f"{CHECKER_VERSION}+{code_fingerprint()[:16]}"


# The libraries a verdict or a reading depends on: another SymPy (SymPy 1.13 changed what
# ``Float == Integer`` says), NumPy, JAX or LaTeX parser may decide a step otherwise.
ENGINES = ("sympy", "symengine", "numpy", "jax", "jaxlib", "latex2sympy2_extended",
           "antlr4-python3-runtime")


@functools.cache
def code_fingerprint() -> str:
    """A hash of this package's source and of the versions of the libraries it checks with
    (read once per process; every key holds it): any change to either changes every key,
    and a cache that outlives an upgrade of SymPy never serves the old SymPy's verdicts."""
    return fingerprint()


def fingerprint() -> str:
    """:func:`code_fingerprint`, computed afresh."""
    package = Path(__file__).resolve().parent.parent  # the whole verify package
    hasher = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        hasher.update(str(source.relative_to(package)).encode())
        hasher.update(source.read_bytes())
    for library in ENGINES:
        try:
            version = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        hasher.update(f"\0{library}={version}".encode())
    return hasher.hexdigest()


def file_parts(path: Path) -> list[str]:
    """A file as it is read: its path, its bytes' hash, and its notation sidecar's (which
    the LaTeX reader applies under the file's own header); raises OSError."""
    # A FIFO or a folder is refused (an OSError), not waited on; a file larger than any reader
    # reads is not read whole into this process (a class folder's 20 GB "video.md"): it has
    # no key, and its worker says why.
    largest = max(DOCUMENT_CHARS, ENCODING_FILE_BYTES)
    data = read_regular(path, most=largest + 1)
    if len(data) > largest:
        raise FileRefused(f"larger than {largest} bytes")
    parts = [str(path), hashlib.sha256(data).hexdigest()]
    if path.suffix.lower() in (".tex", ".md", ".markdown"):
        sidecar = read_sidecar(path)   # refused (a link out of the folder): an OSError
        if sidecar is not None:
            parts.append(hashlib.sha256(sidecar).hexdigest())
    return parts


def source_key(path: Path, seed: int, points: int,
               sizes: Mapping[str, Sequence[int]] | None) -> str | None:
    """The key of a document's result by its bytes (and its notation sidecar's), before it
    is read: a hit needs no worker at all.  None when the file cannot be read (the worker
    reports that)."""
    try:
        parts = file_parts(path)
    except OSError:
        return None
    return _digest("source", [*parts, str(seed), str(points),
                              json.dumps({k: list(v) for k, v in sorted((sizes or {}).items())})])


# ---- storage ------------------------------------------------------------------------------
# The columns a cache file must have; any other table of that name is a damaged cache.
_COLUMNS = ("key", "kind", "checker", "payload", "created", "mac")
KEY_SUFFIX = ".key"     # the cache's secret, beside it: <cache>.key, readable by its owner only


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    writes: int = 0
    rejected: int = 0    # entries whose checksum failed (edited outside this code): misses too


@dataclass
class VerdictCache:
    """One SQLite file; safe to share between processes (WAL journal, busy timeout).

    Every entry carries an HMAC-SHA256 of its key, kind, checker and payload under a secret
    made with the cache (``<file>.key``, mode 0600): an entry edited by anyone who can write
    the file but not read the secret (a student on a shared folder, a careless script, a
    verdict turned from refuted to proved, a parse tree multiplied by 0) fails it, and is a
    miss, computed again.  A file that is not a SQLite database or not this schema is moved
    aside (``<file>.damaged-<time>``) and an empty cache made in its place; ``repaired`` says
    so, once, for the caller to show."""

    path: Path
    checker: str = field(default_factory=lambda: checker_id())
    max_entries: int = CACHE_ENTRIES
    stats: CacheStats = field(default_factory=CacheStats)
    repaired: str | None = None   # what was wrong with the file and where it went, if anything
    _db: sqlite3.Connection | None = None
    _secret: bytes = b""

    def __post_init__(self) -> None:
        memory = str(self.path) == ":memory:"
        if not memory:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._secret, fresh = (os.urandom(32), True) if memory else _secret(self.path)
        try:
            self._open()
        except sqlite3.OperationalError:
            raise            # locked, unwritable, ...: not damage; the caller goes without
        except (sqlite3.DatabaseError, CacheSchemaMismatch) as error:
            if memory:
                raise
            self.repaired = self._move_aside(error)
            self._open()
        if fresh:   # a new secret: no entry already there can be verified, so none is kept
            self.db.execute("DELETE FROM verdicts")
        # A changed checker (its version or its code) invalidates every older verdict: they
        # are never served (their keys differ), so drop them rather than keep them forever.
        self.db.execute("DELETE FROM verdicts WHERE checker != ?", (self.checker,))
        self.prune()

    def _open(self) -> None:
        self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            # Looked at before anything is written: a file that is not ours stays as it was.
            columns = tuple(row[1] for row in self._db.execute("PRAGMA table_info(verdicts)"))
            if columns and columns != _COLUMNS:
                raise CacheSchemaMismatch(f"its table has the columns {', '.join(columns)}")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except BaseException:
            self.close()
            raise

    def _move_aside(self, error: BaseException) -> str:
        """Rename the damaged file (and its journal) out of the way; the message to show."""
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
                                    f"-{os.getpid()}")
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        return (f"warning: verdict cache {self.path} was damaged ({error}); moved aside to "
                f"{aside}, and an empty cache made in its place")

    def prune(self) -> int:
        """Keep at most ``max_entries`` entries, the most recently written; the number
        dropped.  Run on opening: a cache in the user's directory must not grow without
        bound over years of classes."""
        excess = self.count() - self.max_entries
        if excess <= 0:
            return 0
        self.db.execute("DELETE FROM verdicts WHERE key IN (SELECT key FROM verdicts "
                        "ORDER BY created, rowid LIMIT ?)", (excess,))
        return excess

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise sqlite3.ProgrammingError("the cache is closed")
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> VerdictCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_data(self, kind: str, key: str) -> Any | None:
        """The JSON data stored under ``key``, or None (another layer's entries)."""
        return self._get(kind, key)

    def put_data(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        self._put(kind, key, data)

    def _mac(self, key: str, kind: str, payload: str) -> str:
        message = json.dumps([key, kind, self.checker, payload]).encode("utf-8", "surrogatepass")
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _get(self, kind: str, key: str) -> Any | None:
        try:
            row = self.db.execute("SELECT payload, mac FROM verdicts WHERE key = ? AND kind = ? "
                                  "AND checker = ?", (key, kind, self.checker)).fetchone()
        except sqlite3.DatabaseError:   # a page damaged since the file was opened: a miss
            row = None
        if row is None:
            self.stats.misses += 1
            return None
        payload, mac = row
        if not (isinstance(payload, str) and isinstance(mac, str)
                and hmac.compare_digest(mac, self._mac(key, kind, payload))):
            self.stats.rejected += 1
            self.stats.misses += 1
            return None
        try:
            data = loads(payload)
        except SerializeError:
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return data

    def _put(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        payload = dumps(data)
        self.db.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?)",
                        (key, kind, self.checker, payload, time.time(),
                         self._mac(key, kind, payload)))
        self.stats.writes += 1

    def get_result(self, key: str, kind: str = "document") -> DocumentResult | None:
        data = self._get(kind, key)
        try:
            return None if data is None else result_from_data(data)
        except SerializeError:
            return None

    def put_result(self, key: str, result: DocumentResult, kind: str = "document") -> None:
        self._put(kind, key, result_data(result))

    def get_judgement(self, key: str) -> Judgement | None:
        data = self._get("claim", key)
        try:
            return None if data is None else judgement_from_data(data)
        except SerializeError:
            return None

    def put_judgement(self, key: str, judgement: Judgement) -> None:
        self._put("claim", key, judgement_data(judgement))

    def count(self, kind: str | None = None) -> int:
        query = "SELECT COUNT(*) FROM verdicts" + (" WHERE kind = ?" if kind else "")
        return int(self.db.execute(query, (kind,) if kind else ()).fetchone()[0])


def _secret(path: Path) -> tuple[bytes, bool]:
    """The cache's secret, from ``<path>.key``; a new one (and True) when there is none, or
    when the one there is not private to this user (then anyone could forge entries with it).
    Written whole (beside, then linked into place), so that two processes opening a new cache
    at once agree on one secret."""
    key_path = Path(f"{path}{KEY_SUFFIX}")
    for _ in range(3):
        try:
            descriptor = os.open(key_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            pass
        except PermissionError:
            raise              # another user's cache: not usable, and not ours to reset
        except OSError:        # a link there (O_NOFOLLOW): not a secret of ours, replaced
            os.unlink(key_path)
        else:
            with os.fdopen(descriptor, "rb") as handle:
                info = os.fstat(descriptor)
                text = handle.read(200).decode("ascii", "replace").strip()
            if info.st_uid == os.getuid() and not info.st_mode & 0o077 and \
                    len(text) == 64 and all(c in "0123456789abcdef" for c in text):
                return bytes.fromhex(text), False
            os.unlink(key_path)     # not ours alone, or not a secret: a new one
        made = Path(f"{key_path}.{os.getpid()}.{os.urandom(4).hex()}")
        descriptor = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        secret = os.urandom(32)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secret.hex().encode() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(made, key_path)     # fails if another process made one first: read it
            return secret, True
        except FileExistsError:
            continue
        finally:
            os.unlink(made)
    raise OSError(f"{key_path}: cannot settle the cache's secret")


def open_cache(path: Path | None) -> VerdictCache | None:
    """The cache at ``path``; None for a run without one (``--no-cache``)."""
    return None if path is None else VerdictCache(path)
