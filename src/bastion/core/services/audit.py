from __future__ import annotations

from typing import Any

from django.db import models

from bastion.core.middleware import client_address
from bastion.core.models import AuditEvent, OrgUnit, User
from bastion.core.prepared import instance_insert


def audit_record(
    *,
    by: User | None,
    action: str,
    obj: models.Model | None = None,
    org_unit: OrgUnit | None = None,
    summary: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
) -> AuditEvent:
    """Append one audit event; call it inside the service's transaction.

    ``summary`` must never hold personal numbers in the clear: services pass
    ``"changed"`` for encrypted fields.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    actor = by if by is not None and by.is_authenticated else None
    event = AuditEvent(
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        org_unit=org_unit,
        org_path=org_unit.path if org_unit else "",
        summary=summary or {},
        client_address=client_address.get(),
    )
    return instance_insert(event)  # every write of every service comes here: its INSERT is built once


def field_changes(instance: models.Model, data: dict[str, Any], secret: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Apply ``data`` to ``instance``; return {field: [old, new]} for what changed."""
    changes: dict[str, Any] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = "changed" if field in secret else [_plain(old), _plain(new)]
            setattr(instance, field, new)
    return changes


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
