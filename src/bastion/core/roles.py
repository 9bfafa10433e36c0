"""Roles are Django groups; each app declares what every role may do in its area.

An app's ``AppConfig.role_permissions`` maps a role code to permission
codenames of that app's models. ``roles_sync`` makes the groups match.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ROLES: dict[str, Promise] = {
    "county_admin": _("County HQ admin"),
    "hq_staff": _("HQ staff"),
    "working_group": _("Working-group member"),
    "township_cadre": _("Township cadre"),
    "village_cadre": _("Village cadre"),
    "checkpoint_staff": _("Checkpoint staff"),
    "doctor": _("Doctor (village clinic or hospital)"),
    "volunteer": _("Volunteer"),
    "observer": _("Observer (read only)"),
}


def role_label(code: str) -> str:
    return str(ROLES.get(code, code))


def role_permission_map() -> dict[str, set[tuple[str, str]]]:
    """Role code -> {(app_label, codename)} over every installed app."""
    result: dict[str, set[tuple[str, str]]] = {code: set() for code in ROLES}
    for config in apps.get_app_configs():
        for role, codenames in getattr(config, "role_permissions", {}).items():
            result[role].update((config.label, codename) for codename in codenames)
    return result


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create one group per role and give it exactly its permissions."""
    wanted = role_permission_map()
    all_perms = {(p.content_type.app_label, p.codename): p for p in Permission.objects.select_related("content_type")}
    groups: dict[str, Group] = {}
    for code, pairs in wanted.items():
        group, _created = Group.objects.get_or_create(name=code)
        missing = pairs - all_perms.keys()
        if missing:
            raise LookupError(f"role {code} names unknown permissions: {sorted(missing)}")
        group.permissions.set([all_perms[pair] for pair in pairs])
        groups[code] = group
    return groups
