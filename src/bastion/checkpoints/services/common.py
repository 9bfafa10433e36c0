"""Checks shared by the checkpoint services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import unit_in_scope


def require(by: User | None, perm: str, unit: OrgUnit) -> None:
    """Refuse what the role does not allow or a unit outside the scope; ``by=None`` is the system or a traveller."""
    if by is not None and (not by.has_perm(f"checkpoints.{perm}") or not unit_in_scope(by, unit)):
        raise PermissionDenied(_("You may not do this for %(unit)s.") % {"unit": unit.display_name})
