"""Duty rosters: the week of a post or unit (its weekly shifts, edited on one page, and the shifts of the
next seven days), a shift's page with check-in and check-out by the lead, a day's exception, swaps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.checkpoints.models import Post
from bastion.checkpoints.selectors import post_get_for_user
from bastion.core.models import OrgUnit
from bastion.core.selectors import orgunit_get_for_user
from bastion.core.views.helpers import AuthedRequest, date_asked, form_submit
from bastion.mobilization import selectors
from bastion.mobilization.forms import PatternEditForm, PatternForm, ShiftChangeForm, SwapForm
from bastion.mobilization.models import Shift, ShiftPattern
from bastion.mobilization.services import attendance, roster
from bastion.mobilization.views.common import act


def _roster(request: AuthedRequest, unit: OrgUnit, post: Post | None) -> HttpResponse:
    candidates = selectors.roster_candidates(request.user, unit)
    form = PatternForm(request.POST or None, candidates=candidates)

    def add(data: dict[str, Any]) -> list[ShiftPattern]:
        with transaction.atomic():
            return [
                roster.shift_pattern_save(
                    by=request.user,
                    pattern=None,
                    org_unit=unit,
                    post=post,
                    weekday=weekday,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    lead=data["lead"],
                    members=data["members"],
                )
                for weekday in data["weekdays"]
            ]

    added = form_submit(request, form, add) if request.user.has_perm("mobilization.add_shiftpattern") else None
    if added:
        messages.success(request, _("Weekly shift added on %(count)s days.") % {"count": len(added)})
        return redirect(request.path)
    first = date_asked(request, "from") or timezone.localdate()
    shifts = selectors.shifts_for_user(request.user, unit=unit, first=first, days=7)
    shifts = shifts.filter(post=post) if post is not None else shifts.filter(org_unit=unit, post__isnull=True)
    context = {
        "unit": unit,
        "post": post,
        "form": form,
        "patterns": selectors.patterns_for(request.user, unit=unit, post_id=post.pk if post else None),
        "shifts": shifts,
        "first": first,
        "previous": first - dt.timedelta(days=7),
        "next": first + dt.timedelta(days=7),
        "hide_post": True,
    }
    return render(request, "mobilization/roster.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required("mobilization.view_shift", raise_exception=True)
def roster_post(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = post_get_for_user(request.user, post_id)
    return _roster(request, post.org_unit, post)


@login_required
@permission_required("mobilization.view_shift", raise_exception=True)
def roster_unit(request: AuthedRequest, unit_id: int) -> HttpResponse:
    return _roster(request, orgunit_get_for_user(request.user, unit_id), None)


def _roster_url(item: ShiftPattern | Shift) -> str:
    if item.post_id:
        return reverse("mobilization:roster_post", kwargs={"post_id": item.post_id})
    return reverse("mobilization:roster_unit", kwargs={"unit_id": item.org_unit_id})


@login_required
@permission_required("mobilization.change_shiftpattern", raise_exception=True)
def pattern_edit(request: AuthedRequest, pattern_id: int) -> HttpResponse:
    pattern = selectors.pattern_get_for_user(request.user, pattern_id)
    initial = {
        "weekday": pattern.weekday,
        "starts_at": pattern.starts_at,
        "ends_at": pattern.ends_at,
        "lead": pattern.lead,
        "members": list(pattern.members.all()),
        "is_active": pattern.is_active,
    }
    candidates = selectors.roster_candidates(request.user, pattern.org_unit)
    form = PatternEditForm(request.POST or None, initial=initial, candidates=candidates)

    def save(data: dict[str, Any]) -> ShiftPattern:
        return roster.shift_pattern_save(
            by=request.user,
            pattern=pattern,
            org_unit=pattern.org_unit,
            post=pattern.post,
            weekday=data["weekday"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            lead=data["lead"],
            members=data["members"],
            is_active=data["is_active"],
        )

    if form_submit(request, form, save) is not None:
        messages.success(request, _("Saved: the coming shifts follow, except those changed for a day."))
        return redirect(_roster_url(pattern))
    context = {"form": form, "title": str(pattern), "back_url": _roster_url(pattern)}
    return render(request, "mobilization/form.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required("mobilization.view_shift", raise_exception=True)
def shift_detail(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.shift_get_for_user(request.user, shift_id)
    turns = list(shift.turns.select_related("responder__org_unit").prefetch_related("swap_requests__replacement"))
    candidates = selectors.roster_candidates(request.user, shift.org_unit)
    lead = next((t.responder for t in turns if t.is_lead), None)
    initial = {"lead": lead, "members": [t.responder for t in turns], "note": shift.note, "cancelled": shift.cancelled}
    context = {
        "shift": shift,
        "turns": turns,
        "now": timezone.now(),
        "roster_url": _roster_url(shift),
        "change_form": ShiftChangeForm(initial=initial, candidates=candidates),
        "swap_form": SwapForm(candidates=candidates),
        "is_lead": any(t.is_lead and t.responder.user_id == request.user.pk for t in turns),
    }
    return render(request, "mobilization/shift_detail.html", context)


@login_required
@permission_required("mobilization.change_shiftpattern", raise_exception=True)
@require_POST
def shift_change(request: AuthedRequest, shift_id: int) -> HttpResponse:
    shift = selectors.shift_get_for_user(request.user, shift_id)
    form = ShiftChangeForm(request.POST, candidates=selectors.roster_candidates(request.user, shift.org_unit))
    if form_submit(request, form, lambda data: roster.shift_change(by=request.user, shift=shift, **data)):
        messages.success(request, _("The shift is changed for this day."))
        return redirect("mobilization:shift_detail", shift_id=shift.pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))
    return redirect("mobilization:shift_detail", shift_id=shift.pk)


def _turn_action(request: AuthedRequest, turn_id: int, *, check_out: bool) -> HttpResponse:
    turn = selectors.turn_get_for_user(request.user, turn_id)
    action = attendance.turn_check_out if check_out else attendance.turn_check_in
    done = _("%(name)s checked out.") if check_out else _("%(name)s checked in.")
    act(request, lambda: action(by=request.user, turn=turn), done % {"name": turn.responder.name})
    return redirect("mobilization:shift_detail", shift_id=turn.shift_id)


@login_required
@permission_required("mobilization.view_shift", raise_exception=True)
@require_POST
def turn_check_in(request: AuthedRequest, turn_id: int) -> HttpResponse:
    return _turn_action(request, turn_id, check_out=False)


@login_required
@permission_required("mobilization.view_shift", raise_exception=True)
@require_POST
def turn_check_out(request: AuthedRequest, turn_id: int) -> HttpResponse:
    return _turn_action(request, turn_id, check_out=True)


@login_required
@permission_required("mobilization.add_swaprequest", raise_exception=True)
@require_POST
def turn_swap(request: AuthedRequest, turn_id: int) -> HttpResponse:
    turn = selectors.turn_get_for_user(request.user, turn_id)
    form = SwapForm(request.POST, candidates=selectors.roster_candidates(request.user, turn.shift.org_unit))
    made = form_submit(request, form, lambda data: attendance.swap_request_create(by=request.user, turn=turn, **data))
    if made is not None:
        messages.success(request, _("Swap asked: the shift lead decides."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect("mobilization:shift_detail", shift_id=turn.shift_id)


@login_required
@permission_required("mobilization.view_shift", raise_exception=True)
@require_POST
def swap_decide(request: AuthedRequest, swap_id: int) -> HttpResponse:
    swap = selectors.swap_get_for_user(request.user, swap_id)
    approve = request.POST.get("decision") == "approve"
    act(
        request,
        lambda: attendance.swap_request_decide(by=request.user, request=swap, approve=approve),
        _("Swap approved.") if approve else _("Swap refused."),
    )
    return redirect("mobilization:shift_detail", shift_id=swap.turn.shift_id)


urlpatterns = [
    path("roster/posts/<int:post_id>/", roster_post, name="roster_post"),
    path("roster/units/<int:unit_id>/", roster_unit, name="roster_unit"),
    path("roster/patterns/<int:pattern_id>/", pattern_edit, name="pattern_edit"),
    path("shifts/<int:shift_id>/", shift_detail, name="shift_detail"),
    path("shifts/<int:shift_id>/change/", shift_change, name="shift_change"),
    path("turns/<int:turn_id>/check-in/", turn_check_in, name="turn_check_in"),
    path("turns/<int:turn_id>/check-out/", turn_check_out, name="turn_check_out"),
    path("turns/<int:turn_id>/swap/", turn_swap, name="turn_swap"),
    path("swaps/<int:swap_id>/decide/", swap_decide, name="swap_decide"),
]
