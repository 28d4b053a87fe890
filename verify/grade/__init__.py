"""Grading a class: an assignment (notation, problem, expected result, rubric), a folder of
submissions, and per student a score with diagnoses; see ``docs/grading.md``."""

from verify.core.errors import AssignmentError
from verify.grade.assignment import Assignment, Rubric, load_assignment
from verify.grade.grader import grade_all, grade_safely, grade_submission
from verify.grade.results import Credit, Diagnosis, Grade, Kind, Outcome, Part, StepGrade

__all__ = ["Assignment", "AssignmentError", "Credit", "Diagnosis", "Grade", "Kind", "Outcome",
           "Part", "Rubric", "StepGrade", "grade_all", "grade_safely", "grade_submission",
           "load_assignment"]
