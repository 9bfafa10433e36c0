"""Writes to the org-unit tree: create, edit, move, deactivate, institutions, contacts."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from bastion.core.crypto import keyed_hash
from bastion.core.extensions import UNIT_MOVED
from bastion.core.models import Institution, OrgUnit, UnitContact, User
from bastion.core.models.orgunits import path_segment, subtree_upper_bound
from bastion.core.scope import unit_in_scope
from bastion.core.services.audit import audit_record, field_changes

# A child's kind must rank below its parent's.
KIND_RANK = {
    OrgUnit.Kind.PROVINCE: 0,
    OrgUnit.Kind.PREFECTURE: 1,
    OrgUnit.Kind.COUNTY: 2,
    OrgUnit.Kind.TOWNSHIP: 3,
    OrgUnit.Kind.VILLAGE: 4,
    OrgUnit.Kind.COMMUNITY: 4,
    OrgUnit.Kind.COMPOUND: 5,
    OrgUnit.Kind.BUILDING: 6,
    OrgUnit.Kind.TEN_HOUSEHOLD: 7,
}
DIVISION_CODE_RE = re.compile(r"^\d{12}$")


def pinyin_keys(text: str) -> tuple[str, str]:
    """Pinyin initials and full pinyin, lower case: 张三 -> ("zs", "zhangsan")."""
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    return initials[:100], full[:400]


def _require(by: User | None, perm: str, unit: OrgUnit) -> None:
    """Refuse a change the role does not allow or a unit outside the scope; ``by=None`` is the system."""
    if by is not None and (not by.has_perm(f"core.{perm}") or not unit_in_scope(by, unit)):
        raise PermissionDenied(_("You may not change this unit or what belongs to it."))


def _validate_unit(
    *, kind: str, name: str, parent: OrgUnit | None, division_code: str | None, exclude_pk: int | None = None
) -> None:
    errors: dict[str, str] = {}
    if kind not in KIND_RANK:
        errors["kind"] = _("Unknown kind of unit: %(kind)s.") % {"kind": kind}
    elif parent is not None and KIND_RANK[OrgUnit.Kind(kind)] <= KIND_RANK[OrgUnit.Kind(parent.kind)]:
        errors["kind"] = _("A %(kind)s cannot be placed under a %(parent)s.") % {
            "kind": OrgUnit.Kind(kind).label,
            "parent": OrgUnit.Kind(parent.kind).label,
        }
    if not name.strip():
        errors["name"] = _("Give the unit a name.")
    if division_code:
        if not DIVISION_CODE_RE.match(division_code):
            errors["division_code"] = _("A division code has exactly 12 digits.")
        else:
            clash = OrgUnit.objects.filter(division_code=division_code).exclude(pk=exclude_pk or 0).first()
            if clash is not None:
                errors["division_code"] = _("Division code %(code)s already belongs to %(unit)s.") % {
                    "code": division_code,
                    "unit": clash.display_name,
                }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def orgunit_create(
    *,
    by: User | None,
    parent: OrgUnit | None,
    kind: str,
    name: str,
    short_name: str = "",
    division_code: str | None = None,
    sort_order: int = 0,
    population: int | None = None,
) -> OrgUnit:
    """Create a unit under ``parent``; ``by=None`` is the system (init, demo)."""
    if by is not None:
        if parent is None and not by.is_superuser:
            raise PermissionDenied(_("Only a superuser can create a top-level unit."))
        if parent is not None:
            _require(by, "add_orgunit", parent)
    division_code = division_code or None
    _validate_unit(kind=kind, name=name, parent=parent, division_code=division_code)
    initials, full = pinyin_keys(short_name or name)
    unit = OrgUnit.objects.create(
        parent=parent,
        kind=kind,
        name=name.strip(),
        short_name=short_name.strip(),
        division_code=division_code,
        sort_order=sort_order,
        population=population,
        depth=parent.depth + 1 if parent else 0,
        # A unique placeholder until the id is known.
        path=f"new-{uuid4().hex}",
        pinyin_initials=initials,
        pinyin_full=full,
    )
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.save(update_fields=["path"])
    audit_record(
        by=by,
        action="orgunit.create",
        obj=unit,
        org_unit=unit,
        summary={"name": unit.name, "kind": unit.kind, "parent": parent.pk if parent else None},
    )
    return unit


@transaction.atomic
def orgunit_update(*, by: User | None, unit: OrgUnit, data: dict[str, Any]) -> OrgUnit:
    """Edit name, short name, kind, division code or sort order (not the place in the tree)."""
    _require(by, "change_orgunit", unit)
    allowed = {"name", "short_name", "kind", "division_code", "sort_order", "population"}
    data = {k: v for k, v in data.items() if k in allowed}
    if "division_code" in data:
        data["division_code"] = data["division_code"] or None
    _validate_unit(
        kind=data.get("kind", unit.kind),
        name=data.get("name", unit.name),
        parent=unit.parent,
        division_code=data.get("division_code", unit.division_code),
        exclude_pk=unit.pk,
    )
    if "kind" in data and data["kind"] != unit.kind:
        child_kinds = set(unit.children.values_list("kind", flat=True))
        rank = KIND_RANK[OrgUnit.Kind(data["kind"])]
        if any(KIND_RANK[OrgUnit.Kind(k)] <= rank for k in child_kinds):
            raise ValidationError({"kind": _("The units below this one would then outrank it.")})
    changes = field_changes(unit, data)
    if changes:
        unit.pinyin_initials, unit.pinyin_full = pinyin_keys(unit.short_name or unit.name)
        unit.save()
        audit_record(by=by, action="orgunit.update", obj=unit, org_unit=unit, summary=changes)
    return unit


@transaction.atomic
def orgunit_move(*, by: User | None, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Move a unit and its whole subtree under ``new_parent``, rewriting paths in one statement."""
    _require(by, "change_orgunit", unit)
    _require(by, "change_orgunit", new_parent)
    unit.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"new_parent": _("A unit cannot be moved under itself or one of its own units.")})
    if unit.parent_id == new_parent.pk:
        raise ValidationError({"new_parent": _("The unit is already there.")})
    if KIND_RANK[OrgUnit.Kind(unit.kind)] <= KIND_RANK[OrgUnit.Kind(new_parent.kind)]:
        raise ValidationError(
            {
                "new_parent": _("A %(kind)s cannot be placed under a %(parent)s.")
                % {"kind": OrgUnit.Kind(unit.kind).label, "parent": OrgUnit.Kind(new_parent.kind).label}
            }
        )
    old_parent = unit.parent
    old_prefix = unit.path
    new_prefix = new_parent.path + path_segment(unit.pk)
    moved = OrgUnit.objects.filter(path__gte=old_prefix, path__lt=subtree_upper_bound(old_prefix)).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1, Length("path"))),
        depth=F("depth") + (new_parent.depth + 1 - unit.depth),
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    for moved_hook in UNIT_MOVED:
        moved_hook(unit, old_prefix)
    audit_record(
        by=by,
        action="orgunit.move",
        obj=unit,
        org_unit=unit,
        summary={"parent": [str(old_parent), str(new_parent)], "units_moved": moved},
    )
    return unit


@transaction.atomic
def orgunit_set_active(*, by: User | None, unit: OrgUnit, active: bool) -> int:
    """Deactivate (or reactivate) a unit with everything below it; returns how many changed."""
    _require(by, "change_orgunit", unit)
    low, high = unit.subtree_bounds
    changed = OrgUnit.objects.filter(path__gte=low, path__lt=high, is_active=not active).update(is_active=active)
    unit.refresh_from_db()
    audit_record(
        by=by,
        action="orgunit.activate" if active else "orgunit.deactivate",
        obj=unit,
        org_unit=unit,
        summary={"units": changed},
    )
    return changed


def _validate_institution(
    *, org_unit: OrgUnit, kind: str, name: str, designated: bool = False, exclude_pk: int | None = None
) -> None:
    errors: dict[str, str] = {}
    if kind not in Institution.Kind.values:
        errors["kind"] = _("Unknown kind of institution: %(kind)s.") % {"kind": kind}
    elif designated and kind != Institution.Kind.MEDICAL:
        errors["designated"] = _("Only a medical institution can be a designated hospital.")
    if not name.strip():
        errors["name"] = _("Give the institution a name.")
    elif Institution.objects.filter(org_unit=org_unit, name=name.strip()).exclude(pk=exclude_pk or 0).exists():
        errors["name"] = _("%(unit)s already has an institution named %(name)s.") % {
            "unit": org_unit.display_name,
            "name": name.strip(),
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def institution_create(
    *, by: User | None, org_unit: OrgUnit, kind: str, name: str, note: str = "", designated: bool = False
) -> Institution:
    _require(by, "add_institution", org_unit)
    _validate_institution(org_unit=org_unit, kind=kind, name=name, designated=designated)
    institution = Institution.objects.create(
        org_unit=org_unit,
        kind=kind,
        name=name.strip(),
        note=note,
        designated=designated,
        pinyin_initials=pinyin_keys(name)[0][:150],
    )
    audit_record(
        by=by, action="institution.create", obj=institution, org_unit=org_unit, summary={"name": name, "kind": kind}
    )
    return institution


@transaction.atomic
def institution_update(*, by: User | None, institution: Institution, data: dict[str, Any]) -> Institution:
    _require(by, "change_institution", institution.org_unit)
    data = {k: v for k, v in data.items() if k in {"org_unit", "kind", "name", "note", "designated", "is_active"}}
    if "org_unit" in data:
        _require(by, "change_institution", data["org_unit"])
    _validate_institution(
        org_unit=data.get("org_unit", institution.org_unit),
        kind=data.get("kind", institution.kind),
        name=data.get("name", institution.name),
        designated=data.get("designated", institution.designated),
        exclude_pk=institution.pk,
    )
    changes = field_changes(institution, data)
    if changes:
        institution.pinyin_initials = pinyin_keys(institution.name)[0][:150]
        institution.save()
        audit_record(
            by=by, action="institution.update", obj=institution, org_unit=institution.org_unit, summary=changes
        )
    return institution


@transaction.atomic
def contact_create(*, by: User, org_unit: OrgUnit, name: str, title: str, phone: str = "") -> UnitContact:
    _require(by, "add_unitcontact", org_unit)
    contact = UnitContact.objects.create(
        org_unit=org_unit, name=name, title=title, phone=phone, phone_hash=keyed_hash(phone) if phone else ""
    )
    audit_record(
        by=by,
        action="contact.create",
        obj=contact,
        org_unit=org_unit,
        summary={"name": name, "title": title, "phone": "set" if phone else ""},
    )
    return contact


@transaction.atomic
def contact_delete(*, by: User, contact: UnitContact) -> None:
    _require(by, "delete_unitcontact", contact.org_unit)
    audit_record(
        by=by,
        action="contact.delete",
        obj=contact,
        org_unit=contact.org_unit,
        summary={"name": contact.name, "title": contact.title},
    )
    contact.delete()
