"""Reads of inspections and their answers, scoped to the user's units."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from bastion.core.models import OrgUnit, User
from bastion.core.scope import scoped
from bastion.outreach.models import Inspection, InspectionAnswer, Place


def inspections_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    place: Place | None = None,
    result: str = "",
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Inspection]:
    inspections = scoped(
        Inspection.objects.select_related("place__kind", "org_unit", "rectification", "created_by"), user, within=unit
    )
    if place is not None:
        inspections = inspections.filter(place=place)
    if result:
        inspections = inspections.filter(result=result)
    if q:
        inspections = inspections.filter(Q(place__name__icontains=q) | Q(inspectors__icontains=q))
    if date_from is not None:
        inspections = inspections.filter(inspected_at__date__gte=date_from)
    if date_to is not None:
        inspections = inspections.filter(inspected_at__date__lte=date_to)
    return inspections.order_by("-inspected_at", "-pk")


def inspection_get_for_user(user: User, inspection_id: int) -> Inspection:
    inspections = scoped(
        Inspection.objects.select_related("place__kind", "place__org_unit", "org_unit", "rectification", "follows"),
        user,
    ).prefetch_related("answers__item", "reinspections")
    return get_object_or_404(inspections, pk=inspection_id)


def answer_get_for_user(user: User, answer_id: int) -> InspectionAnswer:
    answers = scoped(InspectionAnswer.objects.select_related("inspection", "item"), user, "inspection__org_unit")
    return get_object_or_404(answers, pk=answer_id)
