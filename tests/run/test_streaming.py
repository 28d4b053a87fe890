"""``check`` prints each document as soon as it and every document before it are done, in the
order given, while the rest are still being checked; ``--json`` is still written whole at
the end.  The command runs as a user starts it, its stdout read line by line as it comes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.helpers import chain_document
from tests.paths import DERIVATIONS, ROOT

# The slow document: the largest seed (43 steps, seconds of checking even on a quiet machine),
# with a time limit so long that a loaded machine only makes it slower.
SLOW = DERIVATIONS / "001_a92e6727470740bd.yaml"


def summaries(argv: list[str]) -> tuple[list[tuple[float, bool, str]], int, float]:
    """Every line the command prints, with when it arrived and whether the command was still
    running then; its exit code; when it ended."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "verify", *argv, "--no-cache",
                                "--timeout", "600"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, bufsize=1)
    assert process.stdout is not None
    lines = [(time.monotonic() - started, process.poll() is None, line.rstrip("\n"))
             for line in process.stdout]
    code = process.wait(timeout=900)
    return lines, code, time.monotonic() - started


@pytest.mark.slow
def test_the_first_document_is_printed_while_the_second_is_checked(tmp_path: Path) -> None:
    fast = tmp_path / "a_fast.yaml"
    fast.write_text(yaml.safe_dump(chain_document("2 * t", "t + t")))
    slow = tmp_path / "b_slow.yaml"
    shutil.copy(SLOW, slow)
    json_file = tmp_path / "out.json"
    lines, code, ended = summaries([str(fast), str(slow), "--json", str(json_file)])
    assert code == 1   # the seed has refuted steps
    texts = [text for _, _, text in lines]
    first = next(n for n, text in enumerate(texts) if text.startswith(f"== {fast}:"))
    arrived, running, _ = lines[first]
    # The fast document's lines, its summary last, come before any line of the slow one...
    assert all(str(slow) not in text for text in texts[:first + 1])
    # ...while the slow one is still being checked: its lines come later by about as long as
    # it took to check (the time its summary gives), not all at once at the end.
    assert running and ended > arrived
    assert texts[-1].startswith(f"== {slow}:")
    checking = float(texts[-1].rsplit(", ", 1)[-1].rstrip("s)"))
    slow_first = next(t for t, _, text in lines if str(slow) in text)
    assert checking >= 1.0, texts[-1]   # long enough to tell streaming from printing at the end
    assert slow_first - arrived >= 0.5 * checking, (arrived, slow_first, checking)
    documents = json.loads(json_file.read_text())["documents"]
    assert [d["path"] for d in documents] == [str(fast), str(slow)]


@pytest.mark.slow
def test_documents_are_printed_in_the_order_given_whichever_finishes_first(
        tmp_path: Path) -> None:
    slow = tmp_path / "a_slow.yaml"
    shutil.copy(SLOW, slow)
    fast = tmp_path / "b_fast.yaml"
    fast.write_text(yaml.safe_dump(chain_document("2 * t", "t + t")))
    lines, code, _ = summaries([str(slow), str(fast), "--jobs", "2"])
    assert code == 1
    heads = [text.split(":")[0] for _, _, text in lines if text.startswith("== ")]
    assert heads == [f"== {slow}", f"== {fast}"]
    paths = [text.split(":")[0] for _, _, text in lines if not text.startswith(" ")]
    assert paths == sorted(paths, key=lambda p: str(fast) in p)   # every slow line first
