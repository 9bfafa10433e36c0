"""Reads of donations and funds (scoped), the public list of donations, and the stock ledger (台账) of a store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from bastion.core.models import OrgUnit, User
from bastion.core.scope import paths_q, scoped
from bastion.reporting.sources import period_bounds
from bastion.supplies.models import Donation, Fund, FundEntry, Item, Movement, Store

ZERO = Decimal("0.00")


def donations_for_user(user: User, *, unit: OrgUnit | None = None, kind: str = "", q: str = "") -> QuerySet[Donation]:
    donations = scoped(Donation.objects.select_related("org_unit", "item", "fund", "store"), user, within=unit)
    if kind:
        donations = donations.filter(kind=kind)
    if q:
        donations = donations.filter(Q(donor_name__icontains=q) | Q(number__icontains=q) | Q(earmark__icontains=q))
    return donations


def donation_get_for_user(user: User, donation_id: int) -> Donation:
    return get_object_or_404(donations_for_user(user), pk=donation_id)


def donations_public(unit: OrgUnit) -> QuerySet[Donation]:
    """Donations received by the unit and below, for the public page: the view shows anonymous donors as such."""
    return Donation.objects.filter(paths_q([unit.path], "org_unit")).select_related("org_unit", "item")


def _sum(kind: str) -> Coalesce:
    return Coalesce(Sum("entries__amount", filter=Q(entries__kind=kind)), ZERO)


def funds_for_user(user: User, *, unit: OrgUnit | None = None, q: str = "") -> QuerySet[Fund]:
    """Funds with their budget, donations received, money spent and balance, in one query."""
    funds = scoped(Fund.objects.select_related("org_unit"), user, within=unit)
    if q:
        funds = funds.filter(name__icontains=q)
    return funds.annotate(
        budget=_sum(FundEntry.Kind.BUDGET),
        donated=_sum(FundEntry.Kind.DONATION),
        spent=-_sum(FundEntry.Kind.EXPENDITURE),
        balance=Coalesce(Sum("entries__amount"), ZERO),
    ).order_by("org_unit__path", "name", "pk")


def fund_get_for_user(user: User, fund_id: int) -> Fund:
    return get_object_or_404(funds_for_user(user), pk=fund_id)


def fund_entries(fund: Fund) -> QuerySet[FundEntry]:
    return fund.entries.select_related("by", "donation", "purchase__item")


def fund_entries_for_user(user: User, *, unit: OrgUnit | None = None) -> QuerySet[FundEntry]:
    return scoped(FundEntry.objects.select_related("fund", "by"), user, within=unit)


@dataclass
class LedgerRow:
    item: Item
    opening: int
    received: int
    issued: int

    @property
    def closing(self) -> int:
        return self.opening + self.received - self.issued


def store_ledger(store: Store, first: dt.date, last: dt.date) -> list[LedgerRow]:
    """The stock ledger (台账) of a store over a period: opening, in, out and closing per item, one query."""
    start, end = period_bounds(first, last)
    during = Q(at__gte=start, at__lt=end)
    sums = (
        Movement.objects.filter(store=store, at__lt=end)
        .values("item_id")
        .annotate(
            opening=Coalesce(Sum("quantity", filter=Q(at__lt=start)), 0),
            received=Coalesce(Sum("quantity", filter=during & Q(quantity__gt=0)), 0),
            issued=Coalesce(Sum("quantity", filter=during & Q(quantity__lt=0)), 0),
        )
    )
    items = {item.pk: item for item in Item.objects.all()}
    rows = [LedgerRow(items[s["item_id"]], s["opening"], s["received"], -s["issued"]) for s in sums]
    return sorted(rows, key=lambda row: (row.item.sort_order, row.item.code))
