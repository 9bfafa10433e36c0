from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizationConfig(AppConfig):
    name = "bastion.mobilization"
    label = "mobilization"
    verbose_name = _("Mobilization")
    _SEE = ["view_responder", "view_batch", "view_assignment", "view_secondment", "view_team"]
    _SEE += ["view_leaderassignment", "view_shift", "view_shiftpattern"]
    _RUN = ["add_responder", "change_responder", "export_responder", "add_batch", "change_batch"]
    _RUN += ["add_assignment", "change_assignment", "add_secondment", "change_secondment", "add_team"]
    _RUN += ["change_team", "add_leaderassignment", "change_leaderassignment", "add_shiftpattern"]
    _RUN += ["change_shiftpattern", "change_shift", "add_swaprequest", "change_swaprequest"]
    _CONFIGURE = [
        f"{action}_{model}"
        for model in ("respondercategory", "dutytype", "teamkind")
        for action in ("view", "add", "change")
    ]
    _AT_POST = ["view_shift", "change_shift", "view_shiftpattern", "add_swaprequest", "change_swaprequest"]
    role_permissions = {
        "county_admin": [*_SEE, *_RUN, *_CONFIGURE],
        "hq_staff": [*_SEE, *_RUN, *_CONFIGURE],
        "working_group": [*_SEE],
        "township_cadre": [*_SEE, *_RUN],
        "village_cadre": [
            "view_responder",
            "view_batch",
            "view_assignment",
            "change_assignment",
            "view_team",
            "view_secondment",
            "view_leaderassignment",
            *_AT_POST,
            "add_shiftpattern",
            "change_shiftpattern",
        ],
        "checkpoint_staff": [*_AT_POST],
        "doctor": [],
        "volunteer": ["view_shift", "add_swaprequest"],
        "observer": [*_SEE],
    }

    def ready(self) -> None:
        from bastion.mobilization import figures, jobs, sources, tasks, unit_page  # noqa: F401  (registers hooks)
