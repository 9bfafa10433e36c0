"""Batches (第N批): the list, a batch's progress per unit, its assignments, check-ins by the unit's cadre in
one tap, absences, and closing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.crypto import keyed_hash
from bastion.core.imports import RowError
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import ImportForm
from bastion.mobilization import selectors
from bastion.mobilization.forms import AbsenceForm, AssignmentForm, BatchForm
from bastion.mobilization.models import Assignment, Batch
from bastion.mobilization.services import batches as services
from bastion.mobilization.services.common import phone_or_error
from bastion.mobilization.views.common import act, xlsx_response


@login_required
@permission_required("mobilization.view_batch", raise_exception=True)
def batch_list(request: AuthedRequest) -> HttpResponse:
    batches = selectors.batches_for_user(request.user)
    return render(request, "mobilization/batch_list.html", {"batches": batches})


@login_required
@permission_required("mobilization.add_batch", raise_exception=True)
def batch_new(request: AuthedRequest) -> HttpResponse:
    units = core_selectors.orgunit_choices_for_user(request.user, levels=2)
    form = BatchForm(request.POST or None, units=units)
    batch = form_submit(request, form, lambda data: services.batch_create(by=request.user, **data))
    if batch is not None:
        messages.success(request, _("%(batch)s created: now assign who reports where.") % {"batch": batch})
        return redirect("mobilization:batch_detail", batch_id=batch.pk)
    context = {"form": form, "title": _("New batch"), "back_url": reverse("mobilization:batch_list")}
    return render(request, "mobilization/form.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required("mobilization.view_batch", raise_exception=True)
def batch_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The batch's progress per unit and its assignments; ``?unit=`` is the list a village cadre works from."""
    batch = selectors.batch_get_for_user(request.user, batch_id)
    unit = unit_asked_for(request)
    status = request.GET.get("status", "")
    status = status if status in Assignment.Status.values else ""
    assignments = selectors.assignments_for_user(request.user, batch=batch, unit=unit, status=status)
    if request.GET.get("format") == "xlsx":
        return _export(batch, assignments)
    context = {
        "batch": batch,
        "progress": selectors.batch_progress(request.user, batch),
        "page": paginate(request, assignments),
        "query": query_without_page(request),
        "unit": unit,
        "status": status,
        "statuses": Assignment.Status.choices,
        "absence_form": AbsenceForm(),
        "today": timezone.localdate(),
    }
    return render(request, "mobilization/batch_detail.html", context)


def _export(batch: Batch, assignments: Any) -> HttpResponse:
    header = [_("Batch"), _("Name"), _("Phone"), _("Category"), _("Reports to"), _("Report by"), _("Status")]
    header += [_("Reported at"), _("Checked in by"), _("Reason of absence")]
    rows = (
        [
            str(batch),
            a.responder.name,
            a.responder.masked_phone,
            str(a.responder.category),
            a.unit.display_name,
            batch.report_by,
            a.get_status_display(),
            timezone.localtime(a.reported_at).strftime("%Y-%m-%d %H:%M") if a.reported_at else "",
            a.get_method_display(),
            a.absence_reason,
        ]
        for a in assignments.iterator(chunk_size=2000)
    )
    return xlsx_response(str(batch), f"batch-{batch.number}", header, rows)


def _batch_units(request: AuthedRequest, batch: Batch) -> Any:
    return core_selectors.orgunit_choices_for_user(request.user, levels=4, within=batch.org_unit)


@login_required
@permission_required("mobilization.add_assignment", raise_exception=True)
def assignment_new(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(request.user, batch_id)
    form = AssignmentForm(request.POST or None, units=_batch_units(request, batch))

    def assign(data: dict[str, Any]) -> Assignment:
        phone = phone_or_error(data["phone"])
        responder = selectors.responders_for_user(request.user).filter(phone_hash=keyed_hash(phone)).first()
        if responder is None:
            raise ValidationError({"phone": _("No active responder in your scope has this phone number.")})
        return services.assignment_create(by=request.user, batch=batch, responder=responder, unit=data["unit"])

    assignment = form_submit(request, form, assign)
    if assignment is not None:
        messages.success(
            request,
            _("%(name)s reports to %(unit)s.") % {"name": assignment.responder.name, "unit": assignment.unit},
        )
        return redirect("mobilization:assignment_new", batch_id=batch.pk)
    import_form = ImportForm()
    context = {
        "form": form,
        "batch": batch,
        "import_form": import_form,
        "columns": services.ASSIGNMENT_COLUMNS,
    }
    return render(request, "mobilization/assignment_form.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required("mobilization.add_assignment", raise_exception=True)
@require_POST
def assignment_import(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(request.user, batch_id)
    form = ImportForm(request.POST, request.FILES)
    errors: list[RowError] = []
    if form.is_valid():
        created, errors = services.assignments_import(
            by=request.user, batch=batch, data=form.cleaned_data["file"].read()
        )
        if not errors:
            messages.success(request, _("%(count)s assigned.") % {"count": created})
            return redirect("mobilization:batch_detail", batch_id=batch.pk)
    context = {
        "form": AssignmentForm(units=_batch_units(request, batch)),
        "batch": batch,
        "import_form": form,
        "import_errors": errors,
        "columns": services.ASSIGNMENT_COLUMNS,
    }
    return render(request, "mobilization/assignment_form.html", context, status=400)


def _back_to_batch(request: AuthedRequest, assignment: Assignment) -> HttpResponse:
    target = reverse("mobilization:batch_detail", kwargs={"batch_id": assignment.batch_id})
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(target) else target)


@login_required
@permission_required("mobilization.change_assignment", raise_exception=True)
@require_POST
def assignment_report(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_get_for_user(request.user, assignment_id)
    act(
        request,
        lambda: services.assignment_report(by=request.user, assignment=assignment),
        _("%(name)s reported.") % {"name": assignment.responder.name},
    )
    return _back_to_batch(request, assignment)


@login_required
@permission_required("mobilization.change_assignment", raise_exception=True)
@require_POST
def assignment_absent(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    assignment = selectors.assignment_get_for_user(request.user, assignment_id)
    reason = request.POST.get("reason", "")
    act(
        request,
        lambda: services.assignment_absent(by=request.user, assignment=assignment, reason=reason),
        _("%(name)s marked absent.") % {"name": assignment.responder.name},
    )
    return _back_to_batch(request, assignment)


@login_required
@permission_required("mobilization.change_batch", raise_exception=True)
@require_POST
def batch_close(request: AuthedRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(request.user, batch_id)
    act(request, lambda: services.batch_close(by=request.user, batch=batch), _("%(batch)s closed.") % {"batch": batch})
    return redirect("mobilization:batch_detail", batch_id=batch.pk)


urlpatterns = [
    path("batches/", batch_list, name="batch_list"),
    path("batches/new/", batch_new, name="batch_new"),
    path("batches/<int:batch_id>/", batch_detail, name="batch_detail"),
    path("batches/<int:batch_id>/assign/", assignment_new, name="assignment_new"),
    path("batches/<int:batch_id>/import/", assignment_import, name="assignment_import"),
    path("batches/<int:batch_id>/close/", batch_close, name="batch_close"),
    path("assignments/<int:assignment_id>/report/", assignment_report, name="assignment_report"),
    path("assignments/<int:assignment_id>/absent/", assignment_absent, name="assignment_absent"),
]
