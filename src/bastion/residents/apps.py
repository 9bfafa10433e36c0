from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "bastion.residents"
    label = "residents"
    verbose_name = _("Residents and screening")
    _REGISTER = [
        *("view_person", "add_person", "change_person"),
        *("view_household", "add_household", "change_household"),
        *("add_travelentry", "view_travelentry"),
    ]
    _VISIT = ["view_campaign", "view_visittask", "add_visit", "view_visit"]
    _RUN = ["add_campaign", "change_campaign", "change_screeninground", "change_visittask"]
    _CONFIGURE = [*("view_categorytag", "add_categorytag", "change_categorytag")]
    _CONFIGURE += [*("view_symptom", "add_symptom", "change_symptom")]
    _PERSONAL = ["reveal_personal_data", "export_person", "merge_person"]
    role_permissions = {
        "county_admin": [*_REGISTER, *_VISIT, *_RUN, *_CONFIGURE, *_PERSONAL],
        "hq_staff": [*_REGISTER, *_VISIT, *_RUN, *_CONFIGURE, *_PERSONAL],
        "working_group": ["view_person", "view_household", *_VISIT],
        "township_cadre": [*_REGISTER, *_VISIT, "change_visittask", *_PERSONAL],
        "village_cadre": [*_REGISTER, *_VISIT, "change_visittask", "reveal_personal_data"],
        "checkpoint_staff": [],
        "volunteer": ["view_person", "view_campaign", "view_visittask", "add_visit"],
        "observer": ["view_person", "view_household", "view_campaign", "view_visittask", "view_visit"],
    }

    def ready(self) -> None:
        from bastion.residents import figures, jobs, sources, tasks  # noqa: F401  (registers what they hold)
