"""Deliveries to households that cannot go out (送服务) and the register of people in difficulty (困难人群).

A delivery is asked for, assigned to a volunteer or a team, and recorded with what was handed over; until
a Supplies app exists, the lines hold the items and quantities. Assigning and cancelling belong to whoever
organises deliveries (the roles that may ask for them); a volunteer, who holds ``change`` only, records
the deliveries given to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import User
from bastion.core.scope import unit_in_scope
from bastion.core.services.audit import audit_record
from bastion.observation.models import (
    CareCategory,
    CarePerson,
    DeliveryLine,
    DeliveryRequest,
    NeedItem,
    ObservationCase,
    WelfareContact,
)
from bastion.observation.services.common import quantity_error, require
from bastion.residents.models import Person
from bastion.residents.validation import plain

Status = DeliveryRequest.Status
PENDING = (Status.REQUESTED, Status.ASSIGNED)
NOTE_LENGTH = 300
NEEDS_LENGTH = 2000
CONTACT_DAYS_BACK = 30
CLOCK_SKEW = dt.timedelta(minutes=5)


def _person(person: Person) -> Person:
    return Person.objects.select_related("org_unit").get(pk=person.pk)


def _merged_error(person: Person) -> dict[str, str]:
    if person.merged_into_id is None:
        return {}
    return {"person": _("This record was merged into another; use the record kept.")}


def _short(field: str, text: str, limit: int = NOTE_LENGTH) -> dict[str, str]:
    if len(text) <= limit:
        return {}
    return {field: _("Keep it under %(limit)s characters.") % {"limit": limit}}


def _codes(quantities: Iterable[tuple[NeedItem, int | None]]) -> dict[str, int | None]:
    return {item.code: quantity for item, quantity in quantities}


@transaction.atomic
def delivery_request_create(
    *,
    by: User | None,
    person: Person,
    lines: Sequence[tuple[NeedItem, int]],
    note: str = "",
    now: dt.datetime | None = None,
) -> DeliveryRequest:
    """Ask for a delivery to a person's home, in the unit where they live; an active observation case is linked."""
    person = _person(person)
    require(by, "add_deliveryrequest", person.org_unit)
    now = now or timezone.now()
    note = plain(note)
    errors: dict[str, str | list[str]] = {**_merged_error(person), **_short("note", note)}
    line_errors: list[str] = []
    seen: set[int] = set()
    for item, quantity in lines:
        if item.pk in seen:
            line_errors.append(_("%(item)s is asked for twice.") % {"item": item})
        seen.add(item.pk)
        if not item.is_active:
            line_errors.append(_("%(item)s can no longer be asked for.") % {"item": item})
        if message := quantity_error(quantity):
            line_errors.append(f"{item}: {message}")
    if not lines:
        line_errors.append(_("Ask for at least one item."))
    if line_errors:
        errors["lines"] = line_errors
    if errors:
        raise ValidationError(errors)
    case = ObservationCase.objects.filter(person=person, status=ObservationCase.Status.ACTIVE).first()
    request = DeliveryRequest.objects.create(
        org_unit=person.org_unit,
        person=person,
        case=case,
        note=note,
        requested_at=now,
        requested_by=by,
    )
    DeliveryLine.objects.bulk_create(
        [DeliveryLine(request=request, item=item, quantity=quantity) for item, quantity in lines]
    )
    audit_record(
        by=by,
        action="delivery.request",
        obj=request,
        org_unit=request.org_unit,
        summary={"person": person.pk, "case": case.pk if case else None, "asked": _codes(lines)},
    )
    return request


def _locked(request: DeliveryRequest) -> DeliveryRequest:
    return (
        DeliveryRequest.objects.select_for_update(of=("self",)).select_related("org_unit", "person").get(pk=request.pk)
    )


def _require_pending(request: DeliveryRequest) -> None:
    if request.status not in PENDING:
        raise ValidationError(
            _("This delivery is already %(status)s.") % {"status": request.get_status_display().lower()}
        )


@transaction.atomic
def delivery_assign(
    *,
    by: User | None,
    request: DeliveryRequest,
    assignee: User | None,
    assignee_name: str = "",
    now: dt.datetime | None = None,
) -> DeliveryRequest:
    """Give the delivery to a volunteer's account or to a named volunteer or team; it may be given again."""
    request = _locked(request)
    require(by, "add_deliveryrequest", request.org_unit)
    _require_pending(request)
    assignee_name = plain(assignee_name)
    errors: dict[str, str] = _short("assignee_name", assignee_name, 100)
    if assignee is None and not assignee_name:
        errors["assignee"] = _("Choose a volunteer or write the name of a volunteer or team.")
    elif assignee is not None and not (
        assignee.is_active
        and unit_in_scope(assignee, request.org_unit)
        and assignee.has_perm("observation.change_deliveryrequest")
    ):
        errors["assignee"] = _("%(user)s does not deliver for %(unit)s.") % {
            "user": assignee,
            "unit": request.org_unit.display_name,
        }
    if errors:
        raise ValidationError(errors)
    request.assignee = assignee
    request.assignee_name = assignee_name
    request.status = Status.ASSIGNED
    request.assigned_at = now or timezone.now()
    request.save(update_fields=["assignee", "assignee_name", "status", "assigned_at"])
    audit_record(
        by=by,
        action="delivery.assign",
        obj=request,
        org_unit=request.org_unit,
        summary={"assignee": assignee.get_username() if assignee else None, "name": assignee_name},
    )
    return request


@transaction.atomic
def delivery_record(
    *,
    by: User | None,
    request: DeliveryRequest,
    delivered: Mapping[int, int | None],
    note: str = "",
    now: dt.datetime | None = None,
) -> DeliveryRequest:
    """Record what was handed over, line by line (``delivered`` maps each line's id to a quantity, 0 allowed).

    The volunteer it was given to records it; so may anyone who may change deliveries of the unit.
    """
    request = _locked(request)
    is_assignee = by is not None and by.pk == request.assignee_id and unit_in_scope(by, request.org_unit)
    if not is_assignee:
        require(by, "change_deliveryrequest", request.org_unit)
    _require_pending(request)
    note = plain(note)
    lines = list(request.lines.select_related("item"))
    errors: dict[str, str | list[str]] = {**_short("note", note)}
    line_errors = [
        f"{line.item}: {message}"
        for line in lines
        if (message := quantity_error(delivered.get(line.pk), allow_zero=True))
    ]
    if set(delivered) - {line.pk for line in lines}:
        line_errors.append(_("Only the items asked for can be recorded."))
    if not line_errors and lines and not any(delivered[line.pk] for line in lines):
        line_errors.append(_("Nothing was handed over: record at least one item, or cancel the delivery."))
    if line_errors:
        errors["delivered"] = line_errors
    if errors:
        raise ValidationError(errors)
    for line in lines:
        line.delivered = delivered[line.pk]
    DeliveryLine.objects.bulk_update(lines, ["delivered"])
    request.status = Status.DELIVERED
    request.delivered_at = now or timezone.now()
    request.delivered_by = by
    request.delivery_note = note
    request.save(update_fields=["status", "delivered_at", "delivered_by", "delivery_note"])
    audit_record(
        by=by,
        action="delivery.deliver",
        obj=request,
        org_unit=request.org_unit,
        summary={"delivered": _codes((line.item, line.delivered) for line in lines)},
    )
    return request


@transaction.atomic
def delivery_cancel(*, by: User | None, request: DeliveryRequest, reason: str) -> DeliveryRequest:
    """Cancel a delivery not yet made; the reason is kept as its delivery note."""
    request = _locked(request)
    require(by, "add_deliveryrequest", request.org_unit)
    _require_pending(request)
    reason = plain(reason)
    errors = _short("reason", reason)
    if not reason:
        errors["reason"] = _("Say why the delivery is cancelled.")
    if errors:
        raise ValidationError(errors)
    request.status = Status.CANCELLED
    request.delivery_note = reason
    request.save(update_fields=["status", "delivery_note"])
    audit_record(by=by, action="delivery.cancel", obj=request, org_unit=request.org_unit, summary={"reason": reason})
    return request


def _care_errors(
    care: CarePerson | None,
    categories: list[CareCategory],
    needs: str,
    next_contact_due: dt.date | None,
) -> dict[str, str]:
    errors = _short("needs", needs, NEEDS_LENGTH)
    kept = set(care.categories.values_list("pk", flat=True)) if care else set()
    if not categories:
        errors["categories"] = _("Choose at least one category.")
    elif retired := [str(c) for c in categories if not c.is_active and c.pk not in kept]:
        errors["categories"] = _("No longer in use: %(names)s.") % {"names": ", ".join(retired)}
    changed_due = care is None or next_contact_due != care.next_contact_due
    if next_contact_due is not None and changed_due and next_contact_due < timezone.localdate():
        errors["next_contact_due"] = _("The next visit cannot be due in the past.")
    return errors


@transaction.atomic
def care_person_save(
    *,
    by: User | None,
    person: Person,
    categories: Iterable[CareCategory],
    needs: str = "",
    next_contact_due: dt.date | None = None,
    is_active: bool = True,
) -> CarePerson:
    """Put a person on the care register, or change their entry; the entry follows the unit they live in."""
    person = _person(person)
    care = CarePerson.objects.select_for_update().select_related("org_unit").filter(person=person).first()
    perm = "change_careperson" if care else "add_careperson"
    require(by, perm, person.org_unit)
    if care is not None and care.org_unit_id != person.org_unit_id:
        require(by, perm, care.org_unit)
    categories = list(categories)
    needs = plain(needs)
    errors = {**_merged_error(person), **_care_errors(care, categories, needs, next_contact_due)}
    if errors:
        raise ValidationError(errors)
    summary: dict[str, object] = {
        "person": person.pk,
        "categories": sorted(c.code for c in categories),
        "next_contact_due": str(next_contact_due or ""),
        "followed": is_active,
    }
    if care is None:
        care = CarePerson(person=person)
        action = "care.register"
    else:
        summary["needs_changed"] = needs != care.needs
        action = "care.update"
    care.org_unit = person.org_unit
    care.needs = needs
    care.next_contact_due = next_contact_due
    care.is_active = is_active
    try:
        with transaction.atomic():
            care.save()
    except IntegrityError as exc:  # another cadre registered the same person a moment before
        raise ValidationError(
            {"person": _("%(name)s is already on the care register.") % {"name": person.name}}
        ) from exc
    care.categories.set(categories)
    audit_record(by=by, action=action, obj=care, org_unit=care.org_unit, summary=summary)
    return care


@transaction.atomic
def welfare_contact_record(
    *,
    by: User | None,
    care: CarePerson,
    kind: str,
    note: str,
    at: dt.datetime | None = None,
    next_contact_due: dt.date | None = None,
    now: dt.datetime | None = None,
) -> WelfareContact:
    """Record a welfare visit or call; the date given for the next one replaces the one due (none: none planned)."""
    care = CarePerson.objects.select_for_update(of=("self",)).select_related("org_unit", "person").get(pk=care.pk)
    require(by, "add_welfarecontact", care.org_unit)
    now = now or timezone.now()
    at = at or now
    note = plain(note)
    errors: dict[str, str] = {}
    if not care.is_active:
        errors["care"] = _("%(name)s is no longer followed.") % {"name": care.person.name}
    if kind not in WelfareContact.Kind.values:
        errors["kind"] = _("Choose a visit or a phone call.")
    if not note:
        errors["note"] = _("Write what was found and done.")
    if at > now + CLOCK_SKEW:
        errors["at"] = _("The time lies in the future.")
    elif at < now - dt.timedelta(days=CONTACT_DAYS_BACK):
        errors["at"] = _("The time is more than %(days)s days ago.") % {"days": CONTACT_DAYS_BACK}
    if next_contact_due is not None and next_contact_due < timezone.localdate(now):
        errors["next_contact_due"] = _("The next visit cannot be due in the past.")
    if errors:
        raise ValidationError(errors)
    contact = WelfareContact.objects.create(care=care, kind=kind, at=at, by=by, note=note)
    care.next_contact_due = next_contact_due
    care.save(update_fields=["next_contact_due"])
    audit_record(
        by=by,
        action="care.contact",
        obj=contact,
        org_unit=care.org_unit,
        summary={"care": care.pk, "kind": kind, "at": at.isoformat(), "next_contact_due": str(next_contact_due or "")},
    )
    return contact
