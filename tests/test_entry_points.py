"""One program, two ways to start it: ``python -m verify`` and the installed console script
``derivation-verify`` get the same argv and must print the same and exit the same."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import DERIVATIONS, ROOT
from verify.cli import COMMANDS, overview

SCRIPT = Path(sys.executable).with_name("derivation-verify")
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
CLASS = ROOT / "tests" / "data" / "class"
# What differs between two runs of the same work: the seconds a document took.
_SECONDS = re.compile(r"\d+\.\ds\)")


def started(way: str, argv: list[str]) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "verify"] if way == "module" else [str(SCRIPT)]
    done = subprocess.run([*command, *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin",
                                            **_cache_env()})
    return done.returncode, _SECONDS.sub("Ns)", done.stdout), done.stderr


def _cache_env() -> dict[str, str]:
    import os
    return {k: v for k, v in os.environ.items() if k in ("DERIVATION_VERIFY_CACHE", "HOME")}


def _class(tmp: Path) -> Path:
    folder = tmp / "submissions"
    folder.mkdir(exist_ok=True)
    for name in ("ok_ada.md", "sign_final.md"):
        shutil.copy(CLASS / name, folder / name)
    return folder


# argv (with {class} and {out} filled in), expected exit code, words the output must hold.
CASES = [
    (["--help"], 0, ["check", "grade"]),
    (["check", "--help"], 0, ["--show-reading", "--jobs"]),
    (["grade", "--help"], 0, ["--out", "--visibility"]),
    (["--version"], 0, ["0."]),
    ([str(DERIVATIONS / "003_4fc6b41a1466133b.yaml"), "--quiet"], 0, ["11 proved, 1 unparsed"]),
    (["check", str(DERIVATIONS / "003_4fc6b41a1466133b.yaml"), "--quiet"], 0,
     ["11 proved, 1 unparsed"]),
    ([], 2, []),
    (["grade", str(ASSIGNMENT)], 2, []),
    (["grade", str(ASSIGNMENT), "{class}", "--out", "{out}", "--overwrite", "--no-reports",
      "--no-cache"], 0,
     ["ok_ada", "sign_final", "2 submissions, 2 graded"]),
]


@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.is_file(), reason="the console script is not installed")
@pytest.mark.parametrize(("argv", "code", "words"), CASES,
                         ids=[" ".join(c[0][:2]) or "(none)" for c in CASES])
def test_both_ways_print_and_exit_the_same(tmp_path: Path, argv: list[str], code: int,
                                           words: list[str]) -> None:
    filled = [a.replace("{class}", str(_class(tmp_path))).replace("{out}", str(tmp_path / "o"))
              for a in argv]
    module, script = started("module", filled), started("script", filled)
    assert module == script
    assert module[0] == code, module
    for word in words:
        assert word in module[1], (word, module[1][-2000:])


def test_help_lists_every_command_with_one_line() -> None:
    lines = overview().splitlines()
    for name, (summary, _) in COMMANDS.items():
        assert sum(1 for line in lines if line.split()[:1] == [name]) == 1
        assert f"  {name}  {summary}" in lines


def test_the_module_entry_only_calls_the_command_line() -> None:
    code = (ROOT / "verify" / "__main__.py").read_text().split('"""')[-1]
    assert [line for line in code.splitlines() if line] == [
        "import sys", "from verify.cli import main", "sys.exit(main())"]
