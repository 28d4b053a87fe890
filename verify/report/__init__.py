"""Reports of a document's verdicts: LaTeX (:mod:`.tex`) compiled to PDF (:mod:`.pdf`).

Student LaTeX is untrusted: :mod:`.sanitize` decides what may be typeset as mathematics and
:mod:`.pdf` compiles with shell escape off and file access locked down.  docs/reports.md
describes what a report contains and the safety model.
"""

from verify.report.pdf import CompileResult, ReportFile, compile_pdf, write_reports
from verify.report.tex import render_document

__all__ = ["CompileResult", "ReportFile", "compile_pdf", "render_document", "write_reports"]
