"""Excel in and out: the roll-up in the county layout, and a day's reports taken by phone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bastion.core.imports import Refused
from bastion.core.views.helpers import AuthedRequest
from bastion.core.views.transfer import ImportForm, _xlsx
from bastion.reporting import imports, selectors
from bastion.reporting.services.imports import reports_import
from bastion.reporting.views.params import selection


class ReportImportForm(ImportForm):
    write_valid_rows = forms.BooleanField(
        label=gettext_lazy("If some rows are wrong, write the valid rows anyway"), required=False
    )


@login_required
@permission_required("reporting.export_report", raise_exception=True)
def rollup_export(request: AuthedRequest) -> HttpResponse:
    chosen = selection(request, ranged=True)
    if chosen.form is None or chosen.unit is None:
        return render(request, "reporting/rollup.html", {"chosen": chosen})
    table = selectors.rollup(chosen.form, chosen.unit, chosen.first, chosen.last)
    data = imports.rollup_workbook(table, chosen.form, chosen.unit, chosen.first, chosen.last)
    return _xlsx(data, f"{chosen.form.code}-{chosen.first:%Y%m%d}-{chosen.last:%Y%m%d}.xlsx")


@login_required
@permission_required("reporting.change_report", raise_exception=True)
def import_template(request: AuthedRequest) -> HttpResponse:
    chosen = selection(request)
    if chosen.form is None or chosen.unit is None:
        return render(request, "reporting/import.html", {"chosen": chosen})
    period = chosen.form.period_start(chosen.first)
    data = imports.report_template(chosen.form, chosen.unit, period)
    return _xlsx(data, f"{chosen.form.code}-{period:%Y%m%d}-template.xlsx")


@login_required
@permission_required("reporting.change_report", raise_exception=True)
def report_import(request: AuthedRequest) -> HttpResponse:
    """Check every row first; write all, or, when the user says so, the valid rows only."""
    chosen = selection(request)
    upload = ReportImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"chosen": chosen, "upload": upload}
    if request.method == "POST" and upload.is_valid() and chosen.form and chosen.unit:
        period = chosen.form.period_start(chosen.first)
        try:
            rows, errors = imports.check_report_rows(
                upload.cleaned_data["file"].read(), form=chosen.form, unit=chosen.unit, period=period, by=request.user
            )
        except Refused as refused:
            rows, errors = [], [refused.as_error()]
        context.update(errors=errors, valid=len(rows), period=period)
        if rows and (not errors or upload.cleaned_data["write_valid_rows"]):
            try:
                written = reports_import(by=request.user, form=chosen.form, unit=chosen.unit, period=period, rows=rows)
            except (ValidationError, PermissionDenied) as exc:
                messages_ = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                context["errors"] = [*errors, *({"row": None, "field": "", "message": m} for m in messages_)]
                return render(request, "reporting/import.html", context)
            messages.success(
                request,
                ngettext("%(count)d report written.", "%(count)d reports written.", written) % {"count": written},
            )
            if not errors:
                return redirect(reverse("reporting:completeness") + "?" + chosen.query())
            context["written"] = written
        elif not rows and not errors:
            context["errors"] = [{"row": None, "field": "", "message": _("The file holds no new figures.")}]
    return render(request, "reporting/import.html", context)
