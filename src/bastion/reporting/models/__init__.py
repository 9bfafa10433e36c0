from bastion.reporting.models.forms import Indicator, ReportForm
from bastion.reporting.models.immediate import ImmediateReport, ImmediateReportEvent, IncidentCategory
from bastion.reporting.models.reports import ReminderSent, Report, ReportValue, Status

__all__ = [
    "ImmediateReport",
    "ImmediateReportEvent",
    "IncidentCategory",
    "Indicator",
    "ReminderSent",
    "Report",
    "ReportForm",
    "ReportValue",
    "Status",
]
