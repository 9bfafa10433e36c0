from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "bastion.checkpoints"
    label = "checkpoints"
    verbose_name = _("Checkpoints")
    _SEE = ["view_post", "view_passage", "view_all_passages", "view_arrival"]
    _RUN = ["add_post", "change_post", "add_passage", "change_arrival"]
    _CONFIGURE = ["view_riskarea", "add_riskarea", "change_riskarea"]
    _CONFIGURE += ["view_passagefield", "add_passagefield", "change_passagefield"]
    _AT_POST = ["view_post", "view_passage", "add_passage"]
    role_permissions = {
        "county_admin": [*_SEE, *_RUN, *_CONFIGURE],
        "hq_staff": [*_SEE, *_RUN, *_CONFIGURE],
        "working_group": [*_SEE],
        "township_cadre": [*_SEE, *_RUN],
        "village_cadre": ["view_post", "view_arrival", "change_arrival"],
        "checkpoint_staff": [*_AT_POST],
        "doctor": [],
        "volunteer": ["view_post", "view_passage", "add_passage"],
        "observer": [*_SEE],
    }

    def ready(self) -> None:
        from bastion.checkpoints import figures, sources, tasks  # noqa: F401  (registers figures, sources, tasks)
