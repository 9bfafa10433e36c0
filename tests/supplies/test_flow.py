"""20,000 masks followed from the county warehouse to a village's household heads, every store adding up at
every step; a farmer's 150 masks and a member's 1,000 yuan go in with numbered receipts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bastion.core.models import AuditEvent, User
from bastion.supplies.models import Donation, FundEntry, Movement, Store, SupplyRequest, Transfer
from bastion.supplies.selectors.money import funds_for_user
from bastion.supplies.selectors.stock import balances_verify, in_transit_to, stock_of_store
from bastion.supplies.services.ledger import stock_issue_to_list
from bastion.supplies.services.money import donation_record, purchase_record
from bastion.supplies.services.transfers import (
    request_approve,
    request_create,
    request_fill,
    transfer_dispatch,
    transfer_receive,
)
from tests.conftest import World
from tests.supplies import factories as supplies
from tests.supplies.factories import stock_of

pytestmark = pytest.mark.django_db


def test_twenty_thousand_masks_reach_the_village_and_every_store_adds_up(
    world: World,
    county_admin: User,
    township_cadre: User,
    village_cadre_a: User,
    warehouse: Store,
    township_store: Store,
    village_store: Store,
) -> None:
    masks = supplies.item("mask_surgical")
    budget = supplies.fund(world.county, budget="500000")
    stores = [warehouse, township_store, village_store]

    def stocks() -> list[int]:
        assert balances_verify([s.pk for s in stores]) == []
        return [stock_of(s) for s in stores]

    # Half bought with the budget, half donated by a company.
    purchase_record(
        by=county_admin,
        fund=budget,
        store=warehouse,
        item=masks,
        quantity=10_000,
        amount="8000.00",
        supplier="某医疗器械公司",
    )
    donation_record(
        by=county_admin,
        org_unit=world.county,
        donor_name="某商贸公司",
        donor_kind=Donation.DonorKind.ORGANISATION,
        kind=Donation.Kind.GOODS,
        item=masks,
        quantity=10_000,
        store=warehouse,
    )
    assert stocks() == [20_000, 0, 0]

    # The township asks for 3,000 and is sent 2,500; they are in transit until it confirms them.
    request = request_create(
        by=township_cadre, store=township_store, item=masks, quantity=3000, reason="联户长和值班人员"
    )
    request_approve(by=county_admin, request=request, quantity=2500)
    transfer = request_fill(by=county_admin, request=request, from_store=warehouse)
    request.refresh_from_db()
    assert (request.status, request.filled_quantity) == (SupplyRequest.Status.PART_FILLED, 2500)
    assert stocks() == [17_500, 0, 0]
    assert in_transit_to([township_store.pk]) == {(township_store.pk, masks.pk): 2500}
    assert Transfer.objects.filter(to_store=township_store, status=Transfer.Status.IN_TRANSIT).get() == transfer

    transfer_receive(by=township_cadre, transfer=transfer)
    assert stocks() == [17_500, 2500, 0]
    assert [(r.quantity, r.in_transit) for r in stock_of_store(township_store)] == [(2500, 0)]

    # The township passes 1,000 down to its village.
    down = transfer_dispatch(
        by=township_cadre, from_store=township_store, to_store=village_store, item=masks, quantity=1000
    )
    assert stocks() == [17_500, 1500, 0]
    transfer_receive(by=village_cadre_a, transfer=down)
    assert stocks() == [17_500, 1500, 1000]

    # One morning entry: 20 household heads get 10 masks and a bottle of 84 each.
    supplies.stocked(village_store, 40, "disinfectant_84")
    heads = [f"联户长{n}" for n in range(1, 21)]
    stock_issue_to_list(
        by=village_cadre_a,
        store=village_store,
        items=[(masks, 10), (supplies.item("disinfectant_84"), 1)],
        recipients=heads,
    )
    assert stocks() == [17_500, 1500, 800]
    assert stock_of(village_store, "disinfectant_84") == 20
    assert Movement.objects.filter(store=village_store, kind=Movement.Kind.ISSUE).count() == 40

    # A farmer gives 150 masks from his own stock; a member gives 1,000 yuan.
    farmer = donation_record(
        by=village_cadre_a,
        org_unit=world.village_a,
        donor_name="马某",
        kind=Donation.Kind.GOODS,
        item=masks,
        quantity=150,
        store=village_store,
        earmark="值班卡点",
    )
    cash = donation_record(
        by=county_admin,
        org_unit=world.county,
        donor_name="党员李某",
        kind=Donation.Kind.CASH,
        amount="1000",
        fund=budget,
    )
    assert stocks() == [17_500, 1500, 950]
    assert farmer.number.startswith("JZ") and farmer.number != cash.number
    assert "马某" in farmer.thanks and "150" in farmer.thanks
    assert FundEntry.objects.get(donation=cash).amount == Decimal("1000.00")
    fund = funds_for_user(county_admin).get(pk=budget.pk)
    assert (fund.budget, fund.donated, fund.spent, fund.balance) == (
        Decimal("500000.00"),
        Decimal("1000.00"),
        Decimal("8000.00"),
        Decimal("493000.00"),
    )
    assert AuditEvent.objects.filter(action="donation.record").count() == 3
    assert AuditEvent.objects.filter(action="stock.issue_list").get().summary["recipients"] == 20
