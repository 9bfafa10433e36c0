"""Reads of stores, stock, movements, transfers and requests, always scoped to the user's units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.core.models import OrgUnit, User
from bastion.core.scope import paths_q, scope_paths, scoped
from bastion.reporting.sources import period_bounds
from bastion.supplies.models import Balance, Item, Movement, Store, SupplyRequest, Transfer

COVER_WINDOW_DAYS = 7


def items_active() -> QuerySet[Item]:
    return Item.objects.filter(is_active=True)


def stores_for_user(
    user: User, *, q: str = "", unit: OrgUnit | None = None, kind: str = "", active_only: bool = False
) -> QuerySet[Store]:
    stores = scoped(Store.objects.select_related("org_unit"), user, within=unit)
    if q:
        stores = stores.filter(Q(name__icontains=q) | Q(org_unit__name__icontains=q) | Q(keeper__icontains=q))
    if kind:
        stores = stores.filter(kind=kind)
    if active_only:
        stores = stores.filter(is_active=True)
    items = Count("balances", filter=Q(balances__quantity__gt=0))
    return stores.annotate(items=items).order_by("org_unit__path", "name", "pk")


def store_get_for_user(user: User, store_id: int) -> Store:
    return get_object_or_404(scoped(Store.objects.select_related("org_unit"), user), pk=store_id)


@dataclass
class StockRow:
    store_id: int
    store_name: str
    unit_name: str
    item: Item
    quantity: int
    issued: int = 0  # over the last COVER_WINDOW_DAYS days
    in_transit: int = 0

    @property
    def daily_issue(self) -> Decimal:
        return (Decimal(self.issued) / COVER_WINDOW_DAYS).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def days_of_cover(self) -> Decimal | None:
        """Stock divided by the average daily issue of the last 7 days; None when nothing was issued."""
        if self.issued <= 0:
            return None
        return (Decimal(self.quantity) * COVER_WINDOW_DAYS / self.issued).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def is_low(self) -> bool:
        cover = self.days_of_cover
        return self.quantity == 0 or (cover is not None and cover < self.item.cover_days_threshold)


def stock_totals(stores: QuerySet[Store], *, item: Item | None = None, category: str = "") -> QuerySet[Any]:
    """Stock per store and item (batches added up), from the ledger's balances: one grouped query."""
    balances = Balance.objects.filter(store__in=stores)
    if item is not None:
        balances = balances.filter(item=item)
    if category:
        balances = balances.filter(item__category=category)
    return (
        balances.values("store_id", "item_id")
        .annotate(quantity=Sum("quantity"))
        .order_by("store__org_unit__path", "store__name", "item__sort_order", "item_id")
    )


def issued_since(store_ids: list[int], since: dt.datetime) -> dict[tuple[int, int], int]:
    issues = Movement.objects.filter(store_id__in=store_ids, kind=Movement.Kind.ISSUE, at__gte=since)
    return {
        (row["store_id"], row["item_id"]): -row["total"]
        for row in issues.values("store_id", "item_id").annotate(total=Sum("quantity"))
    }


def in_transit_to(store_ids: list[int]) -> dict[tuple[int, int], int]:
    transfers = Transfer.objects.filter(to_store_id__in=store_ids, status=Transfer.Status.IN_TRANSIT)
    return {
        (row["to_store_id"], row["item_id"]): row["total"]
        for row in transfers.values("to_store_id", "item_id").annotate(total=Sum("quantity"))
    }


def stock_rows(totals: list[dict[str, Any]], *, now: dt.datetime | None = None) -> list[StockRow]:
    """The rows of a page of ``stock_totals`` with the store, the item, days of cover and goods in transit:
    three more queries, whatever the page's length."""
    now = now or timezone.now()
    store_ids = sorted({row["store_id"] for row in totals})
    stores = {s.pk: s for s in Store.objects.filter(pk__in=store_ids).select_related("org_unit")}
    items = {i.pk: i for i in Item.objects.all()}
    issued = issued_since(store_ids, now - dt.timedelta(days=COVER_WINDOW_DAYS))
    transit = in_transit_to(store_ids)
    rows = []
    for row in totals:
        store, key = stores[row["store_id"]], (row["store_id"], row["item_id"])
        rows.append(
            StockRow(
                store_id=store.pk,
                store_name=store.name,
                unit_name=store.org_unit.display_name,
                item=items[row["item_id"]],
                quantity=row["quantity"],
                issued=issued.get(key, 0),
                in_transit=transit.get(key, 0),
            )
        )
    return rows


def stock_of_store(store: Store) -> list[StockRow]:
    return stock_rows(list(stock_totals(Store.objects.filter(pk=store.pk))))


def store_batches(store: Store) -> QuerySet[Balance]:
    return (
        Balance.objects.filter(store=store, quantity__gt=0, batch__isnull=False)
        .select_related("item", "batch")
        .order_by("item__sort_order", "batch__expires_on")
    )


def movements_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    store: Store | None = None,
    item: Item | None = None,
    kind: str = "",
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Movement]:
    movements = scoped(Movement.objects.all(), user, within=unit)
    if store is not None:
        movements = movements.filter(store=store)
    if item is not None:
        movements = movements.filter(item=item)
    if kind:
        movements = movements.filter(kind=kind)
    if q:
        movements = movements.filter(Q(recipient_name__icontains=q) | Q(note__icontains=q))
    if date_from or date_to:
        start, end = period_bounds(date_from or dt.date(2000, 1, 1), date_to or timezone.localdate())
        movements = movements.filter(at__gte=start, at__lt=end)
    return movements.select_related("store", "item", "batch", "by")


def movement_sums(store_ids: list[int] | None = None) -> dict[tuple[int, int, int | None], int]:
    """The sum of movements per store, item and batch: what every balance must equal."""
    movements = Movement.objects.all() if store_ids is None else Movement.objects.filter(store_id__in=store_ids)
    return {
        (r["store_id"], r["item_id"], r["batch_id"]): r["total"]
        for r in movements.values("store_id", "item_id", "batch_id").annotate(total=Sum("quantity"))
    }


def balances_verify(store_ids: list[int] | None = None) -> list[str]:
    """Differences between the balances and the sums of movements (an empty list: the ledger adds up)."""
    balances = Balance.objects.all() if store_ids is None else Balance.objects.filter(store_id__in=store_ids)
    held = {(b.store_id, b.item_id, b.batch_id): b.quantity for b in balances}
    sums = movement_sums(store_ids)
    return [
        f"store {key[0]} item {key[1]} batch {key[2]}: balance {held.get(key, 0)}, movements {sums.get(key, 0)}"
        for key in sorted(held.keys() | sums.keys(), key=str)
        if held.get(key, 0) != sums.get(key, 0)
    ]


def _either_side(user: User) -> Q | None:
    paths = scope_paths(user)
    return None if paths is None else paths_q(paths, "org_unit") | paths_q(paths, "to_unit")


def transfers_for_user(user: User, *, status: str = "", unit: OrgUnit | None = None, q: str = "") -> QuerySet[Transfer]:
    """Transfers that leave or reach a unit in scope."""
    transfers = Transfer.objects.select_related("from_store", "to_store", "item", "request")
    visible = _either_side(user)
    if visible is not None:
        transfers = transfers.filter(visible)
    if unit is not None:
        transfers = transfers.filter(paths_q([unit.path], "org_unit") | paths_q([unit.path], "to_unit"))
    if status:
        transfers = transfers.filter(status=status)
    if q:
        transfers = transfers.filter(Q(from_store__name__icontains=q) | Q(to_store__name__icontains=q))
    return transfers


def transfer_get_for_user(user: User, transfer_id: int) -> Transfer:
    return get_object_or_404(transfers_for_user(user), pk=transfer_id)


def requests_for_user(
    user: User, *, status: str = "", unit: OrgUnit | None = None, q: str = ""
) -> QuerySet[SupplyRequest]:
    """Requests of units in scope: the asking unit sees its own, the level above sees those it must decide."""
    requests = scoped(
        SupplyRequest.objects.select_related("store", "item", "org_unit", "supplier_unit"), user, within=unit
    )
    if status == "open":
        requests = requests.filter(status__in=[SupplyRequest.Status.PENDING, SupplyRequest.Status.APPROVED])
    elif status:
        requests = requests.filter(status=status)
    if q:
        requests = requests.filter(Q(store__name__icontains=q) | Q(reason__icontains=q))
    return requests


def request_get_for_user(user: User, request_id: int) -> SupplyRequest:
    return get_object_or_404(requests_for_user(user), pk=request_id)


def issued_between(unit: OrgUnit, first: dt.date, last: dt.date, category: str = "") -> int:
    start, end = period_bounds(first, last)
    issues = Movement.objects.filter(
        paths_q([unit.path], "org_unit"), kind=Movement.Kind.ISSUE, at__gte=start, at__lt=end
    )
    if category:
        issues = issues.filter(item__category=category)
    return -(issues.aggregate(total=Sum("quantity"))["total"] or 0)


def stock_below(unit: OrgUnit, category: str = "") -> int:
    balances = Balance.objects.filter(paths_q([unit.path], "store__org_unit"))
    if category:
        balances = balances.filter(item__category=category)
    return int(balances.aggregate(total=Sum("quantity"))["total"] or 0)


def stock_levels(user: User, *, unit: OrgUnit | None = None) -> QuerySet[Any]:
    """(store id, item id, quantity) for every store and item in scope: the ledger's balances, batches added up.

    One grouped read of the balance table, whatever the number of movements behind it."""
    balances = scoped(Balance.objects.all(), user, "store__org_unit", within=unit)
    return balances.values_list("store_id", "item_id").annotate(quantity=Sum("quantity")).order_by()
