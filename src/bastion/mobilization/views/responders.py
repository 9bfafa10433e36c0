"""The register of responders: the list with search and filters, a responder's page, adding, changing,
the Excel import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from bastion.core import selectors as core_selectors
from bastion.core.imports import _book
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import _xlsx, import_page
from bastion.mobilization import jobs
from bastion.mobilization.forms import ResponderEditForm, ResponderForm
from bastion.mobilization.models import Responder, ResponderCategory
from bastion.mobilization.selectors import responder_get_for_user, responders_for_user
from bastion.mobilization.services.responders import responder_create, responder_update
from bastion.mobilization.views.common import int_or_none, xlsx_response, yes_no


@login_required
@permission_required("mobilization.view_responder", raise_exception=True)
def responder_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    category = int_or_none(request.GET.get("category"))
    unit = unit_asked_for(request)
    active = {"": True, "no": False, "all": None}.get(request.GET.get("active", ""), True)
    responders = responders_for_user(request.user, q=q, category=category, unit=unit, active=active)
    if request.GET.get("format") == "xlsx":
        if not request.user.has_perm("mobilization.export_responder"):
            raise PermissionDenied(_("You may not export the register."))
        return _export(responders)
    return render(
        request,
        "mobilization/responder_list.html",
        {
            "page": paginate(request, responders),
            "query": query_without_page(request),
            "q": q,
            "category": category,
            "categories": ResponderCategory.objects.all(),
            "unit": unit,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
            "active": request.GET.get("active", ""),
        },
    )


def _export(responders: object) -> HttpResponse:
    header = [_("Name"), _("Phone"), _("Category"), _("Home unit"), _("Institution"), _("Skills")]
    header += [_("Availability"), _("Active")]
    rows = (
        [
            r.name,
            r.masked_phone,
            str(r.category),
            r.org_unit.display_name,
            str(r.institution or ""),
            r.skills,
            r.availability,
            yes_no(r.is_active),
        ]
        for r in responders.iterator(chunk_size=2000)  # type: ignore[attr-defined]
    )
    return xlsx_response(_("Responders"), "responders", header, rows)


def _choices(request: AuthedRequest) -> dict[str, object]:
    return {
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=4),
        "institutions": core_selectors.institutions_for_user(request.user),
    }


@login_required
@permission_required("mobilization.add_responder", raise_exception=True)
def responder_new(request: AuthedRequest) -> HttpResponse:
    form = ResponderForm(request.POST or None, **_choices(request))  # type: ignore[arg-type]
    responder = form_submit(request, form, lambda data: responder_create(by=request.user, **data))
    if responder is not None:
        messages.success(request, _("%(name)s is in the register.") % {"name": responder.name})
        return redirect("mobilization:responder_detail", responder_id=responder.pk)
    context = {"form": form, "title": _("New responder"), "back_url": reverse("mobilization:responder_list")}
    return render(request, "mobilization/form.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required("mobilization.view_responder", raise_exception=True)
def responder_detail(request: AuthedRequest, responder_id: int) -> HttpResponse:
    responder = responder_get_for_user(request.user, responder_id)
    context = {
        "responder": responder,
        "assignments": responder.assignments.select_related("batch", "unit").order_by("-batch__report_by"),
        "secondments": responder.secondments.select_related("duty_type", "org_unit"),
        "teams": responder.teams.select_related("kind"),
        "turns": responder.turns.select_related("shift__post", "shift__org_unit").order_by("-shift__starts_at")[:10],
    }
    return render(request, "mobilization/responder_detail.html", context)


@login_required
@permission_required("mobilization.change_responder", raise_exception=True)
def responder_edit(request: AuthedRequest, responder_id: int) -> HttpResponse:
    responder: Responder = responder_get_for_user(request.user, responder_id)
    initial = {name: getattr(responder, name) for name in ResponderEditForm.base_fields}
    form = ResponderEditForm(request.POST or None, initial=initial, **_choices(request))  # type: ignore[arg-type]
    saved = form_submit(request, form, lambda data: responder_update(by=request.user, responder=responder, **data))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("mobilization:responder_detail", responder_id=responder.pk)
    back = reverse("mobilization:responder_detail", kwargs={"responder_id": responder.pk})
    context = {"form": form, "title": responder.name, "back_url": back}
    return render(request, "mobilization/form.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required("mobilization.add_responder", raise_exception=True)
def responder_import(request: AuthedRequest) -> HttpResponse:
    return import_page(
        request,
        kind=jobs.RESPONDER_IMPORT,
        title=_("Import responders from Excel"),
        columns=jobs.COLUMNS,
        template="mobilization:responder_template",
        back="mobilization:responder_list",
        max_rows=jobs.MAX_ROWS,
        max_bytes=jobs.MAX_BYTES,
    )


@login_required
@permission_required("mobilization.add_responder", raise_exception=True)
def responder_template(request: AuthedRequest) -> HttpResponse:
    categories = [(c.code, str(c)) for c in ResponderCategory.objects.filter(is_active=True)]
    return _xlsx(_book(_("Responders"), jobs.COLUMNS, [], categories), "responders-template.xlsx")


urlpatterns = [
    path("responders/", responder_list, name="responder_list"),
    path("responders/new/", responder_new, name="responder_new"),
    path("responders/import/", responder_import, name="responder_import"),
    path("responders/template.xlsx", responder_template, name="responder_template"),
    path("responders/<int:responder_id>/", responder_detail, name="responder_detail"),
    path("responders/<int:responder_id>/edit/", responder_edit, name="responder_edit"),
]
