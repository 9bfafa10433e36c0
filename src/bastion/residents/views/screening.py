"""Screening campaigns: rounds and their progress, the cadre's visit list, one visit in two taps."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.services.audit import audit_record
from bastion.core.views.helpers import (
    AuthedRequest,
    date_asked,
    form_submit,
    paginate,
    query_without_page,
    unit_asked_for,
)
from bastion.core.views.transfer import _dated, _xlsx
from bastion.residents import selectors
from bastion.residents.exports import tasks_workbook
from bastion.residents.forms import CampaignForm, ExplainForm, VisitForm
from bastion.residents.models import Outcome, ScreeningRound
from bastion.residents.services import screening as services


@login_required
@permission_required("residents.view_campaign", raise_exception=True)
def campaign_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "residents/campaign_list.html", {"campaigns": selectors.campaigns_for_user(request.user)})


@login_required
@permission_required("residents.add_campaign", raise_exception=True)
def campaign_new(request: AuthedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, units=core_selectors.orgunit_choices_for_user(request.user, levels=3))
    campaign = form_submit(request, form, lambda data: services.campaign_create(by=request.user, **data))
    if campaign is not None:
        messages.success(request, _("Campaign created. Open its first round when the visits start."))
        return redirect("residents:campaign_detail", campaign_id=campaign.pk)
    return render(request, "residents/person_form.html", {"form": form, "title": _("New screening campaign")})


def _selected_unit(request: AuthedRequest, area: OrgUnit) -> OrgUnit:
    """The unit whose figures are shown: asked for, else the area when in scope, else the user's own root."""
    return unit_asked_for(request) or selectors.area_unit_for_user(request.user, area)


@login_required
@permission_required("residents.view_campaign", raise_exception=True)
def campaign_detail(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(request.user, campaign_id)
    unit = _selected_unit(request, campaign.org_unit)
    rounds = list(campaign.rounds.all())
    number = request.GET.get("round", "")
    shown = next((r for r in rounds if str(r.number) == number), None)
    shown = shown or next((r for r in reversed(rounds) if r.status != ScreeningRound.Status.PLANNED), rounds[0])
    total, below = selectors.round_progress(request.user, shown, unit)
    return render(
        request,
        "residents/campaign_detail.html",
        {
            "campaign": campaign,
            "rounds": rounds,
            "shown": shown,
            "unit": unit,
            "total": total,
            "below": below,
            "outcomes": Outcome.choices,
            "breadcrumbs": core_selectors.orgunit_ancestors_for_user(request.user, unit),
        },
    )


@login_required
@require_POST
def round_open(request: AuthedRequest, round_id: int) -> HttpResponse:
    screening_round = selectors.round_get_for_user(request.user, round_id)
    try:
        count = services.round_open(by=request.user, screening_round=screening_round)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Round %(number)s is open: %(count)s persons to visit.")
            % {"number": screening_round.number, "count": count},
        )
    return redirect("residents:campaign_detail", campaign_id=screening_round.campaign_id)


@login_required
@require_POST
def round_close(request: AuthedRequest, round_id: int) -> HttpResponse:
    screening_round = selectors.round_get_for_user(request.user, round_id)
    try:
        services.round_close(by=request.user, screening_round=screening_round)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Round %(number)s is closed.") % {"number": screening_round.number})
    detail = reverse("residents:campaign_detail", kwargs={"campaign_id": screening_round.campaign_id})
    return redirect(f"{detail}?round={screening_round.number}")


@login_required
@permission_required("residents.view_visittask", raise_exception=True)
def visit_list(request: AuthedRequest) -> HttpResponse:
    """My visits today: the open rounds' persons still to visit, by address, then the ones done."""
    unit = unit_asked_for(request)
    show = request.GET.get("show", "pending")
    tasks = selectors.visit_list_for_user(request.user, unit=unit, pending_only=show != "all")
    return render(
        request,
        "residents/visit_list.html",
        {
            "page": paginate(request, tasks),
            "query": query_without_page(request),
            "unit": unit,
            "show": show,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=4),
        },
    )


@login_required
@permission_required("residents.view_visittask", raise_exception=True)
def task_visit(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(request.user, task_id)
    area = task.round.campaign.org_unit
    destinations = OrgUnit.objects.filter(path__gte=area.path, path__lt=area.subtree_bounds[1], is_active=True).exclude(
        kind__in=[OrgUnit.Kind.BUILDING, OrgUnit.Kind.TEN_HOUSEHOLD]
    )
    form = VisitForm(request.POST or None, destinations=destinations, initial={"idempotency_key": uuid.uuid4()})
    if request.method == "POST" and not request.user.has_perm("residents.add_visit"):
        raise PermissionDenied
    visit = form_submit(request, form, lambda data: services.visit_record(by=request.user, task=task, **data))
    if visit is not None:
        messages.success(
            request,
            _("Visit to %(name)s recorded: %(outcome)s.")
            % {"name": task.person.masked_name, "outcome": visit.get_outcome_display()},
        )
        return redirect("residents:visit_list")
    return render(
        request,
        "residents/task_visit.html",
        {
            "task": task,
            "form": form,
            "visits": selectors.task_visits(task),
            "explain_form": ExplainForm(),
        },
    )


@login_required
@permission_required("residents.change_visittask", raise_exception=True)
@require_POST
def task_explain(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(request.user, task_id)
    form = ExplainForm(request.POST)
    if form_submit(request, form, lambda data: services.task_explain(by=request.user, task=task, **data)):
        messages.success(request, _("The exception is recorded; the person is accounted for."))
        return redirect("residents:visit_list")
    return render(
        request,
        "residents/task_visit.html",
        {"task": task, "form": None, "visits": selectors.task_visits(task), "explain_form": form},
    )


@login_required
@permission_required("residents.view_visit", raise_exception=True)
def day_summary(request: AuthedRequest) -> HttpResponse:
    """The evening summary (碰头会汇总当天核查情况): the day's visits per unit below."""
    unit = unit_asked_for(request) or core_selectors.orgunit_roots_for_user(request.user).first()
    day = date_asked(request, "day") or timezone.localdate()
    if unit is None:
        return render(request, "residents/day_summary.html", {"unit": None, "day": day})
    total, below, symptomatic = selectors.day_summary(request.user, unit, day)
    return render(
        request,
        "residents/day_summary.html",
        {
            "unit": unit,
            "day": day,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "total": total,
            "below": below,
            "symptomatic": symptomatic,
            "outcomes": Outcome.choices,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        },
    )


TASK_STATES = [
    ("unaccounted", gettext_lazy("Not accounted for")),
    ("visited", gettext_lazy("Visited")),
    *Outcome.choices,
    ("exceptions", gettext_lazy("Explained exceptions")),
    ("handed_over", gettext_lazy("Handed over")),
]


@login_required
@permission_required("residents.view_visittask", raise_exception=True)
def round_tasks(request: AuthedRequest, round_id: int) -> HttpResponse:
    """The persons behind a figure of the progress table; the HQ exports them to chase the villages."""
    screening_round = selectors.round_get_for_user(request.user, round_id)
    unit = _selected_unit(request, screening_round.campaign.org_unit)
    state = request.GET.get("state", "")
    tasks = selectors.round_tasks_for_user(request.user, screening_round, unit, state=state)
    if request.GET.get("format") == "xlsx":
        if not request.user.has_perm("residents.export_person"):
            raise PermissionDenied
        with transaction.atomic():
            audit_record(
                by=request.user,
                action="tasks.export",
                obj=screening_round,
                org_unit=unit,
                summary={"state": state, "count": tasks.count()},
            )
        return _xlsx(tasks_workbook(tasks.iterator(chunk_size=2000)), _dated(f"round-{screening_round.number}"))
    return render(
        request,
        "residents/round_tasks.html",
        {
            "round": screening_round,
            "unit": unit,
            "state": state,
            "states": TASK_STATES,
            "page": paginate(request, tasks),
            "query": query_without_page(request),
        },
    )
