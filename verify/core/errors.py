"""Every exception the package raises on purpose, in one place.

``VerifyError`` is the root; the branches say what an exception means to its catcher::

    VerifyError
    ├── InputError            the input cannot be used as written (carries a Location)
    │   ├── DslError, NotationError, BindError
    │   └── AssignmentError
    ├── Unreadable            a reader declines a text: the step is `unparsed`, with the reason
    │   ├── LatexProblem, ParserRejected (the LaTeX reader), Refused (the size guards)
    ├── CheckTimeout          a bounded check ran out of time: `unknown`
    ├── NumericError          no numeric translation for an expression
    ├── UndefinedEverywhere   the exact engine's lanes all hit a zero denominator
    ├── SerializeError, NotStorable    data that is not (or cannot become) our stored form
    └── StageFailed           an internal error of ours, already named: never evidence

Input problems (a malformed encoding, an undeclared symbol, a size that does not fit) are
``InputError``s and carry where they happened, so the pipeline can mark exactly that step and
go on with the rest of the document.  Only ``InputError`` is caught as a branch; the others
are caught by their own class, so a new class here changes no ``except`` clause.
"""

from __future__ import annotations

from dataclasses import dataclass


class VerifyError(Exception):
    """Root of the package's own exceptions."""


@dataclass(frozen=True)
class Location:
    """Where in a source a problem is: file, 1-based line, and equation label if any."""

    path: str
    line: int = 0
    label: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where} ({self.label})" if self.label else where


class InputError(VerifyError):
    """The input cannot be used as written; ``location`` says where, when known."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class DslError(InputError):
    """An expression in the encoding language is malformed or uses an unknown name."""


class NotationError(InputError):
    """The notation block is malformed (bad size, unknown kind, clashing names...)."""


class BindError(InputError):
    """A parsed expression does not fit the notation: wrong number of indices, a vector
    where a scalar belongs, an undeclared symbol, a size with no values."""


class AssignmentError(InputError):
    """The assignment file cannot be used as written."""


# ---- a reader declines a text ----------------------------------------------------------------
class Unreadable(VerifyError):
    """A text the readers decline: its step is ``unparsed`` with the reason, never guessed."""


class LatexProblem(Unreadable):
    """A step cannot be read: ``token`` is what was not understood, ``why`` says why."""

    def __init__(self, token: str, why: str) -> None:
        super().__init__(f"{why} at '{token.strip()[:60]}'")
        self.token = token
        self.why = why


class ParserRejected(Unreadable):
    """The parser's failure on a text, as remembered (its first line of message)."""


class Refused(Unreadable):
    """Why an input is refused by the size guards (internal: the public functions of
    :mod:`verify.read.guards` return the reason)."""


# ---- the engines -----------------------------------------------------------------------------
class CheckTimeout(VerifyError):
    """A bounded check ran out of time; its result is ``unknown``, never ``proved``."""


class NumericError(VerifyError):
    """An expression could not be translated to JAX."""


class UndefinedEverywhere(VerifyError):
    """Every lane of the exact engine's modular evaluation hit a zero denominator."""


# ---- the stored forms ------------------------------------------------------------------------
class SerializeError(VerifyError):
    """Data that is not a serialized result of this format."""


class NotStorable(VerifyError):
    """A parser tree holds a node outside the stored form's whitelist (or is too large)."""


# ---- our own bugs ----------------------------------------------------------------------------
class OutsideFolder(VerifyError, OSError):
    """A target that would be written outside the folder it must stay in (an OSError too: the
    writers' callers handle it with the file system's other refusals)."""


class FileRefused(VerifyError, OSError):
    """A file not read, and why (the message names no path outside the folder)."""


class CacheSchemaMismatch(VerifyError):
    """A SQLite file whose ``verdicts`` table is not this cache's."""


class ClusterLost(VerifyError, RuntimeError):
    """The Dask cluster had no worker for longer than a fresh worker is given to start
    (``Limits.start_seconds`` of the runner), or its scheduler could not be reached: the jobs
    not done by then are not done at all (a limit's reason, never evidence)."""


class StageFailed(VerifyError):
    """An internal error in a stage, already named by :func:`internal_error` (``message``).
    Raised only to carry that name out to where the verdict is made ``unknown``: never
    evidence, and never caught as an input problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---- what an engine's exception means --------------------------------------------------------
# An exception inside an engine is one of two things.  A *limit*: the input is beyond what the
# engine can evaluate or decide, a property of the input that a user can act on (too deep,
# too large, an algorithm of SymPy's that gives up).  Or an *internal error*: a bug of ours
# (a KeyError, a TypeError, ...).  A limit becomes `unparsed`/`unknown` with its reason; an
# internal error becomes `unknown` with "internal error in <stage>: <type>" and makes the run
# exit with its own code: it is never evidence, and never blamed on the user's LaTeX.

def _raised_in_sympy(error: BaseException) -> bool:
    """Was ``error`` raised by SymPy's own code (its innermost frame in the sympy package)?
    Only then is a ``NotImplementedError`` SymPy's documented "this algorithm gives up";
    raised from our code it is a bug."""
    import os

    import sympy
    root = os.path.dirname(sympy.__file__) + os.sep
    trace = error.__traceback__
    if trace is None:
        return False
    while trace.tb_next is not None:
        trace = trace.tb_next
    return trace.tb_frame.f_code.co_filename.startswith(root)


def limit_reason(error: BaseException) -> str | None:
    """Why ``error`` means "beyond what we can evaluate or decide", in plain words; None when
    it is an internal error.  ``BindError`` and ``CheckTimeout`` are handled by their callers
    before this is asked."""
    from sympy.polys.polyerrors import BasePolynomialError
    if isinstance(error, RecursionError):
        return "too deeply nested to evaluate"
    if isinstance(error, OverflowError):
        return "a number too large to evaluate"
    if isinstance(error, NotImplementedError | BasePolynomialError) and \
            _raised_in_sympy(error):
        return f"beyond what the exact algebra can do ({type(error).__name__})"
    return None


def internal_error(stage: str, error: BaseException) -> str:
    """The message of an internal error: which stage, which exception type (its text may
    quote SymPy's syntax, which a user does not read)."""
    return f"internal error in {stage}: {type(error).__name__}"
