"""The configurable lists: category tags and the symptom checklist."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.models.lists import ListEntry
from bastion.core.names import PRIMARY_LANGUAGE
from bastion.core.scope import scope_paths
from bastion.core.services.audit import audit_record, field_changes

CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")


def may_change_lists(user: User) -> bool:
    """The lists serve every unit, so only a user whose scope holds a top unit of the tree changes them."""
    paths = scope_paths(user)
    if paths is None:
        return True
    tops = OrgUnit.objects.filter(parent__isnull=True).values_list("path", flat=True)
    return any(top in paths for top in tops)


@transaction.atomic
def checklist_item_save(
    *,
    by: User,
    model: type[ListEntry],
    item: ListEntry | None,
    code: str,
    names: dict[str, str],
    sort_order: int = 0,
    is_active: bool = True,
    extra: dict[str, Any] | None = None,
) -> ListEntry:
    """Create or change an entry of a configurable list (category tags, symptoms, and the lists of other
    apps); ``extra`` holds the fields of the list's own (a reason's default period). Codes never change."""
    action = "add" if item is None else "change"
    if not by.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}") or not may_change_lists(by):
        raise PermissionDenied(_("You may not change this list."))
    names = {language: text.strip() for language, text in names.items() if text.strip()}
    errors: dict[str, str] = {}
    if not names.get(PRIMARY_LANGUAGE):
        errors["name_zh_hans"] = _("Give the Chinese name.")
    if item is None:
        if not CODE.fullmatch(code):
            errors["code"] = _("A code has 2 to 40 lower-case letters, digits or underscores, starting with a letter.")
        elif model._default_manager.filter(code=code).exists():
            errors["code"] = _("This code is already used.")
    if errors:
        raise ValidationError(errors)
    if item is None:
        item = model._default_manager.create(
            code=code, names=names, sort_order=sort_order, is_active=is_active, **(extra or {})
        )
        changes = {"code": code, "names": names}
    else:
        fields = {"names": names, "sort_order": sort_order, "is_active": is_active, **(extra or {})}
        changes = field_changes(item, fields)
        item.save()
    if changes:
        audit_record(by=by, action=f"{model._meta.model_name}.{action}", obj=item, summary=changes)
    return item
