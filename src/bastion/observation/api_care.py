"""The care and delivery API: deliveries asked for, assigned, delivered or cancelled; the care register and its
welfare contacts. Items and categories travel as their codes; numbers are masked; outside the scope is 404."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.core.api import require_perm, unit_asked
from bastion.observation.exports import volunteer_of
from bastion.observation.models import CareCategory, NeedItem
from bastion.observation.selectors import care as selectors
from bastion.observation.services import care as services
from bastion.residents.selectors import person_get_for_user

router = Router(tags=["observation"])


class ChoiceOut(Schema):
    code: str
    name: str
    unit_of_measure: str = ""

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class LineIn(Schema):
    item: str = Field(description="the item's code, from GET /need-items")
    quantity: int


class LineOut(Schema):
    item: str
    item_name: str
    unit_of_measure: str
    quantity: int
    delivered: int | None

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item.code)

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.item)

    @staticmethod
    def resolve_unit_of_measure(obj: Any) -> str:
        return str(obj.item.unit_of_measure)


class PersonFields(Schema):
    """The person a record is about: the name in full, the phone number masked, never the ID number."""

    unit_id: int = Field(alias="org_unit_id")
    unit_name: str
    person_id: int
    person_name: str
    address: str
    phone: str

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.org_unit.display_name)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.name)

    @staticmethod
    def resolve_address(obj: Any) -> str:
        return str(obj.person.address)

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return str(obj.person.masked_phone)


class DeliveryOut(PersonFields):
    id: int
    case_id: int | None
    status: str
    note: str
    requested_at: dt.datetime
    assignee_id: int | None
    assignee_name: str
    assigned_at: dt.datetime | None
    delivered_at: dt.datetime | None
    delivery_note: str
    lines: list[LineOut]

    @staticmethod
    def resolve_assignee_name(obj: Any) -> str:
        return volunteer_of(obj)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class DeliveryFilters(Schema):
    unit_id: int | None = None
    status: str = Field("", description="requested, assigned, delivered, cancelled, or pending (the first two)")
    mine: bool = Field(False, description="only the deliveries assigned to me")
    q: str = Field("", description="name or pinyin initials")


class DeliveryIn(Schema):
    person_id: int
    lines: list[LineIn]
    note: str = ""


class AssignIn(Schema):
    assignee_id: int | None = Field(None, description="a volunteer's account")
    assignee_name: str = Field("", description="or the name of a volunteer or team without an account")


class DeliverIn(Schema):
    delivered: dict[str, int] = Field(description="item code: quantity handed over, for every item asked for")
    note: str = ""


class CancelIn(Schema):
    reason: str


@router.get("/need-items", response=list[ChoiceOut])
def list_need_items(request: HttpRequest) -> list[Any]:
    require_perm(request, "observation.view_deliveryrequest")
    return list(selectors.need_item_choices())


@router.get("/deliveries", response=list[DeliveryOut])
@paginate(PageNumberPagination, page_size=50)
def list_deliveries(request: HttpRequest, filters: Query[DeliveryFilters]):  # type: ignore[no-untyped-def]
    """Deliveries in scope, those still to make first."""
    user = require_perm(request, "observation.view_deliveryrequest")
    unit = unit_asked(user, filters.unit_id)
    return selectors.deliveries_for_user(user, unit=unit, status=filters.status, mine=filters.mine, q=filters.q)


@router.get("/deliveries/{delivery_id}", response=DeliveryOut)
def get_delivery(request: HttpRequest, delivery_id: int) -> Any:
    user = require_perm(request, "observation.view_deliveryrequest")
    return selectors.delivery_get_for_user(user, delivery_id)


@router.post("/deliveries", response={201: DeliveryOut})
def request_delivery(request: HttpRequest, payload: DeliveryIn) -> Status[Any]:
    user = require_perm(request, "observation.add_deliveryrequest")
    person = person_get_for_user(user, payload.person_id)
    items = {item.code: item for item in NeedItem.objects.filter(code__in=[line.item for line in payload.lines])}
    if unknown := sorted({line.item for line in payload.lines} - items.keys()):
        raise ValidationError({"lines": [_("Unknown item: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    delivery = services.delivery_request_create(
        by=user, person=person, lines=[(items[line.item], line.quantity) for line in payload.lines], note=payload.note
    )
    return Status(201, selectors.delivery_get_for_user(user, delivery.pk))


@router.post("/deliveries/{delivery_id}/assign", response=DeliveryOut)
def assign_delivery(request: HttpRequest, delivery_id: int, payload: AssignIn) -> Any:
    user = require_perm(request, "observation.add_deliveryrequest")
    delivery = selectors.delivery_get_for_user(user, delivery_id)
    assignee = None
    if payload.assignee_id is not None:
        assignee = selectors.assignee_choices(user, delivery).filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise ValidationError({"assignee": [_("This account cannot take deliveries of this unit.")]})
    services.delivery_assign(by=user, request=delivery, assignee=assignee, assignee_name=payload.assignee_name)
    return selectors.delivery_get_for_user(user, delivery_id)


@router.post("/deliveries/{delivery_id}/deliver", response=DeliveryOut)
def record_delivery(request: HttpRequest, delivery_id: int, payload: DeliverIn) -> Any:
    """What was handed over, for every item asked for (0 for an item not handed over)."""
    user = require_perm(request, "observation.view_deliveryrequest")
    delivery = selectors.delivery_get_for_user(user, delivery_id)
    lines = {line.item.code: line.pk for line in delivery.lines.all()}
    if unknown := sorted(payload.delivered.keys() - lines.keys()):
        raise ValidationError({"delivered": [_("Not asked for: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    delivered = {pk: payload.delivered.get(code) for code, pk in lines.items()}
    services.delivery_record(by=user, request=delivery, delivered=delivered, note=payload.note)
    return selectors.delivery_get_for_user(user, delivery_id)


@router.post("/deliveries/{delivery_id}/cancel", response=DeliveryOut)
def cancel_delivery(request: HttpRequest, delivery_id: int, payload: CancelIn) -> Any:
    user = require_perm(request, "observation.add_deliveryrequest")
    delivery = selectors.delivery_get_for_user(user, delivery_id)
    services.delivery_cancel(by=user, request=delivery, reason=payload.reason)
    return selectors.delivery_get_for_user(user, delivery_id)


class CareOut(PersonFields):
    id: int
    categories: list[str]
    needs: str
    next_contact_due: dt.date | None
    is_active: bool
    last_contact_at: dt.datetime | None = None

    @staticmethod
    def resolve_categories(obj: Any) -> list[str]:
        return [c.code for c in obj.categories.all()]


class ContactOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    by: str | None
    note: str

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return str(obj.by) if obj.by else None


class CareDetailOut(CareOut):
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(obj: Any) -> list[Any]:
        return list(selectors.care_contacts(obj))


class CareFilters(Schema):
    unit_id: int | None = None
    due: bool = Field(False, description="only those whose next visit is due by today")
    category: str = Field("", description="a category code, from GET /care-categories")
    q: str = Field("", description="name or pinyin initials")
    followed: bool | None = Field(True, description="true: followed (default); false: no longer; null: everyone")


class CareUpdateIn(Schema):
    categories: list[str] = Field(description="category codes, at least one")
    needs: str = ""
    next_contact_due: dt.date | None = None
    is_active: bool = True


class CareIn(CareUpdateIn):
    person_id: int


class ContactIn(Schema):
    kind: str = Field("visit", description="visit or call")
    note: str
    at: dt.datetime | None = Field(None, description="when; now if left out")
    next_contact_due: dt.date | None = Field(None, description="the next visit due; none planned if left out")


def _categories(codes: list[str]) -> list[CareCategory]:
    categories = list(CareCategory.objects.filter(code__in=codes))
    if unknown := sorted(set(codes) - {c.code for c in categories}):
        raise ValidationError({"categories": [_("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return categories


@router.get("/care-categories", response=list[ChoiceOut])
def list_care_categories(request: HttpRequest) -> list[Any]:
    require_perm(request, "observation.view_careperson")
    return list(selectors.care_category_choices())


@router.get("/care", response=list[CareOut])
@paginate(PageNumberPagination, page_size=50)
def list_care(request: HttpRequest, filters: Query[CareFilters]):  # type: ignore[no-untyped-def]
    """The care register in scope, the next visit due first."""
    user = require_perm(request, "observation.view_careperson")
    unit = unit_asked(user, filters.unit_id)
    return selectors.care_for_user(user, **filters.dict(exclude={"unit_id"}), unit=unit)


@router.get("/care/{care_id}", response=CareDetailOut)
def get_care(request: HttpRequest, care_id: int) -> Any:
    user = require_perm(request, "observation.view_careperson")
    return selectors.care_get_for_user(user, care_id)


@router.post("/care", response={201: CareDetailOut})
def add_care(request: HttpRequest, payload: CareIn) -> Status[Any]:
    user = require_perm(request, "observation.add_careperson")
    person = person_get_for_user(user, payload.person_id)
    if selectors.care_of_person(person) is not None:
        raise ValidationError({"person_id": [_("This person is already on the care register; change the entry.")]})
    care = services.care_person_save(
        by=user,
        person=person,
        categories=_categories(payload.categories),
        **payload.dict(exclude={"person_id", "categories"}),
    )
    return Status(201, selectors.care_get_for_user(user, care.pk))


@router.put("/care/{care_id}", response=CareDetailOut)
def change_care(request: HttpRequest, care_id: int, payload: CareUpdateIn) -> Any:
    user = require_perm(request, "observation.change_careperson")
    care = selectors.care_get_for_user(user, care_id)
    services.care_person_save(
        by=user, person=care.person, categories=_categories(payload.categories), **payload.dict(exclude={"categories"})
    )
    return selectors.care_get_for_user(user, care_id)


@router.post("/care/{care_id}/contacts", response={201: ContactOut})
def record_contact(request: HttpRequest, care_id: int, payload: ContactIn) -> Status[Any]:
    user = require_perm(request, "observation.add_welfarecontact")
    care = selectors.care_get_for_user(user, care_id)
    return Status(201, services.welfare_contact_record(by=user, care=care, **payload.dict()))
