"""Centralised isolation sites (集中隔离点): registered places with rooms and a capacity."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record, field_changes
from bastion.observation.models import IsolationSite, ObservationCase
from bastion.observation.services.common import require
from bastion.residents.validation import plain


@transaction.atomic
def isolation_site_save(
    *,
    by: User | None,
    org_unit: OrgUnit,
    name: str,
    address: str = "",
    rooms: int = 0,
    capacity: int = 0,
    is_active: bool = True,
    site: IsolationSite | None = None,
) -> IsolationSite:
    """Register a site or change one; its capacity never drops below the persons it holds."""
    if site is not None:
        require(by, "change_isolationsite", site.org_unit)
    require(by, "add_isolationsite" if site is None else "change_isolationsite", org_unit)
    errors: dict[str, str] = {}
    name = plain(name)
    if not name:
        errors["name"] = _("Give the site a name.")
    elif IsolationSite.objects.filter(org_unit=org_unit, name=name).exclude(pk=site.pk if site else 0).exists():
        errors["name"] = _("%(unit)s already has a site named %(name)s.") % {
            "unit": org_unit.display_name,
            "name": name,
        }
    if not 0 <= rooms <= 10_000:
        errors["rooms"] = _("Give a number of rooms between 0 and 10000.")
    if not 0 <= capacity <= 100_000:
        errors["capacity"] = _("Give a capacity between 0 and 100000.")
    elif site is not None and capacity:
        held = ObservationCase.objects.filter(site=site, status=ObservationCase.Status.ACTIVE).count()
        if capacity < held:
            errors["capacity"] = _("The site holds %(held)s persons now.") % {"held": held}
    if errors:
        raise ValidationError(errors)
    data = {"org_unit": org_unit, "name": name, "address": plain(address), "rooms": rooms, "capacity": capacity}
    data["is_active"] = is_active
    if site is None:
        site = IsolationSite.objects.create(**data)
        audit_record(by=by, action="isolation_site.create", obj=site, org_unit=org_unit, summary={"name": name})
        return site
    changes = field_changes(site, data)
    if changes:
        site.save()
        audit_record(by=by, action="isolation_site.update", obj=site, org_unit=org_unit, summary=changes)
    return site
