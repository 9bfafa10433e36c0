"""The daily briefings: the list of those kept (by unit and days), making one now, and their PDF and workbook,
served through views that check the scope (never from a media URL)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
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
from bastion.dashboard import services
from bastion.dashboard.briefing import briefing_get_for_user, briefings_for_user, filename
from bastion.dashboard.forms import BriefingMakeForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How deep below the top of the user's scope a briefing may be made from the page: county, townships, villages.
MAKE_LEVELS = 2


def _make_form(request: AuthedRequest) -> BriefingMakeForm:
    units = core_selectors.orgunit_choices_for_user(request.user, levels=MAKE_LEVELS)
    if request.method == "POST":
        return BriefingMakeForm(request.POST, units=units)
    asked = unit_asked_for(request)
    return BriefingMakeForm(units=units, initial={"day": timezone.localdate(), "unit": asked or units.first()})


def _list_page(request: AuthedRequest, form: BriefingMakeForm, *, status: int = 200) -> HttpResponse:
    first, last = date_asked(request, "from"), date_asked(request, "to")
    if first is not None and last is not None and first > last:
        first, last = last, first
    unit = unit_asked_for(request)
    briefings = briefings_for_user(request.user, unit=unit, first=first, last=last)
    context = {
        "page": paginate(request, briefings),
        "query": query_without_page(request),
        "unit": unit,
        "first": first,
        "last": last,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=MAKE_LEVELS),
        "form": form if request.user.has_perm("dashboard.add_briefing") else None,
    }
    return render(request, "dashboard/briefings/list.html", context, status=status)


@login_required
@permission_required("dashboard.view_briefing", raise_exception=True)
def briefing_list(request: AuthedRequest) -> HttpResponse:
    return _list_page(request, _make_form(request))


@login_required
@permission_required("dashboard.add_briefing", raise_exception=True)
@require_POST
def briefing_new(request: AuthedRequest) -> HttpResponse:
    form = _make_form(request)
    briefing = form_submit(
        request,
        form,
        lambda data: services.briefing_make(by=request.user, unit=data["unit"], day=data["day"]),
    )
    if briefing is None:
        return _list_page(request, form, status=400)
    messages.success(
        request,
        _("The briefing of %(unit)s for %(day)s is made.")
        % {"unit": briefing.org_unit.display_name, "day": f"{briefing.day:%Y-%m-%d}"},
    )
    return redirect(f"{reverse('dashboard:briefing_list')}?unit={briefing.org_unit_id}")


def _served(file: FieldFile, name: str, content_type: str, *, attachment: bool) -> FileResponse:
    return FileResponse(file.open("rb"), as_attachment=attachment, filename=name, content_type=content_type)


@login_required
@permission_required("dashboard.view_briefing", raise_exception=True)
def briefing_pdf(request: AuthedRequest, briefing_id: int) -> FileResponse:
    briefing = briefing_get_for_user(request.user, briefing_id)
    name = filename(briefing.org_unit, briefing.day, "pdf")
    return _served(briefing.pdf, name, "application/pdf", attachment=False)


@login_required
@permission_required("dashboard.view_briefing", raise_exception=True)
def briefing_xlsx(request: AuthedRequest, briefing_id: int) -> FileResponse:
    briefing = briefing_get_for_user(request.user, briefing_id)
    name = filename(briefing.org_unit, briefing.day, "xlsx")
    return _served(briefing.xlsx, name, XLSX, attachment=True)


urlpatterns = [
    path("briefings/", briefing_list, name="briefing_list"),
    path("briefings/new/", briefing_new, name="briefing_new"),
    path("briefings/<int:briefing_id>/briefing.pdf", briefing_pdf, name="briefing_pdf"),
    path("briefings/<int:briefing_id>/briefing.xlsx", briefing_xlsx, name="briefing_xlsx"),
]
