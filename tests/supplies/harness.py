"""Village B's supplies for the scope harness (tests/scope_harness.py): a store of each level with stock, goods in
transit, a pending request, a donation and a fund; and the snapshot that must not change."""

from __future__ import annotations

from typing import Any

from bastion.supplies.models import Balance, Donation, Fund, FundEntry, Movement, Store, SupplyRequest, Transfer
from tests.scope_harness import Outsider, out_of_scope


def _stores_of_b(b: Outsider) -> tuple[Store, Store]:
    from bastion.supplies.services.ledger import stock_receive
    from bastion.supplies.services.transfers import request_create, transfer_dispatch
    from tests.supplies import factories

    village = Store.objects.filter(name="沈家沟村物资点").first()
    if village is None:
        township = factories.store(b.world.township_b, "东城镇物资站", Store.Kind.TOWNSHIP)
        village = factories.store(b.world.village_b, "沈家沟村物资点", Store.Kind.VILLAGE)
        masks = factories.item("mask_surgical")
        stock_receive(by=None, store=township, item=masks, quantity=500, note="东城镇采购")
        transfer_dispatch(by=None, from_store=township, to_store=village, item=masks, quantity=100, note="沈家沟")
        request_create(by=None, store=village, item=masks, quantity=300, reason="沈家沟联户长")
    return Store.objects.get(name="东城镇物资站"), village


@out_of_scope("store_id")
def _store(b: Outsider) -> int:
    return int(_stores_of_b(b)[1].pk)


@out_of_scope("transfer_id")
def _transfer(b: Outsider) -> int:
    return int(Transfer.objects.get(to_store=_stores_of_b(b)[1]).pk)


@out_of_scope("supply_request_id")
def _request(b: Outsider) -> int:
    return int(SupplyRequest.objects.get(store=_stores_of_b(b)[1]).pk)


@out_of_scope("fund_id")
def _fund(b: Outsider) -> int:
    from tests.supplies import factories

    fund = Fund.objects.filter(name="东城镇防疫资金").first()
    return int((fund or factories.fund(b.world.township_b, budget="5000", name="东城镇防疫资金")).pk)


@out_of_scope("donation_id")
def _donation(b: Outsider) -> int:
    from bastion.supplies.services.money import donation_record

    donation = Donation.objects.filter(donor_name="沈家沟捐赠人").first()
    if donation is None:
        donation = donation_record(
            by=None,
            org_unit=b.world.village_b,
            donor_name="沈家沟捐赠人",
            kind=Donation.Kind.GOODS,
            item=_stores_of_b(b)[1].requests.get().item,
            quantity=50,
            store=_stores_of_b(b)[1],
        )
    return int(donation.pk)


def supplies_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    store_in_b = {f"store__{k}": v for k, v in in_b.items()}
    return {
        "stores": list(Store.objects.filter(**in_b).values_list("pk", "name", "kind", "is_active", "keeper")),
        "movements": list(Movement.objects.filter(**in_b).values_list("pk", "quantity")),
        "balances": list(Balance.objects.filter(**store_in_b).values_list("pk", "quantity")),
        "transfers": list(Transfer.objects.filter(**in_b).values_list("pk", "status", "received_at")),
        "requests": list(
            SupplyRequest.objects.filter(**in_b).values_list("pk", "status", "approved_quantity", "filled_quantity")
        ),
        "donations": list(Donation.objects.filter(**in_b).values_list("pk", "number")),
        "funds": list(Fund.objects.filter(**in_b).values_list("pk", "name")),
        "fund_entries": list(FundEntry.objects.filter(**in_b).values_list("pk", "amount")),
    }
