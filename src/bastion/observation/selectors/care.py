"""Reads of deliveries and of the care register, always within the user's scope.

Lists carry their person, unit, volunteer, lines and categories in a fixed number of queries, so a page
of fifty costs the same as a page of two.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Case, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.core.models import OrgUnit, User, UserScope
from bastion.core.models.orgunits import path_ids
from bastion.core.scope import paths_q, scope_paths, scoped
from bastion.observation.models import (
    CareCategory,
    CarePerson,
    DeliveryLine,
    DeliveryRequest,
    NeedItem,
    ObservationCase,
    WelfareContact,
)
from bastion.residents.models import Person
from bastion.residents.selectors import is_personal_number, person_search, persons_for_user
from bastion.residents.validation import plain

Status = DeliveryRequest.Status
PENDING = [Status.REQUESTED, Status.ASSIGNED]
CHOICES_SHOWN = 20


def _named(queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
    """Match the person's name, or its pinyin initials (zs), from the start."""
    text = plain(q)
    if not text:
        return queryset
    return queryset.filter(Q(person__name__startswith=text) | Q(person__name_initials__startswith=text.lower()))


def _with_lines(deliveries: QuerySet[DeliveryRequest]) -> QuerySet[DeliveryRequest]:
    return deliveries.select_related("person", "org_unit", "assignee", "case").prefetch_related(
        Prefetch("lines", queryset=DeliveryLine.objects.select_related("item"))
    )


def deliveries_for_user(
    user: User, *, unit: OrgUnit | None = None, status: str = "", mine: bool = False, q: str = ""
) -> QuerySet[DeliveryRequest]:
    """Deliveries in scope, those still to make first; ``status`` is one of the statuses or "pending"."""
    deliveries = scoped(DeliveryRequest.objects.all(), user, within=unit)
    if status == "pending":
        deliveries = deliveries.filter(status__in=PENDING)
    elif status in Status.values:
        deliveries = deliveries.filter(status=status)
    if mine:
        deliveries = deliveries.filter(assignee=user)
    pending_first = Case(When(status__in=PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    return _with_lines(_named(deliveries, q)).order_by(pending_first, "-requested_at", "-pk")


def delivery_get_for_user(user: User, delivery_id: int) -> DeliveryRequest:
    deliveries = _with_lines(scoped(DeliveryRequest.objects.all(), user)).select_related(
        "requested_by", "delivered_by", "person__household"
    )
    return get_object_or_404(deliveries, pk=delivery_id)


def assignee_choices(user: User, request: DeliveryRequest) -> QuerySet[User]:
    """Active accounts that may be given the delivery: their scope covers its unit, their role records deliveries,
    and the viewer can see them."""
    covering = UserScope.objects.filter(org_unit_id__in=path_ids(request.org_unit.path)).values("user_id")
    candidates = User.objects.filter(is_active=True, pk__in=covering)
    paths = scope_paths(user)
    if paths is not None:
        candidates = candidates.filter(pk__in=UserScope.objects.filter(paths_q(paths, "org_unit")).values("user_id"))
    perm = Permission.objects.filter(content_type__app_label="observation", codename="change_deliveryrequest")
    holders = Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)
    holding = User.objects.filter(holders).values("pk")
    return candidates.filter(pk__in=holding).order_by("display_name", "username")


def persons_to_serve(user: User, q: str = "") -> list[Person]:
    """Persons a request or a care entry may be for: by name or initials; with no search, those under
    observation. A number typed into the address is not searched for: numbers never travel in a URL."""
    if is_personal_number(q):
        return []
    if plain(q):
        persons = person_search(user, q)
    else:
        observed = ObservationCase.objects.filter(status=ObservationCase.Status.ACTIVE).values("person_id")
        persons = persons_for_user(user).filter(pk__in=observed)
    return list(persons.order_by("org_unit__path", "name", "pk")[:CHOICES_SHOWN])


def _with_last_contact(care: QuerySet[CarePerson]) -> QuerySet[CarePerson]:
    last = WelfareContact.objects.filter(care=OuterRef("pk")).order_by("-at").values("at")[:1]
    return (
        care.select_related("person", "org_unit")
        .prefetch_related("categories")
        .annotate(last_contact_at=Subquery(last))
    )


def care_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    due: bool = False,
    category: str = "",
    q: str = "",
    followed: bool | None = True,
) -> QuerySet[CarePerson]:
    """The care register in scope, the next visit due first; ``due`` keeps those whose visit is due by today."""
    care = scoped(CarePerson.objects.all(), user, within=unit)
    if followed is not None:
        care = care.filter(is_active=followed)
    if due:
        care = care.filter(is_active=True, next_contact_due__lte=timezone.localdate())
    if category:
        care = care.filter(categories__code=category)
    return _with_last_contact(_named(care, q)).order_by(
        "-is_active", F("next_contact_due").asc(nulls_last=True), "org_unit__path", "pk"
    )


def care_get_for_user(user: User, care_id: int) -> CarePerson:
    return get_object_or_404(_with_last_contact(scoped(CarePerson.objects.all(), user)), pk=care_id)


def care_of_person(person: Person) -> CarePerson | None:
    return CarePerson.objects.filter(person=person).first()


def care_contacts(care: CarePerson) -> QuerySet[WelfareContact]:
    return care.contacts.select_related("by")


def need_item_choices() -> QuerySet[NeedItem]:
    return NeedItem.objects.filter(is_active=True)


def care_category_choices(keeping: CarePerson | None = None) -> QuerySet[CareCategory]:
    """Categories in use, and those ``keeping`` already has even if retired since."""
    if keeping is None:
        return CareCategory.objects.filter(is_active=True)
    return CareCategory.objects.filter(Q(is_active=True) | Q(pk__in=keeping.categories.values("pk")))
