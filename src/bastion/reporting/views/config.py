"""HQ admins configure report forms and their indicators, without code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.names import language_codes
from bastion.core.views.helpers import AuthedRequest, form_submit
from bastion.reporting import selectors
from bastion.reporting.forms import IndicatorForm, ReportFormConfigForm
from bastion.reporting.services import forms as services


def _names_initial(names: dict[str, str]) -> dict[str, str]:
    return {f"name_{code}": names.get(code, "") for code in language_codes()}


@login_required
@permission_required("reporting.view_reportform", raise_exception=True)
def form_list(request: AuthedRequest) -> HttpResponse:
    forms = selectors.forms_for_user(request.user).prefetch_related("indicators")
    return render(request, "reporting/form_list.html", {"forms": forms})


@login_required
@permission_required("reporting.add_reportform", raise_exception=True)
def form_new(request: AuthedRequest) -> HttpResponse:
    owner = core_selectors.orgunit_roots_for_user(request.user).first()
    if owner is None:
        raise PermissionDenied(_("Your account has no scope yet."))
    config = ReportFormConfigForm(request.POST or None, new=True)
    form = form_submit(
        request,
        config,
        lambda data: services.reportform_create(
            by=request.user, owner_unit=owner, code=data["code"], **config.data_for_service()
        ),
    )
    if form is not None:
        messages.success(request, _("Form created: now add its indicators."))
        return redirect("reporting:form_edit", form_id=form.pk)
    return render(
        request, "reporting/form_edit.html", {"config": config, "owner": owner, "title": _("New report form")}
    )


@login_required
@permission_required("reporting.change_reportform", raise_exception=True)
def form_edit(request: AuthedRequest, form_id: int) -> HttpResponse:
    form = selectors.form_get_for_user(request.user, form_id)
    initial = {
        **_names_initial(form.names),
        "period": form.period,
        "deadline": form.deadline,
        "levels": form.levels,
        "remind_before_minutes": form.remind_before_minutes,
        "is_active": form.is_active,
    }
    config = ReportFormConfigForm(request.POST or None, initial=initial)
    if form_submit(
        request,
        config,
        lambda data: services.reportform_update(by=request.user, form=form, data=config.data_for_service()),
    ):
        messages.success(request, _("Changes saved."))
        return redirect("reporting:form_edit", form_id=form.pk)
    return render(
        request,
        "reporting/form_edit.html",
        {
            "config": config,
            "report_form": form,
            "owner": form.owner_unit,
            "indicators": form.indicators.all(),
            "indicator_form": IndicatorForm(new=True),
            "title": form.name,
        },
    )


@login_required
@permission_required("reporting.add_indicator", raise_exception=True)
def indicator_new(request: AuthedRequest, form_id: int) -> HttpResponse:
    form = selectors.form_get_for_user(request.user, form_id)
    indicator_form = IndicatorForm(request.POST or None, new=True)
    indicator = form_submit(
        request,
        indicator_form,
        lambda data: services.indicator_add(
            by=request.user,
            form=form,
            code=data["code"],
            value_type=data["value_type"],
            **indicator_form.data_for_service(),
        ),
    )
    if indicator is not None:
        messages.success(
            request,
            _("Indicator %(name)s added (form version %(version)s).")
            % {"name": indicator.name, "version": indicator.added_in},
        )
        return redirect("reporting:form_edit", form_id=form.pk)
    return render(
        request,
        "reporting/indicator_form.html",
        {"form": indicator_form, "report_form": form, "title": _("New indicator")},
    )


@login_required
@permission_required("reporting.change_indicator", raise_exception=True)
def indicator_edit(request: AuthedRequest, indicator_id: int) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(request.user, indicator_id)
    initial = {
        **_names_initial(indicator.names),
        **{f: getattr(indicator, f) for f in ("required", "min_value", "max_value", "source", "sort_order")},
    }
    indicator_form = IndicatorForm(request.POST or None, initial=initial)
    if form_submit(
        request,
        indicator_form,
        lambda data: services.indicator_update(
            by=request.user, indicator=indicator, data=indicator_form.data_for_service()
        ),
    ):
        messages.success(request, _("Changes saved."))
        return redirect("reporting:form_edit", form_id=indicator.form_id)
    return render(
        request,
        "reporting/indicator_form.html",
        {"form": indicator_form, "report_form": indicator.form, "indicator": indicator, "title": indicator.name},
    )


@login_required
@permission_required("reporting.change_indicator", raise_exception=True)
@require_POST
def indicator_retire(request: AuthedRequest, indicator_id: int) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(request.user, indicator_id)
    services.indicator_retire(by=request.user, indicator=indicator)
    messages.success(request, _("%(name)s is no longer asked for; earlier reports keep it.") % {"name": indicator.name})
    return redirect("reporting:form_edit", form_id=indicator.form_id)
