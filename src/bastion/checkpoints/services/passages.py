"""Passages at checkpoints (进出人员登记) and the closed loop (闭环) that hands arrivals to the villages.

An inbound passage whose destination is a unit of the county, from outside the county or from a
configured risk area, creates an arrival for that unit to verify within 24 hours; the result of the
verification is linked back to the passage. A retry with the same idempotency key, even concurrent,
gives back the one passage.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.checkpoints.models import Arrival, Passage, Post, RiskArea, arrival_deadline
from bastion.checkpoints.services.common import require
from bastion.core.crypto import keyed_hash
from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.reporting.services.immediate import command_unit_of
from bastion.residents.models import Person
from bastion.residents.models.screening import FEVER_FROM
from bastion.residents.validation import Invalid, id_number_clean, phone_clean, plain, plate_clean, temperature_error

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: read aloud at a post


def confirmation_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(6))


def exception_reasons(
    *, county: OrgUnit, direction: str, from_code: str, to_unit: OrgUnit | None, temperature: Decimal | None
) -> list[str]:
    """Why a passage must be registered in full and, for an arrival, verified by its village."""
    reasons = []
    risk = (
        any(
            from_code.startswith(code)
            for code in RiskArea.objects.filter(is_active=True).values_list("division_code", flat=True)
        )
        if from_code
        else False
    )
    if risk:
        reasons.append("risk_area")
    if temperature is not None and temperature >= Decimal(str(FEVER_FROM)):
        reasons.append("fever")
    county_code = (county.division_code or "")[:6]
    from_outside = not (from_code and county_code and from_code.startswith(county_code))
    if direction == Passage.Direction.IN and to_unit is not None and (from_outside or risk):
        reasons.append("arrival")
    return reasons


def _person_errors(name: str, id_number: str, phone: str, plate: str) -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"name": plain(name)[:100], "id_number": "", "phone": "", "plate": ""}
    cleaners: dict[str, tuple[str, Callable[[str], Any]]] = {
        "id_number": (id_number, lambda text: id_number_clean(text).number),
        "phone": (phone, phone_clean),
        "plate": (plate, plate_clean),
    }
    for field, (value, cleaner) in cleaners.items():
        if value.strip():
            try:
                clean[field] = cleaner(value)
            except Invalid as exc:
                errors[field] = exc.message
    return errors, clean


@transaction.atomic
def passage_record(
    *,
    by: User | None,
    post: Post,
    direction: str,
    name: str = "",
    id_number: str = "",
    phone: str = "",
    plate: str = "",
    from_region: str = "",
    from_division_code: str = "",
    to_unit: OrgUnit | None = None,
    to_outside: str = "",
    purpose: str = "",
    temperature: Decimal | None = None,
    extra: dict[str, str] | None = None,
    at: dt.datetime | None = None,
    self_registered: bool = False,
    idempotency_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Passage:
    """Register one person passing; someone already in the register fills in from it."""
    if idempotency_key is not None:
        earlier = Passage.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.post_id != post.pk:
                raise ValidationError(_("This idempotency key was already used at another post."))
            return earlier
    require(by, "add_passage", post.org_unit)
    now = now or timezone.now()
    at = at or now
    errors, clean = _person_errors(name, id_number, phone, plate)
    if not post.is_active:
        errors["post"] = _("This checkpoint is closed.")
    if direction not in Passage.Direction.values:
        errors["direction"] = _("Choose in or out.")
    person = None
    if clean["id_number"]:
        person = Person.objects.filter(id_hash=keyed_hash(clean["id_number"]), merged_into__isnull=True).first()
        if person is not None:
            clean["name"] = clean["name"] or person.name
            clean["phone"] = clean["phone"] or person.phone
    if not clean["name"]:
        errors["name"] = _("Give the full name.")
    if not clean["id_number"] and not clean["phone"]:
        errors.setdefault("id_number", _("Give the ID number or the phone number."))
    if message := temperature_error(temperature):
        errors["temperature"] = message
    if at > now + FUTURE_TOLERANCE:
        errors["at"] = _("The time lies in the future.")
    county = command_unit_of(post.org_unit)
    if to_unit is not None and (not to_unit.is_active or not to_unit.path.startswith(county.path)):
        errors["to_unit"] = _("Choose a unit of %(county)s, or write where outside it.") % {
            "county": county.display_name
        }
    code = plain(from_division_code).replace(" ", "")
    if code and not code.isdigit():
        errors["from_division_code"] = _("A division code has digits only, such as 420100.")
    if errors:
        raise ValidationError(errors)
    reasons = exception_reasons(
        county=county, direction=direction, from_code=code, to_unit=to_unit, temperature=temperature
    )
    passage = Passage(
        post=post,
        org_unit=post.org_unit,
        direction=direction,
        at=at,
        person=person,
        from_region=plain(from_region)[:100],
        from_division_code=code[:12],
        to_unit=to_unit,
        to_outside=plain(to_outside)[:100] if to_unit is None else "",
        purpose=plain(purpose)[:100],
        temperature=temperature,
        extra={k: plain(str(v))[:200] for k, v in (extra or {}).items()},
        is_exception=bool(reasons),
        exception_reasons=reasons,
        recorded_by=by,
        self_registered=self_registered,
        confirmation_code=confirmation_code(),
        idempotency_key=idempotency_key,
        **clean,
    )
    try:
        with transaction.atomic():
            passage.save()
    except IntegrityError:
        if idempotency_key is None:
            raise
        earlier = Passage.objects.get(idempotency_key=idempotency_key)  # the same request, arrived twice at once
        if earlier.post_id != post.pk:
            raise ValidationError(_("This idempotency key was already used at another post.")) from None
        return earlier
    if "arrival" in reasons and to_unit is not None:
        Arrival.objects.create(passage=passage, org_unit=to_unit, due_at=arrival_deadline(at))
    audit_record(
        by=by,
        action="passage.self_register" if self_registered else "passage.record",
        obj=passage,
        org_unit=post.org_unit,
        summary={"post": post.pk, "direction": direction, "exception": reasons, "to": to_unit.pk if to_unit else None},
    )
    return passage


@transaction.atomic
def passage_count(*, by: User | None, post: Post, direction: str, now: dt.datetime | None = None) -> Passage:
    """Counting mode: one tap counts one person in or out, with no personal data."""
    require(by, "add_passage", post.org_unit)
    if direction not in Passage.Direction.values:
        raise ValidationError({"direction": _("Choose in or out.")})
    if not post.is_active:
        raise ValidationError({"post": _("This checkpoint is closed.")})
    return Passage.objects.create(
        post=post,
        org_unit=post.org_unit,
        direction=direction,
        at=now or timezone.now(),
        counted_only=True,
        recorded_by=by,
    )
