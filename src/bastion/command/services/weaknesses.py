"""Weaknesses found and fixed (查找梳理短板): what was found, its corrective items, and its verification."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.command.models import ActionItem, CommandPost, Weakness
from bastion.command.services.common import require, unit_within
from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.residents.validation import plain


@transaction.atomic
def weakness_record(
    *,
    by: User,
    command_post: CommandPost,
    org_unit: OrgUnit,
    found_by: str,
    description: str,
    found_on: dt.date | None = None,
) -> Weakness:
    require(by, "add_weakness", command_post)
    errors = {}
    try:
        unit_within(command_post, org_unit, "org_unit")
    except ValidationError as exc:
        errors.update({field: str(messages[0]) for field, messages in exc.message_dict.items()})
    found_by = plain(found_by)[:100]
    if not found_by:
        errors["found_by"] = _("Say who found it.")
    if not description.strip():
        errors["description"] = _("Say what was found.")
    found_on = found_on or timezone.localdate()
    if found_on > timezone.localdate():
        errors["found_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    weakness = Weakness.objects.create(
        command_post=command_post,
        org_unit=org_unit,
        found_by=found_by,
        found_on=found_on,
        description=description.strip(),
        created_by=by,
    )
    audit_record(
        by=by,
        action="weakness.record",
        obj=weakness,
        org_unit=command_post.org_unit,
        summary={"where": org_unit.pk, "found_on": str(found_on)},
    )
    return weakness


@transaction.atomic
def weakness_verify(*, by: User, weakness: Weakness, verification: str) -> Weakness:
    """Close a weakness once every corrective item is verified, saying how the fix was checked."""
    require(by, "verify_actionitem", weakness.command_post)
    if weakness.status == Weakness.Status.VERIFIED:
        raise ValidationError(_("This weakness is already verified."))
    items = list(weakness.action_items.values_list("status", flat=True))
    if not items:
        raise ValidationError(_("Set at least one corrective action item first."))
    if any(status != ActionItem.Status.VERIFIED for status in items):
        raise ValidationError(_("Some corrective items are not verified yet."))
    if not verification.strip():
        raise ValidationError({"verification": _("Say how the fix was checked.")})
    weakness.status = Weakness.Status.VERIFIED
    weakness.verification = verification.strip()
    weakness.verified_by = by
    weakness.verified_at = timezone.now()
    weakness.save(update_fields=["status", "verification", "verified_by", "verified_at"])
    audit_record(by=by, action="weakness.verify", obj=weakness, org_unit=weakness.command_post.org_unit, summary={})
    return weakness
