"""One of each: one exception tree (verify/core/errors.py, under VerifyError), one tolerance
table (verify/core/tolerances.py), one limits table (verify/core/limits.py), one list of
document suffixes (verify/read/suffixes.py).

Each rule is a function over a module's source, tried first on a table of small cases (so a
rule that lets everything through fails here), then on every module of the package."""

from __future__ import annotations

import ast
import builtins
import inspect
import re
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.core import errors
from verify.core.errors import VerifyError

PACKAGE = ROOT / "verify"
ERRORS = "verify/core/errors.py"
HOMES = {  # a name pattern, and the one module that may define such names
    re.compile(r"MAX_\w+"): "verify/core/limits.py",
    re.compile(r"\w*SUFFIXES"): "verify/read/suffixes.py",
    re.compile(r"\w*TOLERANCE\w*"): "verify/core/tolerances.py",
}
# Where a small float literal is a tolerance (report/demo.py holds sample deviations: data).
TOLERANCE_LAYERS = ("verify/check/", "verify/verdict/", "verify/grade/")
SMALLEST_PLAIN_FLOAT = 1e-3   # a literal below this deciding anything is a tolerance

_BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                       if isinstance(value, type) and issubclass(value, BaseException)}
_OUR_EXCEPTIONS = {name for name, value in vars(errors).items()
                   if isinstance(value, type) and issubclass(value, BaseException)}


def _base_name(base: ast.expr) -> str:
    return ast.unparse(base).split(".")[-1].split("[")[0]


def exception_problems(source: str, path: str) -> list[str]:
    """Exception classes ``source`` defines against the rule: outside core/errors.py any class
    deriving from an exception; inside it, any exception not under VerifyError."""
    tree = ast.parse(source)
    known = set(_BUILTIN_EXCEPTIONS) | _OUR_EXCEPTIONS
    under_root = {"VerifyError"}
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {_base_name(b) for b in node.bases}
        if not bases & known:
            continue
        known.add(node.name)
        if path != ERRORS:
            problems.append(f"{path}: exception {node.name} outside {ERRORS}")
        elif node.name != "VerifyError" and not bases & under_root:
            problems.append(f"{path}: {node.name} is not under VerifyError")
        elif node.name != "VerifyError":
            under_root.add(node.name)
    return problems


def definition_problems(source: str, path: str) -> list[str]:
    """Module-level limits, suffix lists and tolerances defined away from their table, and
    small float literals (tolerances written in place) in the checking layers."""
    tree = ast.parse(source)
    problems = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                for pattern, home in HOMES.items():
                    if pattern.fullmatch(name) and path != home:
                        problems.append(f"{path}: {name} belongs in {home}")
    if path.startswith(TOLERANCE_LAYERS):
        for constant in ast.walk(tree):
            if isinstance(constant, ast.Constant) and isinstance(constant.value, float) and \
                    0 < abs(constant.value) < SMALLEST_PLAIN_FLOAT:
                problems.append(f"{path}:{constant.lineno}: tolerance literal {constant.value!r}")
    return problems


EXCEPTION_CASES = [  # (path, source, number of problems)
    ("verify/x.py", "class Oops(Exception):\n    pass\n", 1),
    ("verify/x.py", "class Oops(ValueError):\n    pass\n", 1),
    ("verify/x.py", "class Oops(VerifyError):\n    pass\n", 1),
    ("verify/x.py", "class Oops(errors.InputError):\n    pass\n", 1),
    ("verify/x.py", "class A(Exception): ...\nclass B(A): ...\n", 2),
    ("verify/x.py", "class Box:\n    pass\nclass Two(Box): ...\n", 0),
    ("verify/x.py", "class Poly(Protocol):\n    pass\n", 0),
    (ERRORS, "class VerifyError(Exception): ...\nclass Stray(Exception): ...\n", 1),
    (ERRORS, "class VerifyError(Exception): ...\nclass A(VerifyError): ...\n"
             "class B(A): ...\n", 0),
    (ERRORS, "class VerifyError(Exception): ...\nclass C(KeyError): ...\nclass D(C): ...\n", 2),
]


@pytest.mark.parametrize(("path", "source", "count"), EXCEPTION_CASES)
def test_the_exception_rule_on_cases(path: str, source: str, count: int) -> None:
    assert len(exception_problems(source, path)) == count


DEFINITION_CASES = [  # (path, source, number of problems)
    ("verify/read/x.py", "MAX_DEPTH = 60\n", 1),
    ("verify/core/limits.py", "MAX_DEPTH = 60\n", 0),
    ("verify/read/x.py", "DSL_NESTING = 60\n", 0),
    ("verify/pipeline.py", "SUFFIXES = ('.tex',)\n", 1),
    ("verify/grade/x.py", "LATEX_SUFFIXES: tuple[str, ...] = ('.tex',)\n", 1),
    ("verify/read/suffixes.py", "GRADED_SUFFIXES = ('.tex',)\n", 0),
    ("verify/check/x.py", "TOLERANCE = {'float64': 1e-8}\n", 2),
    ("verify/verdict/x.py", "CONFIRM_TOLERANCE = 1e-12\n", 2),
    ("verify/verdict/x.py", "def f(a: float) -> bool:\n    return a < 1e-6\n", 1),
    ("verify/grade/x.py", "def f(a: float) -> bool:\n    return a < 0.5\n", 0),
    ("verify/report/demo.py", "DEVIATION = 2.2e-16\n", 0),
    ("verify/check/x.py", "def f() -> None:\n    MAX_DEPTH = 3\n", 0),   # not module level
]


@pytest.mark.parametrize(("path", "source", "count"), DEFINITION_CASES)
def test_the_definition_rule_on_cases(path: str, source: str, count: int) -> None:
    assert len(definition_problems(source, path)) == count


def _modules() -> list[tuple[str, str]]:
    return [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
            for p in sorted(PACKAGE.rglob("*.py"))]


def test_every_exception_class_is_in_the_tree() -> None:
    problems = [problem for path, source in _modules()
                for problem in exception_problems(source, path)]
    assert problems == []


def test_the_tree_is_rooted_in_verify_error() -> None:
    classes = [value for _, value in inspect.getmembers(errors, inspect.isclass)
               if issubclass(value, BaseException) and value.__module__ == errors.__name__]
    assert len(classes) > 10
    assert all(issubclass(c, VerifyError) for c in classes)


def test_every_limit_suffix_list_and_tolerance_is_in_its_table() -> None:
    problems = [problem for path, source in _modules()
                for problem in definition_problems(source, path)]
    assert problems == []


def test_the_tables_exist_where_the_rule_points() -> None:
    for home in [*HOMES.values(), ERRORS]:
        assert (ROOT / home).is_file(), home
    assert not any(Path(ROOT / home).read_text(encoding="utf-8").strip() == ""
                   for home in HOMES.values())
