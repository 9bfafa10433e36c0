"""The dashboard of a unit on a phone or a desk, the same in large type for the HQ's wall screen, and the chart
data as JSON."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest, date_asked, unit_asked_for
from bastion.dashboard.maps import prefecture_shape_file
from bastion.dashboard.selectors import Dashboard, dashboard_data, dashboard_unit

WALL_REFRESH_SECONDS = 60


def _asked(request: AuthedRequest) -> tuple[OrgUnit | None, dt.date]:
    """The unit (``?unit=``, outside the scope not found; by default the first of the scope) and the day
    (``?day=``, today by default)."""
    unit = unit_asked_for(request) or dashboard_unit(request.user)
    return unit, date_asked(request, "day") or timezone.localdate()


def _page(request: AuthedRequest, template: str) -> HttpResponse:
    unit, day = _asked(request)
    board: Dashboard | None = dashboard_data(request.user, unit, day) if unit is not None else None
    context: dict[str, object] = {
        "board": board,
        "unit": unit,
        "day": day,
        "today": timezone.localdate(),
        "now": timezone.localtime(),
        "refresh": WALL_REFRESH_SECONDS,
    }
    if unit is not None:
        context["ancestors"] = core_selectors.orgunit_ancestors_for_user(request.user, unit)
    return render(request, template, context)


@login_required
@permission_required("dashboard.view_dailyfigure", raise_exception=True)
def board(request: AuthedRequest) -> HttpResponse:
    return _page(request, "dashboard/board.html")


@login_required
@permission_required("dashboard.view_dailyfigure", raise_exception=True)
def wall(request: AuthedRequest) -> HttpResponse:
    return _page(request, "dashboard/wall.html")


@login_required
@permission_required("dashboard.view_dailyfigure", raise_exception=True)
def board_data(request: AuthedRequest) -> JsonResponse:
    """The charts' data (trends and treemap), for a screen that redraws them without reloading the page."""
    unit, day = _asked(request)
    if unit is None:
        raise Http404("no unit in scope")
    return JsonResponse(dashboard_data(request.user, unit, day).chart_data())


@login_required
@permission_required("dashboard.view_dailyfigure", raise_exception=True)
def map_shape(request: AuthedRequest, unit_id: int) -> FileResponse:
    """The boundaries of the counties of a prefecture (GeoJSON), for the map its dashboard draws."""
    unit = core_selectors.orgunit_get_for_user(request.user, unit_id)
    shape = prefecture_shape_file(unit)
    if shape is None:
        raise Http404("no map of this unit")
    answer = FileResponse(shape.open("rb"), content_type="application/geo+json")
    answer["Cache-Control"] = "private, max-age=86400"  # the boundaries change with a package upgrade only
    return answer


urlpatterns: list[URLPattern] = [
    path("", board, name="board"),
    path("wall/", wall, name="wall"),
    path("data/", board_data, name="board_data"),
    path("map/<int:unit_id>/", map_shape, name="map_shape"),
]
