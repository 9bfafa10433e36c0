from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "bastion.reporting"
    label = "reporting"
    verbose_name = _("Reporting")
    _CONFIGURE = [
        *("view_reportform", "add_reportform", "change_reportform"),
        *("view_indicator", "add_indicator", "change_indicator"),
        *("view_incidentcategory", "add_incidentcategory", "change_incidentcategory"),
    ]
    _FILE = ["view_reportform", "view_report", "add_report", "change_report"]
    _IMMEDIATE_HANDLE = ["view_immediatereport", "add_immediatereport", "change_immediatereport"]
    role_permissions = {
        "county_admin": [*_CONFIGURE, *_FILE, "edit_late_report", "export_report", *_IMMEDIATE_HANDLE],
        "hq_staff": [*_CONFIGURE, *_FILE, "edit_late_report", "export_report", *_IMMEDIATE_HANDLE],
        "working_group": ["view_reportform", "view_report", "export_report", *_IMMEDIATE_HANDLE],
        "township_cadre": [*_FILE, "edit_late_report", "export_report", *_IMMEDIATE_HANDLE],
        "village_cadre": [*_FILE, *_IMMEDIATE_HANDLE],  # a village acknowledges what its compounds send up
        "checkpoint_staff": ["view_immediatereport", "add_immediatereport"],
        "volunteer": [],
        "observer": ["view_reportform", "view_report", "export_report", "view_immediatereport"],
    }

    def ready(self) -> None:
        from bastion.reporting import figures, sources, tasks  # noqa: F401  (registers figures, sources, periodic jobs)
