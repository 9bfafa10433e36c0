"""Immediate reports (时时报): file, follow, acknowledge, handle, close."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page
from bastion.reporting import selectors
from bastion.reporting.forms import CloseForm, ImmediateReportForm, StepForm
from bastion.reporting.models import ImmediateReport, IncidentCategory
from bastion.reporting.services import immediate as services


@login_required
@permission_required("reporting.view_immediatereport", raise_exception=True)
def immediate_list(request: AuthedRequest) -> HttpResponse:
    state = request.GET.get("state", "active")
    category = request.GET.get("category", "")
    q = request.GET.get("q", "").strip()
    reports = selectors.immediate_reports_for_user(request.user, state=state, category=category, q=q)
    return render(
        request,
        "reporting/immediate_list.html",
        {
            "page": paginate(request, reports),
            "query": query_without_page(request),
            "state": state,
            "states": ImmediateReport.State.choices,
            "category": category,
            "categories": IncidentCategory.objects.filter(is_active=True),
            "q": q,
        },
    )


@login_required
@permission_required("reporting.add_immediatereport", raise_exception=True)
def immediate_new(request: AuthedRequest) -> HttpResponse:
    units = core_selectors.orgunit_choices_for_user(request.user, levels=4)
    form = ImmediateReportForm(request.POST or None, units=units)
    report = form_submit(
        request,
        form,
        lambda data: services.immediate_report_file(
            by=request.user,
            org_unit=data["org_unit"],
            category=data["category"],
            severity=data["severity"],
            occurred_at=data["occurred_at"],
            description=data["description"],
            persons_involved=data["persons_involved"],
            idempotency_key=data["idempotency_key"],
        ),
    )
    if report is not None:
        messages.success(
            request, _("Immediate report sent to %(unit)s and the HQ.") % {"unit": report.waiting_unit.display_name}
        )
        return redirect("reporting:immediate_detail", immediate_id=report.pk)
    if request.method != "POST":
        form.initial["idempotency_key"] = uuid.uuid4()
    return render(request, "reporting/immediate_new.html", {"form": form})


@login_required
@permission_required("reporting.view_immediatereport", raise_exception=True)
def immediate_detail(request: AuthedRequest, immediate_id: int) -> HttpResponse:
    report = selectors.immediate_get_for_user(request.user, immediate_id)
    return render(
        request,
        "reporting/immediate_detail.html",
        {"report": report, "step_form": StepForm(), "close_form": CloseForm(), "may_act": _may_act(request, report)},
    )


def _may_act(request: AuthedRequest, report: ImmediateReport) -> bool:
    from bastion.core.scope import unit_in_scope

    return (
        request.user.has_perm("reporting.change_immediatereport")
        and unit_in_scope(request.user, report.waiting_unit)
        and report.state != ImmediateReport.State.CLOSED
    )


@login_required
@permission_required("reporting.change_immediatereport", raise_exception=True)
@require_POST
def immediate_acknowledge(request: AuthedRequest, immediate_id: int) -> HttpResponse:
    report = selectors.immediate_get_for_user(request.user, immediate_id)
    try:
        services.immediate_report_acknowledge(by=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Acknowledged: escalation stopped."))
    return redirect("reporting:immediate_detail", immediate_id=report.pk)


@login_required
@permission_required("reporting.change_immediatereport", raise_exception=True)
def immediate_handle(request: AuthedRequest, immediate_id: int) -> HttpResponse:
    return _step(
        request,
        immediate_id,
        StepForm,
        lambda report, data: services.immediate_report_handle(by=request.user, report=report, text=data["text"]),
    )


@login_required
@permission_required("reporting.change_immediatereport", raise_exception=True)
def immediate_close(request: AuthedRequest, immediate_id: int) -> HttpResponse:
    return _step(
        request,
        immediate_id,
        CloseForm,
        lambda report, data: services.immediate_report_close(by=request.user, report=report, outcome=data["outcome"]),
    )


def _step(
    request: AuthedRequest,
    immediate_id: int,
    form_class: type[StepForm] | type[CloseForm],
    action: Callable[[ImmediateReport, dict[str, Any]], ImmediateReport],
) -> HttpResponse:
    report = selectors.immediate_get_for_user(request.user, immediate_id)
    form = form_class(request.POST or None)
    done = form_submit(request, form, lambda data: action(report, data))
    if done is not None:
        messages.success(request, _("Saved on the timeline."))
        return redirect("reporting:immediate_detail", immediate_id=report.pk)
    context: dict[str, object] = {
        "report": report,
        "may_act": _may_act(request, report),
        "step_form": StepForm(),
        "close_form": CloseForm(),
    }
    context["close_form" if form_class is CloseForm else "step_form"] = form
    return render(request, "reporting/immediate_detail.html", context, status=400 if request.method == "POST" else 200)
