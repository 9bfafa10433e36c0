"""Writes to the person register; every one checks scope and permission and leaves an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.crypto import keyed_hash
from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record, field_changes
from bastion.residents.models import CategoryTag, GroupHead, Household, Person, TravelEntry, VisitTask
from bastion.residents.services.common import require
from bastion.residents.validation import Invalid, id_number_clean, name_keys, phone_clean, plain

SECRET_FIELDS = frozenset({"id_number", "phone"})


def _cleaned(data: dict[str, Any], *, exclude: int | None = None) -> dict[str, Any]:
    """The person's fields checked and normalised; every problem at once, by field."""
    errors: dict[str, str] = {}
    cleaned = dict(data)
    cleaned["name"] = plain(data.get("name", ""))
    if not cleaned["name"]:
        errors["name"] = _("Give the person's name.")
    if data.get("phone"):
        try:
            cleaned["phone"] = phone_clean(data["phone"])
        except Invalid as invalid:
            errors["phone"] = invalid.message
    if data.get("id_number"):
        try:
            facts = id_number_clean(data["id_number"])
        except Invalid as invalid:
            errors["id_number"] = invalid.message
        else:
            cleaned["id_number"] = facts.number
            if data.get("sex") and data["sex"] != facts.sex:
                errors["sex"] = _("The ID number says the person is %(sex)s.") % {"sex": Person.Sex(facts.sex).label}
            if data.get("birth_date") and data["birth_date"] != facts.birth_date:
                errors["birth_date"] = _("The ID number gives %(date)s as the date of birth.") % {
                    "date": facts.birth_date.isoformat()
                }
            cleaned["sex"], cleaned["birth_date"] = facts.sex, facts.birth_date
            earlier = (
                Person.objects.filter(id_hash=keyed_hash(facts.number), merged_into__isnull=True)
                .exclude(pk=exclude or 0)
                .select_related("org_unit")
                .first()
            )
            if earlier is not None:
                errors["id_number"] = _("This ID number is already registered, in %(unit)s.") % {
                    "unit": earlier.org_unit.display_name
                }
    if data.get("birth_date") and data["birth_date"] > dt.date.today():
        errors["birth_date"] = _("The date of birth is in the future.")
    household, unit = data.get("household"), data["org_unit"]
    if household is not None and not (
        household.org_unit.path.startswith(unit.path) or unit.path.startswith(household.org_unit.path)
    ):
        errors["household"] = _("The household is in another unit.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def person_register(
    *,
    by: User | None,
    org_unit: OrgUnit,
    name: str,
    sex: str = "",
    birth_date: dt.date | None = None,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    household: Household | None = None,
    tags: Iterable[CategoryTag] = (),
) -> Person:
    """Register one person; the same ID number is refused, with the unit where it is registered."""
    require(by, "add_person", org_unit)
    tags = list(tags)
    data = {"org_unit": org_unit, "name": name, "sex": sex, "birth_date": birth_date, "id_number": id_number}
    data |= {"phone": phone, "address": plain(address), "household": household}
    cleaned = _cleaned(data)
    initials, full = name_keys(cleaned["name"])
    person = Person.objects.create(**cleaned, name_initials=initials, name_pinyin=full)
    person.tags.set(list(tags))
    audit_record(
        by=by,
        action="person.register",
        obj=person,
        org_unit=org_unit,
        summary={"id_number": bool(person.id_number), "phone": bool(person.phone), "tags": [t.code for t in tags]},
    )
    return person


@transaction.atomic
def person_update(*, by: User, person: Person, tags: Iterable[CategoryTag] | None = None, **data: Any) -> Person:
    """Change a person's fields; moving the person needs both units in scope. Numbers are audited as changed."""
    require(by, "change_person", person.org_unit)
    target = data.get("org_unit", person.org_unit)
    require(by, "change_person", target)
    merged = {f: getattr(person, f) for f in ("org_unit", "name", "sex", "birth_date", "id_number", "phone")}
    merged |= {"address": person.address, "household": person.household} | data
    cleaned = _cleaned(merged, exclude=person.pk)
    changes = field_changes(person, {k: cleaned[k] for k in merged}, secret=SECRET_FIELDS)
    if "name" in changes:
        person.name_initials, person.name_pinyin = name_keys(person.name)
    person.save()
    if tags is not None:
        before = set(person.tags.values_list("code", flat=True))
        person.tags.set(list(tags))
        after = {t.code for t in tags}
        if before != after:
            changes["tags"] = [sorted(before), sorted(after)]
    if changes:
        audit_record(by=by, action="person.update", obj=person, org_unit=person.org_unit, summary=changes)
    return person


@transaction.atomic
def travel_entry_add(
    *,
    by: User,
    person: Person,
    from_region: str,
    arrival_date: dt.date | None = None,
    from_division_code: str = "",
    mode: str = "",
    transport_number: str = "",
) -> TravelEntry:
    require(by, "add_travelentry", person.org_unit)
    errors: dict[str, str] = {}
    if not plain(from_region):
        errors["from_region"] = _("Say where the person came from.")
    if from_division_code and not (from_division_code.isdigit() and len(from_division_code) in (2, 4, 6, 9, 12)):
        errors["from_division_code"] = _("A division code has 2, 4, 6, 9 or 12 digits.")
    if arrival_date and arrival_date > dt.date.today():
        errors["arrival_date"] = _("The arrival date is in the future.")
    if mode and mode not in TravelEntry.Mode.values:
        errors["mode"] = _("Choose a means of transport from the list.")
    if errors:
        raise ValidationError(errors)
    entry = TravelEntry.objects.create(
        person=person,
        from_region=plain(from_region),
        from_division_code=from_division_code,
        arrival_date=arrival_date,
        mode=mode,
        transport_number=plain(transport_number).upper(),
    )
    audit_record(
        by=by,
        action="travel.add",
        obj=entry,
        org_unit=person.org_unit,
        summary={"person": person.pk, "from": entry.from_region, "arrival": str(arrival_date or "")},
    )
    return entry


@transaction.atomic
def household_create(*, by: User, org_unit: OrgUnit, address: str, head: Person | None = None) -> Household:
    require(by, "add_household", org_unit)
    if not plain(address):
        raise ValidationError({"address": _("Give the household's address.")})
    if head is not None and not head.org_unit.path.startswith(org_unit.path):
        raise ValidationError({"head": _("The head of household lives in another unit.")})
    household = Household.objects.create(org_unit=org_unit, address=plain(address), head=head)
    if head is not None:
        Person.objects.filter(pk=head.pk).update(household=household)
    audit_record(by=by, action="household.create", obj=household, org_unit=org_unit, summary={"address": address})
    return household


@transaction.atomic
def household_update(*, by: User, household: Household, address: str, head: Person | None) -> Household:
    require(by, "change_household", household.org_unit)
    if not plain(address):
        raise ValidationError({"address": _("Give the household's address.")})
    if head is not None and head.household_id != household.pk:
        raise ValidationError({"head": _("The head of household must be one of its members.")})
    changes = field_changes(household, {"address": plain(address), "head": head})
    household.save()
    if changes:
        audit_record(by=by, action="household.update", obj=household, org_unit=household.org_unit, summary=changes)
    return household


@transaction.atomic
def group_head_set(*, by: User, org_unit: OrgUnit, person: Person) -> GroupHead:
    """Name the head of a ten-household group or building (十户长, 楼栋长), who lives in it."""
    require(by, "change_household", org_unit)
    if org_unit.kind not in (OrgUnit.Kind.TEN_HOUSEHOLD, OrgUnit.Kind.BUILDING):
        raise ValidationError({"org_unit": _("Only a ten-household group or a building has a head.")})
    if not person.org_unit.path.startswith(org_unit.path):
        raise ValidationError({"person": _("The head must live in the group.")})
    head, _created = GroupHead.objects.update_or_create(org_unit=org_unit, defaults={"person": person})
    audit_record(by=by, action="group_head.set", obj=head, org_unit=org_unit, summary={"person": person.pk})
    return head


@transaction.atomic
def person_merge(*, by: User, keep: Person, duplicate: Person) -> Person:
    """Fold ``duplicate`` into ``keep``: its travels, visit tasks and household move over; the record stays,
    marked as merged, so its history can still be read.
    """
    for person in (keep, duplicate):
        require(by, "merge_person", person.org_unit)
    if keep.pk == duplicate.pk or keep.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("Choose two different records that are not merged already."))
    if keep.id_number and duplicate.id_number and keep.id_number != duplicate.id_number:
        raise ValidationError(_("The two records have different ID numbers: they are two persons."))
    moved_tasks = 0
    for task in VisitTask.objects.filter(person=duplicate).select_related("round"):
        if VisitTask.objects.filter(round=task.round, person=keep).exists():
            continue  # the kept record is already targeted in that round; the duplicate's task stays with it
        task.person = keep
        task.save(update_fields=["person"])
        moved_tasks += 1
    travels = TravelEntry.objects.filter(person=duplicate).update(person=keep)
    fill = {f: getattr(duplicate, f) for f in ("phone", "address", "birth_date", "sex") if not getattr(keep, f)}
    if duplicate.household_id and not keep.household_id:
        fill["household"] = duplicate.household
    if duplicate.id_number and not keep.id_number:
        fill["id_number"] = duplicate.id_number
        duplicate.id_number = ""
    changes = field_changes(keep, fill, secret=SECRET_FIELDS)
    keep.tags.add(*duplicate.tags.all())
    duplicate.merged_into = keep
    duplicate.save()
    keep.save()
    audit_record(
        by=by,
        action="person.merge",
        obj=keep,
        org_unit=keep.org_unit,
        summary={"duplicate": duplicate.pk, "travels": travels, "tasks": moved_tasks, "filled": changes},
    )
    return keep
