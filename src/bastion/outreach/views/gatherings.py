"""Gathering pages (红白事): the list with counts per unit and outcome (families masked), a new plan, one
gathering (the family in full), its plan changed, its outcome, and the Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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
from bastion.observation.views.exporting import EXPORT, audit_export
from bastion.outreach.forms_activities import GatheringForm, OutcomeForm
from bastion.outreach.models import Gathering
from bastion.outreach.selectors import activities as activity_selectors
from bastion.outreach.selectors import gatherings as selectors
from bastion.outreach.services.gatherings import gathering_outcome, gathering_record, gathering_update_plan


def _filters(request: AuthedRequest) -> dict[str, Any]:
    kind, outcome = request.GET.get("kind", "").strip(), request.GET.get("outcome", "").strip()
    return {
        "unit": unit_asked_for(request),
        "kind": kind if kind in Gathering.Kind.values else "",
        "outcome": outcome if outcome in Gathering.Outcome.values else "",
        "date_from": date_asked(request, "from"),
        "date_to": date_asked(request, "to"),
        "q": request.GET.get("q", "").strip()[:100],
    }


@login_required
@permission_required("outreach.view_gathering", raise_exception=True)
def gathering_list(request: AuthedRequest) -> HttpResponse:
    data = _filters(request)
    gatherings = selectors.gatherings_for_user(request.user, **data)
    counted = data["unit"] or activity_selectors.default_unit(request.user)
    context: dict[str, Any] = {
        "page": paginate(request, gatherings),
        "query": query_without_page(request),
        **data,
        "kinds": Gathering.Kind.choices,
        "outcomes": Gathering.Outcome.choices,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        "counted": counted,
    }
    if counted is not None:
        context["count_lines"], context["count_total"] = selectors.gathering_counts(
            request.user, counted, data["date_from"], data["date_to"]
        )
    return render(request, "outreach/gatherings/list.html", context)


@login_required
@permission_required(["outreach.view_gathering", EXPORT], raise_exception=True)
def gathering_export(request: AuthedRequest) -> HttpResponse:
    """The families' names leave the system: the personal-data export permission, and an audit event."""
    data = _filters(request)
    gatherings = selectors.gatherings_for_user(request.user, **data)
    summary = {"unit": data["unit"], "q": data["q"], "kind": data["kind"], "outcome": data["outcome"]}
    audit_export(request, "outreach.export", "outreach.gathering", gatherings.count(), summary)
    header = [
        _("Planned for"),
        _("Unit"),
        _("Kind"),
        _("Family"),
        _("Expected size"),
        _("Guidance given"),
        _("Outcome"),
        _("Actual size"),
        _("How it went"),
    ]
    rows = (
        [
            g.planned_on,
            g.org_unit.display_name,
            g.get_kind_display(),
            g.family,
            g.expected_size,
            g.guidance,
            g.get_outcome_display(),
            g.actual_size,
            g.outcome_note,
        ]
        for g in gatherings.iterator(chunk_size=2000)
    )
    return _xlsx(table_workbook(_("Gatherings"), header, rows), _dated("gatherings"))


def _form_page(request: AuthedRequest, form: Any, title: str, cancel: str) -> HttpResponse:
    return render(request, "outreach/form.html", {"form": form, "title": title, "cancel": cancel})


@login_required
@permission_required("outreach.add_gathering", raise_exception=True)
def gathering_new(request: AuthedRequest) -> HttpResponse:
    initial = {"org_unit": activity_selectors.default_unit(request.user), "planned_on": timezone.localdate()}
    form = GatheringForm(
        request.POST or None,
        units=core_selectors.orgunit_choices_for_user(request.user, levels=4),
        initial=initial,
    )
    saved = form_submit(request, form, lambda data: gathering_record(by=request.user, **data))
    if saved is not None:
        messages.success(request, _("The gathering is recorded."))
        return redirect("outreach:gathering_detail", gathering_id=saved.pk)
    return _form_page(request, form, _("A planned gathering"), reverse("outreach:gathering_list"))


@login_required
@permission_required("outreach.view_gathering", raise_exception=True)
def gathering_detail(request: AuthedRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(request.user, gathering_id)
    outcome = OutcomeForm(
        initial={
            "outcome": gathering.outcome if gathering.outcome != Gathering.Outcome.PLANNED else "",
            "actual_size": gathering.actual_size,
            "outcome_note": gathering.outcome_note,
        }
    )
    return render(request, "outreach/gatherings/detail.html", {"gathering": gathering, "form": outcome})


@login_required
@permission_required("outreach.change_gathering", raise_exception=True)
def gathering_edit(request: AuthedRequest, gathering_id: int) -> HttpResponse:
    gathering = selectors.gathering_get_for_user(request.user, gathering_id)
    initial = {
        name: getattr(gathering, name)
        for name in ("kind", "family", "phone", "planned_on", "expected_size", "guidance")
    }
    form = GatheringForm(
        request.POST or None, units=core_selectors.orgunit_choices_for_user(request.user), initial=initial
    )
    del form.fields["org_unit"]  # a gathering stays with its village
    saved = form_submit(request, form, lambda data: gathering_update_plan(by=request.user, gathering=gathering, **data))
    if saved is not None:
        messages.success(request, _("The plan is changed."))
        return redirect("outreach:gathering_detail", gathering_id=saved.pk)
    cancel = reverse("outreach:gathering_detail", kwargs={"gathering_id": gathering.pk})
    return _form_page(request, form, _("Change the plan"), cancel)


@login_required
@permission_required("outreach.change_gathering", raise_exception=True)
def gathering_outcome_page(request: AuthedRequest, gathering_id: int) -> HttpResponse:
    """How it went: postponed, scaled down, held simply, as planned, with how many came."""
    gathering = selectors.gathering_get_for_user(request.user, gathering_id)
    form = OutcomeForm(request.POST or None)
    saved = form_submit(request, form, lambda data: gathering_outcome(by=request.user, gathering=gathering, **data))
    if saved is not None:
        messages.success(request, _("The outcome is recorded: %(outcome)s.") % {"outcome": saved.get_outcome_display()})
        return redirect("outreach:gathering_detail", gathering_id=saved.pk)
    cancel = reverse("outreach:gathering_detail", kwargs={"gathering_id": gathering.pk})
    return _form_page(request, form, _("How the gathering went"), cancel)


urlpatterns: list[URLPattern] = [
    path("gatherings/", gathering_list, name="gathering_list"),
    path("gatherings/new/", gathering_new, name="gathering_new"),
    path("gatherings.xlsx", gathering_export, name="gathering_export"),
    path("gatherings/<int:gathering_id>/", gathering_detail, name="gathering_detail"),
    path("gatherings/<int:gathering_id>/edit/", gathering_edit, name="gathering_edit"),
    path("gatherings/<int:gathering_id>/outcome/", gathering_outcome_page, name="gathering_outcome"),
]
