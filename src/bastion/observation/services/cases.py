"""Observation cases: opened (also straight from a screening visit), extended, referred, transferred, released."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import Institution, OrgUnit, User
from bastion.core.scope import unit_in_scope
from bastion.core.services.audit import audit_record
from bastion.dashboard.figures import figure_add
from bastion.observation.figures import ACTIVE
from bastion.observation.models import CaseEvent, IsolationSite, ObservationCase, ObservationReason, Referral
from bastion.observation.schedule import minutes_of
from bastion.observation.services.common import require
from bastion.residents.models import Person, Visit, VisitTask
from bastion.residents.validation import plain

Status = ObservationCase.Status
MAX_DAYS = 60
MAX_DAYS_BACK = 30


def _event(case: ObservationCase, kind: str, by: User | None, now: dt.datetime, text: str = "", **kw: object) -> None:
    CaseEvent.objects.create(case=case, kind=kind, by=by, at=now, text=text, **kw)


def _check_times_errors(check_times: Sequence[str]) -> str:
    try:
        minutes = minutes_of(check_times)
    except ValueError as exc:
        return _("%(time)s is not a time of day; write it as 08:00.") % {"time": exc.args[0]}
    if not 1 <= len(minutes) <= 6:
        return _("Give between one and six check times a day.")
    return ""


def _place_errors(by: User | None, place: str, site: IsolationSite | None) -> dict[str, str]:
    if place not in ObservationCase.Place.values:
        return {"place": _("Choose home or an isolation site.")}
    if place == ObservationCase.Place.HOME:
        return {}
    if site is None:
        return {"site": _("Choose the isolation site.")}
    if not site.is_active or (by is not None and not unit_in_scope(by, site.org_unit)):
        return {"site": _("This isolation site cannot take cases.")}
    taken = ObservationCase.objects.filter(site=site, status=Status.ACTIVE).count()
    if site.capacity and taken >= site.capacity:
        return {
            "site": _("%(site)s is full: %(taken)s of %(capacity)s places taken.")
            % {"site": site.name, "taken": taken, "capacity": site.capacity}
        }
    return {}


@transaction.atomic
def case_open(
    *,
    by: User | None,
    person: Person,
    reason: ObservationReason,
    start_date: dt.date | None = None,
    days: int | None = None,
    place: str = ObservationCase.Place.HOME,
    site: IsolationSite | None = None,
    room: str = "",
    cadre: User | None = None,
    doctor: User | None = None,
    check_times: Sequence[str] | None = None,
    visit: Visit | None = None,
    now: dt.datetime | None = None,
) -> ObservationCase:
    """Put a person under observation in the unit where they live; one active case per person."""
    person = Person.objects.select_for_update().select_related("org_unit").get(pk=person.pk)
    require(by, "add_observationcase", person.org_unit)
    now = now or timezone.now()
    today = timezone.localdate(now)
    start_date = start_date or today
    days = days or reason.default_days
    errors: dict[str, str] = {}
    if person.merged_into_id is not None:
        errors["person"] = _("This record was merged into another; open the case on the record kept.")
    elif ObservationCase.objects.filter(person=person, status=Status.ACTIVE).exists():
        errors["person"] = _("%(name)s is already under observation.") % {"name": person.masked_name}
    if not reason.is_active:
        errors["reason"] = _("This reason is no longer in use.")
    if start_date > today:
        errors["start_date"] = _("The start lies in the future.")
    elif start_date < today - dt.timedelta(days=MAX_DAYS_BACK):
        errors["start_date"] = _("The start is more than %(days)s days ago.") % {"days": MAX_DAYS_BACK}
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("A period lasts between 1 and %(days)s days.") % {"days": MAX_DAYS}
    check_times = list(check_times) if check_times else None
    if check_times is not None and (message := _check_times_errors(check_times)):
        errors["check_times"] = message
    errors |= _place_errors(by, place, site)
    for field, user in (("cadre", cadre), ("doctor", doctor)):
        if user is not None and not unit_in_scope(user, person.org_unit):
            errors[field] = _("%(user)s does not work for %(unit)s.") % {
                "user": user,
                "unit": person.org_unit.display_name,
            }
    if errors:
        raise ValidationError(errors)
    case = ObservationCase(
        person=person,
        org_unit=person.org_unit,
        reason=reason,
        place=place,
        site=site if place == ObservationCase.Place.SITE else None,
        room=plain(room)[:30],
        start_date=start_date,
        planned_end=start_date + dt.timedelta(days=days - 1),
        cadre=cadre,
        doctor=doctor,
        visit=visit,
        opened_at=now,
        created_by=by,
    )
    if check_times:
        case.check_times = ",".join(f"{m // 60:02d}:{m % 60:02d}" for m in minutes_of(check_times))
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:  # another cadre opened one at the same moment
        raise ValidationError(
            {"person": _("%(name)s is already under observation.") % {"name": person.masked_name}}
        ) from exc
    figure_add(case.org_unit_id, ACTIVE, 1, start_date)
    _event(case, CaseEvent.Kind.OPENED, by, now, str(reason))
    VisitTask.objects.filter(person=person, awaiting_observation=True).update(awaiting_observation=False)
    audit_record(
        by=by,
        action="observation.open",
        obj=case,
        org_unit=case.org_unit,
        summary={"person": person.pk, "reason": reason.code, "start": str(start_date), "end": str(case.planned_end)},
    )
    return case


def case_open_from_visit(task: VisitTask, visit: Visit, by: User | None) -> None:
    """The screening outcome "home observation" opens the case in one call (registered with the residents app)."""
    if ObservationCase.objects.filter(person_id=task.person_id, status=Status.ACTIVE).exists():
        return
    fever = visit.temperature is not None and visit.temperature >= 37.3
    code = "screening" if fever or visit.symptoms.exists() else "returnee"
    reason = ObservationReason.objects.filter(code=code, is_active=True).first()
    reason = reason or ObservationReason.objects.filter(is_active=True).first()
    if reason is None:
        VisitTask.objects.filter(pk=task.pk).update(awaiting_observation=True)
        return
    opener = by if by is not None and by.has_perm("observation.add_observationcase") else None
    case_open(by=opener, person=task.person, reason=reason, visit=visit, now=visit.at)


def _locked(case: ObservationCase, by: User | None, perm: str = "release_observationcase") -> ObservationCase:
    case = ObservationCase.objects.select_for_update(of=("self",)).select_related("org_unit", "person").get(pk=case.pk)
    require(by, perm, case.org_unit)
    if case.status != Status.ACTIVE:
        raise ValidationError(_("This case is %(status)s.") % {"status": case.get_status_display().lower()})
    return case


@transaction.atomic
def case_extend(
    *, by: User, case: ObservationCase, new_end: dt.date, reason: str, now: dt.datetime | None = None
) -> ObservationCase:
    case = _locked(case, by)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if new_end <= case.planned_end:
        errors["new_end"] = _("The new end must come after %(end)s.") % {"end": f"{case.planned_end:%Y-%m-%d}"}
    elif (new_end - case.start_date).days + 1 > MAX_DAYS:
        errors["new_end"] = _("A period lasts at most %(days)s days.") % {"days": MAX_DAYS}
    if not plain(reason):
        errors["reason"] = _("Give the reason for the extension.")
    if errors:
        raise ValidationError(errors)
    old_end, case.planned_end = case.planned_end, new_end
    case.save(update_fields=["planned_end"])
    _event(case, CaseEvent.Kind.EXTENDED, by, now, f"{old_end:%Y-%m-%d} → {new_end:%Y-%m-%d}: {plain(reason)}")
    audit_record(
        by=by,
        action="observation.extend",
        obj=case,
        org_unit=case.org_unit,
        summary={"from": str(old_end), "to": str(new_end), "reason": plain(reason)},
    )
    return case


@transaction.atomic
def case_release(*, by: User, case: ObservationCase, note: str, now: dt.datetime | None = None) -> ObservationCase:
    """Release (解除观察) on or after the planned end, with the note printed on the release paper."""
    case = _locked(case, by)
    now = now or timezone.now()
    if timezone.localdate(now) < case.planned_end:
        raise ValidationError(
            _("The period ends on %(end)s; release then, or refer the person if they are ill.")
            % {"end": f"{case.planned_end:%Y-%m-%d}"}
        )
    if not plain(note):
        raise ValidationError({"note": _("Write the release note: the person's condition at the end.")})
    case.status, case.ended_at, case.release_note = Status.RELEASED, now, note.strip()
    case.save(update_fields=["status", "ended_at", "release_note"])
    figure_add(case.org_unit_id, ACTIVE, -1, timezone.localdate(now))
    _event(case, CaseEvent.Kind.RELEASED, by, now, note.strip())
    audit_record(by=by, action="observation.release", obj=case, org_unit=case.org_unit)
    return case


def designated_hospitals() -> list[Institution]:
    return list(
        Institution.objects.filter(kind=Institution.Kind.MEDICAL, designated=True, is_active=True).select_related(
            "org_unit"
        )
    )


@transaction.atomic
def case_refer(
    *,
    by: User,
    case: ObservationCase,
    hospital: Institution,
    transport: str,
    handover: str,
    now: dt.datetime | None = None,
) -> Referral:
    """Hand the person over to a designated hospital; the case ends here and follows the person there."""
    case = _locked(case, by, "add_referral")
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if hospital.kind != Institution.Kind.MEDICAL or not hospital.designated or not hospital.is_active:
        errors["hospital"] = _("%(name)s is not a designated hospital.") % {"name": hospital.name}
    if transport not in Referral.Transport.values:
        errors["transport"] = _("Choose the transport.")
    if not plain(handover):
        errors["handover"] = _("Write the hand-over: condition, temperature, symptoms, who goes along.")
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        case=case, hospital=hospital, transport=transport, handover=handover.strip(), referred_at=now, referred_by=by
    )
    case.status, case.ended_at = Status.REFERRED, now
    case.save(update_fields=["status", "ended_at"])
    figure_add(case.org_unit_id, ACTIVE, -1, timezone.localdate(now))
    _event(case, CaseEvent.Kind.REFERRED, by, now, f"{hospital.name}: {handover.strip()}")
    audit_record(by=by, action="observation.refer", obj=case, org_unit=case.org_unit, summary={"hospital": hospital.pk})
    return referral


@transaction.atomic
def referral_acknowledge(*, by: User, referral: Referral, received_by: str, now: dt.datetime | None = None) -> Referral:
    """The hospital confirms it received the person; done by a user whose scope holds the hospital."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("hospital__org_unit", "case")
        .get(pk=referral.pk)
    )
    if not by.has_perm("observation.change_referral") or not unit_in_scope(by, referral.hospital.org_unit):
        raise PermissionDenied(_("Only the hospital's staff can acknowledge this referral."))
    if referral.acknowledged_at is not None:
        raise ValidationError(_("This referral was already acknowledged."))
    if not plain(received_by):
        raise ValidationError({"received_by": _("Give the name of the doctor who received the person.")})
    now = now or timezone.now()
    referral.acknowledged_at, referral.acknowledged_by, referral.received_by = now, by, plain(received_by)[:100]
    referral.save(update_fields=["acknowledged_at", "acknowledged_by", "received_by"])
    _event(referral.case, CaseEvent.Kind.ACKNOWLEDGED, by, now, plain(received_by))
    audit_record(
        by=by, action="observation.referral_acknowledge", obj=referral.case, org_unit=referral.hospital.org_unit
    )
    return referral


@transaction.atomic
def case_transfer(
    *,
    by: User,
    case: ObservationCase,
    reason: str,
    to_unit: OrgUnit | None = None,
    outside: str = "",
    now: dt.datetime | None = None,
) -> ObservationCase:
    """Hand the case, with its checks and history, to another unit; a place outside the tree ends it here."""
    case = _locked(case, by)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if to_unit is None and not plain(outside):
        errors["to_unit"] = _("Choose the unit taking over, or say where outside the county the person went.")
    elif to_unit is not None and (not to_unit.is_active or to_unit.pk == case.org_unit_id):
        errors["to_unit"] = _("Choose another active unit.")
    if not plain(reason):
        errors["reason"] = _("Give the reason for the transfer.")
    if errors:
        raise ValidationError(errors)
    previous = case.org_unit
    if to_unit is not None:
        case.org_unit = to_unit
        text = f"{previous.display_name} → {to_unit.display_name}: {plain(reason)}"
    else:
        case.status, case.ended_at = Status.TRANSFERRED, now
        text = f"{previous.display_name} → {plain(outside)}: {plain(reason)}"
    case.save(update_fields=["org_unit", "status", "ended_at"])
    figure_add(previous, ACTIVE, -1, timezone.localdate(now))  # moved to the unit taking over, or ended here
    if to_unit is not None:
        figure_add(to_unit, ACTIVE, 1, timezone.localdate(now))
    case.checks.update(org_unit=case.org_unit)
    _event(case, CaseEvent.Kind.TRANSFERRED, by, now, text, from_unit=previous)
    audit_record(
        by=by,
        action="observation.transfer",
        obj=case,
        org_unit=previous,
        summary={"to": to_unit.pk if to_unit else plain(outside), "reason": plain(reason)},
    )
    return case
