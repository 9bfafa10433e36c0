from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_SEE = ["view_dailyfigure", "view_briefing"]
_BRIEF = [*_SEE, "add_briefing"]


class DashboardConfig(AppConfig):
    name = "bastion.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")
    role_permissions = {
        "county_admin": _BRIEF,
        "hq_staff": _BRIEF,
        "working_group": _BRIEF,
        "township_cadre": _BRIEF,
        "village_cadre": _BRIEF,
        "checkpoint_staff": _SEE,
        "doctor": _SEE,
        "observer": _SEE,
    }

    def ready(self) -> None:
        from bastion.core.extensions import UNIT_MOVED
        from bastion.dashboard import tasks  # noqa: F401  (registers the morning briefing job)
        from bastion.dashboard.figures import figures_move

        if figures_move not in UNIT_MOVED:
            UNIT_MOVED.append(figures_move)
