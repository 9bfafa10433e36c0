"""Gatherings (红白事): a family plans a wedding or a funeral, the village records it and the guidance it gave,
and later how it was held. The family's name and phone never reach the audit log."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope
from bastion.core.services.audit import audit_record, field_changes
from bastion.outreach.models import Gathering
from bastion.residents.validation import Invalid, phone_clean, plain

MAX_SIZE = 5000  # people at one gathering: more is a typing slip, or a matter for the HQ, not this register
DAYS_AROUND = 366
HELD = frozenset({Gathering.Outcome.SCALED_DOWN, Gathering.Outcome.HELD_SIMPLY, Gathering.Outcome.AS_PLANNED})
NOT_HELD = frozenset({Gathering.Outcome.POSTPONED, Gathering.Outcome.CANCELLED})
SECRET = frozenset({"family", "phone"})


def _size_error(value: object, *, least: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value < MAX_SIZE:
        return _("Give a whole number of people from %(least)s to %(most)s.") % {"least": least, "most": MAX_SIZE - 1}
    return ""


def _plan_checked(*, kind: str, family: str, phone: str, planned_on: object, expected_size: object) -> tuple[str, str]:
    """The family and phone, cleaned; every problem of the plan named at once."""
    errors: dict[str, str] = {}
    if kind not in Gathering.Kind.values:
        errors["kind"] = _("Choose a wedding, a funeral or another gathering.")
    family = plain(family)[:100]
    if not family:
        errors["family"] = _("Give the family: the head of the family's name.")
    try:
        phone = phone_clean(phone) if plain(phone) else ""
    except Invalid as exc:
        errors["phone"] = exc.message
    today = timezone.localdate()
    if not isinstance(planned_on, dt.date):
        errors["planned_on"] = _("Give the date the gathering is planned for.")
    elif abs((planned_on - today).days) > DAYS_AROUND:
        errors["planned_on"] = _("The date is more than a year away from today.")
    error = _size_error(expected_size, least=1)
    if error:
        errors["expected_size"] = error
    if errors:
        raise ValidationError(errors)
    return family, phone


@transaction.atomic
def gathering_record(
    *,
    by: User,
    org_unit: OrgUnit,
    kind: str,
    family: str,
    planned_on: dt.date,
    expected_size: int,
    phone: str = "",
    guidance: str = "",
) -> Gathering:
    """A family plans a wedding, a funeral or another gathering: the village records it and the guidance it gave
    (postpone, keep it small, no banquet)."""
    require_in_scope(by, "outreach.add_gathering", org_unit)
    family, phone = _plan_checked(
        kind=kind, family=family, phone=phone, planned_on=planned_on, expected_size=expected_size
    )
    gathering = Gathering.objects.create(
        org_unit=org_unit,
        kind=kind,
        family=family,
        phone=phone,
        planned_on=planned_on,
        expected_size=expected_size,
        guidance=plain(guidance)[:2000],
        created_by=by,
    )
    audit_record(
        by=by,
        action="outreach.gathering_record",
        obj=gathering,
        org_unit=org_unit,
        summary={
            "kind": kind,
            "family": "set",
            "phone": "set" if phone else "",
            "planned_on": f"{planned_on:%Y-%m-%d}",
            "expected_size": expected_size,
            "guidance": bool(gathering.guidance),
        },
    )
    return gathering


@transaction.atomic
def gathering_update_plan(
    *,
    by: User,
    gathering: Gathering,
    kind: str,
    family: str,
    planned_on: dt.date,
    expected_size: int,
    phone: str = "",
    guidance: str = "",
) -> Gathering:
    """Change the plan: another date, a smaller size, more guidance given."""
    require_in_scope(by, "outreach.change_gathering", gathering.org_unit)
    family, phone = _plan_checked(
        kind=kind, family=family, phone=phone, planned_on=planned_on, expected_size=expected_size
    )
    data = {
        "kind": kind,
        "family": family,
        "phone": phone,
        "planned_on": planned_on,
        "expected_size": expected_size,
        "guidance": plain(guidance)[:2000],
    }
    changes = field_changes(gathering, data, secret=SECRET)
    if "guidance" in changes:
        changes["guidance"] = "changed"  # the guidance may name the family
    if changes:
        gathering.save(update_fields=[*changes, "updated_at"])
        audit_record(
            by=by, action="outreach.gathering_update", obj=gathering, org_unit=gathering.org_unit, summary=changes
        )
    return gathering


@transaction.atomic
def gathering_outcome(
    *,
    by: User,
    gathering: Gathering,
    outcome: str,
    actual_size: int | None = None,
    outcome_note: str = "",
) -> Gathering:
    """How it went: postponed or cancelled, or held (scaled down, simply, as planned) with how many came. An
    outcome recorded again replaces the first one; the audit log keeps both."""
    require_in_scope(by, "outreach.change_gathering", gathering.org_unit)
    errors: dict[str, str] = {}
    if outcome not in HELD | NOT_HELD:
        errors["outcome"] = _("Choose how the gathering went.")
    if outcome in HELD:
        if actual_size is None:
            errors["actual_size"] = _("Give how many people came: the gathering was held.")
        else:
            error = _size_error(actual_size, least=0)
            if error:
                errors["actual_size"] = error
    elif outcome in NOT_HELD:
        actual_size = None  # nobody gathered
    if errors:
        raise ValidationError(errors)
    before = {"outcome": gathering.outcome, "actual_size": gathering.actual_size}
    gathering.outcome = outcome
    gathering.actual_size = actual_size
    gathering.outcome_note = plain(outcome_note)[:300]
    gathering.save(update_fields=["outcome", "actual_size", "outcome_note", "updated_at"])
    audit_record(
        by=by,
        action="outreach.gathering_outcome",
        obj=gathering,
        org_unit=gathering.org_unit,
        summary={
            "outcome": outcome,
            "actual_size": actual_size,
            "note": bool(gathering.outcome_note),
            **({"before": before} if before["outcome"] != Gathering.Outcome.PLANNED else {}),
        },
    )
    return gathering
