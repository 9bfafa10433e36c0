"""Reads of disinfections (消杀), scoped to the user's units."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from bastion.core.models import OrgUnit, User
from bastion.core.scope import scoped
from bastion.outreach.models import Disinfection, Place
from bastion.outreach.selectors.places import disinfection_overdue


def disinfections_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    place: Place | None = None,
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Disinfection]:
    disinfections = scoped(Disinfection.objects.select_related("org_unit", "place"), user, within=unit)
    if place is not None:
        disinfections = disinfections.filter(place=place)
    if q:
        disinfections = disinfections.filter(
            Q(place__name__icontains=q) | Q(area__icontains=q) | Q(agent__icontains=q) | Q(done_by__icontains=q)
        )
    if date_from is not None:
        disinfections = disinfections.filter(done_at__date__gte=date_from)
    if date_to is not None:
        disinfections = disinfections.filter(done_at__date__lte=date_to)
    return disinfections.order_by("-done_at", "-pk")


__all__ = ["disinfection_overdue", "disinfections_for_user"]
