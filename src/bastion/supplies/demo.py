"""The demo county's supplies: the county warehouse with 20,000 masks (half bought with the 500,000-yuan budget,
half donated), a township's request filled in part and passed down to a village, a week of morning hand-outs to
household heads, a farmer's 150 masks and a member's 1,000 yuan with their receipts."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from bastion.core.models import OrgUnit
from bastion.supplies.models import Donation, Item, Store
from bastion.supplies.services.ledger import stock_issue_to_list, stock_receive
from bastion.supplies.services.money import donation_record, fund_allocate, fund_create, purchase_record
from bastion.supplies.services.transfers import request_create, request_fill, transfer_dispatch, transfer_receive

HEADS = ["马成", "杨秀英", "黄建国", "周丽", "吴海", "徐明", "孙桂兰", "胡强", "值班 赵刚", "值班 李娜"]


@transaction.atomic
def demo_supplies(county: OrgUnit) -> None:
    """Idempotent: nothing is added once the county has a store."""
    if Store.objects.filter(org_unit__path__startswith=county.path).exists():
        return
    importlib.import_module("bastion.supplies.migrations.0002_defaults").add_defaults(apps, None)
    townships = list(county.children.filter(kind=OrgUnit.Kind.TOWNSHIP).order_by("division_code"))
    township = townships[1] if len(townships) > 1 else townships[0]
    village = township.children.order_by("division_code").first() or township
    item = {i.code: i for i in Item.objects.all()}
    warehouse = Store.objects.create(
        org_unit=county, name="县物资储备库", kind=Store.Kind.COUNTY_WAREHOUSE, keeper="县卫健委"
    )
    township_store = Store.objects.create(
        org_unit=township, name=f"{township.display_name}物资站", kind=Store.Kind.TOWNSHIP
    )
    village_store = Store.objects.create(
        org_unit=village, name=f"{village.display_name}物资点", kind=Store.Kind.VILLAGE
    )
    for other in townships:
        if other != township:
            Store.objects.create(org_unit=other, name=f"{other.display_name}物资站", kind=Store.Kind.TOWNSHIP)

    fund = fund_create(by=None, org_unit=county, name="县疫情防控专项资金")
    fund_allocate(by=None, fund=fund, amount="500000", description="县财政预拨疫情防控经费")
    expiry = timezone.localdate() + dt.timedelta(days=700)
    purchase_record(
        by=None,
        fund=fund,
        store=warehouse,
        item=item["mask_surgical"],
        quantity=10_000,
        amount="9500.00",
        supplier="县医药公司",
        batch_code="20200125",
        expires_on=expiry,
    )
    donation_record(
        by=None,
        org_unit=county,
        donor_name="新疆某商贸有限公司",
        donor_kind=Donation.DonorKind.ORGANISATION,
        kind=Donation.Kind.GOODS,
        item=item["mask_surgical"],
        quantity=10_000,
        store=warehouse,
        earmark="一线防控人员",
    )
    for code, quantity in (("disinfectant_84", 600), ("alcohol_75", 400), ("thermometer", 40)):
        stock_receive(
            by=None, store=warehouse, item=item[code], quantity=quantity, source="allocation", note="州指挥部调拨"
        )

    asked = request_create(
        by=None, store=township_store, item=item["mask_surgical"], quantity=3000, reason="联户长和卡点值班人员每日使用"
    )
    transfer_receive(by=None, transfer=request_fill(by=None, request=asked, from_store=warehouse, quantity=2500))
    stock_receive(by=None, store=township_store, item=item["disinfectant_84"], quantity=100, source="allocation")
    for code, quantity in (("mask_surgical", 1000), ("disinfectant_84", 80)):
        down = transfer_dispatch(
            by=None, from_store=township_store, to_store=village_store, item=item[code], quantity=quantity
        )
        transfer_receive(by=None, transfer=down)
    transfer_dispatch(by=None, from_store=warehouse, to_store=township_store, item=item["alcohol_75"], quantity=60)

    now = timezone.now()
    for days_ago in range(6, -1, -1):
        morning = now.replace(hour=8, minute=30) - dt.timedelta(days=days_ago)
        stock_issue_to_list(
            by=None,
            store=village_store,
            items=[(item["mask_surgical"], 10), (item["disinfectant_84"], 1)],
            recipients=HEADS,
            note="每日发放",
            at=min(morning, now),
        )
    donation_record(
        by=None,
        org_unit=village,
        donor_name="马某（村民）",
        kind=Donation.Kind.GOODS,
        item=item["mask_surgical"],
        quantity=150,
        store=village_store,
        earmark="值班卡点",
        anonymous=True,
    )
    donation_record(
        by=None,
        org_unit=county,
        donor_name="党员李某",
        kind=Donation.Kind.CASH,
        amount="1000",
        fund=fund,
        earmark="购买物资",
    )
