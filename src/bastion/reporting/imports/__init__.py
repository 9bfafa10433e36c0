"""Excel in and out for reports: a day's template, checking an upload of phone reports, the roll-up table.

Checking never writes; ``services/imports.py`` files the rows that passed through ``report_submit``.
"""

from bastion.reporting.imports.checking import ReportRow, check_report_rows
from bastion.reporting.imports.writing import report_template, rollup_workbook

__all__ = ["ReportRow", "check_report_rows", "report_template", "rollup_workbook"]
