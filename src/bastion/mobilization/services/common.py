"""Checks shared by the mobilization services."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope
from bastion.residents.validation import Invalid, phone_clean


def require(by: User | None, perm: str, unit: OrgUnit) -> None:
    """Refuse what the role does not allow or a unit outside the scope; ``by=None`` is the system or a
    responder checking in with the unit's QR code."""
    require_in_scope(by, f"mobilization.{perm}", unit)


def phone_or_error(value: str, field: str = "phone") -> str:
    """A phone number as stored, or a ``ValidationError`` on ``field`` saying what is wrong."""
    try:
        return phone_clean(value)
    except Invalid as invalid:
        raise ValidationError({field: invalid.message}) from None
