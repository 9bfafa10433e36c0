from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "bastion.command"
    label = "command"
    verbose_name = _("Command")
    _SEE = [
        "view_commandpost",
        "view_postmember",
        "view_workinggroup",
        "view_liaison",
        "view_meeting",
        "view_actionitem",
        "view_weakness",
        "view_worklog",
    ]
    _WORK = ["change_actionitem", "add_actionnote"]
    _RUN = [
        *_WORK,
        "add_commandpost",
        "change_commandpost",
        "add_postmember",
        "change_postmember",
        "add_workinggroup",
        "change_workinggroup",
        "add_liaison",
        "change_liaison",
        "add_meeting",
        "change_meeting",
        "add_actionitem",
        "add_weakness",
        "change_weakness",
        "change_worklog",
        "sign_worklog",
    ]
    _CONFIGURE = ["add_meetingkind", "change_meetingkind"]
    role_permissions = {
        "county_admin": [*_SEE, *_RUN, *_CONFIGURE, "verify_actionitem"],
        "hq_staff": [*_SEE, *_RUN, *_CONFIGURE, "verify_actionitem"],
        "working_group": [*_SEE, *_WORK, "add_actionitem", "add_weakness", "verify_actionitem"],
        "township_cadre": [*_SEE, *_RUN],
        "village_cadre": [*_SEE, *_RUN],
        "checkpoint_staff": ["view_commandpost", "view_liaison"],
        "doctor": ["view_commandpost", "view_liaison"],
        "volunteer": ["view_commandpost", "view_liaison"],
        "observer": [*_SEE],
    }

    def ready(self) -> None:
        from bastion.command import figures, home_page, sources, tasks, unit_page  # noqa: F401  (sources, tasks, page sections, figures)
