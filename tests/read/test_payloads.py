"""No code execution from input: payloads in every place a document can put text.

Each payload would create a canary file if anything evaluated it (``eval``, ``exec``,
``sympify`` of a raw string, an unsafe YAML tag, ``pickle``).  Every document is checked both
in-process and through the command line's worker processes; the canary must never appear and
the payload must end as an input error or an unparsed step, never as mathematics."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.cli import main
from verify.model.verdict import DocumentResult, Status
from verify.pipeline import Options, check_path


def payloads(canary: Path) -> list[str]:
    command = f"touch {canary}"
    return [
        f"__import__('os').system('{command}')",
        f"(lambda: __import__('os').system('{command}'))()",
        f"exec(\"import os; os.system('{command}')\")",
        f"eval(\"__import__('os').system('{command}')\")",
        f"[c for c in ().__class__.__base__.__subclasses__()]  # {command}",
        f"f'{{__import__(\"os\").system(\"{command}\")}}'",
        f"Symbol('x').__class__.__init__.__globals__['os'].system('{command}')",
    ]


YAML_STEP = """\
notation:
  symbols:
    a: {{}}
chains:
  - name: main
    steps:
      - {{latex: 'a', expr: "a"}}
      - {{latex: 'payload', expr: {payload}}}
"""


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def encoding_documents(canary: Path) -> dict[str, str]:
    docs: dict[str, str] = {}
    for number, payload in enumerate(payloads(canary)):
        quoted = _quoted(payload)
        docs[f"step_expr_{number}.yaml"] = YAML_STEP.format(payload=quoted)
        docs[f"definition_body_{number}.yaml"] = (
            f"notation:\n  symbols:\n    a: {{}}\n  definitions:\n    H: {{body: {quoted}}}\n"
            "chains:\n  - name: main\n    steps:\n      - {latex: 'H', expr: \"H\"}\n")
        docs[f"symbol_name_{number}.yaml"] = (
            f"notation:\n  symbols:\n    {quoted}: {{}}\nchains:\n  - name: main\n"
            f"    steps:\n      - {{latex: 'x', expr: {quoted}}}\n")
        docs[f"size_value_{number}.yaml"] = (
            f"notation:\n  sizes: {{K: {quoted}}}\n  symbols:\n    a: {{}}\nchains: []\n")
        docs[f"where_{number}.yaml"] = (
            "notation:\n  symbols:\n    a: {}\nchains:\n  - name: main\n"
            f"    where: [{quoted}]\n    steps:\n      - {{latex: 'a', expr: \"a\"}}\n")
    command = f"touch {canary}"
    docs["yaml_tag_apply.yaml"] = f"title: !!python/object/apply:os.system ['{command}']\n"
    docs["yaml_tag_in_notation.yaml"] = (
        f"notation:\n  symbols:\n    a: !!python/object/apply:os.system ['{command}']\n")
    docs["yaml_tag_name.yaml"] = "notation: !!python/name:os.system\nchains: []\n"
    docs["yaml_tag_module.yaml"] = "notation: !!python/module:os\nchains: []\n"
    return docs


def latex_documents(canary: Path) -> dict[str, str]:
    docs: dict[str, str] = {}
    for number, payload in enumerate(payloads(canary)):
        quoted = _quoted(payload)
        header = "---\nsymbols:\n  a: {}\n---\n"
        docs[f"latex_step_{number}.md"] = f"{header}$$a = {payload}$$\n"
        docs[f"latex_text_{number}.md"] = f"{header}$$a = \\text{{{payload}}}$$\n"
        docs[f"latex_operatorname_{number}.md"] = \
            f"{header}$$a = \\operatorname{{{payload}}}(a)$$\n"
        docs[f"header_symbol_{number}.md"] = (
            f"---\nsymbols:\n  {quoted}: {{latex: [{quoted}]}}\n---\n$$a = a$$\n")
        docs[f"header_definition_{number}.md"] = (
            f"---\nsymbols:\n  a: {{}}\ndefinitions:\n  H: {{body: {quoted}}}\n---\n$$H = a$$\n")
        docs[f"header_size_{number}.md"] = f"---\nsizes: {{K: {quoted}}}\n---\n$$a = a$$\n"
        docs[f"tex_header_{number}.tex"] = (
            "% verify-notation:\n% symbols:\n"
            f"%   {quoted}: {{}}\n% end-verify-notation\n\\[ a = {payload} \\]\n")
    command = f"touch {canary}"
    docs["header_yaml_tag.md"] = (
        f"---\nsymbols: !!python/object/apply:os.system ['{command}']\n---\n$$a = a$$\n")
    docs["tex_yaml_tag.tex"] = (
        "% verify-notation:\n"
        f"% title: !!python/object/apply:os.system ['{command}']\n"
        "% end-verify-notation\n\\[ a = a \\]\n")
    return docs


def _write(folder: Path, docs: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in docs.items():
        path = folder / name
        path.write_text(text)
        paths.append(path)
    return paths


def _payload_is_not_mathematics(result: DocumentResult) -> None:
    """The payload's step is unparsed, or the document has an input error, or (a payload
    that was only a name in the notation) nothing was claimed from it."""
    claimed = [s for s in result.all_steps() if s.status not in (Status.START, Status.UNPARSED)]
    payload_steps = [s for s in result.all_steps() if "import" in s.latex or "exec" in s.latex
                     or "eval" in s.latex or "lambda" in s.latex or "class" in s.latex]
    assert all(s.status is Status.UNPARSED for s in payload_steps), result.path
    assert result.problems or payload_steps or not claimed or all(
        s.status is Status.PROVED for s in claimed), result.path


@pytest.mark.parametrize("kind", [encoding_documents, latex_documents])
def test_payloads_in_process_execute_nothing(tmp_path: Path,
                                             kind: Callable[[Path], dict[str, str]]) -> None:
    canary = tmp_path / "canary"
    for path in _write(tmp_path / "docs", kind(canary)):
        result = check_path(path, Options())
        assert not canary.exists(), f"{path.name} executed code"
        _payload_is_not_mathematics(result)


@pytest.mark.slow
def test_payloads_through_the_command_line_execute_nothing(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    _write(tmp_path / "docs", {**encoding_documents(canary), **latex_documents(canary)})
    out, err = io.StringIO(), io.StringIO()
    code = main([str(tmp_path / "docs"), "--no-cache", "--jobs", "2"], out=out, err=err)
    assert not canary.exists()
    assert code == 2   # input errors


def test_yaml_tags_are_input_errors(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    docs = {k: v for k, v in {**encoding_documents(canary), **latex_documents(canary)}.items()
            if "tag" in k}
    for path in _write(tmp_path / "docs", docs):
        result = check_path(path, Options())
        assert any("YAML" in p or "notation" in p for p in result.problems), path.name
    assert not canary.exists()


# ---- the source itself ------------------------------------------------------------------------
DANGEROUS = re.compile(r"(?<![\w.])(eval|exec|compile|__import__)\s*\(|sympify\s*\(|"
                       r"parse_expr\s*\(|pickle\.loads?\s*\(|marshal\.loads?\s*\(|"
                       r"yaml\.(?:unsafe_)?load\s*\(|yaml\.full_load|Unpickler|"
                       r"import_module\s*\(|\bS\s*\(\s*[a-z]")

# Each legitimate use, with the reason it is safe.
ALLOWED = {
    ("verify/check/concretize.py", "def eval(cls"):
        "SymPy's Function.eval protocol (a classmethod named eval), not Python's eval",
    ("verify/read/encoding.py", "yaml.load(text, Loader=SafeLineLoader)"):
        "SafeLineLoader subclasses yaml.SafeLoader: no python/* tags",
    ("verify/__init__.py", "import_module(_LAZY[name])"):
        "the public API's lazy attributes: module names from the fixed table _LAZY, never input",
    ("verify/run/runner.py", "importlib.import_module(module)"):
        "a worker's request handler: the module:function its pool's maker names in our code "
        "(LocalPool.handler, CHECK_HANDLER, GRADE_HANDLER), never input",
}


def test_source_has_no_evaluation_of_document_text() -> None:
    found = []
    for path in sorted((ROOT / "verify").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if not DANGEROUS.search(code):
                continue
            if any(file == relative and snippet in code for file, snippet in ALLOWED):
                continue
            found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "unreviewed evaluation of text:\n" + "\n".join(found)


def test_allow_list_entries_still_exist() -> None:
    """A stale allow-list entry would hide nothing, but would mislead a reader."""
    for (file, snippet), _reason in ALLOWED.items():
        assert snippet in (ROOT / file).read_text(), (file, snippet)


def test_the_payloads_are_live(tmp_path: Path) -> None:
    """The canary works: evaluated, the first payload does create the file."""
    import subprocess
    import sys
    canary = tmp_path / "canary"
    subprocess.run([sys.executable, "-c", payloads(canary)[0]], check=True)
    assert canary.exists()
