"""Duty rosters: the weekly pattern of a post or unit, the shifts it makes, exceptions for a day.

Nobody is in two shifts at once: a pattern, a shift changed for a day or a swap that would put a
responder in two overlapping shifts is refused, naming the other shift.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import OrgUnit, User
from bastion.core.services.audit import audit_record
from bastion.mobilization.models import Responder, Shift, ShiftPattern, ShiftTurn
from bastion.mobilization.services.common import require

if TYPE_CHECKING:
    from bastion.checkpoints.models import Post

DAYS_AHEAD = 14
WEEK = 7 * 24 * 60
MAX_SHIFT = dt.timedelta(hours=24)


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _week_span(weekday: int, starts_at: dt.time, ends_at: dt.time) -> tuple[int, int]:
    """The pattern as minutes of the week; an end at or before the start is on the next day."""
    start = weekday * 24 * 60 + _minutes(starts_at)
    length = (_minutes(ends_at) - _minutes(starts_at)) % (24 * 60) or 24 * 60
    return start, start + length


def _spans_meet(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return any(a[0] < b[1] + shift and b[0] + shift < a[1] for shift in (-WEEK, 0, WEEK))


def _where(pattern: ShiftPattern | Shift) -> str:
    return str(pattern.post or pattern.org_unit)


def _people(lead: Responder | None, members: Iterable[Responder]) -> list[Responder]:
    people = [lead] if lead is not None else []
    return people + [m for m in members if m != lead]


def _require_people(by: User, people: Sequence[Responder]) -> None:
    for person in people:
        require(by, "view_responder", person.org_unit)
        if not person.is_active:
            raise ValidationError({"members": _("%(name)s is no longer active.") % {"name": person.masked_name}})


def _place(org_unit: OrgUnit, post: Post | None) -> OrgUnit:
    if post is not None and post.org_unit_id != org_unit.pk:
        raise ValidationError({"post": _("The checkpoint belongs to %(unit)s.") % {"unit": post.org_unit}})
    return org_unit


@transaction.atomic
def shift_pattern_save(
    *,
    by: User,
    pattern: ShiftPattern | None,
    org_unit: OrgUnit,
    post: Post | None,
    weekday: int,
    starts_at: dt.time,
    ends_at: dt.time,
    lead: Responder | None,
    members: Iterable[Responder],
    is_active: bool = True,
    today: dt.date | None = None,
) -> ShiftPattern:
    """Add or change a weekly shift; the shifts it makes from now on follow, except those changed for a day or
    already begun."""
    require(by, "change_shiftpattern" if pattern else "add_shiftpattern", _place(org_unit, post))
    people = _people(lead, members)
    _require_people(by, people)
    span = _week_span(weekday, starts_at, ends_at)
    others = ShiftPattern.objects.filter(is_active=True)
    if pattern is not None:
        others = others.exclude(pk=pattern.pk)
    for other in (
        others.filter(members__in=people).select_related("post", "org_unit").prefetch_related("members").distinct()
    ):
        if is_active and _spans_meet(span, _week_span(other.weekday, other.starts_at, other.ends_at)):
            busy = sorted({p.masked_name for p in other.members.all() if p in people})
            message = _("%(names)s already on duty at %(where)s, %(when)s.")
            raise ValidationError(
                {"members": message % {"names": "、".join(busy), "where": _where(other), "when": other}}
            )
    created = pattern is None
    pattern = pattern or ShiftPattern()
    pattern.org_unit, pattern.post, pattern.weekday = org_unit, post, weekday
    pattern.starts_at, pattern.ends_at, pattern.lead, pattern.is_active = starts_at, ends_at, lead, is_active
    pattern.save()
    pattern.members.set(people)
    _follow_pattern(pattern)
    roster_materialize(today=today, patterns=[pattern])
    audit_record(
        by=by,
        action="shift_pattern.create" if created else "shift_pattern.update",
        obj=pattern,
        org_unit=org_unit,
        summary={
            "weekday": weekday,
            "starts_at": f"{starts_at:%H:%M}",
            "ends_at": f"{ends_at:%H:%M}",
            "members": len(people),
        },
    )
    return pattern


def _follow_pattern(pattern: ShiftPattern) -> None:
    """Drop the pattern's shifts not yet begun and not changed by hand; materializing makes them anew."""
    Shift.objects.filter(pattern=pattern, is_exception=False, starts_at__gt=timezone.now()).exclude(
        turns__checked_in_at__isnull=False
    ).delete()


def _shift_times(day: dt.date, starts_at: dt.time, ends_at: dt.time) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, starts_at, tzinfo=zone)
    end_day = day if ends_at > starts_at else day + dt.timedelta(days=1)
    return start, dt.datetime.combine(end_day, ends_at, tzinfo=zone)


def roster_materialize(
    *, today: dt.date | None = None, days: int = DAYS_AHEAD, patterns: Iterable[ShiftPattern] | None = None
) -> int:
    """Make the shifts of the active weekly patterns for ``days`` from ``today``; a day already made is left
    as it is. Returns the number of shifts made. Runs each night and after a pattern is saved."""
    today = today or timezone.localdate()
    if patterns is None:
        patterns = ShiftPattern.objects.filter(is_active=True).prefetch_related("members")
    made = 0
    with transaction.atomic():
        for pattern in patterns:
            if not pattern.is_active:
                continue
            have = set(Shift.objects.filter(pattern=pattern, day__gte=today).values_list("day", flat=True))
            members = list(pattern.members.all())
            for offset in range(days):
                day = today + dt.timedelta(days=offset)
                if day.weekday() != pattern.weekday or day in have:
                    continue
                starts_at, ends_at = _shift_times(day, pattern.starts_at, pattern.ends_at)
                shift = Shift.objects.create(
                    org_unit_id=pattern.org_unit_id,
                    post_id=pattern.post_id,
                    pattern=pattern,
                    day=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
                ShiftTurn.objects.bulk_create(
                    ShiftTurn(shift=shift, responder=m, is_lead=m.pk == pattern.lead_id) for m in members
                )
                made += 1
    return made


def _busy_elsewhere(
    people: Sequence[Responder], starts_at: dt.datetime, ends_at: dt.datetime, shift: Shift | None
) -> None:
    clash = (
        ShiftTurn.objects.filter(
            responder__in=people, shift__cancelled=False, shift__starts_at__lt=ends_at, shift__ends_at__gt=starts_at
        )
        .exclude(shift=shift)
        .select_related("responder", "shift__post", "shift__org_unit")
        .first()
    )
    if clash is not None:
        message = _("%(name)s is already on duty at %(where)s from %(start)s to %(end)s.")
        raise ValidationError(
            {
                "members": message
                % {
                    "name": clash.responder.masked_name,
                    "where": _where(clash.shift),
                    "start": f"{timezone.localtime(clash.shift.starts_at):%m-%d %H:%M}",
                    "end": f"{timezone.localtime(clash.shift.ends_at):%H:%M}",
                }
            }
        )


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift ends after it starts.")})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends_at": _("A shift lasts at most 24 hours.")})


@transaction.atomic
def shift_create(
    *,
    by: User,
    org_unit: OrgUnit,
    post: Post | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    lead: Responder | None,
    members: Iterable[Responder],
    note: str = "",
) -> Shift:
    """A one-off shift outside the weekly pattern."""
    require(by, "add_shiftpattern", _place(org_unit, post))
    _check_times(starts_at, ends_at)
    people = _people(lead, members)
    _require_people(by, people)
    _busy_elsewhere(people, starts_at, ends_at, None)
    shift = Shift.objects.create(
        org_unit=org_unit,
        post=post,
        day=timezone.localdate(starts_at),
        starts_at=starts_at,
        ends_at=ends_at,
        is_exception=True,
        note=note.strip(),
    )
    ShiftTurn.objects.bulk_create(ShiftTurn(shift=shift, responder=p, is_lead=p == lead) for p in people)
    audit_record(by=by, action="shift.create", obj=shift, org_unit=org_unit, summary={"members": len(people)})
    return shift


@transaction.atomic
def shift_change(
    *,
    by: User,
    shift: Shift,
    lead: Responder | None,
    members: Iterable[Responder],
    note: str = "",
    cancelled: bool = False,
) -> Shift:
    """Change one day's shift (an exception to the pattern): another lead, members in or out, or cancelled.
    A member who has checked in stays."""
    shift = Shift.objects.select_for_update(of=("self",)).select_related("org_unit", "post").get(pk=shift.pk)
    require(by, "change_shiftpattern", shift.org_unit)
    if shift.ends_at <= timezone.now():
        raise ValidationError(_("This shift is over; it can no longer be changed."))
    people = _people(lead, members)
    _require_people(by, people)
    turns = {t.responder_id: t for t in shift.turns.select_related("responder")}
    kept = {p.pk for p in people}
    leaving = [t for pk, t in turns.items() if pk not in kept]
    stuck = [t.responder.masked_name for t in leaving if t.checked_in_at is not None]
    if stuck:
        raise ValidationError({"members": _("%(names)s already checked in.") % {"names": "、".join(stuck)}})
    if not cancelled:
        _busy_elsewhere([p for p in people if p.pk not in turns], shift.starts_at, shift.ends_at, shift)
    ShiftTurn.objects.filter(pk__in=[t.pk for t in leaving]).delete()
    ShiftTurn.objects.bulk_create(ShiftTurn(shift=shift, responder=p) for p in people if p.pk not in turns)
    shift.turns.update(is_lead=False)
    if lead is not None:
        shift.turns.filter(responder=lead).update(is_lead=True)
    shift.is_exception, shift.cancelled, shift.note = True, cancelled, note.strip()
    shift.save(update_fields=["is_exception", "cancelled", "note"])
    audit_record(
        by=by,
        action="shift.change",
        obj=shift,
        org_unit=shift.org_unit,
        summary={"members": len(people), "cancelled": cancelled, "left": len(leaving)},
    )
    return shift
