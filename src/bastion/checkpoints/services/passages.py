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
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.checkpoints.figures import ARRIVALS_OPEN, DIRECTION_KEY
from bastion.checkpoints.models import Arrival, Passage, PassageField, Post, RiskArea, arrival_deadline
from bastion.checkpoints.services.common import require
from bastion.core.crypto import keyed_hash
from bastion.core.models import OrgUnit, User
from bastion.core.prepared import PreparedRead, instance_insert
from bastion.core.services.audit import audit_record, field_changes
from bastion.dashboard.figures import figure_add
from bastion.reporting.services.immediate import command_unit_of
from bastion.residents.models import Person
from bastion.residents.models.screening import FEVER_FROM
from bastion.residents.services.settings import checklist_item_save
from bastion.residents.validation import Invalid, id_number_clean, phone_clean, plain, plate_clean, temperature_error

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: read aloud at a post


def confirmation_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(6))


RISK_AREAS_KEY = "checkpoints:risk-area-codes"
# Risk areas and the county above a post are read by every passage but change a few times in an
# emergency: they are kept in Django's cache. A change through ``riskarea_save`` drops the entry at
# once (in every process when the cache is shared, as in production); a change made another way
# (a migration, the shell), or with a per-process cache, is seen within the time-out.
RISK_AREAS_SECONDS = 30
COUNTY_SECONDS = 300


def risk_area_codes() -> tuple[str, ...]:
    """The division-code prefixes of the active risk areas."""
    codes: tuple[str, ...] | None = cache.get(RISK_AREAS_KEY)
    if codes is None:
        codes = tuple(RiskArea.objects.filter(is_active=True).values_list("division_code", flat=True))
        cache.set(RISK_AREAS_KEY, codes, RISK_AREAS_SECONDS)
    return codes


def county_of(unit: OrgUnit) -> OrgUnit:
    """``command_unit_of(unit)``, cached under the unit's id and path: a post moved to another unit, or a
    unit moved in the tree, is looked up afresh."""
    key = f"checkpoints:county-of:{unit.pk}:{unit.path}"
    county: OrgUnit | None = cache.get(key)
    if county is None:
        county = command_unit_of(unit)
        cache.set(key, county, COUNTY_SECONDS)
    return county


@transaction.atomic
def riskarea_save(
    *, by: User | None, area: RiskArea | None = None, name: str, division_code: str, is_active: bool = True
) -> RiskArea:
    """Add or change a risk area; the next passage sees it."""
    perm = "checkpoints.add_riskarea" if area is None else "checkpoints.change_riskarea"
    if by is not None and not by.has_perm(perm):
        raise PermissionDenied(_("You may not change the risk areas."))
    code = plain(division_code).replace(" ", "")
    errors: dict[str, str] = {}
    if not plain(name):
        errors["name"] = _("Name the risk area.")
    if not code or not code.isdigit() or len(code) > 12:
        errors["division_code"] = _("A division code has digits only, such as 420100.")
    if errors:
        raise ValidationError(errors)
    created = area is None
    area = area or RiskArea()
    changes = field_changes(area, {"name": plain(name)[:100], "division_code": code, "is_active": is_active})
    area.save()
    transaction.on_commit(lambda: cache.delete(RISK_AREAS_KEY))
    cache.delete(RISK_AREAS_KEY)  # also now, for the rest of this transaction
    audit_record(by=by, action="riskarea.create" if created else "riskarea.update", obj=area, summary=changes)
    return area


PASSAGE_FIELDS_KEY = "checkpoints:passage-fields"
YES = frozenset({"yes", "y", "true", "1", "on", "是"})
NO = frozenset({"no", "n", "false", "0", "off", "否"})
EXTRA_PREFIX = "extra_"  # a form's field, and an error's key, for an other field: extra_<code>


def passage_fields() -> list[PassageField]:
    """The other fields asked for at every passage, in order (cached; ``passage_field_save`` drops it)."""
    fields: list[PassageField] | None = cache.get(PASSAGE_FIELDS_KEY)
    if fields is None:
        fields = list(PassageField.objects.filter(is_active=True).order_by("sort_order", "code"))
        cache.set(PASSAGE_FIELDS_KEY, fields, RISK_AREAS_SECONDS)
    return fields


@transaction.atomic
def passage_field_save(
    *,
    by: User,
    field: PassageField | None,
    code: str,
    names: dict[str, str],
    kind: str,
    required: bool = False,
    sort_order: int = 0,
    is_active: bool = True,
) -> PassageField:
    """Add or change an other field of passages (a configurable list: the HQ at the top of the tree only);
    the next passage asks for it."""
    if kind not in PassageField.Kind.values:
        raise ValidationError({"kind": _("Choose text, number or yes or no.")})
    saved = checklist_item_save(
        by=by,
        model=PassageField,
        item=field,
        code=code,
        names=names,
        sort_order=sort_order,
        is_active=is_active,
        extra={"kind": kind, "required": required},
    )
    assert isinstance(saved, PassageField)
    cache.delete(PASSAGE_FIELDS_KEY)
    transaction.on_commit(lambda: cache.delete(PASSAGE_FIELDS_KEY))
    return saved


def _yes_or_no(text: str) -> bool | None:
    return True if text.lower() in YES else False if text.lower() in NO else None


def _number(text: str) -> str | None:
    """The number written, as its exact text (12.50 stays 12.50); None if it is not one."""
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return str(number) if number.is_finite() and len(text) <= 20 else None


def passage_extra_clean(
    extra: Mapping[str, Any] | None, fields: list[PassageField]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The other fields' values, checked against their kinds: text, a number (kept as its exact text) or
    yes/no (true or false); and the errors, under ``extra_<code>``, naming the field."""
    given = dict(extra or {})
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        value = given.pop(field.code, None)
        key, label = f"{EXTRA_PREFIX}{field.code}", str(field)
        text = "" if value is None or isinstance(value, bool) else plain(str(value))
        if value is None or (text == "" and not isinstance(value, bool)):
            if field.required:
                errors[key] = _("%(field)s: this is required.") % {"field": label}
        elif field.kind == PassageField.Kind.YES_NO:
            answer = value if isinstance(value, bool) else _yes_or_no(text)
            if answer is None:
                errors[key] = _("%(field)s: answer yes or no.") % {"field": label}
            else:
                clean[field.code] = answer
        elif field.kind == PassageField.Kind.NUMBER:
            number = _number(text) if not isinstance(value, bool) else None
            if number is None:
                errors[key] = _("%(field)s: give a number, such as 12 or 3.5.") % {"field": label}
            else:
                clean[field.code] = number
        else:
            clean[field.code] = text[:200] if text else str(value)
    for code in given:
        errors[f"{EXTRA_PREFIX}{code}"] = _("No other field is called %(code)s.") % {"code": plain(str(code))[:40]}
    return clean, errors


def extra_shown(passage: Passage, fields: list[PassageField]) -> list[tuple[str, str]]:
    """(label, value) of what a passage holds in its other fields, in the fields' order; yes/no in words."""
    labels = {field.code: str(field) for field in fields}
    order = {field.code: i for i, field in enumerate(fields)}
    shown = []
    for code in sorted(passage.extra, key=lambda c: (order.get(c, len(order)), c)):
        value = passage.extra[code]
        text = (_("yes") if value else _("no")) if isinstance(value, bool) else str(value)
        shown.append((labels.get(code, code), text))
    return shown


def exception_reasons(
    *, county: OrgUnit, direction: str, from_code: str, to_unit: OrgUnit | None, temperature: Decimal | None
) -> list[str]:
    """Why a passage must be registered in full and, for an arrival, verified by its village."""
    reasons = []
    risk = bool(from_code) and from_code.startswith(risk_area_codes())
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


def _earlier(idempotency_key: uuid.UUID, post: Post) -> Passage | None:
    """The passage already registered under ``idempotency_key``; refused if it was at another post."""
    earlier = Passage.objects.select_related("post", "to_unit", "arrival").filter(idempotency_key=idempotency_key)
    found = earlier.first()
    if found is not None and found.post_id != post.pk:
        raise ValidationError(_("This idempotency key was already used at another post."))
    return found


# Every passage with an ID number reads the register: compiled once (``core.prepared``).
_REGISTERED = PreparedRead(
    lambda id_hash: (
        Person.objects.filter(id_hash=id_hash, merged_into__isnull=True).only("pk", "name", "phone").order_by("pk")
    ),
    id_hash="stand-in ID hash",
)


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
    extra: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
    self_registered: bool = False,
    source_hash: str = "",
    idempotency_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Passage:
    """Register one person passing; someone already in the register fills in from it.

    Everything is checked before the transaction opens (on SQLite it holds the write lock); the passage,
    its arrival and the audit event are written in one. A retry with the same idempotency key, even one
    arriving while the first is being written, gives back the first passage: the key's unique index
    decides, so the common case (a new key) costs no look-up.
    """
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
        person = _REGISTERED.first(id_hash=keyed_hash(clean["id_number"]))
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
    county = county_of(post.org_unit)
    if to_unit is not None and (not to_unit.is_active or not to_unit.path.startswith(county.path)):
        errors["to_unit"] = _("Choose a unit of %(county)s, or write where outside it.") % {
            "county": county.display_name
        }
    code = plain(from_division_code).replace(" ", "")
    if code and not code.isdigit():
        errors["from_division_code"] = _("A division code has digits only, such as 420100.")
    extra_values, extra_errors = passage_extra_clean(extra, passage_fields())
    errors |= extra_errors
    if errors:
        if idempotency_key is not None and (earlier := _earlier(idempotency_key, post)) is not None:
            return earlier  # registered before, and something changed since (the post closed, say)
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
        extra=extra_values,
        is_exception=bool(reasons),
        exception_reasons=reasons,
        recorded_by=by,
        self_registered=self_registered,
        source_hash=source_hash,
        confirmation_code=confirmation_code(),
        idempotency_key=idempotency_key,
        **clean,
    )
    try:
        with transaction.atomic():
            instance_insert(passage)
            figure_add(post.org_unit, DIRECTION_KEY[direction], 1, timezone.localdate(at))
            if "arrival" in reasons and to_unit is not None:
                instance_insert(Arrival(passage=passage, org_unit=to_unit, due_at=arrival_deadline(at)))
                figure_add(to_unit, ARRIVALS_OPEN, 1, timezone.localdate(at))
            else:
                Passage.arrival.related.set_cached_value(passage, None)  # none: not looked up when shown
            audit_record(
                by=by,
                action="passage.self_register" if self_registered else "passage.record",
                obj=passage,
                org_unit=post.org_unit,
                summary={
                    "post": post.pk,
                    "direction": direction,
                    "exception": reasons,
                    "to": to_unit.pk if to_unit else None,
                },
            )
    except IntegrityError:
        # The same request, arrived twice at once: the key's unique index refused the second.
        earlier = _earlier(idempotency_key, post) if idempotency_key is not None else None
        if earlier is None:
            raise
        return earlier
    return passage


@transaction.atomic
def passage_count(*, by: User | None, post: Post, direction: str, now: dt.datetime | None = None) -> Passage:
    """Counting mode: one tap counts one person in or out, with no personal data."""
    require(by, "add_passage", post.org_unit)
    if direction not in Passage.Direction.values:
        raise ValidationError({"direction": _("Choose in or out.")})
    if not post.is_active:
        raise ValidationError({"post": _("This checkpoint is closed.")})
    passage = Passage.objects.create(
        post=post,
        org_unit=post.org_unit,
        direction=direction,
        at=now or timezone.now(),
        counted_only=True,
        recorded_by=by,
    )
    figure_add(post.org_unit, DIRECTION_KEY[direction], 1, timezone.localdate(passage.at))
    return passage
