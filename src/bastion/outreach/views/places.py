"""Places that need inspection: the list (overdue disinfection and open rectifications flagged), a place's page with
its checklist, history and schedule, its form, and the Excel export. Inspections, disinfections and the settings of
kinds and checklists add their own pages to ``urlpatterns``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import table_workbook
from bastion.observation.views.exporting import EXPORT, audit_export
from bastion.outreach.forms_places import PlaceForm
from bastion.outreach.models import Place, PlaceKind
from bastion.outreach.selectors import places as selectors
from bastion.outreach.services.places import place_create, place_update
from bastion.outreach.views import disinfection, inspections, place_settings
from bastion.outreach.views.place_settings import form_page


def _filters(request: AuthedRequest) -> dict[str, Any]:
    kind_code = request.GET.get("kind", "").strip()[:40]
    return {
        "unit": unit_asked_for(request),
        "q": request.GET.get("q", "").strip()[:100],
        "kind": PlaceKind.objects.filter(code=kind_code).first() if kind_code else None,
        "overdue": request.GET.get("overdue") == "1",
        "open_rectification": request.GET.get("open") == "1",
    }


def _with_due(places: list[Place]) -> list[Place]:
    today = timezone.localdate()
    for place in places:
        due = selectors.due_on(place)
        place.due_on = due  # type: ignore[attr-defined]
        overdue = place.is_active and place.interval_days and (due is None or due < today)  # type: ignore[attr-defined]
        place.is_overdue = bool(overdue)  # type: ignore[attr-defined]
    return places


@login_required
@permission_required("outreach.view_place", raise_exception=True)
def place_list(request: AuthedRequest) -> HttpResponse:
    data = _filters(request)
    page = paginate(request, selectors.places_for_user(request.user, **data))
    page.object_list = _with_due(list(page.object_list))
    context = {
        "page": page,
        "query": query_without_page(request),
        **data,
        "kinds": selectors.place_kinds_active(),
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "outreach/places/place_list.html", context)


def _place_form(request: AuthedRequest, place: Place | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if place is not None:
        initial = {
            "org_unit": place.org_unit,
            "kind": place.kind,
            "name": place.name,
            "address": place.address,
            "responsible_name": place.responsible_name,
            "responsible_phone": place.responsible_phone,
            "disinfect_every_days": place.disinfect_every_days,
            "is_active": place.is_active,
        }
    form = PlaceForm(
        request.POST or None,
        units=core_selectors.orgunit_choices_for_user(request.user, levels=4),
        place=place,
        initial=initial,
    )

    def save(data: dict[str, Any]) -> Place:
        if place is None:
            return place_create(by=request.user, **data)
        return place_update(by=request.user, place=place, **data)

    saved = form_submit(request, form, save)
    if saved is not None:
        messages.success(request, _("The place %(name)s is saved.") % {"name": saved.name})
        return redirect("outreach:place_detail", place_id=saved.pk)
    title = _("New place") if place is None else _("Change %(place)s") % {"place": place.name}
    cancel = reverse("outreach:place_list") if place is None else reverse("outreach:place_detail", args=[place.pk])
    return form_page(request, form, title, cancel=cancel)


@login_required
@permission_required("outreach.add_place", raise_exception=True)
def place_new(request: AuthedRequest) -> HttpResponse:
    return _place_form(request, None)


@login_required
@permission_required("outreach.change_place", raise_exception=True)
def place_edit(request: AuthedRequest, place_id: int) -> HttpResponse:
    return _place_form(request, selectors.place_get_for_user(request.user, place_id))


@login_required
@permission_required("outreach.view_place", raise_exception=True)
def place_detail(request: AuthedRequest, place_id: int) -> HttpResponse:
    """Details, the checklist, open rectifications (with the re-inspection to do), the disinfection schedule and
    the history of inspections and disinfections."""
    place = _with_due([selectors.place_get_for_user(request.user, place_id)])[0]
    open_items = [
        (inspection, selectors.latest_of_chain(inspection)) for inspection in selectors.place_open_rectifications(place)
    ]
    context = {
        "place": place,
        "checklist": selectors.place_checklist(place),
        "open_rectifications": open_items,
        "inspections": selectors.place_inspections(place)[:50],
        "disinfections": selectors.place_disinfections(place)[:20],
        "today": timezone.localdate(),
    }
    return render(request, "outreach/places/place_detail.html", context)


def places_workbook(places: list[Place]) -> bytes:
    header = [
        _("Unit"),
        pgettext("crowded place", "Place"),
        _("Kind"),
        _("Address"),
        _("Person responsible"),
        _("Their phone"),
        _("Disinfect every (days)"),
        _("Last disinfected"),
        _("Open rectification"),
        _("Active"),
    ]
    rows = (
        [
            p.org_unit.display_name,
            p.name,
            str(p.kind),
            p.address,
            p.responsible_name,
            p.masked_phone,
            p.interval_days if p.interval_days is not None else "",  # type: ignore[attr-defined]
            f"{timezone.localtime(p.last_disinfected_at):%Y-%m-%d %H:%M}" if p.last_disinfected_at else "",  # type: ignore[attr-defined]
            _("yes") if p.has_open_rectification else "",  # type: ignore[attr-defined]
            _("yes") if p.is_active else _("no"),
        ]
        for p in places
    )
    return table_workbook(_("Places"), header, rows)


@login_required
@permission_required(["outreach.view_place", EXPORT], raise_exception=True)
def place_export(request: AuthedRequest) -> HttpResponse:
    """The places with their persons responsible (phones masked): names leave the system, so it is logged."""
    data = _filters(request)
    places = selectors.places_for_user(request.user, **data)
    summary = {"unit": data["unit"], "q": data["q"], "kind": data["kind"].code if data["kind"] else ""}
    audit_export(request, "outreach.export", "outreach.place", places.count(), summary)
    return _xlsx(places_workbook(list(places.iterator(chunk_size=2000))), _dated("places"))


urlpatterns: list[URLPattern] = [
    path("places/", place_list, name="place_list"),
    path("places/new/", place_new, name="place_new"),
    path("places.xlsx", place_export, name="place_export"),
    path("places/<int:place_id>/", place_detail, name="place_detail"),
    path("places/<int:place_id>/edit/", place_edit, name="place_edit"),
    *inspections.urlpatterns,
    *disinfection.urlpatterns,
    *place_settings.urlpatterns,
]
