"""Checks shared by the observation services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope


def require(by: User | None, perm: str, unit: OrgUnit) -> None:
    """Refuse what the role does not allow or a unit outside the scope; ``by=None`` is the system."""
    require_in_scope(by, f"observation.{perm}", unit)


def quantity_error(value: int | None, *, allow_zero: bool = False) -> str:
    low = 0 if allow_zero else 1
    if value is None or not low <= value <= 100_000:
        return _("Give a quantity between %(low)s and 100000.") % {"low": low}
    return ""
