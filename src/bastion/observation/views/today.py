"""The doctor's "today's checks", the township and HQ overview, the hospital's referrals, isolation sites."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import table_workbook
from bastion.observation.forms import AcknowledgeForm, SiteForm
from bastion.observation.selectors import cases as selectors
from bastion.observation.services.cases import referral_acknowledge
from bastion.observation.services.sites import isolation_site_save
from bastion.observation.views.exporting import EXPORT, audit_export

PAGE_SIZE = 50
LISTED = 10  # alerts and missed checks on the overview; the rest are a link away


@login_required
@permission_required("observation.view_observationcase", raise_exception=True)
def today(request: AuthedRequest) -> HttpResponse:
    """Everyone under observation in the user's units: missed checks and open alerts first, then those due."""
    unit = unit_asked_for(request)
    rows = selectors.day_states(request.user, unit)
    if request.GET.get("format") == "xlsx":
        return _today_export(request, unit, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = selectors.cases_by_pk([row.pk for row in page])
    return render(
        request,
        "observation/today.html",
        {
            "page": page,
            "rows": [(row, cases[row.pk]) for row in page if row.pk in cases],
            "missed": sum(1 for row in rows if row.missed),
            "due": sum(1 for row in rows if row.due),
            "alerts": sum(1 for row in rows if row.alert_open),
            "query": query_without_page(request),
            "unit": unit,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        },
    )


def _today_export(request: AuthedRequest, unit: OrgUnit | None, rows: list[selectors.DayStates]) -> HttpResponse:
    """The day's list on paper: one row per person, the checks of the last 24 hours as the page shows them."""
    if not request.user.has_perm(EXPORT):
        raise PermissionDenied
    audit_export(request, "observation.today_export", "observation.observationcase", len(rows), {"unit": unit})
    cases = selectors.cases_by_pk([row.pk for row in rows])
    states = {"done": "✓", "missed": _("missed"), "due": _("due"), "upcoming": ""}
    header = [_("Unit"), _("Full name"), _("Home address"), _("Day"), _("Checks (24 h)"), _("Alerts open")]
    table = (
        [
            cases[row.pk].org_unit.display_name,
            cases[row.pk].person.name,
            row.address,
            f"{cases[row.pk].day_number}/{cases[row.pk].days}",
            " ".join(f"{time} {states[state]}".strip() for time, state in row.slots),
            _("Yes") if row.alert_open else "",
        ]
        for row in rows
        if row.pk in cases
    )
    return _xlsx(table_workbook(_("Today's checks"), header, table), _dated("todays-checks"))


def _overview_unit(request: AuthedRequest) -> Any:
    unit = unit_asked_for(request)
    if unit is not None:
        return unit
    roots = core_selectors.orgunit_choices_for_user(request.user, levels=0)
    return roots.first()


@login_required
@permission_required("observation.view_observationcase", raise_exception=True)
def overview(request: AuthedRequest) -> HttpResponse:
    """For the township or the HQ: each unit below, its cases, checks missed today, alerts open, deliveries pending."""
    unit = _overview_unit(request)
    if unit is None:
        return render(request, "observation/overview.html", {"unit": None})
    total, rows = selectors.overview(request.user, unit)
    overdue = selectors.cases_by_pk(total.overdue_cases[:LISTED])
    return render(
        request,
        "observation/overview.html",
        {
            "unit": unit,
            "total": total,
            "rows": rows,
            "overdue": [overdue[pk] for pk in total.overdue_cases[:LISTED] if pk in overdue],
            "overdue_count": len(total.overdue_cases),
            "alerts": list(selectors.open_alerts(request.user, unit, total.alert_cases)[:LISTED]),
            "breadcrumbs": core_selectors.orgunit_ancestors_for_user(request.user, unit),
            "today": timezone.localdate(),
        },
    )


@login_required
@permission_required("observation.view_referral", raise_exception=True)
def referral_list(request: AuthedRequest) -> HttpResponse:
    """The hospital's side: persons referred to a designated hospital in the user's scope."""
    referrals = selectors.referrals_for_hospital_staff(request.user)
    if request.GET.get("show") != "all":
        referrals = referrals.filter(acknowledged_at__isnull=True)
    if request.GET.get("format") == "xlsx":
        if not request.user.has_perm(EXPORT):
            raise PermissionDenied
        audit_export(request, "referral.export", "observation.referral", referrals.count(), {"unit": None})
        header = [_("Full name"), _("Unit"), _("Hospital"), _("Transport"), _("Referred at"), _("Received by")]
        rows = (
            [
                r.case.person.name,
                r.case.org_unit.display_name,
                r.hospital.name,
                r.get_transport_display(),
                f"{timezone.localtime(r.referred_at):%Y-%m-%d %H:%M}",
                r.received_by,
            ]
            for r in referrals
        )
        return _xlsx(table_workbook(_("Referrals"), header, rows), _dated("referrals"))
    return render(
        request,
        "observation/referral_list.html",
        {
            "page": paginate(request, referrals),
            "query": query_without_page(request),
            "show": request.GET.get("show", ""),
            "form": AcknowledgeForm(),
        },
    )


@login_required
@require_POST
def referral_ack(request: AuthedRequest, referral_id: int) -> HttpResponse:
    referral = get_object_or_404(selectors.referrals_for_hospital_staff(request.user), pk=referral_id)
    form = AcknowledgeForm(request.POST)
    if form_submit(request, form, lambda data: referral_acknowledge(by=request.user, referral=referral, **data)):
        messages.success(request, _("Acknowledged: the referring unit sees that the person arrived."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("observation:referral_list")


@login_required
@permission_required("observation.view_isolationsite", raise_exception=True)
def site_list(request: AuthedRequest) -> HttpResponse:
    sites = selectors.site_occupancy(selectors.sites_for_user(request.user, unit_asked_for(request)))
    if request.GET.get("format") == "xlsx":
        header = [
            _("Unit"),
            _("Name"),
            _("Address"),
            _("Rooms"),
            _("Capacity (persons)"),
            _("Persons held"),
            _("Active"),
        ]
        rows = ([s.org_unit.display_name, s.name, s.address, s.rooms, s.capacity, s.held, s.is_active] for s in sites)  # type: ignore[attr-defined]
        return _xlsx(table_workbook(_("Isolation sites"), header, rows), _dated("isolation-sites"))
    return render(
        request,
        "observation/site_list.html",
        {"page": paginate(request, sites), "query": query_without_page(request)},
    )


@login_required
@permission_required("observation.view_isolationsite", raise_exception=True)
def site_edit(request: AuthedRequest, site_id: int = 0) -> HttpResponse:
    site = selectors.site_get_for_user(request.user, site_id) if site_id else None
    units = core_selectors.orgunit_choices_for_user(request.user, levels=3)
    initial: dict[str, Any] = {}
    if site is not None:
        initial = {f: getattr(site, f) for f in ("org_unit", "name", "address", "rooms", "capacity", "is_active")}
    form = SiteForm(request.POST or None, units=units, initial=initial)
    saved = form_submit(request, form, lambda data: isolation_site_save(by=request.user, site=site, **data))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("observation:site_list")
    title = _("New isolation site") if site is None else site.name
    return render(request, "observation/form.html", {"form": form, "title": title})


urlpatterns = [
    path("today/", today, name="today"),
    path("overview/", overview, name="overview"),
    path("referrals/", referral_list, name="referral_list"),
    path("referrals/<int:referral_id>/acknowledge/", referral_ack, name="referral_acknowledge"),
    path("sites/", site_list, name="site_list"),
    path("sites/new/", site_edit, name="site_new"),
    path("sites/<int:site_id>/", site_edit, name="site_edit"),
]
