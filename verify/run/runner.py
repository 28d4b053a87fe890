"""Running many documents: each in a worker process that can be killed, with limits.

Why processes: a check is SymPy and NumPy work on hostile input.  Big-integer arithmetic or a
runaway simplification holds the interpreter, so no in-process timeout can stop it; only
killing the process can.  Workers are fresh interpreters (``subprocess``, not ``fork``: forking
a process that has JAX's threads is unsafe; not ``multiprocessing``: it re-imports the caller's
main module and refuses to start children from a daemonic process, which a Dask worker is),
talking over a socket pair, and kept alive across documents, since importing SymPy and JAX
costs about a second per process; only a killed worker is replaced.

The limits (:class:`Limits`):

* memory: ``RLIMIT_AS`` set in the worker before it imports anything (``--memory-mb``);
  a ``MemoryError`` ends the document as undecided and retires the worker, a crash is
  noticed by the parent;
* time: a wall-clock deadline per document, kept by the parent: ``read_seconds`` to read the
  document, then ``--timeout`` seconds per step.  At the deadline the worker is killed.

A document stopped by a limit still gets a result: the worker sends, as soon as it has read
the document, a *skeleton* (every step unparsed, start, or pending); the parent fills the
pending steps in as ``unknown`` with the reason.

The protocol is JSON over a pipe, one message per ``send_bytes``: nothing a worker sends is
unpickled (results are data, :mod:`verify.store.serialize`).  A batch (:class:`Batch`) knows what
its
jobs are: documents to check (:class:`CheckBatch`, below) or submissions to grade
(:mod:`verify.grade.parallel`); the pool, the deadlines and the replacement of dead workers
are shared.  What a worker does with a request is its pool's *handler*, named by the code
that makes the pool (:attr:`LocalPool.handler`, a ``module:function`` that the worker imports
once its limits are set): this module knows nothing of the layers above it.  Per document::

    parent -> worker   {"kind": "read", "path", "options", "cache"}
    worker -> parent   {"kind": "read", "key", "steps", "skeleton"}   (or "done" if unreadable)
    parent -> worker   {"kind": "go"} | {"kind": "skip"}   (skip: the verdict cache had it)
    worker -> parent   {"kind": "done", "result", "cacheable"} | {"kind": "failed", "reason"}
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from verify.core.errors import ClusterLost, SerializeError
from verify.core.memo import Memo
from verify.model.options import Options
from verify.model.verdict import DocumentResult, Status, StepVerdict
from verify.run.affinity import JobQueue, OrderedQueue, by_affinity
from verify.store.serialize import dumps, loads, result_data, result_from_data

if TYPE_CHECKING:   # both import SymPy and JAX: a worker imports them after its limits are set
    from verify.model.document import Document
    from verify.store.cache import VerdictCache

DEFAULT_SECONDS_PER_STEP = 60.0
DEFAULT_MEMORY_MB = 4096
PENDING = "not checked yet"

# The progress line: jobs done, jobs in all, and what is running now (the jobs' names).
Progress = Callable[[int, int, str], None]
R = TypeVar("R")
# A result handed on as soon as it and every job before it are done (:class:`InOrder`):
# its job's number and the result.
Emit = Callable[[int, R], None]
# A worker's request handler: one request (never "stop") and the worker's end of the pipe;
# it replies on the pipe and says whether the worker may go on (False: it retires).
Handler = Callable[[Connection, Mapping[str, Any]], bool]
CHECK_HANDLER = "verify.run.runner:serve_document"
_HANDLER_NAME = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


@dataclass(frozen=True)
class Limits:
    seconds_per_step: float = DEFAULT_SECONDS_PER_STEP   # --timeout
    memory_mb: int | None = DEFAULT_MEMORY_MB             # --memory-mb; None: no limit
    read_seconds: float = 120.0     # reading one document, before its steps are known
    start_seconds: float = 180.0    # a fresh worker importing SymPy and JAX

    def check_seconds(self, steps: int) -> float:
        return self.seconds_per_step * max(1, steps)


# ---- options and skeletons as data --------------------------------------------------------
def options_data(options: Options) -> dict[str, Any]:
    sizes = {k: list(v) for k, v in options.sizes.items()} if options.sizes else None
    return {"seed": options.seed, "points": options.points, "sizes": sizes}


def options_from_data(data: Mapping[str, Any]) -> Options:
    sizes = data.get("sizes")
    return Options(seed=int(data["seed"]), points=int(data["points"]),
                   sizes={str(k): tuple(int(v) for v in vs) for k, vs in sizes.items()}
                   if sizes else None)


def stopped(skeleton: DocumentResult | None, path: str, seed: int,
            reason: str) -> DocumentResult:
    """The result of a document stopped by a limit: its pending steps ``unknown`` (why)."""
    if skeleton is None:
        return DocumentResult(path, Path(path).stem, (), seed, (),
                              (f"{path}: not read: {reason}",))

    def fill(step: StepVerdict) -> StepVerdict:
        if step.status is Status.UNKNOWN and step.message == PENDING:
            return replace(step, message=f"not decided: {reason}")
        return step

    chains = tuple(replace(c, steps=tuple(fill(s) for s in c.steps)) for c in skeleton.chains)
    return replace(skeleton, chains=chains)


# ---- the worker ---------------------------------------------------------------------------
def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb is not None:
        import resource
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_entry(fd: int, memory_mb: int | None, handler: str = CHECK_HANDLER) -> None:
    """The worker interpreter's entry point (see :meth:`LocalPool._start`).  Told to stop, it
    leaves at once: everything it wrote is committed (the verdict cache commits each entry),
    and tearing down its memos and JAX would cost the run a second or more."""
    worker_main(Connection(fd), memory_mb, handler)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def worker_main(conn: Connection, memory_mb: int | None, handler: str = CHECK_HANDLER) -> None:
    """A worker's life: limits first, then imports, then requests until told to stop, each
    served by ``handler`` (a ``module:function`` name, see :data:`Handler`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles Ctrl-C and kills us
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")           # one thread per worker: jobs share cores
    _limit_memory(memory_mb)
    conn.send_bytes(dumps({"kind": "ready"}).encode())
    serve: Handler | None = None
    while True:
        try:
            request = loads(conn.recv_bytes())
        except (EOFError, OSError, SerializeError):
            return
        if request.get("kind") == "stop":
            return
        if serve is None:   # imported at the first request, as the first job's reading time
            serve = load_handler(handler)
        if not serve(conn, request):
            return


def load_handler(name: str) -> Handler:
    """The function a ``module:function`` name designates."""
    import importlib
    if not _HANDLER_NAME.fullmatch(name):
        raise ValueError(f"not a module:function name: {name!r}")
    module, _, function = name.partition(":")
    found = getattr(importlib.import_module(module), function)
    if not callable(found):
        raise TypeError(f"{name} is not a function")
    return found  # type: ignore[no-any-return]


def reply(conn: Connection, message: Mapping[str, Any]) -> None:
    conn.send_bytes(dumps(message).encode())


def serve_document(conn: Connection, request: Mapping[str, Any]) -> bool:
    """The :data:`Handler` of checking (:data:`CHECK_HANDLER`): one document, read then
    checked; False when this worker should retire (after running out of memory, or asked
    for something other than a document)."""
    if request.get("kind") != "read":
        return False
    from verify.pipeline import check_document, document_error
    from verify.read.latex.step import install_outcome_store
    from verify.store.cache import document_key
    path, options = Path(str(request["path"])), options_from_data(request["options"])
    claims = claim_cache(request.get("cache"))
    install_outcome_store(parse_store(request.get("cache")))   # this request's, or none
    try:
        document = read_guarded(path)
    except MemoryError:
        reply(conn, {"kind": "failed", "reason": "reading the document ran out of memory"})
        return False
    except Exception as error:  # reported as an input error, never a pass
        reply(conn, {"kind": "done", "result": result_data(document_error(path, error)),
                      "cacheable": False})
        return True
    reply(conn, {"kind": "read", "steps": document.step_count,
                  "key": document_key(document, options.seed, options.points, options.sizes),
                  "skeleton": result_data(skeleton(document, options.seed))})
    try:
        answer = loads(conn.recv_bytes())
    except (EOFError, OSError, SerializeError):
        return False
    if answer.get("kind") != "go":
        return True

    def check(document: Document, options: Options) -> DocumentResult:
        return check_document(document, options, claims)
    return _check(conn, path, document, options, check, document_error)


# The worker's connections (the cache, its parse store) by cache path: no results of their
# own.  A worker serves one run's cache; a Dask worker may see a few runs'.
_CLAIM_CACHES: Memo[str, tuple[Any, Any]] = Memo("run.runner.claim_caches", 8)


def _connections(path: str) -> tuple[Any, Any]:
    found = _CLAIM_CACHES.get(path)
    if found is None:
        from verify.store.cache import VerdictCache
        from verify.store.parsed import ParseStore
        try:
            cache = VerdictCache(Path(path))
            found = _CLAIM_CACHES[path] = (cache, ParseStore(cache))
        except Exception:  # an unusable cache only costs speed: check without it
            found = _CLAIM_CACHES[path] = (None, None)
    return found


def claim_cache(path: object) -> Any:
    """The worker's connection to the claim-level verdict cache (identical step pairs across
    documents, e.g. a class, are checked once); None when the run has no cache."""
    return _connections(path)[0] if isinstance(path, str) else None


def parse_store(path: object) -> Any:
    """Where the request's cache keeps the parser's outcomes (:mod:`verify.store.parsed`),
    so that a line parsed by one worker or run is not parsed again; None without a cache.
    Each request installs it in the read layer
    (:func:`verify.read.latex.step.install_outcome_store`) before it reads anything."""
    return _connections(path)[1] if isinstance(path, str) else None


def _check(conn: Connection, path: Path, document: Document, options: Options,
           check: Callable[[Document, Options], DocumentResult],
           error_result: Callable[[Path, Exception], DocumentResult]) -> bool:
    try:
        result, cacheable = check(document, options), True
    except MemoryError:
        reply(conn, {"kind": "failed", "reason": "the check ran out of memory (the limit "
                                                  "is set by --memory-mb)"})
        return False
    except Exception as error:  # reported as an input error, never a pass
        result, cacheable = error_result(path, error), False
    # Neither a timeout (the machine's load) nor an internal error (a bug, to be fixed, not
    # served again) is a property of the document: such a result is not cached.
    reply(conn, {"kind": "done", "result": result_data(result),
                  "cacheable": cacheable and not timed_out(result)
                  and not result.internal_errors()})
    return True


def read_guarded(path: Path) -> Document:
    """Read a document and refuse, step by step, what would explode (verify.read.guards)."""
    from verify.pipeline import read_document
    from verify.read.guards import guard_document
    return guard_document(read_document(path))


def skeleton(document: Document, seed: int) -> DocumentResult:
    """The document's steps before checking: unparsed ones final, the rest pending."""
    from verify.model.canon import sstr
    from verify.model.reading import reading
    from verify.model.verdict import ChainResult
    chains = []
    for chain in document.chains:
        notation = document.notation_of(chain)
        steps, started = [], False
        for index, step in enumerate(chain.steps):
            if step.expr is None and step.internal_error:
                status, message = Status.UNKNOWN, step.internal_error
            elif step.expr is None:
                status, message = Status.UNPARSED, step.problem or "unreadable"
            elif not started:
                status, message, started = Status.START, "start of the chain", True
            else:
                status, message = Status.UNKNOWN, PENDING
            steps.append(StepVerdict(step.location, index, step.latex, status, message,
                                     sympy=sstr(step.expr) if step.expr is not None else "",
                                     note=step.note, reading=reading(step.expr, notation),
                                     internal_error=step.internal_error))
        chains.append(ChainResult(chain.name, tuple(steps), chain.where_text))
    return DocumentResult(document.path, document.title, tuple(chains), seed, (),
                          document.problems, inferred=document.inferred)


def timed_out(result: DocumentResult) -> bool:
    """Did any engine time out?  Such a verdict depends on the machine's load: not cached."""
    steps = [s for step in result.all_steps() for s in (step, *step.subclaims)]
    return any(record.outcome == "timeout" for step in steps if step.evidence is not None
               for record in step.evidence.checks)


# ---- the parent ---------------------------------------------------------------------------
@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    ready: bool = False
    number: int | None = None          # the document it works on
    deadline: float = 0.0
    started: float = 0.0
    skeleton: DocumentResult | None = None
    key: str | None = None
    limit: float = 0.0                 # the current phase's allowance, for the message
    reading: bool = True               # the phase: reading the job, or checking it
    serial: int = 0                    # which worker of the pool (never reused)

    @property
    def busy(self) -> bool:
        return self.number is not None


@dataclass
class LocalPool:
    """``jobs`` killable worker processes on this machine; reusable across runs."""

    jobs: int = 1
    limits: Limits = field(default_factory=Limits)
    cache: VerdictCache | None = None
    handler: str = CHECK_HANDLER       # what the workers do with a request (see Handler)
    workers: list[Worker] = field(default_factory=list)
    replaced: int = 0                  # workers killed or lost and started anew
    started_count: int = 0             # workers ever started (their serial numbers)

    def __post_init__(self) -> None:
        if not _HANDLER_NAME.fullmatch(self.handler):   # it goes into the worker's code
            raise ValueError(f"not a module:function name: {self.handler!r}")

    # ---- lifecycle
    def _start(self) -> Worker:
        ours, theirs = socket.socketpair()
        code = (f"from verify.run.runner import worker_entry; "
                f"worker_entry({theirs.fileno()}, {self.limits.memory_mb!r}, "
                f"{self.handler!r})")
        process = subprocess.Popen([sys.executable, "-c", code], pass_fds=(theirs.fileno(),),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   env=_worker_environment())
        theirs.close()
        self.started_count += 1
        worker = Worker(process, Connection(ours.detach()), started=time.monotonic(),
                        serial=self.started_count)
        worker.deadline = worker.started + self.limits.start_seconds
        self.workers.append(worker)
        return worker

    def start(self, count: int) -> None:
        """Start up to ``count`` workers now, before any work: they import while the caller
        does something else (a batch would start them itself)."""
        while len(self.workers) < min(count, self.jobs):
            self._start()

    def _drop(self, worker: Worker) -> None:
        if worker.process.poll() is None:
            worker.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=10)
        worker.conn.close()
        self.workers.remove(worker)

    def close(self) -> None:
        """Idle workers are asked to stop, all at once, and given two seconds together; one
        still starting (it would read the request only once its imports are done) or busy is
        killed at once."""
        idle = [w for w in self.workers if w.ready and not w.busy]
        for worker in idle:
            with contextlib.suppress(OSError):
                worker.conn.send_bytes(dumps({"kind": "stop"}).encode())
        deadline = time.monotonic() + 2
        for worker in idle:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        for worker in list(self.workers):
            self._drop(worker)

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- running
    def run(self, paths: Sequence[Path], options: Options, progress: Progress | None = None,
            emit: Emit[DocumentResult] | None = None) -> list[DocumentResult]:
        run = CheckBatch(self, list(paths), options, progress, emit)
        self.drive(run)
        return [run.results[n] for n in range(len(paths))]

    def drive(self, run: Batch[Any]) -> None:
        """Run a batch to its end; interrupted, it leaves no worker behind."""
        if run.handler != self.handler:
            raise ValueError(f"a batch for {run.handler} on a pool of {self.handler}")
        try:
            run.loop()
        except BaseException:
            for worker in list(self.workers):
                self._drop(worker)
            raise


class InOrder(Generic[R]):
    """Results as they come, handed on in the order of their jobs: job ``n`` as soon as it
    and every job before it are done, so that a run's output streams and is still the same
    whatever the workers' speeds."""

    def __init__(self, emit: Emit[R] | None) -> None:
        self.emit, self.next = emit, 0
        self.waiting: dict[int, R] = {}

    def add(self, number: int, result: R) -> None:
        if self.emit is None:
            return
        self.waiting[number] = result
        while self.next in self.waiting:
            self.emit(self.next, self.waiting.pop(self.next))
            self.next += 1


class Batch(ABC, Generic[R]):
    """One batch of jobs on the pool: staffing, assigning, waiting, deadlines, lost workers.
    What a job is (a document to check, a submission to grade) is the subclass's business:
    the message that starts it, what its replies mean, and its result when a limit stops it.
    """

    handler: ClassVar[str]   # the Handler its requests need: its pool's workers must run it
    # Waiting jobs a worker beyond the first needs before it is started (see workers_for).
    per_worker: int = 1

    def __init__(self, pool: LocalPool, count: int, progress: Progress | None,
                 emit: Emit[R] | None = None) -> None:
        if self.handler != pool.handler:   # refused before it starts a worker for nothing
            raise ValueError(f"a batch for {self.handler} on a pool of {pool.handler}")
        self.pool, self.count, self.progress = pool, count, progress
        self.results: dict[int, R] = {}
        self.in_order = InOrder(emit)
        self.failed_starts = 0
        self.queue: JobQueue = OrderedQueue(())

    # ---- what a job is (subclasses)
    @abstractmethod
    def request(self, number: int) -> dict[str, Any]:
        """The message that starts job ``number`` in a worker."""

    @abstractmethod
    def receive(self, worker: Worker, message: Mapping[str, Any]) -> None:
        """A message from the worker on its job (anything but "ready")."""

    @abstractmethod
    def stopped(self, worker: Worker, reason: str) -> R:
        """The result of the worker's job when a limit or a crash stopped it: never a pass."""

    @abstractmethod
    def name(self, number: int) -> str:
        """Job ``number`` as the progress line shows it."""

    def uncached(self, cached: Callable[[int], bool]) -> list[int]:
        """The jobs that ``cached`` (which marks a job it serves as done) does not serve.  A
        worker starts as soon as a job needs one, up to the pool's size, and imports SymPy
        and JAX while the rest are looked up: a batch the cache serves whole starts none,
        a batch of two jobs at most two."""
        missing: list[int] = []
        for number in range(self.count):
            if not cached(number):
                missing.append(number)
                self.pool.start(self.workers_for(len(missing)))
        return missing

    def workers_for(self, waiting: int) -> int:
        """How many workers ``waiting`` jobs (queued or running) are worth: one for every
        :attr:`per_worker` of them, at least one while there is any, at most the pool's size.
        A worker costs its start (seconds of imports, then its first sight of everything)
        whatever it does after: on a few jobs a second one only slows the run down."""
        if waiting <= 0:
            return 0
        return min(self.pool.jobs, max(1, waiting // self.per_worker))

    # ---- the loop
    def loop(self) -> None:
        while len(self.results) < self.count:
            self._staff()
            self._assign()
            active = [w for w in self.pool.workers if w.busy or not w.ready]
            if not active:
                continue
            # Bounded: wait() refuses a timeout above 2**31 ms (a deadline of 60 s x 36,000
            # steps); past an hour the loop simply looks again.
            timeout = min(3600.0, max(0.0, min(w.deadline for w in active) - time.monotonic()))
            # A worker that dies closes its end of the socket: its connection turns readable.
            ready = wait([w.conn for w in active], timeout)
            for worker in active:
                if worker.conn in ready:
                    self._service(worker)
            for worker in [w for w in active if w in self.pool.workers]:
                if time.monotonic() >= worker.deadline:
                    self._expire(worker)

    def _staff(self) -> None:
        wanted = self.workers_for(len(self.queue) + sum(w.busy for w in self.pool.workers))
        while len(self.pool.workers) < wanted:
            self.pool._start()

    def _assign(self) -> None:
        for worker in self.pool.workers:
            if worker.ready and not worker.busy and self.queue:
                number = self.queue.take(worker.serial)
                worker.number, worker.skeleton, worker.key = number, None, None
                worker.reading = True
                worker.started = time.monotonic()
                worker.limit = self.pool.limits.read_seconds
                worker.deadline = worker.started + worker.limit
                self.send(worker, self.request(number))
                self.report()

    def send(self, worker: Worker, message: Mapping[str, Any]) -> None:
        with contextlib.suppress(OSError):  # it died: the next wait says so
            worker.conn.send_bytes(dumps(message).encode())

    def _service(self, worker: Worker) -> None:
        try:
            while worker.conn.poll():
                message = loads(worker.conn.recv_bytes())
                if message["kind"] == "ready":
                    worker.ready, self.failed_starts = True, 0
                else:
                    self.receive(worker, message)
                if worker not in self.pool.workers:
                    return
            return
        except (EOFError, OSError):
            pass   # its end of the socket closed: it died
        except (SerializeError, KeyError, TypeError, ValueError):
            pass   # a garbled message: it cannot be trusted to go on
        self._lost(worker)

    def checking(self, worker: Worker, steps: int) -> None:
        """The job is read (``steps`` steps): its checking allowance starts now."""
        worker.reading = False
        worker.limit = self.pool.limits.check_seconds(steps)
        worker.deadline = time.monotonic() + worker.limit

    def finish(self, worker: Worker, result: R) -> None:
        assert worker.number is not None
        number, worker.number = worker.number, None
        self.done(number, result)

    def done(self, number: int, result: R) -> None:
        self.results[number] = result
        self.in_order.add(number, result)
        self.report()

    def report(self) -> None:
        """The progress line: how many jobs are done, and which are running."""
        if self.progress is not None:
            running = [self.name(w.number) for w in self.pool.workers if w.number is not None]
            self.progress(len(self.results), self.count, ", ".join(running))

    def retire(self, worker: Worker, reason: str) -> None:
        """The worker said it cannot go on (out of memory): its job stops, it is replaced."""
        self.finish(worker, self.stopped(worker, reason))
        self.pool._drop(worker)
        self.pool.replaced += 1

    def _lost(self, worker: Worker) -> None:
        """The worker died (a crash, the memory limit, killed from outside)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=5)   # its socket closed as it died: let it finish
        code = worker.process.returncode
        if worker.busy:
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            memory = self.pool.limits.memory_mb
            self.finish(worker, self.stopped(
                worker, f"the worker process died ({how}) while checking; the memory limit "
                        f"is {memory} MiB (--memory-mb)" if memory else
                        f"the worker process died ({how}) while checking"))
        elif not worker.ready:
            self._failed_start(f"a worker could not start ({code})")
        self.pool._drop(worker)
        self.pool.replaced += 1

    def _expire(self, worker: Worker) -> None:
        if worker.busy:
            phase = "reading" if worker.reading else "checking"
            self.finish(worker, self.stopped(
                worker, f"{phase} the document exceeded its time limit of {worker.limit:g} s"
                        + ("" if worker.reading else
                           f" ({self.pool.limits.seconds_per_step:g} s per step, --timeout)")))
        elif not worker.ready:
            self._failed_start("a worker did not start in time")
        self.pool._drop(worker)
        self.pool.replaced += 1

    def _failed_start(self, why: str) -> None:
        self.failed_starts += 1
        if self.failed_starts >= 3:   # the environment is broken: say so rather than loop
            raise RuntimeError(f"{why}, three times in a row")


class CheckBatch(Batch[DocumentResult]):
    """Documents to check, with the verdict cache consulted before and after reading."""

    handler = CHECK_HANDLER

    def __init__(self, pool: LocalPool, paths: list[Path], options: Options,
                 progress: Progress | None, emit: Emit[DocumentResult] | None = None) -> None:
        super().__init__(pool, len(paths), progress, emit)
        self.paths, self.options = paths, options
        self.source_keys: dict[int, str] = {}
        # One worker: the documents in the order given, so that each is printed as soon as
        # it is checked (any order takes that worker as long).  Several: longest first (file
        # size standing in for steps), so that a long one does not start last and run alone,
        # then the document most like those the asking worker checked (it keeps its readings
        # and concretizers).
        missing = self.uncached(self._cached)
        self.queue = (OrderedQueue(missing) if pool.jobs == 1
                      else by_affinity(self.paths, missing))

    def name(self, number: int) -> str:
        return str(self.paths[number])

    def _cached(self, number: int) -> bool:
        """Is the document's result cached under its bytes?  Then it is done already."""
        cache = self.pool.cache
        if cache is None:
            return False
        from verify.store.cache import source_key
        started = time.monotonic()
        key = source_key(self.paths[number], self.options.seed, self.options.points,
                         self.options.sizes)
        found = cache.get_result(key, "source") if key is not None else None
        if key is not None:
            self.source_keys[number] = key
        if found is None:
            return False
        self.done(number, replace(found, seconds=time.monotonic() - started))
        return True

    def request(self, number: int) -> dict[str, Any]:
        cache = self.pool.cache
        return {"kind": "read", "path": str(self.paths[number]),
                "options": options_data(self.options),
                "cache": str(cache.path) if cache is not None else None}

    def receive(self, worker: Worker, message: Mapping[str, Any]) -> None:
        kind = message["kind"]
        if kind == "read":
            self._read(worker, message)
        elif kind == "done":
            result = result_from_data(message["result"])
            if message.get("cacheable"):
                self._store(worker, result)
            self.finish(worker, result)
        elif kind == "failed":   # the worker retires after this: replace it now
            self.retire(worker, str(message["reason"]))
        else:
            raise KeyError(kind)

    def _read(self, worker: Worker, message: Mapping[str, Any]) -> None:
        worker.skeleton = result_from_data(message["skeleton"])
        worker.key = str(message["key"])
        cached = self.pool.cache.get_result(worker.key) if self.pool.cache else None
        if cached is not None:
            self.send(worker, {"kind": "skip"})
            self._store(worker, cached, only_source=True)
            self.finish(worker, replace(cached, seconds=time.monotonic() - worker.started))
            return
        self.checking(worker, int(message["steps"]))
        self.send(worker, {"kind": "go"})

    def _store(self, worker: Worker, result: DocumentResult, only_source: bool = False) -> None:
        cache = self.pool.cache
        if cache is None or worker.number is None:
            return
        if worker.key and not only_source:
            cache.put_result(worker.key, result)
        source = self.source_keys.get(worker.number)
        if source is not None:
            cache.put_result(source, result, "source")

    def stopped(self, worker: Worker, reason: str) -> DocumentResult:
        assert worker.number is not None
        return stopped(worker.skeleton, str(self.paths[worker.number]), self.options.seed,
                       reason)


def _worker_environment() -> dict[str, str]:
    """This process's environment, with the directory holding ``verify`` first on the path,
    so a worker imports the same package whatever its working directory."""
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}


# ---- one entry point: a local pool or a Dask cluster ---------------------------------------
@dataclass(frozen=True)
class RunSettings:
    jobs: int = 1
    limits: Limits = field(default_factory=Limits)
    cache_path: Path | None = None     # None: no verdict cache
    scheduler: str | None = None       # a Dask scheduler's address: run there


def check_all(paths: Sequence[Path], options: Options, settings: RunSettings,
              progress: Progress | None = None,
              emit: Emit[DocumentResult] | None = None) -> list[DocumentResult]:
    """Every document's result, in the order given, whichever way it was computed; each is
    also handed to ``emit`` as soon as it and those before it are done (:class:`InOrder`)."""
    if settings.scheduler is not None:
        return _on_cluster(paths, options, settings, progress, emit)
    from verify.store.cache import open_cache
    cache = open_cache(settings.cache_path)
    try:
        with LocalPool(settings.jobs, settings.limits, cache) as pool:
            return pool.run(paths, options, progress, emit)
    finally:
        if cache is not None:
            cache.close()


def limits_data(limits: Limits) -> list[Any]:
    return [limits.seconds_per_step, limits.memory_mb, limits.read_seconds,
            limits.start_seconds]


def _on_cluster(paths: Sequence[Path], options: Options, settings: RunSettings,
                progress: Progress | None,
                emit: Emit[DocumentResult] | None = None) -> list[DocumentResult]:
    """The same work on a Dask cluster: one task per document (:func:`cluster_task`)."""
    assert settings.scheduler is not None
    cache = str(settings.cache_path) if settings.cache_path is not None else None
    data, limits = options_data(options), limits_data(settings.limits)

    def lost(number: int, error: Exception) -> DocumentResult:
        path = str(paths[number])
        return DocumentResult(path, Path(path).stem, (), options.seed, (), (
            f"{path}: the cluster could not run this document: "
            f"{type(error).__name__}: {error}",))
    return on_cluster(settings.scheduler, cluster_task,
                      [(str(path), data, limits, cache) for path in paths],
                      lambda text: result_from_data(loads(text)), lost,
                      [str(path) for path in paths], progress, emit, settings.limits)


# How often the client looks at the cluster while no result comes: a lost cluster is noticed
# within this much of its allowance.
CLUSTER_POLL_SECONDS = 0.2


def on_cluster(scheduler: str, task: Callable[..., str], arguments: Sequence[Sequence[Any]],
               decode: Callable[[str], R], lost: Callable[[int, Exception], R],
               names: Sequence[str], progress: Progress | None,
               emit: Emit[R] | None = None, limits: Limits | None = None) -> list[R]:
    """Jobs on a Dask cluster: ``task(*arguments[n])`` for each job ``n``, run by a killable
    local pool inside the Dask worker (:func:`thread_pool`, so the limits hold there too),
    its result back as JSON text (``decode``); a task the cluster lost or that failed gets
    ``lost(n, error)``, never a pass.  The results in the order given, and to ``emit`` as
    they come, in that order; ``names`` for the progress line.

    Dask itself waits for ever for a worker to run the tasks: a cluster whose workers are
    all gone (killed, or never started) for ``limits.start_seconds`` is taken as lost, and
    every job not done by then ends as ``lost(n, ClusterLost(...))``."""
    from distributed import Client, as_completed
    allowance = (limits or Limits()).start_seconds
    results: dict[int, R] = {}
    in_order = InOrder(emit)

    def finish(number: int, result: R) -> None:
        results[number] = result
        in_order.add(number, result)
        if progress is not None:
            progress(len(results), len(arguments), names[number])

    with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        futures = {client.submit(task, *args, pure=False): number
                   for number, args in enumerate(arguments)}
        arriving = as_completed(futures, loop=client.loop)  # type: ignore[no-untyped-call]
        watch = _ClusterWatch(client, scheduler, allowance)
        while len(results) < len(arguments):
            ready = arriving.next_batch(block=False) if arriving.has_ready() else []
            for at, future in enumerate(ready):
                number = futures[future]
                try:
                    text = future.result(timeout=allowance)
                except TimeoutError:
                    # Done, but its worker went before the result was fetched: Dask runs
                    # it again on another worker, or the cluster is found lost below.
                    arriving.update(ready[at:])
                    ready = []
                    break
                except Exception as error:  # a lost task: an error on that job, never a pass
                    finish(number, lost(number, error))
                    continue
                try:
                    finish(number, decode(text))
                except Exception as error:  # a garbled result: an error, never a pass
                    finish(number, lost(number, error))
            if ready:
                continue
            gone = watch.lost()
            if gone is not None:
                for future, number in futures.items():
                    if number not in results:
                        future.cancel()
                        finish(number, lost(number, gone))
                break
            time.sleep(CLUSTER_POLL_SECONDS)
    return [results[n] for n in range(len(arguments))]


class _ClusterWatch:
    """Has the cluster had no worker (or no reachable scheduler) for ``allowance`` seconds?"""

    def __init__(self, client: Any, scheduler: str, allowance: float) -> None:
        self.client, self.scheduler, self.allowance = client, scheduler, allowance
        self.since: float | None = None      # when the cluster was first seen without workers
        self.looked = 0.0

    def lost(self) -> ClusterLost | None:
        now = time.monotonic()
        if now - self.looked < 1.0:   # one question to the scheduler a second is plenty
            return None
        self.looked = now
        try:
            workers = len(self.client.nthreads())
            why = "no Dask worker"
        except Exception:  # the scheduler is unreachable: no worker we can use either
            workers, why = 0, "the Dask scheduler could not be reached"
        if workers:
            self.since = None
            return None
        if self.since is None:
            self.since = now
        if now - self.since < self.allowance:
            return None
        return ClusterLost(f"the cluster was lost: {why} at {self.scheduler} for "
                           f"{self.allowance:g} s; not checked")


_CLUSTER_POOLS = threading.local()   # one pool per Dask worker thread


def thread_pool(handler: str, limits: Sequence[Any], cache_path: str | None,
                *key: object) -> LocalPool:
    """This Dask worker thread's own killable pool of one worker running ``handler``, made
    anew when the handler, the run's limits, cache or ``key`` (what else the pool's work
    depends on) change."""
    wanted = (handler, tuple(limits), cache_path, *key)
    pool: LocalPool | None = getattr(_CLUSTER_POOLS, "pool", None)
    if pool is None or getattr(_CLUSTER_POOLS, "key", None) != wanted:
        if pool is not None:
            pool.close()
        from verify.store.cache import open_cache
        cache = open_cache(Path(cache_path) if cache_path else None)
        pool = LocalPool(1, Limits(float(limits[0]), limits[1], float(limits[2]),
                                   float(limits[3])), cache, handler)
        _CLUSTER_POOLS.pool, _CLUSTER_POOLS.key = pool, wanted
        atexit.register(pool.close)
    return pool


def cluster_task(path: str, options: Mapping[str, Any], limits: Sequence[Any],
                 cache_path: str | None) -> str:
    """Run on a Dask worker: one document through this thread's own killable pool."""
    pool = thread_pool(CHECK_HANDLER, limits, cache_path)
    result = pool.run([Path(path)], options_from_data(options))[0]
    return dumps(result_data(result))
