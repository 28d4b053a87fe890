"""Every exception the package raises on purpose, in one place.

``VerifyError`` is the root.  Input problems (a malformed encoding, an undeclared symbol, a
size that does not fit) are ``InputError``s and carry where they happened, so the pipeline can
mark exactly that step and go on with the rest of the document.
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


class CheckTimeout(VerifyError):
    """A bounded check ran out of time; its result is ``unknown``, never ``proved``."""
