from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "bastion.supplies"
    label = "supplies"
    verbose_name = _("Supplies, donations and funds")
    _SEE = [
        "view_store",
        "view_item",
        "view_movement",
        "view_transfer",
        "view_supplyrequest",
        "view_donation",
        "view_fund",
    ]
    _HAND_OUT = ["add_movement", "add_supplyrequest", "change_transfer"]
    _RUN = [*_HAND_OUT, "add_store", "change_store", "add_transfer", "change_supplyrequest", "adjust_stock"]
    _MONEY = ["add_donation", "add_fundentry", "add_fund"]
    _CONFIGURE = ["add_item", "change_item"]
    role_permissions = {
        "county_admin": [*_SEE, *_RUN, *_MONEY, *_CONFIGURE],
        "hq_staff": [*_SEE, *_RUN, *_MONEY, *_CONFIGURE],
        "working_group": [*_SEE],
        "township_cadre": [*_SEE, *_RUN, "add_donation"],
        "village_cadre": [*_SEE, *_HAND_OUT, "add_donation"],
        "checkpoint_staff": ["view_store", "view_movement", "add_movement"],
        "doctor": ["view_store", "view_movement", "add_movement"],
        "volunteer": ["view_store", "view_movement"],
        "observer": [*_SEE],
    }

    def ready(self) -> None:
        from bastion.supplies import figures, sources, tasks  # noqa: F401  (report sources, periodic tasks, figures)
