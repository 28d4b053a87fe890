"""The Gradescope autograder (``python -m verify grade ASSIGNMENT --gradescope-autograder
DIR``): the folder it writes, the wheel and pins inside, and ``run_autograder`` run in a
simulated ``/autograder`` tree (``$VERIFY_AUTOGRADER_ROOT``) with this checkout's interpreter
instead of the venv ``setup.sh`` would make; its ``results.json`` must validate against
Gradescope's documented format (tests/data/gradescope_results.schema.json)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import pytest

from tests.paths import ROOT
from verify.grade.autograder import DISTRIBUTION, build_wheel, pins, wheel_name
from verify.grade.cli import main

ASSIGNMENT = ROOT / "examples" / "class" / "assignment.yaml"
SCHEMA = json.loads((ROOT / "tests" / "data" / "gradescope_results.schema.json").read_text())
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
VERSION = PROJECT["version"]


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def autograder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("upload") / "autograder"
    code, output = run(str(ASSIGNMENT), "--gradescope-autograder", str(folder))
    assert code == 0, output
    return folder


def test_the_folder_holds_what_gradescope_runs(autograder: Path) -> None:
    names = {p.relative_to(autograder).as_posix() for p in autograder.rglob("*")}
    assert names == {"setup.sh", "run_autograder", "README.md", "constraints.txt",
                     "assignment", "assignment/assignment.yaml", "dist",
                     f"dist/{wheel_name(VERSION)}", "wheelhouse"}
    for script in ("setup.sh", "run_autograder"):
        assert os.access(autograder / script, os.X_OK)
        checked = subprocess.run(["bash", "-n", str(autograder / script)], check=False,
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    assert (autograder / "assignment" / "assignment.yaml").read_bytes() == \
        ASSIGNMENT.read_bytes()
    setup = (autograder / "setup.sh").read_text(encoding="utf-8")
    # offline first: the wheelhouse without the index, else the registry, pinned either way
    assert '--no-index --find-links "$SOURCE/wheelhouse"' in setup
    assert '--constraint "$SOURCE/constraints.txt"' in setup
    runner = (autograder / "run_autograder").read_text(encoding="utf-8")
    assert 'ROOT="${VERIFY_AUTOGRADER_ROOT:-/autograder}"' in runner
    assert '--gradescope-results "$ROOT/results/results.json"' in runner


def test_the_pins_are_the_installed_versions_of_the_runtime_dependencies() -> None:
    from importlib.metadata import version
    found = {pin.split("==")[0].lower(): pin.split("==")[1] for pin in pins()}
    for requirement in PROJECT["dependencies"]:
        name, pinned = requirement.split("==")
        assert found[name.lower()] == pinned == version(name), name
    assert "pytest" not in found and "mypy" not in found      # the dev extra's tools: no
    assert DISTRIBUTION not in found                          # the wheel itself is installed


def test_the_wheel_is_the_package_with_a_true_record() -> None:
    data = build_wheel(VERSION)
    assert build_wheel(VERSION) == data          # the same tool, the same bytes
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        info = f"derivation_verify-{VERSION}.dist-info"
        files = {name: wheel.read(name) for name in wheel.namelist()}
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "verify").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert sources <= set(files)
    assert {"verify/py.typed", "verify/report/schema.json", "verify/grade/autograder.py"} <= \
        set(files)
    record = files[f"{info}/RECORD"].decode().splitlines()
    assert f"{info}/RECORD,," in record
    for line in record:
        name, digest, size = line.rsplit(",", 2)
        if name.endswith("RECORD"):
            continue
        expected = base64.urlsafe_b64encode(hashlib.sha256(files[name]).digest()).rstrip(b"=")
        assert digest == f"sha256={expected.decode()}" and int(size) == len(files[name])
    assert len(record) == len(files)
    metadata = files[f"{info}/METADATA"].decode()
    assert f"Name: {DISTRIBUTION}\nVersion: {VERSION}\n" in metadata
    assert [line.removeprefix("Requires-Dist: ") for line in metadata.splitlines()
            if line.startswith("Requires-Dist:")] == PROJECT["dependencies"]
    assert b"Tag: py3-none-any" in files[f"{info}/WHEEL"]


@pytest.mark.parametrize(("argv", "message"), [
    (["SUBS", "--gradescope-autograder", "DIR"], "takes the assignment alone"),
    (["--gradescope-autograder", "DIR", "--out", "OUT"], "takes the assignment alone"),
    (["SUBS", "--gradescope-results", "F", "--out", "OUT"], "writes no --out folder"),
    (["SUBS"], "--out DIR is required"),
    ([], "the folder of submissions is missing"),
])
def test_usage_errors_exit_2(tmp_path: Path, argv: list[str], message: str) -> None:
    words = [str(tmp_path / w) if w.isupper() else w for w in argv]
    code, output = run(str(ASSIGNMENT), *words)
    assert code == 2 and message in output


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    code, output = run(str(ASSIGNMENT), "--gradescope-autograder", str(tmp_path))
    assert code == 2 and "not empty" in output
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


# ---- run_autograder in a simulated /autograder ---------------------------------------------
def run_autograder(autograder: Path, tree: Path, files: dict[str, Path]) -> dict[str, object]:
    """Gradescope's layout: the upload in source/, the runner copied to the root, the
    student's files in submission/; results/ is where results.json must appear."""
    shutil.copytree(autograder, tree / "source")
    shutil.copy2(autograder / "run_autograder", tree / "run_autograder")
    (tree / "submission").mkdir()
    for name, source in files.items():
        (tree / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, tree / "submission" / name)
    environment = {**os.environ, "VERIFY_AUTOGRADER_ROOT": str(tree),
                   "VERIFY_AUTOGRADER_PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([str(tree / "run_autograder")], env=environment, capture_output=True,
                          text=True, timeout=600, check=False)
    results = tree / "results" / "results.json"
    assert results.is_file(), done.stdout + done.stderr
    data: dict[str, object] = json.loads(results.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    return data


@pytest.mark.slow
def test_run_autograder_grades_the_submission_into_results_json(autograder: Path,
                                                                tmp_path: Path) -> None:
    data = run_autograder(autograder, tmp_path, {"eli.md": ROOT / "examples" / "class" /
                                                 "eli.md"})
    # examples/class/expected.yaml: Eli loses the 1/N, with the instructor's feedback
    assert data["score"] == 2.5 and data["max_score"] == 10
    assert "from your instructor: You dropped the `1/N`" in str(data["output"])
    tests = data["tests"]
    assert isinstance(tests, list)
    assert sum(t["score"] for t in tests) == pytest.approx(2.5)


@pytest.mark.parametrize(("files", "words"), [
    ({}, "No .tex or .md file was submitted"),
    ({"a.md": "ada.md", "b/c.md": "ben.md"}, "2 .tex or .md files were submitted (a.md, b/c.md)"),
])
def test_an_upload_without_one_derivation_gets_results_saying_so(
        autograder: Path, tmp_path: Path, files: dict[str, str], words: str) -> None:
    data = run_autograder(autograder, tmp_path, {name: ROOT / "examples" / "class" / source
                                                 for name, source in files.items()})
    assert data["score"] == 0
    assert words in str(data["output"])


@pytest.mark.slow
def test_the_wheel_installs_and_runs(autograder: Path, tmp_path: Path) -> None:
    """pip accepts the wheel (its RECORD, its metadata), and the installed copy, with this
    environment's dependencies, is the tool."""
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
         "--target", str(target), str(autograder / "dist" / wheel_name(VERSION))],
        capture_output=True, text=True, timeout=300, check=False)
    assert installed.returncode == 0, installed.stderr
    done = subprocess.run(
        [sys.executable, "-c", "import verify.grade.autograder as a; print(a.__file__)"],
        env={**os.environ, "PYTHONPATH": str(target)}, cwd=tmp_path, capture_output=True,
        text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(target))
