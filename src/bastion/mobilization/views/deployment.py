"""Where responders serve: who is seconded where on a day (抽调), and the county leaders' units (包乡联村).
The teams and the configurable lists have their own modules; their routes are gathered here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import (
    AuthedRequest,
    date_asked,
    form_submit,
    paginate,
    query_without_page,
    unit_asked_for,
)
from bastion.mobilization import selectors
from bastion.mobilization.forms_deployment import EndForm, LeaderAssignmentForm, SecondmentForm
from bastion.mobilization.models import DutyType, LeaderAssignment, Responder, ResponderCategory, Secondment
from bastion.mobilization.services import deployment as services
from bastion.mobilization.views import lists, teams
from bastion.mobilization.views.common import int_or_none, xlsx_response

LEADER_UNIT_KINDS = (OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY)


def name_matches(q: str, prefix: str = "responder__") -> Q:
    """A responder's name, its pinyin or its initials starting with ``q`` (张三, zhangsan, zs)."""
    lowered = q.lower()
    return (
        Q(**{f"{prefix}name__contains": q})
        | Q(**{f"{prefix}name_initials__startswith": lowered})
        | Q(**{f"{prefix}name_pinyin__startswith": lowered})
    )


def within(items: QuerySet[Any], unit: OrgUnit | None) -> QuerySet[Any]:
    """Narrow a scoped list to ``unit``'s subtree (the unit was looked up in the scope)."""
    if unit is None:
        return items
    low, high = unit.subtree_bounds
    return items.filter(org_unit__path__gte=low, org_unit__path__lt=high)


@login_required
@permission_required("mobilization.view_secondment", raise_exception=True)
def secondment_list(request: AuthedRequest) -> HttpResponse:
    """Who is where on a day (today unless ``day`` asks for another), with the count per duty type."""
    unit = unit_asked_for(request)
    day = date_asked(request, "day") or timezone.localdate()
    duty = int_or_none(request.GET.get("duty"))
    q = request.GET.get("q", "").strip()
    running = selectors.secondments_for_user(request.user, on=day, unit=unit)
    if q:
        running = running.filter(name_matches(q))
    secondments = running.filter(duty_type_id=duty) if duty else running
    secondments = secondments.order_by("org_unit__path", "responder__name", "pk")
    if request.GET.get("format") == "xlsx":
        return _secondments_export(secondments.iterator(chunk_size=2000))
    counts = dict(running.order_by().values_list("duty_type").annotate(n=Count("pk")).values_list("duty_type", "n"))
    params = request.GET.copy()
    for key in ("duty", "page", "format"):
        params.pop(key, None)
    return render(
        request,
        "mobilization/secondment_list.html",
        {
            "page": paginate(request, secondments),
            "query": query_without_page(request),
            "duty_counts": [(d, counts.get(d.pk, 0)) for d in DutyType.objects.all() if d.is_active or d.pk in counts],
            "total": sum(counts.values()),
            "base_query": params.urlencode(),
            "day": day,
            "duty": duty,
            "q": q,
            "unit": unit,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        },
    )


def _secondments_export(secondments: Iterable[Secondment]) -> HttpResponse:
    header = [_("Name"), _("Category"), _("Home unit"), _("Duty"), _("Serving at"), _("From"), _("To"), _("Note")]
    rows = (
        [
            s.responder.name,
            str(s.responder.category),
            s.responder.org_unit.display_name,
            str(s.duty_type),
            s.org_unit.display_name,
            s.starts_on,
            s.ends_on,
            s.note,
        ]
        for s in secondments
    )
    return xlsx_response(_("Secondments"), "secondments", header, rows)


@login_required
@permission_required("mobilization.add_secondment", raise_exception=True)
def secondment_new(request: AuthedRequest) -> HttpResponse:
    form = SecondmentForm(
        request.POST or None,
        initial={"starts_on": timezone.localdate()},
        responders=selectors.responders_for_user(request.user).order_by("name", "pk"),
        units=core_selectors.orgunit_choices_for_user(request.user, levels=3),
    )
    saved = form_submit(request, form, lambda data: services.secondment_create(by=request.user, **data))
    if saved is not None:
        messages.success(
            request, _("%(name)s is seconded to %(unit)s.") % {"name": saved.responder, "unit": saved.org_unit}
        )
        return redirect(reverse("mobilization:secondment_list") + f"?day={saved.starts_on:%Y-%m-%d}")
    context = {"form": form, "title": _("New secondment"), "back_url": reverse("mobilization:secondment_list")}
    return render(request, "mobilization/form.html", context, status=400 if form.is_bound else 200)


@require_POST
@login_required
@permission_required("mobilization.change_secondment", raise_exception=True)
def secondment_end(request: AuthedRequest, secondment_id: int) -> HttpResponse:
    """End a secondment on the day given, or today."""
    secondment = selectors.secondment_get_for_user(request.user, secondment_id)
    form = EndForm(request.POST)
    ended = form_submit(
        request, form, lambda data: services.secondment_end(by=request.user, secondment=secondment, **data)
    )
    if ended is not None:
        messages.success(
            request, _("The secondment of %(name)s ends on %(day)s.") % {"name": ended.responder, "day": ended.ends_on}
        )
        return redirect("mobilization:secondment_list")
    context = {
        "form": form,
        "title": _("End the secondment of %(name)s") % {"name": secondment.responder},
        "back_url": reverse("mobilization:secondment_list"),
        "submit": _("End"),
    }
    return render(request, "mobilization/form.html", context, status=400)


def _leader_category() -> int | None:
    return ResponderCategory.objects.filter(code="leader").values_list("pk", flat=True).first()


@login_required
@permission_required("mobilization.view_leaderassignment", raise_exception=True)
def leader_list(request: AuthedRequest) -> HttpResponse:
    """The county leaders' units, in tree order: current ones, or every one with ``?all=1``."""
    unit = unit_asked_for(request)
    show_all = request.GET.get("all") == "1"
    assignments = within(selectors.leader_assignments_for_user(request.user, current=not show_all), unit)
    assignments = assignments.select_related("leader__org_unit").order_by("org_unit__path", "-starts_on", "pk")
    if request.GET.get("format") == "xlsx":
        return _leaders_export(assignments.iterator(chunk_size=2000))
    return render(
        request,
        "mobilization/leader_list.html",
        {
            "page": paginate(request, assignments),
            "query": query_without_page(request),
            "show_all": show_all,
            "today": timezone.localdate(),
            "unit": unit,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=2),
        },
    )


def _leaders_export(assignments: Iterable[LeaderAssignment]) -> HttpResponse:
    header = [_("Unit"), _("Leader"), _("Category"), _("From"), _("To")]
    rows = (
        [a.org_unit.display_name, a.leader.name, str(a.leader.category), a.starts_on, a.ends_on] for a in assignments
    )
    return xlsx_response(_("Leaders' units"), "leaders-units", header, rows)


def _leader_candidates(request: AuthedRequest) -> QuerySet[Responder]:
    """County leaders are responders of the category "leader"; any responder when that category is gone."""
    return selectors.responders_for_user(request.user, category=_leader_category()).order_by("name", "pk")


@login_required
@permission_required("mobilization.add_leaderassignment", raise_exception=True)
def leader_new(request: AuthedRequest) -> HttpResponse:
    units = core_selectors.orgunit_choices_for_user(request.user, levels=2).filter(kind__in=LEADER_UNIT_KINDS)
    form = LeaderAssignmentForm(
        request.POST or None,
        initial={"starts_on": timezone.localdate()},
        leaders=_leader_candidates(request),
        units=units,
    )
    saved = form_submit(request, form, lambda data: services.leader_assign(by=request.user, **data))
    if saved is not None:
        messages.success(request, _("%(name)s answers for %(unit)s.") % {"name": saved.leader, "unit": saved.org_unit})
        return redirect("mobilization:leader_list")
    context = {
        "form": form,
        "title": _("A county leader answers for a unit"),
        "intro": _("The unit's page shows its answerable leader; a village without one shows its township's."),
        "back_url": reverse("mobilization:leader_list"),
    }
    return render(request, "mobilization/form.html", context, status=400 if form.is_bound else 200)


@require_POST
@login_required
@permission_required("mobilization.change_leaderassignment", raise_exception=True)
def leader_release(request: AuthedRequest, leader_assignment_id: int) -> HttpResponse:
    """The leader no longer answers for the unit after the day given, or today."""
    assignment = selectors.leader_assignment_get_for_user(request.user, leader_assignment_id)
    form = EndForm(request.POST)
    released = form_submit(
        request, form, lambda data: services.leader_release(by=request.user, assignment=assignment, **data)
    )
    if released is not None:
        messages.success(
            request,
            _("%(name)s no longer answers for %(unit)s.") % {"name": released.leader, "unit": released.org_unit},
        )
        return redirect("mobilization:leader_list")
    context = {
        "form": form,
        "title": _("%(name)s no longer answers for %(unit)s")
        % {"name": assignment.leader, "unit": assignment.org_unit},
        "back_url": reverse("mobilization:leader_list"),
        "submit": pgettext("mobilization", "Release"),
    }
    return render(request, "mobilization/form.html", context, status=400)


urlpatterns = [
    path("secondments/", secondment_list, name="secondment_list"),
    path("secondments/new/", secondment_new, name="secondment_new"),
    path("secondments/<int:secondment_id>/end/", secondment_end, name="secondment_end"),
    *teams.urlpatterns,
    path("leaders/", leader_list, name="leader_list"),
    path("leaders/new/", leader_new, name="leader_new"),
    path("leaders/<int:leader_assignment_id>/release/", leader_release, name="leader_release"),
    *lists.urlpatterns,
]
