"""Grading: typed responses + ``manifest.json`` -> a frozen :class:`gradebook.GradeResult`.

Reads only the build's manifest and the responses CSV, never the bank, so an
exam can be graded (and regraded) after the bank has changed or gone.
Layers: :mod:`manifest` reads the manifest as typed records, :mod:`responses`
parses the CSV (with per-cell problems), :mod:`scoring` scores one answer
type per method over the manifest's answers, :mod:`gradebook` holds the result, :mod:`writers` write CSV files.
"""

from .gradebook import CellMark, GradeResult, Problem, QuestionMark, StudentGrades
from .manifest import read_manifest
from .scoring import grade

__all__ = ["CellMark", "GradeResult", "Problem", "QuestionMark", "StudentGrades", "grade", "read_manifest"]
