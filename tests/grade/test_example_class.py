"""The README's grading command, run as written on the shipped example class (examples/class/):
every student's score, first wrong step and review flag against examples/class/expected.yaml
(whose comments say why each score is deserved), and a report for every student."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import ROOT

EXAMPLE = ROOT / "examples" / "class"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (EXAMPLE / "expected.yaml").read_text(encoding="utf-8"))


def readme_grading_command() -> list[str]:
    """The command in the README's "Grading a class" section, split into words."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Grading a class", 1)[1]
    found = re.search(r"```sh\n(.*?)\n```", section, re.DOTALL)
    assert found, "no sh block under 'Grading a class'"
    words = found.group(1).split()
    assert words[:4] == [".venv/bin/python", "-m", "verify", "grade"], words
    return words


def test_the_example_class_is_described_and_the_readme_grades_it() -> None:
    files = {p.stem for p in EXAMPLE.iterdir() if p.suffix in (".md", ".tex")}
    assert files == set(EXPECTED) and len(files) >= 10
    assert "examples/class/" in readme_grading_command()
    assert "examples/class/assignment.yaml" in readme_grading_command()


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    """The command as written, from a folder that holds what it names (the repository's
    assignments and examples) and where graded/ does not exist yet."""
    where = tmp_path_factory.mktemp("reader")
    for name in ("assignments", "examples"):
        (where / name).symlink_to(ROOT / name)
    words = readme_grading_command()
    done = subprocess.run([sys.executable, *words[1:]], cwd=where, capture_output=True,
                          text=True, timeout=900, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return done.returncode, where / "graded", done.stdout + done.stderr


@pytest.mark.slow
def test_every_score_is_the_expected_one(graded: tuple[int, Path, str]) -> None:
    code, out, output = graded
    assert code == 0, output
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(EXPECTED)
    for student, expected in EXPECTED.items():
        row = rows[student]
        assert row["outcome"] == expected["outcome"], student
        assert float(row["score"]) == pytest.approx(expected["score"], abs=0.005), student
        first = expected["first_wrong"]
        assert row["first_wrong_step"].startswith(f"step {first} ") if first else \
            row["first_wrong_step"] == "", student
        assert (row["needs_review"] == "yes") == expected["review"], student
        assert (row["final_right_reasoning_wrong"] == "yes") == \
            expected.get("final_right_reasoning_wrong", False), student
        told = [int(m) for m in re.findall(r"(?:^|; )step (\d+): ", row["feedback"])]
        assert told == expected.get("feedback", []), student
    flagged = sum(1 for e in EXPECTED.values() if e["review"])
    assert f"To review by hand: {flagged}." in (out / "summary.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_student_has_results_and_a_report(graded: tuple[int, Path, str]) -> None:
    _, out, _ = graded
    for student in EXPECTED:
        assert (out / "gradescope" / student / "results.json").is_file()
        assert (out / "reports" / f"{student}.tex").is_file()
    assert "undeclared symbol" in (out / "reports" / "kim.tex").read_text(encoding="utf-8")
    # Ivy wrote \theta for \mathbf{w}: she is told it was read so (verify/grade/mapping.py)
    ivy = json.loads((out / "gradescope" / "ivy" / "results.json").read_text(encoding="utf-8"))
    assert "We read `θ` as `w`" in ivy["output"]



@pytest.mark.slow
def test_the_instructors_feedback_reaches_the_student(graded: tuple[int, Path, str]) -> None:
    """The rubric's message on a lost constant factor (examples/class/assignment.yaml) in
    Eli's results.json, beside the diagnosis, and in Eli's report."""
    _, out, _ = graded
    message = "You dropped the $\\frac{1}{N}$ from the definition of $L$"
    data = json.loads((out / "gradescope" / "eli" / "results.json").read_text(encoding="utf-8"))
    assert [(f["step"], f["kind"], f["penalty"]) for f in data["extra_data"]["feedback"]] == \
        [(2, "constant factor", 0.5)]
    assert data["extra_data"]["feedback"][0]["message"].startswith(message)   # the LaTeX
    shown = "You dropped the `1/N` from the definition of `L`"   # Markdown, math as text
    assert f"Step 2, from your instructor: {shown}" in data["output"]
    step = next(t for t in data["tests"] if t["name"].startswith("Step 2 "))
    assert "Diagnosis: " in step["output"] and f"Feedback: {shown}" in step["output"]
    assert any(t["name"] == "Feedback on step 2 (constant factor)" and t["score"] == -0.5
               for t in data["tests"])
    assert f"From your instructor: {message}" in \
        (out / "reports" / "eli.tex").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_feedback_names_which_factor_was_lost(graded: tuple[int, Path, str]) -> None:
    """examples/class/assignment.yaml has an entry for a lost 1/N (with a penalty) and one for
    any other constant factor: Eli (1/N lost) and Mo (a factor 2 too many) read different
    messages for the same kind of diagnosis, and only Eli loses the entry's 0.5."""
    _, out, _ = graded

    def feedback(student: str) -> list[tuple[int, str, str, float]]:
        data = json.loads((out / "gradescope" / student / "results.json").read_text(
            encoding="utf-8"))
        return [(f["step"], f["kind"], f["message"], f["penalty"])
                for f in data["extra_data"]["feedback"]]
    assert feedback("eli") == [(2, "constant factor", "You dropped the $\\frac{1}{N}$ from the "
                                "definition of $L$: see lecture 18, slide 12.", 0.5)]
    assert feedback("mo") == [(4, "constant factor", "A constant factor changed between these "
                               "two lines: compare the coefficients in front of the sums.", 0.0)]
