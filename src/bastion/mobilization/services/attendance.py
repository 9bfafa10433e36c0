"""Who served: check-in and check-out of a turn (by QR or by the lead), no-shows, swaps."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import User
from bastion.core.selectors import users_covering
from bastion.core.services.audit import audit_record
from bastion.core.services.notifications import notification_send
from bastion.mobilization.models import Responder, Shift, ShiftTurn, SwapRequest
from bastion.mobilization.services.common import require
from bastion.mobilization.services.roster import _busy_elsewhere

EARLY_CHECK_IN = dt.timedelta(hours=1)


def no_show_grace() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "BASTION_NO_SHOW_GRACE_MINUTES", 15)))


def _locked(turn: ShiftTurn) -> ShiftTurn:
    return (
        ShiftTurn.objects.select_for_update(of=("self",))
        .select_related("shift__org_unit", "shift__post", "responder")
        .get(pk=turn.pk)
    )


def _is_lead_of(by: User | None, shift: Shift) -> bool:
    return by is not None and shift.turns.filter(is_lead=True, responder__user=by).exists()


def _require_lead(by: User | None, perm: str, shift: Shift) -> None:
    """The shift's lead, or a user of the unit allowed to, may act on its turns; ``None`` is a QR check-in."""
    if by is None or _is_lead_of(by, shift):
        return
    require(by, perm, shift.org_unit)


@transaction.atomic
def turn_check_in(*, by: User | None, turn: ShiftTurn, now: dt.datetime | None = None) -> ShiftTurn:
    turn = _locked(turn)
    shift = turn.shift
    _require_lead(by, "change_shift", shift)
    now = now or timezone.now()
    if shift.cancelled:
        raise ValidationError(_("This shift is cancelled."))
    if now < shift.starts_at - EARLY_CHECK_IN:
        raise ValidationError(
            _("This shift starts at %(at)s: check in at most an hour before.")
            % {"at": f"{timezone.localtime(shift.starts_at):%m-%d %H:%M}"}
        )
    if now >= shift.ends_at:
        raise ValidationError(_("This shift is over."))
    if turn.checked_in_at is not None:
        raise ValidationError(
            _("%(name)s checked in at %(at)s.")
            % {"name": turn.responder.masked_name, "at": f"{timezone.localtime(turn.checked_in_at):%H:%M}"}
        )
    turn.checked_in_at, turn.checked_in_by = now, by
    turn.save(update_fields=["checked_in_at", "checked_in_by"])
    audit_record(by=by, action="turn.check_in", obj=turn, org_unit=shift.org_unit, summary={"qr": by is None})
    return turn


@transaction.atomic
def turn_check_out(*, by: User | None, turn: ShiftTurn, now: dt.datetime | None = None) -> ShiftTurn:
    turn = _locked(turn)
    _require_lead(by, "change_shift", turn.shift)
    if turn.checked_in_at is None:
        raise ValidationError(_("%(name)s has not checked in.") % {"name": turn.responder.masked_name})
    if turn.checked_out_at is not None:
        raise ValidationError(
            _("%(name)s checked out at %(at)s.")
            % {"name": turn.responder.masked_name, "at": f"{timezone.localtime(turn.checked_out_at):%H:%M}"}
        )
    turn.checked_out_at = max(now or timezone.now(), turn.checked_in_at)
    turn.save(update_fields=["checked_out_at"])
    audit_record(by=by, action="turn.check_out", obj=turn, org_unit=turn.shift.org_unit, summary={"qr": by is None})
    return turn


def no_shows_flag(*, now: dt.datetime | None = None) -> int:
    """Flag the turns not checked in by the start plus the grace period, and tell the lead and the unit.
    Runs every few minutes; a turn is flagged once."""
    now = now or timezone.now()
    late = (
        ShiftTurn.objects.filter(
            checked_in_at__isnull=True,
            no_show_at__isnull=True,
            shift__cancelled=False,
            shift__starts_at__lte=now - no_show_grace(),
            shift__ends_at__gt=now,
        )
        .select_related("responder", "shift__org_unit", "shift__post")
        .order_by("shift_id")
    )
    flagged = 0
    by_shift: dict[int, list[ShiftTurn]] = {}
    with transaction.atomic():
        for turn in late.select_for_update(of=("self",), skip_locked=True):
            by_shift.setdefault(turn.shift_id, []).append(turn)
        for turns in by_shift.values():
            shift = turns[0].shift
            ShiftTurn.objects.filter(pk__in=[t.pk for t in turns]).update(no_show_at=now)
            flagged += len(turns)
            names = "、".join(t.responder.masked_name for t in turns)
            leads = User.objects.filter(responder__turns__shift=shift, responder__turns__is_lead=True)
            unit_users = [u for u in users_covering(shift.org_unit) if u.has_perm("mobilization.change_shift")]
            notification_send(
                recipients=[*leads, *unit_users],
                kind="shift_no_show",
                title=_("No-show at %(where)s: %(names)s") % {"where": shift.post or shift.org_unit, "names": names},
                body=_("The shift began at %(at)s; they have not checked in.")
                % {"at": f"{timezone.localtime(shift.starts_at):%H:%M}"},
                link=reverse("mobilization:shift_detail", kwargs={"shift_id": shift.pk}),
                org_unit=shift.org_unit,
            )
            audit_record(
                by=None, action="shift.no_show", obj=shift, org_unit=shift.org_unit, summary={"turns": len(turns)}
            )
    return flagged


@transaction.atomic
def swap_request_create(*, by: User, turn: ShiftTurn, replacement: Responder, reason: str = "") -> SwapRequest:
    """A member (or the unit for them) asks to hand a turn to someone else; the lead decides."""
    turn = _locked(turn)
    own = getattr(by, "responder", None) == turn.responder
    if not own:
        require(by, "add_swaprequest", turn.shift.org_unit)
        require(by, "view_responder", replacement.org_unit)
    if turn.checked_in_at is not None or turn.shift.ends_at <= timezone.now():
        raise ValidationError(_("This turn has begun; it can no longer be swapped."))
    if replacement == turn.responder or turn.shift.turns.filter(responder=replacement).exists():
        raise ValidationError(
            {"replacement": _("%(name)s is already in this shift.") % {"name": replacement.masked_name}}
        )
    if not replacement.is_active:
        raise ValidationError({"replacement": _("%(name)s is no longer active.") % {"name": replacement.masked_name}})
    if turn.swap_requests.filter(status=SwapRequest.Status.PENDING).exists():
        raise ValidationError(_("A swap of this turn is already waiting for the lead."))
    request = SwapRequest.objects.create(turn=turn, replacement=replacement, reason=reason.strip(), requested_by=by)
    leads = User.objects.filter(responder__turns__shift=turn.shift, responder__turns__is_lead=True)
    notification_send(
        recipients=leads,
        kind="shift_swap",
        title=_("Swap asked: %(name)s → %(other)s")
        % {"name": turn.responder.masked_name, "other": replacement.masked_name},
        link=reverse("mobilization:shift_detail", kwargs={"shift_id": turn.shift_id}),
        org_unit=turn.shift.org_unit,
    )
    audit_record(by=by, action="swap.request", obj=request, org_unit=turn.shift.org_unit)
    return request


@transaction.atomic
def swap_request_decide(*, by: User, request: SwapRequest, approve: bool) -> SwapRequest:
    request = SwapRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    turn = _locked(request.turn)
    shift = turn.shift
    if not _is_lead_of(by, shift):
        try:
            require(by, "change_swaprequest", shift.org_unit)
        except PermissionDenied:
            raise PermissionDenied(_("Only the shift's lead or the unit decides on a swap.")) from None
    if request.status != SwapRequest.Status.PENDING:
        raise ValidationError(_("This swap has been decided already."))
    if approve:
        if turn.checked_in_at is not None:
            raise ValidationError(_("This turn has begun; it can no longer be swapped."))
        _busy_elsewhere([request.replacement], shift.starts_at, shift.ends_at, shift)
        turn.responder = request.replacement
        turn.no_show_at = None
        turn.save(update_fields=["responder", "no_show_at"])
        shift.is_exception = True
        shift.save(update_fields=["is_exception"])
    request.status = SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REFUSED
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(by=by, action="swap.approve" if approve else "swap.refuse", obj=request, org_unit=shift.org_unit)
    return request
