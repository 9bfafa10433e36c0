"""Outreach activity pages: the list, "what we did today", one activity (corrected by the HQ), the reach by
channel, target group and unit, and the Excel export. The channel and target group lists' pages are included."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import (
    AuthedRequest,
    date_asked,
    form_submit,
    paginate,
    query_without_page,
    unit_asked_for,
)
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import table_workbook
from bastion.observation.views.exporting import audit_export
from bastion.outreach.forms_activities import ActivityForm
from bastion.outreach.models import Activity, Channel, TargetGroup
from bastion.outreach.selectors import activities as selectors
from bastion.outreach.services.activities import activity_delete, activity_record, activity_update
from bastion.outreach.views import settings

WEEK = 7


def _filters(request: AuthedRequest) -> dict[str, Any]:
    """The list's filters from the query string; a unit outside the scope is not found."""
    return {
        "unit": unit_asked_for(request),
        "channel": selectors.entry_by_code(Channel, request.GET.get("channel", "").strip()[:40]),
        "target_group": selectors.entry_by_code(TargetGroup, request.GET.get("group", "").strip()[:40]),
        "date_from": date_asked(request, "from"),
        "date_to": date_asked(request, "to"),
        "q": request.GET.get("q", "").strip()[:100],
    }


def _units(request: AuthedRequest) -> Any:
    return core_selectors.orgunit_choices_for_user(request.user, levels=3)


@login_required
@permission_required("outreach.view_activity", raise_exception=True)
def activity_list(request: AuthedRequest) -> HttpResponse:
    data = _filters(request)
    activities = selectors.activities_for_user(request.user, **data)
    context = {
        "page": paginate(request, activities),
        "query": query_without_page(request),
        **data,
        "channels": Channel.objects.all(),
        "groups": TargetGroup.objects.all(),
        "units": _units(request),
    }
    return render(request, "outreach/activities/list.html", context)


@login_required
@permission_required("outreach.view_activity", raise_exception=True)
def activity_export(request: AuthedRequest) -> HttpResponse:
    data = _filters(request)
    activities = selectors.activities_for_user(request.user, **data)
    summary = {
        "unit": data["unit"],
        "q": data["q"],
        "channel": data["channel"].code if data["channel"] else "",
        "group": data["target_group"].code if data["target_group"] else "",
        "from": f"{data['date_from']:%Y-%m-%d}" if data["date_from"] else "",
        "to": f"{data['date_to']:%Y-%m-%d}" if data["date_to"] else "",
    }
    audit_export(request, "outreach.export", "outreach.activity", activities.count(), summary)
    header = [
        _("Date"),
        _("Unit"),
        _("Channel"),
        _("Target group"),
        _("Times"),
        _("Reach (person-times)"),
        _("Materials used"),
        _("Notice"),
        _("Note"),
        _("Recorded by"),
    ]
    rows = (
        [
            a.on,
            a.org_unit.display_name,
            str(a.channel),
            str(a.target_group) if a.target_group else "",
            a.times,
            a.reach,
            a.materials,
            str(a.notice) if a.notice else "",
            a.note,
            a.created_by.get_username() if a.created_by else "",
        ]
        for a in activities.iterator(chunk_size=2000)
    )
    return _xlsx(table_workbook(_("Outreach"), header, rows), _dated("outreach"))


def _form(request: AuthedRequest, activity: Activity | None) -> ActivityForm:
    user = request.user
    if activity is None:
        initial: dict[str, Any] = {"on": timezone.localdate(), "times": 1, "org_unit": selectors.default_unit(user)}
    else:
        initial = {
            name: getattr(activity, name)
            for name in ("org_unit", "on", "channel", "times", "reach", "target_group", "materials", "notice", "note")
        }
    channels = selectors.channels_active()
    groups = selectors.target_groups_active()
    if activity is not None:  # an entry no longer in use stays choosable on the record that has it
        channels = Channel.objects.filter(Q(is_active=True) | Q(pk=activity.channel_id))
        groups = TargetGroup.objects.filter(Q(is_active=True) | Q(pk=activity.target_group_id or 0))
    return ActivityForm(
        request.POST or None,
        units=core_selectors.orgunit_choices_for_user(user, levels=4),
        channels=channels,
        groups=groups,
        notices=selectors.notices_linkable(user),
        initial=initial,
    )


def _form_page(request: AuthedRequest, form: ActivityForm, title: str, cancel: str) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel}
    return render(request, "outreach/activities/form.html", context)


@login_required
@permission_required("outreach.add_activity", raise_exception=True)
def activity_new(request: AuthedRequest) -> HttpResponse:
    form = _form(request, None)
    saved = form_submit(request, form, lambda data: activity_record(by=request.user, **data))
    if saved is not None:
        messages.success(
            request,
            _("Recorded: %(channel)s, %(reach)s person-times.") % {"channel": saved.channel, "reach": saved.reach},
        )
        if "another" in request.POST:
            return redirect("outreach:activity_new")
        return redirect("outreach:activity_list")
    return _form_page(request, form, _("What we did today"), reverse("outreach:activity_list"))


@login_required
@permission_required("outreach.view_activity", raise_exception=True)
def activity_detail(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    return render(request, "outreach/activities/detail.html", {"activity": activity})


@login_required
@permission_required("outreach.change_activity", raise_exception=True)
def activity_edit(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    form = _form(request, activity)
    saved = form_submit(request, form, lambda data: activity_update(by=request.user, activity=activity, **data))
    if saved is not None:
        messages.success(request, _("The activity is corrected."))
        return redirect("outreach:activity_detail", activity_id=saved.pk)
    cancel = reverse("outreach:activity_detail", kwargs={"activity_id": activity.pk})
    return _form_page(request, form, _("Correct the activity"), cancel)


@login_required
@permission_required("outreach.change_activity", raise_exception=True)
@require_POST
def activity_remove(request: AuthedRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, activity_id)
    activity_delete(by=request.user, activity=activity)
    messages.success(request, _("The activity is removed."))
    return redirect("outreach:activity_list")


def _period(request: AuthedRequest) -> tuple[dt.date, dt.date]:
    """The period asked for (``from``, ``to``); by default the last seven days to today."""
    last = date_asked(request, "to") or timezone.localdate()
    first = date_asked(request, "from") or last - dt.timedelta(days=WEEK - 1)
    return (first, last) if first <= last else (last, first)


@login_required
@permission_required("outreach.view_activity", raise_exception=True)
def activity_totals(request: AuthedRequest) -> HttpResponse:
    """The reach of a unit and period by channel, target group and child unit; each figure opens the list."""
    unit = unit_asked_for(request) or selectors.default_unit(request.user)
    first, last = _period(request)
    context: dict[str, Any] = {"unit": unit, "first": first, "last": last, "units": _units(request)}
    if unit is not None:
        context["totals"] = selectors.reach_totals(request.user, unit, first, last)
        context["period"] = f"from={first:%Y-%m-%d}&to={last:%Y-%m-%d}"
    return render(request, "outreach/activities/totals.html", context)


urlpatterns: list[URLPattern] = [
    path("activities/", activity_list, name="activity_list"),
    path("activities/new/", activity_new, name="activity_new"),
    path("activities/totals/", activity_totals, name="activity_totals"),
    path("activities.xlsx", activity_export, name="activity_export"),
    path("activities/<int:activity_id>/", activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/edit/", activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/remove/", activity_remove, name="activity_remove"),
    *settings.urlpatterns,
]
