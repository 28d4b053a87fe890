"""The parent process of the command line stays light: --help, --version, a usage error and a
run served whole by the verdict cache never import SymPy or JAX there (only the workers
check, and they import them after their limits are set).  Each case runs in a fresh
interpreter, which then reports what it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import chain_document
from tests.paths import ROOT
from verify.core.version import __version__

HEAVY = ("sympy", "jax", "jaxlib", "numpy")

# Runs main() once per argument list, then prints, as JSON: each run's exit code, stdout and
# stderr, and which heavy packages this process imported.
SCRIPT = """
import io, json, sys
from verify.cli import main
runs = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(argv, out, err)
    except SystemExit as stop:
        code = stop.code
    runs.append([code, out.getvalue(), err.getvalue()])
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[2])))
print(json.dumps({"runs": runs, "heavy": heavy}))
"""


def parent(*runs: list[str], cache: Path | None = None) -> tuple[list[list[object]], list[str]]:
    environment = {**os.environ}
    if cache is not None:
        environment["DERIVATION_VERIFY_CACHE"] = str(cache)
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(runs), json.dumps(HEAVY)],
                          capture_output=True, text=True, cwd=ROOT, env=environment,
                          timeout=600, check=True)
    report = json.loads(done.stdout.splitlines()[-1])
    return report["runs"], report["heavy"]


@pytest.mark.parametrize(("argv", "code", "words"), [
    (["--help"], 0, "commands:"),
    (["--version"], 0, __version__),
    (["check", "--version"], 0, __version__),
    (["check", "--help"], 0, "--jobs N"),
    (["--no-such-option", "x.yaml"], 2, "unrecognized arguments"),
    (["check"], 2, "the following arguments are required"),
    (["x.yaml", "--points", "0"], 2, "--points must be between 1 and 1000"),
], ids=["help", "version", "check version", "check help", "unknown option", "no path",
        "bad points"])
def test_no_heavy_import_for_help_version_or_a_usage_error(argv: list[str], code: int,
                                                           words: str) -> None:
    (run,), heavy = parent(argv)
    assert run[0] == code
    assert words in f"{run[1]}{run[2]}"
    assert heavy == []


@pytest.mark.slow
def test_a_run_served_by_the_cache_imports_nothing_heavy(tmp_path: Path) -> None:
    document = tmp_path / "small.yaml"
    document.write_text(yaml.safe_dump(chain_document("2 * t", "t + t")))
    json_file = tmp_path / "out.json"
    # The first run checks (in a worker) and fills the cache, the second is served from it;
    # both in one process, so that the code's fingerprint is the same for both.
    (cold, warm), heavy = parent([str(document)], [str(document), "--json", str(json_file)],
                                 cache=tmp_path / "cache.sqlite")
    assert cold[0] == warm[0] == 0
    assert "1 proved" in str(cold[1]) and "1 proved" in str(warm[1])
    assert json.loads(json_file.read_text())["documents"][0]["path"] == str(document)
    assert heavy == []


@pytest.mark.slow
def test_the_program_exits_with_its_code_and_all_its_output(tmp_path: Path) -> None:
    """``python -m verify`` ends the process itself after flushing (no teardown): nothing it
    printed or wrote is lost, its exit code is the command's."""
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(chain_document("2 * t", "t + t")))
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(chain_document("2 * t", "t")))
    json_file = tmp_path / "out.json"
    done = subprocess.run([sys.executable, "-m", "verify", str(good), str(bad), "--json",
                           str(json_file), "--no-cache"], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 1, done.stderr
    summaries = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    assert [line.split(":")[0] for line in summaries] == [f"== {good}", f"== {bad}"]
    assert len(json.loads(json_file.read_text())["documents"]) == 2
    version = subprocess.run([sys.executable, "-m", "verify", "--version"],
                             capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert version.returncode == 0 and __version__ in version.stdout
