from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationConfig(AppConfig):
    name = "bastion.observation"
    label = "observation"
    verbose_name = _("Home observation and care")
    _FOLLOW = ["view_observationcase", "view_healthcheck", "add_healthcheck", "view_referral", "view_isolationsite"]
    _RUN = ["add_observationcase", "change_observationcase", "release_observationcase", "add_referral"]
    _SITES = ["add_isolationsite", "change_isolationsite"]
    _DELIVER = ["view_deliveryrequest", "add_deliveryrequest", "change_deliveryrequest"]
    _CARE = ["view_careperson", "add_careperson", "change_careperson", "add_welfarecontact", "view_welfarecontact"]
    _CONFIGURE = [
        f"{action}_{model}"
        for action in ("view", "add", "change")
        for model in ("observationreason", "needitem", "carecategory")
    ]
    role_permissions = {
        "county_admin": [*_FOLLOW, *_RUN, *_SITES, *_DELIVER, *_CARE, *_CONFIGURE, "change_referral"],
        "hq_staff": [*_FOLLOW, *_RUN, *_SITES, *_DELIVER, *_CARE, *_CONFIGURE, "change_referral"],
        "working_group": [*_FOLLOW, "view_deliveryrequest", "view_careperson"],
        "township_cadre": [*_FOLLOW, *_RUN, *_SITES, *_DELIVER, *_CARE],
        "village_cadre": [*_FOLLOW, *_RUN, *_DELIVER, *_CARE],
        "doctor": [*_FOLLOW, *_RUN, "change_referral"],
        "checkpoint_staff": [],
        "volunteer": ["view_deliveryrequest", "change_deliveryrequest"],
        "observer": [
            "view_observationcase",
            "view_healthcheck",
            "view_referral",
            "view_deliveryrequest",
            "view_careperson",
        ],
    }

    def ready(self) -> None:
        from bastion.observation import figures, sources  # noqa: F401  (registers the figures and report sources)
        from bastion.observation.services.cases import case_open_from_visit
        from bastion.residents.services.screening import home_observation_starters

        if case_open_from_visit not in home_observation_starters:
            home_observation_starters.append(case_open_from_visit)
