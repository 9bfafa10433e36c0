"""Records of the supplies tests, written through the services so movements, balances and audit stay true."""

from __future__ import annotations

import itertools
from decimal import Decimal

from bastion.core.models import OrgUnit
from bastion.supplies.models import Fund, Item, Movement, Store
from bastion.supplies.selectors.stock import balances_verify, movement_sums
from bastion.supplies.services.ledger import stock_receive
from bastion.supplies.services.money import fund_allocate, fund_create

_numbers = itertools.count(1)


def item(code: str = "mask_surgical") -> Item:
    return Item.objects.get(code=code)


def store(unit: OrgUnit, name: str | None = None, kind: str | None = None) -> Store:
    if kind is None:
        kind = {
            OrgUnit.Kind.COUNTY: Store.Kind.COUNTY_WAREHOUSE,
            OrgUnit.Kind.TOWNSHIP: Store.Kind.TOWNSHIP,
        }.get(unit.kind, Store.Kind.VILLAGE)  # type: ignore[call-overload]
    return Store.objects.create(org_unit=unit, name=name or f"{unit.name}物资库{next(_numbers)}", kind=kind)


def stocked(store: Store, quantity: int, code: str = "mask_surgical", **kwargs: object) -> Movement:
    return stock_receive(by=None, store=store, item=item(code), quantity=quantity, **kwargs)  # type: ignore[arg-type]


def fund(unit: OrgUnit, budget: str | None = None, name: str = "防疫专项资金") -> Fund:
    created = fund_create(by=None, org_unit=unit, name=name)
    if budget:
        fund_allocate(by=None, fund=created, amount=Decimal(budget), description="县财政预拨")
    return created


def stock_of(store: Store, code: str = "mask_surgical") -> int:
    """The store's stock of the item as the ledger's movements add it up; the balances must agree."""
    assert balances_verify([store.pk]) == []
    return sum(q for (s, i, _b), q in movement_sums([store.pk]).items() if s == store.pk and i == item(code).pk)
