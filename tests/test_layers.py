"""The package's layers import one way, and no modules import each other round in a circle.

Every module of verify/ is parsed with `ast` and every import is taken: module-level ones,
those inside functions, and those under `if TYPE_CHECKING:` (an import moved into a function
to dodge a cycle still makes the cycle; it only defers the failure to run time).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "verify"

# The layers of verify/, lowest first. A module may import modules of its own layer and of
# the layers before it, never of a later one: data flows from reading a document up to the
# entry points, and each stage is built on the ones below it only. Each entry names the
# modules the layer holds, as dotted prefixes: a subpackage holds its submodules (read holds
# read.latex), a module name holds just that module. The package root (verify/__init__.py,
# with verify/api.py) is the public API, on top of everything.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("verify.core",)),
    ("model", ("verify.model",)),
    ("read", ("verify.read",)),
    ("check", ("verify.check",)),
    ("verdict", ("verify.verdict",)),
    ("store", ("verify.store",)),
    ("report", ("verify.report",)),
    ("pipeline", ("verify.pipeline",)),
    ("run", ("verify.run",)),
    ("grade", ("verify.grade",)),
    ("cli", ("verify.cli", "verify.__main__")),
    ("api", ("verify", "verify.api")),
)


@dataclass(frozen=True)
class Import:
    """One import statement's target, as written at a line of a module."""

    importer: str
    line: int
    imported: str


def module_name(path: Path) -> str:
    """The dotted name of the module at `path` (a package's `__init__.py` names the package)."""
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def layer_of(module: str) -> int:
    """The index in LAYERS of the layer holding `module`: that of its longest matching prefix."""
    best_index, best_length = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            holds = module == prefix or (prefix != "verify" and module.startswith(prefix + "."))
            if holds and len(prefix) > best_length:
                best_index, best_length = index, len(prefix)
    if best_index < 0:
        raise AssertionError(f"module {module} is in no layer of LAYERS: add it there")
    return best_index


def resolve(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module name a `from ... import` statement reads from."""
    if node.level == 0:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    """Every import of a verify module in `module`, wherever in the file it stands.

    `from verify.x import y` is an import of `verify.x.y` when that is a module, else of `verify.x`.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "verify" or alias.name.startswith("verify."):
                    yield Import(module, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            source = resolve(node, module, is_package)
            if source != "verify" and not source.startswith("verify."):
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield Import(module, node.lineno, submodule if submodule in modules else source)


def import_graph() -> dict[str, list[Import]]:
    modules = all_modules()
    # One entry per (line, module): `from m import a, b` is one import of m.
    return {name: list(dict.fromkeys(imports_of(name, path, modules)))
            for name, path in modules.items()}


def own_submodule(importer: str, imported: str) -> bool:
    """Whether `imported` lies inside the package `importer` (its `__init__` re-exporting)."""
    return imported.startswith(importer + ".")


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components of two or more modules, or with a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    components.append(sorted(component))
    return components


def test_every_module_is_in_a_layer() -> None:
    for module in all_modules():
        layer_of(module)


def test_no_module_imports_a_higher_layer() -> None:
    offences = []
    for module, found in import_graph().items():
        own = layer_of(module)
        for imp in found:
            target = layer_of(imp.imported)
            if target > own:
                offences.append(
                    f"{imp.importer}:{imp.line} ({LAYERS[own][0]}) imports {imp.imported} "
                    f"({LAYERS[target][0]})"
                )
    assert not offences, "imports of a higher layer:\n" + "\n".join(offences)


def test_no_import_cycles() -> None:
    graph = import_graph()
    edges: dict[str, set[str]] = {module: set() for module in graph}
    for module, found in graph.items():
        for imp in found:
            if imp.imported in edges and not own_submodule(module, imp.imported):
                edges[module].add(imp.imported)
    offences = []
    for component in strongly_connected(edges):
        members = set(component)
        lines = [
            f"  {imp.importer}:{imp.line} imports {imp.imported}"
            for module in component
            for imp in graph[module]
            if imp.imported in members and not own_submodule(module, imp.imported)
        ]
        offences.append(f"cycle among {', '.join(component)}:\n" + "\n".join(lines))
    assert not offences, "import cycles:\n" + "\n".join(offences)


# The checker must catch what it is for: a table of small graphs and the cycles they hold.
@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({"a": set(), "b": {"a"}}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"a"}}, [["a"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}, "e": {"a", "c"}},
         [["a", "b"], ["c", "d"]]),
    ],
)
def test_strongly_connected_finds_cycles(graph: dict[str, set[str]],
                                         cycles: list[list[str]]) -> None:
    assert sorted(strongly_connected(graph)) == cycles


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("verify.core.errors", "core"),
        ("verify.read.latex.step", "read"),
        ("verify.pipeline", "pipeline"),
        ("verify.cli", "cli"),
        ("verify.__main__", "cli"),
        ("verify.grade.cli", "grade"),
        ("verify", "api"),
        ("verify.api", "api"),
    ],
)
def test_layer_of(module: str, layer: str) -> None:
    assert LAYERS[layer_of(module)][0] == layer


def test_imports_are_found_wherever_they_stand(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import verify.model.expr\n"
        "from . import combine\n"
        "from ..store.cache import open_cache\n"
        "if TYPE_CHECKING:\n"
        "    from verify.grade import parallel\n"
        "def f() -> None:\n"
        "    from verify.pipeline import check_document\n"
    )
    modules = {name: Path() for name in ("verify.verdict.combine", "verify.grade.parallel")}
    probe = tmp_path / "probe.py"
    probe.write_text(source, encoding="utf-8")
    found = list(imports_of("verify.verdict.probe", probe, modules))
    assert [(imp.line, imp.imported) for imp in found] == [
        (2, "verify.model.expr"),
        (3, "verify.verdict.combine"),
        (4, "verify.store.cache"),
        (6, "verify.grade.parallel"),
        (8, "verify.pipeline"),
    ]
