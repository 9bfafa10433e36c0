"""The cadre's side: today's reports, filing figures or a zero report."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, apply_errors
from bastion.reporting import selectors
from bastion.reporting.forms import FilingForm
from bastion.reporting.services.common import deadline_at, files_form, local_today
from bastion.reporting.services.filing import REASON_SUFFIX, indicators_of, report_submit
from bastion.reporting.sources import source_value


@login_required
@permission_required("reporting.view_reportform", raise_exception=True)
def today(request: AuthedRequest) -> HttpResponse:
    day = local_today()
    due = selectors.due_reports_for_user(request.user, day)
    return render(
        request,
        "reporting/today.html",
        {"due": [(item, deadline_at(item.form, item.period)) for item in due], "today": day},
    )


def _period(request: AuthedRequest) -> dt.date:
    raw = request.GET.get("period", "")
    try:
        return dt.date.fromisoformat(raw) if raw else local_today()
    except ValueError:
        return local_today()


@login_required
@permission_required("reporting.add_report", raise_exception=True)
def file(request: AuthedRequest, form_id: int, unit_id: int) -> HttpResponse:
    user = request.user
    form = selectors.form_get_for_user(user, form_id)
    unit = core_selectors.orgunit_get_for_user(user, unit_id)
    if not files_form(form, unit):
        raise PermissionDenied(_("%(unit)s does not file %(form)s.") % {"unit": unit.display_name, "form": form.name})
    period = form.period_start(_period(request))
    report = selectors.report_of(form, unit, period)
    deadline = deadline_at(form, period)
    late = timezone.now() > deadline
    indicators = indicators_of(form, report.form_version if report else None)
    last = form.period_end(period)
    known = {
        i.code: value
        for i in indicators
        if i.source and (value := source_value(i.source, unit, period, last)) is not None
    }
    initial: dict[str, object] = {code: f"{value.normalize():f}" for code, value in known.items()}
    if report is not None:
        initial["note"] = report.note
        for stored in report.values.all():
            shown = stored.text if stored.number is None else f"{stored.number.normalize():f}"
            initial[stored.indicator.code] = shown
            if stored.override_reason:
                initial[stored.indicator.code + REASON_SUFFIX] = stored.override_reason
    filing = FilingForm(
        request.POST or None, indicators=indicators, known=known, late_edit=report is not None and late, initial=initial
    )
    may_edit = report is None or not late or user.has_perm("reporting.edit_late_report")
    if request.method == "POST" and may_edit and filing.is_valid():
        key = request.POST.get("idempotency_key", "")
        try:
            saved = report_submit(
                by=user,
                form=form,
                org_unit=unit,
                period=period,
                values=filing.values(),
                is_zero="zero" in request.POST,
                note=filing.cleaned_data.get("note", ""),
                edit_reason=filing.cleaned_data.get("edit_reason", ""),
                idempotency_key=_uuid(key),
            )
        except ValidationError as exc:
            apply_errors(filing, exc)
        else:
            if saved.is_zero:
                messages.success(
                    request,
                    _("Zero report filed for %(unit)s, %(period)s.") % {"unit": unit.display_name, "period": period},
                )
            else:
                messages.success(
                    request, _("Report filed for %(unit)s, %(period)s.") % {"unit": unit.display_name, "period": period}
                )
            return redirect("reporting:today")
    return render(
        request,
        "reporting/file.html",
        {
            "form": filing,
            "report_form": form,
            "unit": unit,
            "period": period,
            "report": report,
            "deadline": deadline,
            "late": late,
            "may_edit": may_edit,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4(),
            "future": period > local_today(),
        },
    )


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None
