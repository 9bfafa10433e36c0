"""Revealing an encrypted personal number: a permission of its own, and always an audit event."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import unit_in_scope
from bastion.core.services.audit import audit_record


@transaction.atomic
def personal_data_reveal(*, by: User, obj: models.Model, field: str, org_unit: OrgUnit, permission: str) -> str:
    """The plain value of ``obj.field`` for ``by``, who must hold ``permission`` and see ``org_unit``."""
    if not by.has_perm(permission) or not unit_in_scope(by, org_unit):
        raise PermissionDenied(_("You may not see this number."))
    audit_record(by=by, action="personal_data.reveal", obj=obj, org_unit=org_unit, summary={"field": field})
    return str(getattr(obj, field) or "")
