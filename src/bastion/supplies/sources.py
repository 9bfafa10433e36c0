"""Report sources of supplies (DESIGN principle 5): stock, goods issued and days of cover, per category."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit
from bastion.core.scope import paths_q
from bastion.reporting.sources import SourceFunction, period_bounds, report_source
from bastion.supplies.models import Item, Movement
from bastion.supplies.selectors.stock import COVER_WINDOW_DAYS, issued_between


def stock_at_end(unit: OrgUnit, last: dt.date, category: str) -> int:
    """Stock in the unit's stores at the end of ``last``: the sum of every movement until then."""
    _start, end = period_bounds(last, last)
    total = Movement.objects.filter(paths_q([unit.path], "org_unit"), item__category=category, at__lt=end).aggregate(
        total=Sum("quantity")
    )["total"]
    return int(total or 0)


def cover_days(unit: OrgUnit, last: dt.date, category: str) -> Decimal:
    """Days of cover at the end of ``last``: stock over the average daily issue of the 7 days to ``last``;
    999 when nothing was issued."""
    issued = issued_between(unit, last - dt.timedelta(days=COVER_WINDOW_DAYS - 1), last, category)
    if issued <= 0:
        return Decimal(999)
    days = Decimal(stock_at_end(unit, last, category) * COVER_WINDOW_DAYS) / issued
    return days.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _format_label(template: Promise, category: Promise | str) -> str:
    return str(template) % {"category": category}


label_lazy = lazy(_format_label, str)


def _register(category: str, label: Promise | str) -> None:
    def stock(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
        return stock_at_end(unit, last, category)

    def issued(unit: OrgUnit, first: dt.date, last: dt.date) -> int:
        return issued_between(unit, first, last, category)

    def cover(unit: OrgUnit, first: dt.date, last: dt.date) -> Decimal:
        return cover_days(unit, last, category)

    functions: list[tuple[str, Promise, SourceFunction]] = [
        ("stock", _("Stock of %(category)s in the unit's stores at the end of the period"), stock),
        ("issued", _("%(category)s issued in the period (issued today, for a daily report)"), issued),
        ("cover", _("Days of cover of %(category)s at the end of the period"), cover),
    ]
    for figure, template, function in functions:
        report_source(f"supplies.{figure}_{category}", label_lazy(template, label))(function)


for _code, _name in Item.Category.choices:
    _register(_code, _name)
