"""Observation cases: the list, opening a case for a person, the case page and its actions, the release note."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.models import Institution, OrgUnit
from bastion.core.pdf import document
from bastion.core.services.audit import audit_record
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import cases_workbook
from bastion.observation.forms import CaseForm, CheckForm, ExtendForm, ReferForm, ReleaseForm, TransferForm
from bastion.observation.models import ObservationCase, ObservationReason
from bastion.observation.selectors import cases as selectors
from bastion.observation.services import cases as services
from bastion.observation.services.checks import check_record
from bastion.observation.views.exporting import EXPORT, audit_export
from bastion.reporting.services.immediate import command_unit_of
from bastion.residents import selectors as residents_selectors


def _filters(request: AuthedRequest) -> dict[str, Any]:
    return {
        "unit": unit_asked_for(request),
        "status": request.GET.get("status", "active"),
        "reason": request.GET.get("reason", ""),
        "q": request.GET.get("q", "").strip(),
    }


@login_required
@permission_required("observation.view_observationcase", raise_exception=True)
def case_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    cases = selectors.cases_for_user(request.user, **filters)
    return render(
        request,
        "observation/case_list.html",
        {
            "page": paginate(request, cases),
            "query": query_without_page(request),
            **filters,
            "statuses": [*ObservationCase.Status.choices, ("ending", _("Period over, not yet released"))],
            "reasons": ObservationReason.objects.all(),
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        },
    )


@login_required
@permission_required(["observation.view_observationcase", EXPORT], raise_exception=True)
def case_export(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    cases = selectors.cases_for_user(request.user, **filters)
    audit_export(request, "observation.export", "observation.observationcase", cases.count(), dict(filters))
    return _xlsx(cases_workbook(cases.iterator(chunk_size=2000)), _dated("observation-cases"))


@login_required
@permission_required("observation.add_observationcase", raise_exception=True)
def case_new(request: AuthedRequest) -> HttpResponse:
    """Pick the person (search the register), then the reason, place and period."""
    person_id = request.GET.get("person", "")
    if not person_id.isdigit():
        q = request.GET.get("q", "").strip()
        persons = residents_selectors.person_search(request.user, q)[:20] if q else []
        return render(request, "observation/person_pick.html", {"persons": persons, "q": q})
    person = residents_selectors.person_get_for_user(request.user, int(person_id))
    form = CaseForm(
        request.POST or None,
        sites=selectors.sites_for_user(request.user).filter(is_active=True),
        staff=core_selectors.users_covering(person.org_unit),
        initial={"start_date": timezone.localdate(), "place": ObservationCase.Place.HOME},
    )

    def save(data: dict[str, Any]) -> ObservationCase:
        return services.case_open(by=request.user, person=person, **data)

    case = form_submit(request, form, save)
    if case is not None:
        messages.success(
            request,
            _("%(name)s is under observation until %(end)s.")
            % {"name": person.name, "end": f"{case.planned_end:%Y-%m-%d}"},
        )
        return redirect("observation:case_detail", case_id=case.pk)
    return render(request, "observation/case_form.html", {"form": form, "person": person})


def _action_forms(request: AuthedRequest, case: ObservationCase, bound: dict[str, forms.Form]) -> dict[str, Any]:
    units = OrgUnit.objects.filter(is_active=True, path__startswith=command_unit_of(case.org_unit).path).exclude(
        kind__in=[OrgUnit.Kind.BUILDING, OrgUnit.Kind.TEN_HOUSEHOLD, OrgUnit.Kind.COMPOUND]
    )
    hospitals = Institution.objects.filter(kind=Institution.Kind.MEDICAL, designated=True, is_active=True)
    return {
        "extend_form": bound.get("extend") or ExtendForm(initial={"new_end": case.planned_end}),
        "release_form": bound.get("release")
        or ReleaseForm(initial={"note": _("Temperature normal and no symptoms over the whole period.")}),
        "refer_form": bound.get("refer") or ReferForm(hospitals=hospitals),
        "transfer_form": bound.get("transfer") or TransferForm(units=units),
    }


def _detail(request: AuthedRequest, case: ObservationCase, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    schedule = selectors.case_schedule(case)
    days: dict[Any, list[tuple[Any, str]]] = {}
    for slot, state in schedule:
        days.setdefault(timezone.localtime(slot.at).date(), []).append((slot, state))
    context = {
        "case": case,
        "days": sorted(days.items(), reverse=True),
        "missed": sum(1 for _slot, state in schedule if state == "missed"),
        "checks": selectors.case_checks(case),
        "events": selectors.case_events(case),
        "referral": selectors.case_referral(case),
        "today": timezone.localdate(),
    }
    if case.status == ObservationCase.Status.ACTIVE:
        context |= _action_forms(request, case, bound or {})
    return render(request, "observation/case_detail.html", context, status=400 if bound else 200)


@login_required
@permission_required("observation.view_observationcase", raise_exception=True)
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _detail(request, selectors.case_get_for_user(request.user, case_id))


def _action(
    name: str,
    form_class: Callable[..., forms.Form],
    done: Callable[[AuthedRequest, ObservationCase, dict[str, Any]], str],
) -> Callable[[AuthedRequest, int], HttpResponse]:
    """A POST on the case page: the service runs, or the page comes back with the form's errors."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, case_id: int) -> HttpResponse:
        case = selectors.case_get_for_user(request.user, case_id)
        kwargs: dict[str, Any] = {}
        if form_class is ReferForm:
            kwargs["hospitals"] = Institution.objects.filter(kind=Institution.Kind.MEDICAL, designated=True)
        elif form_class is TransferForm:
            kwargs["units"] = OrgUnit.objects.filter(is_active=True)
        form = form_class(request.POST, **kwargs)
        message = form_submit(request, form, lambda data: done(request, case, data))
        if message is None:
            return _detail(request, case, {name: form})
        messages.success(request, message)
        return redirect("observation:case_detail", case_id=case.pk)

    return view


def _extend(request: AuthedRequest, case: ObservationCase, data: dict[str, Any]) -> str:
    case = services.case_extend(by=request.user, case=case, **data)
    return _("Extended until %(end)s.") % {"end": f"{case.planned_end:%Y-%m-%d}"}


def _release(request: AuthedRequest, case: ObservationCase, data: dict[str, Any]) -> str:
    services.case_release(by=request.user, case=case, note=data["note"])
    return _("Released. Print the release note for the person.")


def _refer(request: AuthedRequest, case: ObservationCase, data: dict[str, Any]) -> str:
    referral = services.case_refer(by=request.user, case=case, **data)
    return _("Referred to %(hospital)s; the hospital is waiting for the person.") % {"hospital": referral.hospital.name}


def _transfer(request: AuthedRequest, case: ObservationCase, data: dict[str, Any]) -> str:
    services.case_transfer(by=request.user, case=case, **data)
    return _("The case was handed over.")


case_extend = _action("extend", ExtendForm, _extend)
case_release = _action("release", ReleaseForm, _release)
case_refer = _action("refer", ReferForm, _refer)
case_transfer = _action("transfer", TransferForm, _transfer)


@login_required
@permission_required("observation.add_healthcheck", raise_exception=True)
def check_new(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, case_id)
    form = CheckForm(request.POST or None, initial={"idempotency_key": uuid.uuid4()})
    check = form_submit(request, form, lambda data: check_record(by=request.user, case=case, **data))
    if check is not None:
        if check.out_of_range:
            messages.warning(request, _("Out of range: the township and the HQ have been alerted."))
        else:
            messages.success(request, _("Check recorded."))
        if request.POST.get("next") == "case":
            return redirect("observation:case_detail", case_id=case.pk)
        return redirect("observation:today")
    return render(request, "observation/check_form.html", {"form": form, "case": case})


@login_required
@permission_required("observation.view_observationcase", raise_exception=True)
def release_note(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The release paper (解除居家医学观察告知书) handed to the person; ID number masked."""
    case = selectors.case_get_for_user(request.user, case_id)
    if case.status != ObservationCase.Status.RELEASED or case.ended_at is None:
        raise PermissionDenied(_("Only a released case has a release note."))
    person = case.person
    pdf = document(
        title=_("Notice of release from home medical observation"),
        paragraphs=[
            _(
                "%(name)s was under medical observation from %(start)s and is released on %(end)s, "
                "the period of observation being over."
            )
            % {"name": person.name, "start": f"{case.start_date:%Y-%m-%d}", "end": f"{case.ended_at:%Y-%m-%d}"},
        ],
        rows=[
            (_("Full name"), person.name),
            (_("ID number"), person.masked_id_number),
            (_("Home address"), f"{case.org_unit.display_name} {person.address}"),
            (_("Reason"), str(case.reason)),
            (_("Place"), case.site.name if case.site else case.get_place_display()),
            (_("Period"), f"{case.start_date:%Y-%m-%d} – {timezone.localtime(case.ended_at):%Y-%m-%d}"),
            (_("Release note"), case.release_note),
        ],
        closing=[case.org_unit.display_name, f"{timezone.localtime(case.ended_at):%Y-%m-%d}"],
        footer=_(
            "Keep this note. Go on watching your health for 14 days and call the village clinic if you feel unwell."
        ),
    )
    audit_record(by=request.user, action="observation.release_note", obj=case, org_unit=case.org_unit)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="release-{case.pk}.pdf"'
    return response


urlpatterns = [
    path("", case_list, name="case_list"),
    path("export.xlsx", case_export, name="case_export"),
    path("new/", case_new, name="case_new"),
    path("<int:case_id>/", case_detail, name="case_detail"),
    path("<int:case_id>/check/", check_new, name="check_new"),
    path("<int:case_id>/extend/", case_extend, name="case_extend"),
    path("<int:case_id>/release/", case_release, name="case_release"),
    path("<int:case_id>/refer/", case_refer, name="case_refer"),
    path("<int:case_id>/transfer/", case_transfer, name="case_transfer"),
    path("<int:case_id>/release-note.pdf", release_note, name="release_note"),
]
