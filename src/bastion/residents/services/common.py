"""Checks shared by the residents services."""

from __future__ import annotations

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope


def require(by: User | None, perm: str, unit: OrgUnit) -> None:
    """Refuse what the role does not allow or a unit outside the scope; ``by=None`` is the system."""
    require_in_scope(by, f"residents.{perm}", unit)
