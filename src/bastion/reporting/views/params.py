"""The form, unit and dates that the overview pages read from the query string."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest, unit_asked_for
from bastion.reporting.models import ReportForm
from bastion.reporting.selectors import forms_for_user
from bastion.reporting.services.common import local_today

MAX_RANGE_DAYS = 366


@dataclass
class Selection:
    forms: list[ReportForm]
    form: ReportForm | None
    unit: OrgUnit | None
    first: dt.date
    last: dt.date
    problems: list[str] = field(default_factory=list)

    def query(self, **extra: object) -> str:
        from urllib.parse import urlencode

        params: dict[str, object] = {
            "form": self.form.pk if self.form else "",
            "unit": self.unit.pk if self.unit else "",
        }
        if self.first == self.last:
            params["date"] = self.first.isoformat()
        else:
            params.update({"from": self.first.isoformat(), "to": self.last.isoformat()})
        params.update(extra)
        return urlencode(params)


def _date(request: AuthedRequest, name: str, default: dt.date, problems: list[str]) -> dt.date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(
            _("%(value)s is not a date like 2020-02-03; showing %(default)s.") % {"value": raw, "default": default}
        )
        return default


def selection(request: AuthedRequest, *, ranged: bool = False) -> Selection:
    """Read ``form``, ``unit`` and ``date`` (or ``from`` and ``to``); a unit outside the scope is not found."""
    user = request.user
    forms = list(forms_for_user(user).prefetch_related("indicators"))
    wanted = request.GET.get("form", "")
    form = next((f for f in forms if str(f.pk) == wanted), None) or next((f for f in forms if f.is_active), None)
    unit = unit_asked_for(request) or core_selectors.orgunit_roots_for_user(user).first()
    problems: list[str] = []
    today = local_today()
    if ranged and ("from" in request.GET or "to" in request.GET):
        first = _date(request, "from", today, problems)
        last = _date(request, "to", first, problems)
    else:
        first = last = _date(request, "date", today, problems)
    if last < first:
        problems.append(_("The end date lies before the start date; the dates were swapped."))
        first, last = last, first
    if (last - first).days >= MAX_RANGE_DAYS:
        problems.append(_("At most a year at a time; showing the last 366 days of the range."))
        first = last - dt.timedelta(days=MAX_RANGE_DAYS - 1)
    return Selection(forms=forms, form=form, unit=unit, first=first, last=last, problems=problems)
