"""Check-in with the unit's QR code (扫码报到): a signed code per unit, a phone number to say who one is.

The poster at a village's office carries ``unit_token(unit)``. A responder scans it and gives their
phone number: if they have a turn at this unit now (or within the hour), the turn checks in or out;
otherwise their pending assignment of an open batch to this unit is marked reported. A code of another
unit, a closed batch or an unknown number is refused with what to do instead. Attempts are throttled
per address, so the form cannot be used to find out who is registered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.crypto import keyed_hash
from bastion.core.models import OrgUnit
from bastion.core.throttle import attempts_counted
from bastion.mobilization.models import Assignment, Responder, ShiftTurn
from bastion.mobilization.services.attendance import EARLY_CHECK_IN, turn_check_in, turn_check_out
from bastion.mobilization.services.batches import assignment_report
from bastion.mobilization.services.common import phone_or_error

UNIT_SALT = "mobilization.check_in"
ATTEMPTS = 20
ATTEMPT_WINDOW = 10 * 60


def unit_token(unit: OrgUnit) -> str:
    return signing.Signer(salt=UNIT_SALT).sign(str(unit.pk))


def unit_from_token(token: str) -> OrgUnit:
    try:
        pk = int(signing.Signer(salt=UNIT_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise ValidationError(_("This check-in code is not valid. Scan the code posted at the unit.")) from None
    unit = OrgUnit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationError(_("This check-in code is not valid. Scan the code posted at the unit."))
    return unit


@dataclass(frozen=True)
class CheckIn:
    what: str  # "reported", "shift_in" or "shift_out"
    message: str


def _throttle(source: str) -> None:
    if attempts_counted(f"mobilization.check_in:{keyed_hash(source)}", ATTEMPT_WINDOW) > ATTEMPTS:
        raise ValidationError(_("Too many attempts from this device. Wait ten minutes, or ask the unit's cadre."))


def qr_check_in(
    *, unit: OrgUnit, phone: str, source: str, check_out: bool = False, now: dt.datetime | None = None
) -> CheckIn:
    """Check a responder in at ``unit`` by phone number; ``source`` is the device's address, for throttling."""
    _throttle(source)
    now = now or timezone.now()
    phone = phone_or_error(phone)
    responder = Responder.objects.filter(phone_hash=keyed_hash(phone), is_active=True).first()
    if responder is None:
        raise ValidationError(
            {"phone": _("This phone number is not in the register. Ask the unit's cadre to check you in.")}
        )
    here = Q(shift__org_unit=unit) | Q(shift__post__org_unit=unit)
    turn = (
        ShiftTurn.objects.filter(
            here,
            responder=responder,
            shift__cancelled=False,
            shift__starts_at__lte=now + EARLY_CHECK_IN,
            shift__ends_at__gt=now,
        )
        .select_related("shift__post", "shift__org_unit")
        .order_by("shift__starts_at")
        .first()
    )
    if turn is not None:
        where = turn.shift.post or turn.shift.org_unit
        if check_out:
            turn_check_out(by=None, turn=turn, now=now)
            return CheckIn("shift_out", _("Checked out of your shift at %(where)s. Thank you.") % {"where": where})
        turn_check_in(by=None, turn=turn, now=now)
        return CheckIn("shift_in", _("Checked in for your shift at %(where)s.") % {"where": where})
    if check_out:
        raise ValidationError(_("You have no shift here now to check out of."))
    mine = Assignment.objects.filter(responder=responder).select_related("batch", "unit").order_by("-batch__report_by")
    open_here = mine.filter(unit=unit, batch__closed_at__isnull=True).first()
    if open_here is not None:
        if open_here.status == Assignment.Status.REPORTED:
            return CheckIn("reported", _("You already reported to %(unit)s. Thank you.") % {"unit": unit})
        assignment_report(by=None, assignment=open_here, method=Assignment.Method.QR, now=now)
        return CheckIn(
            "reported", _("Reported to %(unit)s with %(batch)s. Thank you.") % {"unit": unit, "batch": open_here.batch}
        )
    closed_here = mine.filter(unit=unit).first()
    if closed_here is not None:
        raise ValidationError(_("%(batch)s is closed. Ask the unit's cadre.") % {"batch": closed_here.batch})
    elsewhere = mine.filter(batch__closed_at__isnull=True, status=Assignment.Status.PENDING).first()
    if elsewhere is not None:
        message = _("You are to report to %(unit)s, not here. Scan the code posted at %(unit)s.")
        raise ValidationError(message % {"unit": elsewhere.unit})
    raise ValidationError(_("You have neither a shift nor a batch to report to here. Ask the unit's cadre."))
