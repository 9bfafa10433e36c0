"""Disinfection (消杀) of a place or of an area of a unit."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope
from bastion.core.services.audit import audit_record
from bastion.outreach.models import Disinfection, Place
from bastion.outreach.services.inspections import FUTURE_SLACK
from bastion.residents.validation import plain


@transaction.atomic
def disinfection_record(
    *,
    by: User,
    org_unit: OrgUnit,
    place: Place | None = None,
    area: str = "",
    agent: str,
    concentration: str = "",
    done_at: dt.datetime | None,
    done_by: str,
) -> Disinfection:
    """A disinfection done at a place of the unit, or over an area of it (a street, a compound's stairwells)."""
    require_in_scope(by, "outreach.add_disinfection", org_unit)
    errors: dict[str, str] = {}
    area = plain(area)[:200]
    agent = plain(agent)[:100]
    done_by = plain(done_by)[:100]
    if place is None and not area:
        errors["area"] = _("Choose the place or describe the area disinfected.")
    if place is not None and not place.org_unit.is_within(org_unit):
        errors["place"] = _("%(place)s is not in %(unit)s.") % {"place": place.name, "unit": org_unit.display_name}
    if not agent:
        errors["agent"] = _("Say which disinfectant was used.")
    if not done_by:
        errors["done_by"] = _("Say who disinfected.")
    if done_at is None:
        errors["done_at"] = _("Say when it was done.")
    elif done_at > timezone.now() + FUTURE_SLACK:
        errors["done_at"] = _("A disinfection cannot be in the future.")
    if errors or done_at is None:
        raise ValidationError(errors)
    disinfection = Disinfection.objects.create(
        org_unit=place.org_unit if place is not None else org_unit,
        place=place,
        area=area,
        agent=agent,
        concentration=plain(concentration)[:50],
        done_at=done_at,
        done_by=done_by,
        created_by=by,
    )
    audit_record(
        by=by,
        action="disinfection.record",
        obj=disinfection,
        org_unit=disinfection.org_unit,
        summary={
            "place": place.name if place else "",
            "area": area,
            "agent": agent,
            "concentration": disinfection.concentration,
            "done_at": f"{timezone.localtime(done_at):%Y-%m-%d %H:%M}",
        },
    )
    return disinfection
