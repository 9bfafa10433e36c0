"""The supplies figures of the dashboard (issue 11): stock and issues per category, donations.

- ``supplies.stock_<category>``: a level, the units on hand in the stores of a unit, kept as the sum of the day's
  stock movements (receipts, transfers, issues, adjustments, write-offs) on the movement's local day.
- ``supplies.issued_<category>``: a flow, the units issued (handed out) that day, as a positive number.
- ``supplies.donations`` and ``supplies.donated_fen``: flows of the donations recorded on the day they were received,
  at the receiving unit; the cash in fen (yuan x 100).

The ledger calls ``movements_count`` wherever it writes movements, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bastion.dashboard.figures import FLOW, LEVEL, Recompute, Rows, figure, figure_add
from bastion.supplies.models import Donation, Item, Movement
from bastion.supplies.sources import label_lazy

DONATIONS = "supplies.donations"
DONATED_FEN = "supplies.donated_fen"


def stock_key(category: str) -> str:
    return f"supplies.stock_{category}"


def issued_key(category: str) -> str:
    return f"supplies.issued_{category}"


KEYS = [
    *(stock_key(category) for category in Item.Category.values),
    *(issued_key(category) for category in Item.Category.values),
    DONATIONS,
    DONATED_FEN,
]


def _movement_rows(category: str, issues: bool) -> Rows:
    movements = Movement.objects.filter(item__category=category)
    if issues:
        movements = movements.filter(kind=Movement.Kind.ISSUE)
    rows = (
        movements.annotate(day=TruncDate("at"))
        .values_list("org_unit_id", "day")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    sign = -1 if issues else 1
    return {(unit_id, day): sign * int(total or 0) for unit_id, day, total in rows}


def _stock(category: str) -> Recompute:
    return lambda: _movement_rows(category, issues=False)


def _issued(category: str) -> Recompute:
    return lambda: _movement_rows(category, issues=True)


for _category, _label in Item.Category.choices:
    figure(
        stock_key(_category),
        label_lazy(_("stock of %(category)s"), _label),
        kind=LEVEL,
        list_url="supplies:stock",
    )(_stock(_category))
    figure(
        issued_key(_category),
        label_lazy(_("%(category)s issued"), _label),
        kind=FLOW,
        list_url="supplies:movement_list",
    )(_issued(_category))


@figure(DONATIONS, _("donations"), kind=FLOW, list_url="supplies:donation_list")
def supplies_donations() -> Rows:
    rows = Donation.objects.values_list("org_unit_id", "received_on").annotate(total=Count("pk")).order_by()
    return {(unit_id, day): int(total) for unit_id, day, total in rows}


@figure(DONATED_FEN, _("cash donated"), kind=FLOW, list_url="supplies:donation_list")
def supplies_donated_fen() -> Rows:
    rows = (
        Donation.objects.filter(kind=Donation.Kind.CASH, amount__isnull=False)
        .values_list("org_unit_id", "received_on")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {(unit_id, day): round(total * 100) for unit_id, day, total in rows}


def movements_count(movements: Iterable[Movement]) -> None:
    """New movements (of any store and item): their quantities added to the stock (and the issues) of each unit,
    category and local day, one write per figure and place."""
    changes: Counter[tuple[str, int, dt.date]] = Counter()
    for movement in movements:
        day = timezone.localdate(movement.at)
        category = movement.item.category
        changes[(stock_key(category), movement.org_unit_id, day)] += movement.quantity
        if movement.kind == Movement.Kind.ISSUE:
            changes[(issued_key(category), movement.org_unit_id, day)] -= movement.quantity
    for (key, unit_id, day), delta in changes.items():
        figure_add(unit_id, key, delta, day)


def donation_count(donation: Donation) -> None:
    """A donation recorded: counted, and its cash added in fen, on the day it was received."""
    figure_add(donation.org_unit_id, DONATIONS, 1, donation.received_on)
    if donation.kind == Donation.Kind.CASH and donation.amount is not None:
        figure_add(donation.org_unit_id, DONATED_FEN, round(donation.amount * 100), donation.received_on)
