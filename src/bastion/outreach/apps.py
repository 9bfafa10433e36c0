from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "bastion.outreach"
    label = "outreach"
    verbose_name = _("Outreach and inspections")
    _SEE = [
        "view_notice",
        "view_activity",
        "view_place",
        "view_inspection",
        "view_disinfection",
        "view_gathering",
    ]
    _RECORD = ["add_activity", "add_disinfection", "add_gathering", "change_gathering"]
    _INSPECT = ["add_inspection", "add_place", "change_place"]
    _PUBLISH = ["add_notice", "change_notice"]
    _CONFIGURE = [
        "add_channel",
        "change_channel",
        "add_targetgroup",
        "change_targetgroup",
        "add_placekind",
        "change_placekind",
        "add_checklistitem",
        "change_checklistitem",
    ]
    role_permissions = {
        "county_admin": [*_SEE, *_RECORD, *_INSPECT, *_PUBLISH, *_CONFIGURE, "change_activity"],
        "hq_staff": [*_SEE, *_RECORD, *_INSPECT, *_PUBLISH, *_CONFIGURE, "change_activity"],
        "working_group": [*_SEE, *_RECORD, *_INSPECT, *_PUBLISH],
        "township_cadre": [*_SEE, *_RECORD, *_INSPECT, *_PUBLISH],
        "village_cadre": [*_SEE, *_RECORD, "add_place", "change_place"],
        "checkpoint_staff": ["view_notice"],
        "doctor": ["view_notice", "view_place", "view_disinfection", "add_disinfection"],
        "volunteer": ["view_notice", "view_activity", "add_activity", "view_disinfection", "add_disinfection"],
        "observer": [*_SEE],
    }

    def ready(self) -> None:
        from bastion.outreach import figures, sources  # noqa: F401  (registers the report sources and figures)
