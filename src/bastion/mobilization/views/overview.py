"""The HQ's view of mobilisation: figures by category, batch and duty; who is on duty now; hours served."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, paginate, query_without_page, unit_asked_for
from bastion.mobilization import selectors
from bastion.mobilization.views.common import xlsx_response

ON_DUTY_PAGE = 100


@login_required
@permission_required("mobilization.view_responder", raise_exception=True)
def overview(request: AuthedRequest) -> HttpResponse:
    unit = unit_asked_for(request)
    context = {
        "figures": selectors.mobilisation_figures(request.user, unit=unit),
        "unit": unit,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=2),
        "today": timezone.localdate(),
    }
    return render(request, "mobilization/overview.html", context)


def _when(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


@login_required
@permission_required("mobilization.view_shift", raise_exception=True)
def on_duty(request: AuthedRequest) -> HttpResponse:
    """Who is on duty now, at every post and unit in scope (or under ``?unit=``); no-shows stand out."""
    unit = unit_asked_for(request)
    now = timezone.now()
    turns = selectors.on_duty_now(request.user, unit=unit, now=now)
    if request.GET.get("format") == "xlsx":
        header = [_("Unit"), _("Checkpoint"), _("Name"), _("Shift lead"), _("Starts"), _("Ends"), _("Checked in")]
        header.append(_("No-show"))
        rows = (
            [
                t["unit_name"],
                t["post_name"] or "",
                t["name"],
                _("yes") if t["is_lead"] else "",
                _when(t["starts_at"]),
                _when(t["ends_at"]),
                _when(t["checked_in_at"]),
                _when(t["no_show_at"]),
            ]
            for t in turns
        )
        return xlsx_response(_("On duty now"), "on-duty", header, rows)
    context = {
        "page": paginate(request, turns, per_page=ON_DUTY_PAGE),
        "query": query_without_page(request),
        "unit": unit,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        "now": now,
    }
    return render(request, "mobilization/on_duty.html", context)


def _hours(served: dt.timedelta | None) -> float:
    return round(served.total_seconds() / 3600, 1) if served else 0.0


def _served(responder: Any) -> tuple[int, float, int]:
    """Shifts, hours and no-shows of a responder annotated by ``hours_served``."""
    return responder.turn_count, _hours(responder.served), responder.no_shows


def _month(text: str, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@login_required
@permission_required("mobilization.view_shift", raise_exception=True)
def hours(request: AuthedRequest) -> HttpResponse:
    """Hours served per responder in a month (``?month=2020-02``), for recognition; Excel for the whole list."""
    first = _month(request.GET.get("month", ""), timezone.localdate())
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    unit = unit_asked_for(request)
    responders = selectors.hours_served(request.user, first=first, last=last, unit=unit)
    if request.GET.get("format") == "xlsx":
        header = [_("Name"), _("Category"), _("Home unit"), _("Month"), pgettext("mobilization", "Shifts")]
        header += [pgettext("mobilization", "Hours"), _("No-shows")]
        rows = (
            [r.name, str(r.category), r.org_unit.display_name, f"{first:%Y-%m}", *_served(r)]
            for r in responders.iterator(chunk_size=2000)
        )
        return xlsx_response(_("Hours served"), f"hours-{first:%Y-%m}", header, rows)
    page = paginate(request, responders)
    for responder in page:
        responder.hours = _hours(responder.served)
    context = {
        "page": page,
        "query": query_without_page(request),
        "month": first,
        "unit": unit,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "mobilization/hours.html", context)


urlpatterns = [
    path("", overview, name="overview"),
    path("on-duty/", on_duty, name="on_duty"),
    path("hours/", hours, name="hours"),
]
