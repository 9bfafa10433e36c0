"""Inspections: the checklist on a phone, an inspection's page, the re-inspection, photos served in scope, the list
and its Excel export."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
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
from bastion.outreach.forms_places import InspectionForm
from bastion.outreach.models import Inspection, Place
from bastion.outreach.selectors import inspections as selectors
from bastion.outreach.selectors import places as place_selectors
from bastion.outreach.services.inspections import inspection_record


def _inspection_form(request: AuthedRequest, place: Place, follows: Inspection | None) -> HttpResponse:
    items = list(place_selectors.place_checklist(place))
    initial = {
        "inspected_at": timezone.localtime().replace(second=0, microsecond=0),
        "inspectors": request.user.get_full_name() or request.user.get_username(),
    }
    form = InspectionForm(request.POST or None, request.FILES or None, items=items, initial=initial)

    def save(data: dict[str, Any]) -> Inspection:
        return inspection_record(
            by=request.user,
            place=place,
            inspected_at=data["inspected_at"],
            inspectors=data["inspectors"],
            answers=form.answers(data),
            rectify_by=data["rectify_by"],
            note=data["note"],
            follows=follows,
        )

    saved = form_submit(request, form, save)
    if saved is not None:
        if saved.result == Inspection.Result.FAILED and follows is None:
            messages.warning(request, _("Failed: a rectification is set, due %(date)s.") % {"date": saved.rectify_by})
        elif saved.result == Inspection.Result.FAILED:
            messages.warning(request, _("Failed again: the rectification stays open."))
        else:
            messages.success(request, _("Passed."))
        return redirect("outreach:inspection_detail", inspection_id=saved.pk)
    context = {"form": form, "place": place, "follows": follows}
    return render(request, "outreach/places/inspection_form.html", context)


@login_required
@permission_required("outreach.add_inspection", raise_exception=True)
def inspection_new(request: AuthedRequest, place_id: int) -> HttpResponse:
    return _inspection_form(request, place_selectors.place_get_for_user(request.user, place_id), None)


@login_required
@permission_required("outreach.add_inspection", raise_exception=True)
def reinspection_new(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    follows = selectors.inspection_get_for_user(request.user, inspection_id)
    return _inspection_form(request, place_selectors.place_get_for_user(request.user, follows.place_id), follows)


@login_required
@permission_required("outreach.view_inspection", raise_exception=True)
def inspection_detail(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(request.user, inspection_id)
    rectification = place_selectors.rectification_of(inspection)
    context = {
        "inspection": inspection,
        "answers": inspection.answers.all(),
        "rectification": rectification,
        "reinspections": inspection.reinspections.all(),
        "may_reinspect": (
            inspection.result == Inspection.Result.FAILED
            and not inspection.reinspections.exists()
            and rectification is not None
            and rectification.status != rectification.Status.VERIFIED
        ),
    }
    return render(request, "outreach/places/inspection_detail.html", context)


@login_required
@permission_required("outreach.view_inspection", raise_exception=True)
def answer_photo(request: AuthedRequest, answer_id: int) -> FileResponse:
    """A photo of an answer, served only to those who may see its inspection (never a public media URL)."""
    answer = selectors.answer_get_for_user(request.user, answer_id)
    if not answer.photo:
        raise Http404("no photo")
    name = answer.photo.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        content_type = "application/octet-stream"
    response = FileResponse(answer.photo.open("rb"), filename=name, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _filters(request: AuthedRequest) -> dict[str, Any]:
    result = request.GET.get("result", "").strip()
    return {
        "unit": unit_asked_for(request),
        "q": request.GET.get("q", "").strip()[:100],
        "result": result if result in Inspection.Result.values else "",
        "date_from": date_asked(request, "from"),
        "date_to": date_asked(request, "to"),
    }


@login_required
@permission_required("outreach.view_inspection", raise_exception=True)
def inspection_list(request: AuthedRequest) -> HttpResponse:
    data = _filters(request)
    context = {
        "page": paginate(request, selectors.inspections_for_user(request.user, **data)),
        "query": query_without_page(request),
        **data,
        "results": Inspection.Result.choices,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "outreach/places/inspection_list.html", context)


def inspections_workbook(inspections: Any) -> bytes:
    header = [
        _("Inspected at"),
        _("Unit"),
        pgettext("crowded place", "Place"),
        _("Kind"),
        _("Inspected by"),
        pgettext("inspection", "Result"),
        _("Failed items"),
        _("Rectify by"),
        _("Rectification"),
        _("Re-inspection of"),
        _("Note"),
    ]
    rows = (
        [
            f"{timezone.localtime(i.inspected_at):%Y-%m-%d %H:%M}",
            i.org_unit.display_name,
            i.place.name,
            str(i.place.kind),
            i.inspectors,
            i.get_result_display(),
            "; ".join(f"{a.item}: {a.note}" for a in i.answers.all() if not a.passed),
            i.rectify_by,
            i.rectification.get_status_display() if i.rectification else "",
            f"{timezone.localtime(i.follows.inspected_at):%Y-%m-%d %H:%M}" if i.follows else "",
            i.note,
        ]
        for i in inspections
    )
    return table_workbook(_("Inspections"), header, rows)


@login_required
@permission_required("outreach.view_inspection", raise_exception=True)
def inspection_export(request: AuthedRequest) -> HttpResponse:
    data = _filters(request)
    inspections = selectors.inspections_for_user(request.user, **data).select_related("follows")
    summary = {"unit": data["unit"], "q": data["q"], "result": data["result"]}
    audit_export(request, "outreach.export", "outreach.inspection", inspections.count(), summary)
    return _xlsx(inspections_workbook(inspections.prefetch_related("answers__item")), _dated("inspections"))


urlpatterns: list[URLPattern] = [
    path("inspections/", inspection_list, name="inspection_list"),
    path("inspections.xlsx", inspection_export, name="inspection_export"),
    path("places/<int:place_id>/inspect/", inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", inspection_detail, name="inspection_detail"),
    path("inspections/<int:inspection_id>/reinspect/", reinspection_new, name="reinspection_new"),
    path("answers/<int:answer_id>/photo/", answer_photo, name="answer_photo"),
]
