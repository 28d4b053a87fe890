"""The README's Python API example runs as written: the README cannot drift from the API."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.paths import ROOT


def api_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "README: no ```python block in the Python API section"
    return blocks[0]


@pytest.mark.slow
def test_the_readme_api_example_runs() -> None:
    # A fresh interpreter in the repository root, as a reader would run it.
    done = subprocess.run([sys.executable, "-c", api_example()], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "003_4fc6b41a1466133b.yaml: 11 proved, 1 unparsed" in done.stdout
