"""Places that need inspection (人员密集场所) and the checklist items of their kinds."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope
from bastion.core.services.audit import audit_record, field_changes
from bastion.outreach.models import ChecklistItem, Place, PlaceKind
from bastion.residents.services.settings import may_change_lists
from bastion.residents.validation import Invalid, phone_clean, plain

MAX_INTERVAL_DAYS = 365
CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")
SECRET = frozenset({"responsible_phone"})


def _fields(
    *,
    place: Place | None,
    org_unit: OrgUnit,
    kind: PlaceKind,
    name: str,
    address: str,
    responsible_name: str,
    responsible_phone: str,
    disinfect_every_days: int | None,
) -> dict[str, object]:
    errors: dict[str, str] = {}
    name = plain(name)[:150]
    if not name:
        errors["name"] = _("Give the place a name.")
    elif Place.objects.filter(org_unit=org_unit, name=name).exclude(pk=place.pk if place else 0).exists():
        errors["name"] = _("%(unit)s already has a place named %(name)s.") % {
            "unit": org_unit.display_name,
            "name": name,
        }
    if not kind.is_active and (place is None or place.kind_id != kind.pk):
        errors["kind"] = _("The kind %(kind)s is no longer in use.") % {"kind": kind}
    phone = ""
    if responsible_phone.strip():
        try:
            phone = phone_clean(responsible_phone)
        except Invalid as exc:
            errors["responsible_phone"] = exc.message
    if disinfect_every_days is not None and not 1 <= disinfect_every_days <= MAX_INTERVAL_DAYS:
        errors["disinfect_every_days"] = _("Disinfect every 1 to %(max)s days, or leave it empty.") % {
            "max": MAX_INTERVAL_DAYS
        }
    if errors:
        raise ValidationError(errors)
    return {
        "org_unit": org_unit,
        "kind": kind,
        "name": name,
        "address": plain(address)[:200],
        "responsible_name": plain(responsible_name)[:100],
        "responsible_phone": phone,
        "disinfect_every_days": disinfect_every_days,
    }


@transaction.atomic
def place_create(
    *,
    by: User | None,
    org_unit: OrgUnit,
    kind: PlaceKind,
    name: str,
    address: str = "",
    responsible_name: str = "",
    responsible_phone: str = "",
    disinfect_every_days: int | None = None,
) -> Place:
    """A place to inspect, in a unit of the scope; its own disinfection interval, when given, overrides its kind's."""
    require_in_scope(by, "outreach.add_place", org_unit)
    data = _fields(
        place=None,
        org_unit=org_unit,
        kind=kind,
        name=name,
        address=address,
        responsible_name=responsible_name,
        responsible_phone=responsible_phone,
        disinfect_every_days=disinfect_every_days,
    )
    place = Place.objects.create(**data)
    audit_record(
        by=by,
        action="place.create",
        obj=place,
        org_unit=org_unit,
        summary={"name": place.name, "kind": kind.code, "phone": "given" if place.responsible_phone else ""},
    )
    return place


@transaction.atomic
def place_update(
    *,
    by: User | None,
    place: Place,
    org_unit: OrgUnit,
    kind: PlaceKind,
    name: str,
    address: str = "",
    responsible_name: str = "",
    responsible_phone: str = "",
    disinfect_every_days: int | None = None,
    is_active: bool = True,
) -> Place:
    """Change a place; moving it to another unit needs the right on both units."""
    require_in_scope(by, "outreach.change_place", place.org_unit)
    require_in_scope(by, "outreach.change_place", org_unit)
    data = _fields(
        place=place,
        org_unit=org_unit,
        kind=kind,
        name=name,
        address=address,
        responsible_name=responsible_name,
        responsible_phone=responsible_phone,
        disinfect_every_days=disinfect_every_days,
    )
    data["is_active"] = is_active
    changes = field_changes(place, data, secret=SECRET)
    if changes:
        place.save()
        audit_record(by=by, action="place.update", obj=place, org_unit=org_unit, summary=changes)
    return place


def _require_hq(by: User, perm: str) -> None:
    if not by.has_perm(f"outreach.{perm}") or not may_change_lists(by):
        raise PermissionDenied(_("Only the HQ changes the checklists."))


@transaction.atomic
def checklist_item_save(
    *,
    by: User,
    place_kind: PlaceKind,
    item: ChecklistItem | None,
    code: str,
    names: dict[str, str],
    sort_order: int = 0,
    is_active: bool = True,
) -> ChecklistItem:
    """Add a point to a kind's checklist or change one (its code never changes); only the HQ does it."""
    _require_hq(by, "add_checklistitem" if item is None else "change_checklistitem")
    if item is not None and item.place_kind_id != place_kind.pk:
        raise ValidationError({"place_kind": _("This item is on the checklist of another kind of place.")})
    names = {language: text.strip() for language, text in names.items() if text.strip()}
    errors: dict[str, str] = {}
    if not names.get("zh-hans"):
        errors["name_zh_hans"] = _("Give the Chinese name.")
    if item is None:
        if not CODE.fullmatch(code):
            errors["code"] = _("A code has 2 to 40 lower-case letters, digits or underscores, starting with a letter.")
        elif ChecklistItem.objects.filter(place_kind=place_kind, code=code).exists():
            errors["code"] = _("This code is already used on the checklist of %(kind)s.") % {"kind": place_kind}
    if errors:
        raise ValidationError(errors)
    if item is None:
        item = ChecklistItem.objects.create(
            place_kind=place_kind, code=code, names=names, sort_order=sort_order, is_active=is_active
        )
        audit_record(
            by=by,
            action="checklistitem.add",
            obj=item,
            summary={"kind": place_kind.code, "code": code, "names": names},
        )
        return item
    changes = field_changes(item, {"names": names, "sort_order": sort_order, "is_active": is_active})
    if changes:
        item.save()
        audit_record(by=by, action="checklistitem.change", obj=item, summary={"kind": place_kind.code, **changes})
    return item
