"""Disinfection (消杀): the record, the list with the places overdue on their schedule, the form, the Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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
from bastion.outreach.forms_places import DisinfectionForm
from bastion.outreach.models import Disinfection, Place
from bastion.outreach.selectors import disinfection as selectors
from bastion.outreach.selectors import places as place_selectors
from bastion.outreach.services.disinfection import disinfection_record
from bastion.outreach.views.place_settings import form_page

OVERDUE_SHOWN = 20


def _filters(request: AuthedRequest) -> dict[str, Any]:
    return {
        "unit": unit_asked_for(request),
        "q": request.GET.get("q", "").strip()[:100],
        "date_from": date_asked(request, "from"),
        "date_to": date_asked(request, "to"),
    }


def _with_due(places: list[Place]) -> list[Place]:
    for place in places:
        place.due_on = place_selectors.due_on(place)  # type: ignore[attr-defined]
    return places


@login_required
@permission_required("outreach.view_disinfection", raise_exception=True)
def disinfection_list(request: AuthedRequest) -> HttpResponse:
    """Disinfections done, newest first, under the places overdue on their schedule (``overdue=1``: only those)."""
    data = _filters(request)
    only_overdue = request.GET.get("overdue") == "1"
    overdue = place_selectors.disinfection_overdue(request.user, data["unit"])
    if not request.user.has_perm("outreach.view_place"):
        overdue, only_overdue = overdue.none(), False
    context: dict[str, Any] = {**data, "only_overdue": only_overdue, "query": query_without_page(request)}
    if only_overdue:
        page = paginate(request, overdue)
        page.object_list = _with_due(list(page.object_list))
        context |= {"overdue_page": page, "page": page}
    else:
        shown = _with_due(list(overdue[: OVERDUE_SHOWN + 1]))
        context |= {
            "overdue": shown[:OVERDUE_SHOWN],
            "more_overdue": len(shown) > OVERDUE_SHOWN,
            "page": paginate(request, selectors.disinfections_for_user(request.user, **data)),
        }
    context["units"] = core_selectors.orgunit_choices_for_user(request.user, levels=3)
    context["today"] = timezone.localdate()
    return render(request, "outreach/places/disinfection_list.html", context)


@login_required
@permission_required("outreach.add_disinfection", raise_exception=True)
def disinfection_new(request: AuthedRequest) -> HttpResponse:
    places = place_selectors.places_for_user(request.user, active_only=True)
    place_id = request.GET.get("place", "")
    place = place_selectors.place_get_for_user(request.user, int(place_id)) if place_id.isdigit() else None
    initial: dict[str, Any] = {"done_at": timezone.localtime().replace(second=0, microsecond=0)}
    if place is not None:
        initial |= {"place": place, "org_unit": place.org_unit}
    form = DisinfectionForm(
        request.POST or None,
        units=core_selectors.orgunit_choices_for_user(request.user, levels=4),
        places=places,
        initial=initial,
    )

    def save(data: dict[str, Any]) -> Disinfection:
        unit = data["org_unit"] or (data["place"].org_unit if data["place"] else None)
        if unit is None:
            raise ValidationError({"org_unit": _("Choose the place or the unit of the area.")})
        return disinfection_record(
            by=request.user,
            org_unit=unit,
            place=data["place"],
            area=data["area"],
            agent=data["agent"],
            concentration=data["concentration"],
            done_at=data["done_at"],
            done_by=data["done_by"],
        )

    saved = form_submit(request, form, save)
    if saved is not None:
        messages.success(request, _("The disinfection is recorded."))
        if saved.place_id:
            return redirect("outreach:place_detail", place_id=saved.place_id)
        return redirect("outreach:disinfection_list")
    cancel = reverse("outreach:place_detail", args=[place.pk]) if place else reverse("outreach:disinfection_list")
    return form_page(request, form, _("Record a disinfection"), cancel=cancel)


def disinfections_workbook(disinfections: Any) -> bytes:
    header = [
        _("Done at"),
        _("Unit"),
        pgettext("crowded place", "Place"),
        pgettext("disinfection", "Area"),
        _("Agent"),
        _("Concentration"),
        _("Done by"),
    ]
    rows = (
        [
            f"{timezone.localtime(d.done_at):%Y-%m-%d %H:%M}",
            d.org_unit.display_name,
            d.place.name if d.place else "",
            d.area,
            d.agent,
            d.concentration,
            d.done_by,
        ]
        for d in disinfections
    )
    return table_workbook(_("Disinfection"), header, rows)


@login_required
@permission_required("outreach.view_disinfection", raise_exception=True)
def disinfection_export(request: AuthedRequest) -> HttpResponse:
    data = _filters(request)
    disinfections = selectors.disinfections_for_user(request.user, **data)
    summary = {"unit": data["unit"], "q": data["q"]}
    audit_export(request, "outreach.export", "outreach.disinfection", disinfections.count(), summary)
    return _xlsx(disinfections_workbook(disinfections.iterator(chunk_size=2000)), _dated("disinfections"))


urlpatterns: list[URLPattern] = [
    path("disinfections/", disinfection_list, name="disinfection_list"),
    path("disinfections/new/", disinfection_new, name="disinfection_new"),
    path("disinfections.xlsx", disinfection_export, name="disinfection_export"),
]
