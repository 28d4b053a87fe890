"""CSV outputs (the gradebook, the class summary) hold cells a spreadsheet can open: a text
longer than SPREADSHEET_CELL_CHARS is cut there and says how much more there was (a
10,000-line submission of undeclared names made a "reason" of 389,000 characters; a
spreadsheet holds 32,767 in a cell), and a text that starts like a formula stays text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.paths import ROOT
from verify.core.limits import SPREADSHEET_CELL_CHARS
from verify.grade.assignment import load_assignment
from verify.grade.outputs import write_csv, write_gradebook
from verify.grade.reading import unreadable_grade
from verify.grade.results import Outcome

SPREADSHEET_CELL_MOST = 32_767   # what LibreOffice and Excel hold in one cell
ASSIGNMENT = ROOT / "assignments" / "softmax_gradient.yaml"


def read_back(text: str) -> list[dict[str, str]]:
    csv.field_size_limit(10 ** 9)
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(("value", "written"), [
    ("short", "short"),
    ("x" * SPREADSHEET_CELL_CHARS, "x" * SPREADSHEET_CELL_CHARS),
    ("x" * (SPREADSHEET_CELL_CHARS + 1), "x" * SPREADSHEET_CELL_CHARS + " ... (1 more characters)"),
    ("line 2: J; " * 40_000,
     ("line 2: J; " * 40_000)[:SPREADSHEET_CELL_CHARS] + " ... (408000 more characters)"),
    ("=HYPERLINK(1)" + "y" * 40_000,
     "'" + ("=HYPERLINK(1)" + "y" * 40_000)[:SPREADSHEET_CELL_CHARS] +
     " ... (8013 more characters)"),
    ("-1", "'-1"),
])
def test_a_cell_is_cut_to_what_a_spreadsheet_holds_and_says_so(value: str, written: str) -> None:
    handle = io.StringIO(newline="")
    write_csv(handle, ("student", "reason"), [{"student": "ann", "reason": value}])
    [row] = read_back(handle.getvalue())
    assert row == {"student": "ann", "reason": written}
    assert len(row["reason"]) <= SPREADSHEET_CELL_MOST


def test_a_gradebook_row_with_a_huge_reason_opens_in_a_spreadsheet(tmp_path: Path) -> None:
    reason = "no readable line; " + "; ".join(f"line {n}: undeclared symbol J at 'J'"
                                              for n in range(2, 10_002))
    grade = unreadable_grade(tmp_path / "ann.md", load_assignment(ASSIGNMENT),
                             Outcome.UNREADABLE, reason)
    write_gradebook(tmp_path / "gradebook.csv", [grade])
    [row] = read_back((tmp_path / "gradebook.csv").read_text(encoding="utf-8"))
    assert all(len(cell) <= SPREADSHEET_CELL_MOST for cell in row.values())
    assert row["reason"].startswith("no readable line; line 2: undeclared symbol J at 'J'")
    assert row["reason"].endswith(f"({len(reason) - SPREADSHEET_CELL_CHARS} more characters)")
