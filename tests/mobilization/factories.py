"""Responders and shifts for the mobilization tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from bastion.core.models import OrgUnit
from bastion.mobilization.models import Responder, ResponderCategory, Shift, ShiftTurn
from bastion.residents.validation import name_keys

_phones = itertools.count(1)


def phone() -> str:
    """A fresh, valid mobile number."""
    return f"139{next(_phones):08d}"


def responder(org_unit: OrgUnit, name: str = "王建国", *, category: str = "cadre", **kwargs: object) -> Responder:
    initials, pinyin = name_keys(name)
    fields: dict[str, object] = {"phone": phone(), "name_initials": initials, "name_pinyin": pinyin} | kwargs
    return Responder.objects.create(
        org_unit=org_unit, name=name, category=ResponderCategory.objects.get(code=category), **fields
    )


def shift(
    org_unit: OrgUnit,
    *people: Responder,
    starts_at: dt.datetime | None = None,
    hours: int = 8,
    post: object = None,
) -> Shift:
    """A shift with ``people`` on it, the first as its lead."""
    starts_at = starts_at or timezone.now()
    made = Shift.objects.create(
        org_unit=org_unit,
        post=post,
        day=timezone.localdate(starts_at),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
    )
    ShiftTurn.objects.bulk_create(ShiftTurn(shift=made, responder=p, is_lead=i == 0) for i, p in enumerate(people))
    return made
