from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bastion.core"
    label = "core"
    verbose_name = _("Organisation and accounts")
    # What each role may do in this app's area; roles_sync merges every app's map.
    _TREE_EDIT = ["view_orgunit", "add_orgunit", "change_orgunit", "export_orgunit"]
    _INSTITUTIONS_EDIT = ["view_institution", "add_institution", "change_institution"]
    _CONTACTS_EDIT = ["view_unitcontact", "add_unitcontact", "change_unitcontact", "delete_unitcontact"]
    _WEBHOOKS_EDIT = ["view_unitwebhook", "add_unitwebhook", "change_unitwebhook", "delete_unitwebhook"]
    role_permissions = {
        "county_admin": [
            *_TREE_EDIT,
            *_INSTITUTIONS_EDIT,
            *_CONTACTS_EDIT,
            *_WEBHOOKS_EDIT,
            "view_user",
            "manage_accounts",
            "view_auditevent",
        ],
        "hq_staff": [*_TREE_EDIT, *_INSTITUTIONS_EDIT, *_CONTACTS_EDIT, *_WEBHOOKS_EDIT],
        "working_group": ["view_orgunit", "export_orgunit", "view_institution", "view_unitcontact"],
        "township_cadre": [*_TREE_EDIT, *_INSTITUTIONS_EDIT, *_CONTACTS_EDIT, *_WEBHOOKS_EDIT],
        "village_cadre": ["view_orgunit", "add_orgunit", "change_orgunit", "view_institution", *_CONTACTS_EDIT],
        "checkpoint_staff": ["view_orgunit", "view_institution"],
        "volunteer": ["view_orgunit"],
        "observer": ["view_orgunit", "view_institution", "view_unitcontact", "export_orgunit"],
    }
