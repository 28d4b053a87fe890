"""The whole grading command on the synthetic class (tests/data/class/): every student's score,
first wrong step and diagnoses against expected.yaml, through the gradebook CSV and the
Gradescope results.json (validated against the fields Gradescope documents).

The class is graded once per session (about a minute): every test here reads its outputs."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.paths import ROOT
from verify.grade.cli import main

CLASS = ROOT / "tests" / "data" / "class"
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"
SCHEMA = ROOT / "tests" / "data" / "gradescope_results.schema.json"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (CLASS / "expected.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Run:
    code: int
    out: Path
    stdout: str
    rows: dict[str, dict[str, str]]


@pytest.fixture(scope="session")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("graded")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(ASSIGNMENT), str(CLASS), "--out", str(out), "--no-reports"],
                stdout, stderr)
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return Run(code, out, stdout.getvalue(), rows)


def results(run: Run, student: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (run.out / "gradescope" / student / "results.json").read_text(encoding="utf-8"))
    return data


def test_the_class_is_big_enough_and_fully_described() -> None:
    files = {p.stem for p in CLASS.iterdir() if p.suffix in (".md", ".tex")}
    assert len(files) >= 30
    assert files == set(EXPECTED)


@pytest.mark.slow
def test_the_batch_completes(graded: Run) -> None:
    assert graded.code == 0
    assert set(graded.rows) == set(EXPECTED)
    assert f"== {len(EXPECTED)} submissions" in graded.stdout
    for name in ("gradebook.csv", "summary.md", "summary.csv", "summary.png"):
        assert (graded.out / name).stat().st_size > 0


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_gradebook_row(graded: Run, student: str) -> None:
    expected, row = EXPECTED[student], graded.rows[student]
    assert row["outcome"] == expected["outcome"]
    assert float(row["score"]) == pytest.approx(expected["score"], abs=0.005)
    assert float(row["maximum"]) == 10
    first = expected.get("first_wrong")
    assert row["first_wrong_step"].startswith(f"step {first} ") if first else \
        row["first_wrong_step"] == ""
    assert (row["final_right_reasoning_wrong"] == "yes") == \
        expected.get("final_right_reasoning_wrong", False)
    assert (row["needs_review"] == "yes") == expected.get("review", False)
    if "reason" in expected:
        assert expected["reason"] in row["reason"]


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_results_json(graded: Run, student: str) -> None:
    data = results(graded, student)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    expected = EXPECTED[student]
    assert data["score"] == pytest.approx(expected["score"], abs=0.005)
    assert data["max_score"] == 10
    assert data["extra_data"]["outcome"] == expected["outcome"]
    kinds: dict[int, list[str]] = {}
    for found in data["extra_data"]["diagnoses"]:
        kinds.setdefault(found["step"], []).append(found["kind"])
    wanted = {int(step): list(k) for step, k in expected.get("diagnoses", {}).items() if k}
    assert kinds == wanted
    if expected["outcome"] == "graded":
        # the tests add up to the score, up to the clamp at zero (never reached here)
        total = sum(test["score"] for test in data["tests"])
        assert total == pytest.approx(data["score"], abs=0.01)
        maximum = sum(test["max_score"] for test in data["tests"])
        assert maximum == pytest.approx(10, abs=0.01)


@pytest.mark.slow
def test_every_results_json_validates_and_the_schema_rejects_a_typo(graded: Run) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = results(graded, "two_signs")
    data["tests"][0]["stauts"] = "passed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


@pytest.mark.slow
def test_failed_and_passed_tests_match_the_points(graded: Run) -> None:
    data = results(graded, "two_signs")
    by_name = {t["name"]: t for t in data["tests"]}
    assert by_name["Step 3 (line 9)"]["status"] == "failed"
    assert "sign is flipped" in by_name["Step 3 (line 9)"]["output"]
    assert by_name["Step 4 (line 13)"]["score"] == pytest.approx(0.5)   # carried forward
    final = by_name["Final result equals the expected result"]
    assert final["score"] == 0 and "reasoning wrong" in final["output"]


@pytest.mark.slow
def test_summary_counts_students_per_mistake_and_step(graded: Run) -> None:
    with (graded.out / "summary.csv").open(encoding="utf-8", newline="") as handle:
        rows = {(r["mistake"], int(r["step"])): r for r in csv.DictReader(handle)}
    wanted: dict[tuple[str, int], set[str]] = {}
    for student, expected in EXPECTED.items():
        for step, kinds in expected.get("diagnoses", {}).items():
            wanted.setdefault((kinds[0] if kinds else "unexplained", int(step)),
                              set()).add(student)
    assert {k: set(r["names"].split()) for k, r in rows.items()} == wanted
    assert all(int(r["students"]) == len(r["names"].split()) for r in rows.values())
    text = (graded.out / "summary.md").read_text(encoding="utf-8")
    assert "| constant factor | 2 | 2 |" in text
    assert "Final result right, reasoning wrong: 3." in text
    assert (graded.out / "summary.png").read_bytes().startswith(b"\x89PNG")
