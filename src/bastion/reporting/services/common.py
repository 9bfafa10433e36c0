"""Checks shared by the reporting services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.core.scope import require_in_scope
from bastion.reporting.models import ReportForm


def require(by: User | None, perm: str, unit: OrgUnit, message: str | None = None) -> None:
    """Refuse what the role does not allow or a unit outside the scope; ``by=None`` is the system."""
    require_in_scope(by, f"reporting.{perm}", unit, message)


def local_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def deadline_at(form: ReportForm, period: dt.date) -> dt.datetime:
    """When the report for the period starting on ``period`` is due, in the configured time zone."""
    return dt.datetime.combine(form.period_end(period), form.deadline, tzinfo=ZoneInfo(str(settings.TIME_ZONE)))


def files_form(form: ReportForm, unit: OrgUnit) -> bool:
    """Whether ``unit`` is one of the units that file ``form``."""
    return unit.is_active and unit.kind in form.levels and unit.path.startswith(form.owner_unit.path)
