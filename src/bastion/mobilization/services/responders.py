"""The register of responders: adding, changing, and the Excel import."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.crypto import keyed_hash
from bastion.core.models import Institution, OrgUnit, User
from bastion.core.services.audit import audit_record, field_changes
from bastion.mobilization.models import Responder, ResponderCategory
from bastion.mobilization.services.common import phone_or_error, require
from bastion.residents.validation import name_keys

SECRET = frozenset({"phone"})


def _check(
    *, org_unit: OrgUnit, institution: Institution | None, phone: str, category: ResponderCategory, exclude: int | None
) -> str:
    errors: dict[str, str] = {}
    if phone:
        try:
            phone = phone_or_error(phone)
        except ValidationError as error:
            errors |= {k: v[0] for k, v in error.message_dict.items()}
        else:
            taken = Responder.objects.filter(phone_hash=keyed_hash(phone))
            if exclude is not None:
                taken = taken.exclude(pk=exclude)
            other = taken.select_related("org_unit").first()
            if other is not None:
                message = _("This phone number is already registered for a responder of %(unit)s.")
                errors["phone"] = message % {"unit": other.org_unit.display_name}
    if institution is not None and not institution.org_unit.path.startswith(org_unit.path):
        errors["institution"] = _("The institution is not in %(unit)s.") % {"unit": org_unit.display_name}
    if not category.is_active:
        errors["category"] = _("This category is no longer in use.")
    if errors:
        raise ValidationError(errors)
    return phone


@transaction.atomic
def responder_create(
    *,
    by: User,
    org_unit: OrgUnit,
    name: str,
    category: ResponderCategory,
    phone: str = "",
    institution: Institution | None = None,
    skills: str = "",
    availability: str = "",
    user: User | None = None,
) -> Responder:
    require(by, "add_responder", org_unit)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the name.")})
    phone = _check(org_unit=org_unit, institution=institution, phone=phone, category=category, exclude=None)
    initials, pinyin = name_keys(name)
    responder = Responder.objects.create(
        org_unit=org_unit,
        institution=institution,
        name=name,
        name_initials=initials,
        name_pinyin=pinyin,
        phone=phone,
        category=category,
        skills=skills.strip(),
        availability=availability.strip(),
        user=user,
    )
    audit_record(
        by=by,
        action="responder.create",
        obj=responder,
        org_unit=org_unit,
        summary={"category": category.code, "phone": "set" if phone else ""},
    )
    return responder


@transaction.atomic
def responder_update(*, by: User, responder: Responder, **data: Any) -> Responder:
    """Change a responder: ``data`` holds the fields of the form (name, phone, category, unit…)."""
    require(by, "change_responder", responder.org_unit)
    unit = data.get("org_unit", responder.org_unit)
    require(by, "change_responder", unit)
    if "name" in data:
        data["name"] = data["name"].strip()
        if not data["name"]:
            raise ValidationError({"name": _("Give the name.")})
    data["phone"] = _check(
        org_unit=unit,
        institution=data.get("institution", responder.institution),
        phone=data.get("phone", responder.phone),
        category=data.get("category", responder.category),
        exclude=responder.pk,
    )
    changes = field_changes(responder, data, SECRET)
    responder.name_initials, responder.name_pinyin = name_keys(responder.name)
    responder.save()
    audit_record(by=by, action="responder.update", obj=responder, org_unit=unit, summary=changes)
    return responder
