"""The levels above: completeness and timeliness, who has not reported, the roll-up."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import render

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, paginate, query_without_page
from bastion.reporting import selectors
from bastion.reporting.models import Status
from bastion.reporting.views.params import selection


@login_required
@permission_required("reporting.view_report", raise_exception=True)
def completeness(request: AuthedRequest) -> HttpResponse:
    chosen = selection(request, ranged=True)
    context: dict[str, object] = {"chosen": chosen}
    if chosen.form and chosen.unit:
        rows, total = selectors.completeness_by_child(chosen.form, chosen.unit, chosen.first, chosen.last)
        context.update(
            rows=rows,
            total=total,
            ancestors=core_selectors.orgunit_ancestors_for_user(request.user, chosen.unit),
            single_day=chosen.first == chosen.last,
        )
    return render(request, "reporting/completeness.html", context)


@login_required
@permission_required("reporting.view_report", raise_exception=True)
def missing(request: AuthedRequest) -> HttpResponse:
    """Who has (not) reported for one period, with the people to call."""
    chosen = selection(request)
    status = request.GET.get("status", Status.MISSING)
    if status not in Status.values and status != "all":
        status = Status.MISSING
    context: dict[str, object] = {"chosen": chosen, "status": status, "statuses": Status.choices}
    if chosen.form and chosen.unit:
        period = chosen.form.period_start(chosen.first)
        page = paginate(
            request, selectors.unit_statuses(chosen.form, chosen.unit, period, "" if status == "all" else status)
        )
        units = list(page.object_list)
        prefetch_related_objects(units, "contacts")
        people = selectors.responsible_by_unit(units)
        context.update(
            page=page,
            period=period,
            query=query_without_page(request),
            rows=[(unit, selectors.status_of(unit), people.get(unit.pk, []), unit.contacts.all()) for unit in units],
        )
    return render(request, "reporting/missing.html", context)


@login_required
@permission_required("reporting.view_report", raise_exception=True)
def rollup(request: AuthedRequest) -> HttpResponse:
    chosen = selection(request, ranged=True)
    context: dict[str, object] = {"chosen": chosen}
    if chosen.form and chosen.unit:
        context["rollup"] = selectors.rollup(chosen.form, chosen.unit, chosen.first, chosen.last)
    return render(request, "reporting/rollup.html", context)
