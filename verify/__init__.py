"""derivation-verify: check mathematical derivations step by step.

The public API (:mod:`verify.api`)::

    import verify
    result = verify.check_files("derivations/")       # files and folders: a CheckResult
    result = verify.check_text(markdown_text)         # a string: a CheckResult
    graded = verify.grade_submissions("assignment.yaml", "submissions/", out="graded/")

Not ``verify.check`` and ``verify.grade``: those are the subpackages ``verify/check/`` and
``verify/grade/``, and importing a subpackage sets that attribute of the package.

``import verify`` stays cheap: the names below are imported on first use (SymPy and JAX take
a second or two to import), by the module's ``__getattr__``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from verify.core.version import CHECKER_VERSION, __version__

if TYPE_CHECKING:
    from verify.api import (
        ChainResult,
        CheckRecord,
        CheckResult,
        Counterexample,
        DocumentResult,
        Evidence,
        GradeResult,
        Status,
        StepVerdict,
        check_files,
        check_text,
        grade_submissions,
    )
    from verify.core.errors import InputError, Location, VerifyError
    from verify.grade.results import Credit, Diagnosis, Grade, Outcome, StepGrade

__all__ = [
    "CHECKER_VERSION", "ChainResult", "CheckRecord", "CheckResult", "Counterexample", "Credit",
    "Diagnosis", "DocumentResult", "Evidence", "Grade", "GradeResult", "InputError",
    "Location", "Outcome", "Status", "StepGrade", "StepVerdict", "VerifyError", "__version__",
    "check_files", "check_text", "grade_submissions",
]

# Each public name but the version's -> the module that defines it.
_LAZY = {
    **dict.fromkeys(("ChainResult", "CheckRecord", "CheckResult", "Counterexample",
                     "DocumentResult", "Evidence", "GradeResult", "Status", "StepVerdict",
                     "check_files", "check_text", "grade_submissions"), "verify.api"),
    **dict.fromkeys(("InputError", "Location", "VerifyError"), "verify.core.errors"),
    **dict.fromkeys(("Credit", "Diagnosis", "Grade", "Outcome", "StepGrade"),
                    "verify.grade.results"),
}



def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value      # once: later look-ups do not come here
        return value
    raise AttributeError(f"module 'verify' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
