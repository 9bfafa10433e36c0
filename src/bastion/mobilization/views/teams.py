"""Teams (党员先锋队, 突击队, 服务小分队): the list with kinds and member counts, a team's page, forming and
changing one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.mobilization import selectors
from bastion.mobilization.forms_deployment import TeamEditForm, TeamForm
from bastion.mobilization.models import Responder, Team, TeamKind
from bastion.mobilization.services.deployment import team_save
from bastion.mobilization.views.common import int_or_none, xlsx_response, yes_no

# The member picker lists at most this many responders of the team's unit (plus those already chosen);
# a name search narrows it.
MEMBER_CHOICES = 200


def _within(items: QuerySet[Any], unit: OrgUnit | None) -> QuerySet[Any]:
    if unit is None:
        return items
    low, high = unit.subtree_bounds
    return items.filter(org_unit__path__gte=low, org_unit__path__lt=high)


@login_required
@permission_required("mobilization.view_team", raise_exception=True)
def team_list(request: AuthedRequest) -> HttpResponse:
    kind = int_or_none(request.GET.get("kind"))
    q = request.GET.get("q", "").strip()
    unit = unit_asked_for(request)
    teams = _within(selectors.teams_for_user(request.user, kind=kind, q=q), unit).order_by(
        "org_unit__path", "name", "pk"
    )
    if request.GET.get("format") == "xlsx":
        return _teams_export(teams.prefetch_related("members").iterator(chunk_size=500))
    return render(
        request,
        "mobilization/team_list.html",
        {
            "page": paginate(request, teams),
            "query": query_without_page(request),
            "kind": kind,
            "kinds": TeamKind.objects.all(),
            "q": q,
            "unit": unit,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        },
    )


def _teams_export(teams: Iterable[Team]) -> HttpResponse:
    header = [_("Name"), _("Kind"), _("Unit"), _("Institution"), _("Leader"), _("Members"), _("Names")]
    header += [_("Tasks given"), _("Active")]
    rows = (
        [
            team.name,
            str(team.kind),
            team.org_unit.display_name,
            team.institution.name if team.institution else "",
            team.leader.name if team.leader else "",
            team.member_count,  # type: ignore[attr-defined]
            "、".join(sorted(m.name for m in team.members.all())),
            team.tasks,
            yes_no(team.is_active),
        ]
        for team in teams
    )
    return xlsx_response(_("Teams"), "teams", header, rows)


@login_required
@permission_required("mobilization.view_team", raise_exception=True)
def team_detail(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_user(request.user, team_id)
    members = team.members.select_related("category", "org_unit").order_by("name", "pk")
    return render(request, "mobilization/team_detail.html", {"team": team, "members": members})


def _unit_of_form(request: AuthedRequest, team: Team | None, units: QuerySet[OrgUnit]) -> OrgUnit | None:
    """The unit whose responders the picker offers: the one posted or asked for, else the team's."""
    source = request.POST if request.method == "POST" else request.GET
    asked = int_or_none(source.get("org_unit") or source.get("unit"))
    found = units.filter(pk=asked).first() if asked else None
    return found or (team.org_unit if team else None)


def _candidates(request: AuthedRequest, team: Team | None, unit: OrgUnit | None) -> QuerySet[Responder]:
    """Active responders of the unit's subtree (at most MEMBER_CHOICES, matching ``q``), and those already
    chosen: the team's members and the ones posted."""
    in_unit = selectors.responders_for_user(request.user, unit=unit)
    offered = selectors.responders_for_user(request.user, unit=unit, q=request.GET.get("q", "").strip())
    ids = list(offered.order_by("name", "pk").values_list("pk", flat=True)[:MEMBER_CHOICES])
    chosen = [int(v) for v in [*request.POST.getlist("members"), request.POST.get("leader", "")] if v.isdigit()]
    kept = Q(pk__in=ids) | Q(pk__in=chosen)
    if team is not None:
        kept |= Q(pk__in=team.members.values("pk"))
    return in_unit.filter(kept).order_by("name", "pk")


def _team_form(request: AuthedRequest, team: Team | None) -> HttpResponse:
    units = core_selectors.orgunit_choices_for_user(request.user, levels=3)
    unit = _unit_of_form(request, team, units)
    form_class = TeamForm if team is None else TeamEditForm
    initial: dict[str, Any] = {"org_unit": unit}
    if team is not None:
        initial |= {f: getattr(team, f) for f in ("kind", "name", "institution", "leader", "tasks", "is_active")}
        initial["members"] = list(team.members.values_list("pk", flat=True))
    form = form_class(
        request.POST or None,
        initial=initial,
        units=units,
        # The unit's institutions to choose from; when posting, any in scope, so that the service's message
        # says why one outside the unit is refused.
        institutions=core_selectors.institutions_for_user(
            request.user, active=True, within=None if request.method == "POST" else unit
        ),
        candidates=_candidates(request, team, unit),
    )
    saved = form_submit(request, form, lambda data: team_save(by=request.user, team=team, **data))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("mobilization:team_detail", team_id=saved.pk)
    back = reverse("mobilization:team_detail", args=[team.pk]) if team else reverse("mobilization:team_list")
    context = {
        "form": form,
        "team": team,
        "unit": unit,
        "units": units,
        "q": request.GET.get("q", ""),
        "limit": MEMBER_CHOICES,
        "title": team.name if team else _("New team"),
        "back_url": back,
    }
    return render(request, "mobilization/team_form.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required("mobilization.add_team", raise_exception=True)
def team_new(request: AuthedRequest) -> HttpResponse:
    return _team_form(request, None)


@login_required
@permission_required("mobilization.change_team", raise_exception=True)
def team_edit(request: AuthedRequest, team_id: int) -> HttpResponse:
    return _team_form(request, selectors.team_get_for_user(request.user, team_id))


urlpatterns = [
    path("teams/", team_list, name="team_list"),
    path("teams/new/", team_new, name="team_new"),
    path("teams/<int:team_id>/", team_detail, name="team_detail"),
    path("teams/<int:team_id>/edit/", team_edit, name="team_edit"),
]
