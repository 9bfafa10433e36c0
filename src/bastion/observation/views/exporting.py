"""Exports of lists with names and addresses: the personal-data export permission, and an audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bastion.core.services.audit import audit_record
from bastion.core.views.helpers import AuthedRequest

EXPORT = "residents.export_person"  # names and addresses leave the system: the personal-data export permission


def audit_export(request: AuthedRequest, action: str, object_type: str, count: int, filters: dict[str, Any]) -> None:
    """Names and addresses leaving the system are logged: who, which filters, how many rows."""
    unit = filters.pop("unit")
    with transaction.atomic():
        audit_record(
            by=request.user,
            action=action,
            object_type=object_type,
            org_unit=unit,
            summary={**filters, "unit": unit.pk if unit else None, "q": bool(filters.get("q")), "count": count},
        )
