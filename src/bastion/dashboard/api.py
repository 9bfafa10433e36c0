"""The dashboard API: every figure, series and child-unit row the dashboard shows, for other screens."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router

from bastion.core import selectors as core_selectors
from bastion.core.api import require_perm
from bastion.dashboard import schemas as s
from bastion.dashboard.selectors import Dashboard, dashboard_data, dashboard_unit

router = Router(tags=["dashboard"])


@router.get("/dashboard", response=s.DashboardOut)
def dashboard(request: HttpRequest, unit: int | None = None, day: dt.date | None = None) -> Dashboard:
    """The dashboard of ``unit`` (by default the first of the scope; outside it, not found) on ``day`` (today
    by default)."""
    user = require_perm(request, "dashboard.view_dailyfigure")
    chosen = core_selectors.orgunit_get_for_user(user, unit) if unit else dashboard_unit(user)
    if chosen is None:
        raise Http404("no unit in scope")
    return dashboard_data(user, chosen, day or timezone.localdate())
