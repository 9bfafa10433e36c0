"""Figures the system already knows, offered to report forms (DESIGN principle 5).

An app registers a source with ``@report_source("app.code", label)``: a
function of (unit, first day, last day) that returns the figure for that unit's
subtree. A form's indicator names the source; the filing page fills the value
in and the cadre confirms it or overrides it with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bastion.core.models import Institution, OrgUnit
from bastion.core.scope import paths_q

SourceFunction = Callable[[OrgUnit, dt.date, dt.date], int | Decimal]


@dataclass(frozen=True)
class Source:
    code: str
    label: Promise | str
    compute: SourceFunction


SOURCES: dict[str, Source] = {}


def report_source(code: str, label: Promise | str) -> Callable[[SourceFunction], SourceFunction]:
    def register(function: SourceFunction) -> SourceFunction:
        SOURCES[code] = Source(code=code, label=label, compute=function)
        return function

    return register


def period_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period from ``first`` to ``last`` (both included) as local midnights: [start, end)."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))


def source_choices() -> list[tuple[str, str]]:
    return [(source.code, str(source.label)) for source in sorted(SOURCES.values(), key=lambda s: s.code)]


def source_value(code: str, unit: OrgUnit, first: dt.date, last: dt.date) -> Decimal | None:
    source = SOURCES.get(code)
    return None if source is None else Decimal(source.compute(unit, first, last))


@report_source("core.active_institutions", _("Active institutions in the unit"))
def _active_institutions(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return Institution.objects.filter(paths_q([unit.path], "org_unit"), is_active=True).count()


@report_source("core.medical_institutions", _("Active medical institutions in the unit"))
def _medical_institutions(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return Institution.objects.filter(
        paths_q([unit.path], "org_unit"), is_active=True, kind=Institution.Kind.MEDICAL
    ).count()


@report_source("core.active_units_below", _("Active units below the unit"))
def _active_units_below(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
    return OrgUnit.objects.filter(paths_q([unit.path]), is_active=True).exclude(pk=unit.pk).count()
