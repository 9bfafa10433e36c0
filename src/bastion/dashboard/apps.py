from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "bastion.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")
    role_permissions = {
        role: ["view_dailyfigure"]
        for role in (
            "county_admin",
            "hq_staff",
            "working_group",
            "township_cadre",
            "village_cadre",
            "checkpoint_staff",
            "doctor",
            "observer",
        )
    }
