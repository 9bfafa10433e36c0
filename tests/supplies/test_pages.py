"""The supplies pages as cadres use them: the morning hand-out to a list in one entry, a transfer confirmed on
arrival, a request filled in part, a donation with its receipt, the funds page, and lists that cost the same
number of queries however long they are."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bastion.core.models import User
from bastion.supplies.models import Donation, Movement, Store, SupplyRequest, Transfer
from bastion.supplies.services.ledger import stock_issue
from bastion.supplies.services.money import donation_record
from bastion.supplies.services.transfers import request_create, transfer_dispatch
from tests.conftest import World, english_client
from tests.supplies import factories as supplies

pytestmark = pytest.mark.django_db


def sheet(content: bytes) -> list[list[object]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


def test_a_village_hands_out_to_its_household_heads_in_one_entry(village_cadre_a: User, village_store: Store) -> None:
    supplies.stocked(village_store, 500)
    supplies.stocked(village_store, 30, "disinfectant_84")
    client = english_client(village_cadre_a)
    url = reverse("supplies:store_hand_out", args=[village_store.pk])
    assert "one name a line" in client.get(url).content.decode()
    masks, bleach = supplies.item("mask_surgical"), supplies.item("disinfectant_84")
    response = client.post(
        url,
        {
            "recipient_kind": "person",
            "recipients": "马成 联户长\n杨秀英 联户长\n\n值班 周明\n",
            "item_1": masks.pk,
            "each_1": 10,
            "item_2": bleach.pk,
            "each_2": 1,
        },
        follow=True,
    )
    assert "Handed out to 3 recipients in one entry." in response.content.decode()
    assert supplies.stock_of(village_store) == 470
    assert supplies.stock_of(village_store, "disinfectant_84") == 27
    assert sorted(Movement.objects.filter(kind="issue", item=masks).values_list("recipient_name", flat=True)) == [
        "值班 周明",
        "杨秀英 联户长",
        "马成 联户长",
    ]


def test_handing_out_more_than_the_store_holds_says_so_and_hands_out_nothing(
    village_cadre_a: User, village_store: Store
) -> None:
    supplies.stocked(village_store, 25)
    response = english_client(village_cadre_a).post(
        reverse("supplies:store_hand_out", args=[village_store.pk]),
        {"recipient_kind": "person", "recipients": "甲\n乙\n丙", "item_1": supplies.item().pk, "each_1": 10},
    )
    assert response.status_code == 400
    assert "holds only 25 个 of Surgical masks; 30 were asked for" in response.content.decode()
    assert not Movement.objects.filter(kind="issue").exists()


def test_goods_sent_down_are_in_transit_until_the_village_confirms_them(
    township_cadre: User, village_cadre_a: User, township_store: Store, village_store: Store
) -> None:
    supplies.stocked(township_store, 1000)
    client = english_client(township_cadre)
    response = client.post(
        reverse("supplies:store_transfer", args=[township_store.pk]),
        {"to_store": village_store.pk, "item": supplies.item().pk, "quantity": 400},
        follow=True,
    )
    assert "in transit until it confirms" in response.content.decode()
    in_transit = english_client(village_cadre_a).get(reverse("supplies:transfer_list")).content.decode()
    assert "木垒镇物资站" in in_transit and "In transit" in in_transit
    village_page = english_client(village_cadre_a).get(reverse("supplies:store_detail", args=[village_store.pk]))
    assert "Confirm arrival" in village_page.content.decode()
    transfer = Transfer.objects.get()
    english_client(village_cadre_a).post(reverse("supplies:transfer_receive", args=[transfer.pk]))
    assert [supplies.stock_of(township_store), supplies.stock_of(village_store)] == [600, 400]
    assert Transfer.objects.get().status == Transfer.Status.RECEIVED


def test_the_county_fills_a_township_request_in_part(
    world: World, county_admin: User, township_cadre: User, warehouse: Store, township_store: Store
) -> None:
    supplies.stocked(warehouse, 20_000)
    asked = request_create(by=township_cadre, store=township_store, item=supplies.item(), quantity=3000)
    client = english_client(county_admin)
    page = client.get(reverse("supplies:request_detail", args=[asked.pk])).content.decode()
    assert "Send the goods" in page
    client.post(reverse("supplies:request_fill", args=[asked.pk]), {"from_store": warehouse.pk, "quantity": 2500})
    asked.refresh_from_db()
    assert (asked.status, asked.approved_quantity, asked.filled_quantity) == ("part_filled", 2500, 2500)
    assert Transfer.objects.get(request=asked).quantity == 2500
    # The township cannot decide its own request: the county is above it.
    refused = english_client(township_cadre).post(
        reverse("supplies:request_refuse", args=[asked.pk]), {"reason": "不要了"}
    )
    assert refused.status_code == 403


def test_a_refusal_needs_a_reason(county_admin: User, township_cadre: User, township_store: Store) -> None:
    asked = request_create(by=township_cadre, store=township_store, item=supplies.item(), quantity=300)
    client = english_client(county_admin)
    response = client.post(reverse("supplies:request_refuse", args=[asked.pk]), {"reason": " "})
    assert response.status_code == 400 and SupplyRequest.objects.get().status == "pending"
    client.post(reverse("supplies:request_refuse", args=[asked.pk]), {"reason": "县库存不足 请向乡镇调剂"})
    assert SupplyRequest.objects.get().refusal == "县库存不足 请向乡镇调剂"


def test_a_farmers_donation_of_masks_is_numbered_thanked_and_printed(
    world: World, village_cadre_a: User, village_store: Store, anonymous: object
) -> None:
    client = english_client(village_cadre_a)
    response = client.post(
        reverse("supplies:donation_new"),
        {
            "org_unit": world.village_a.pk,
            "donor_name": "马某",
            "donor_kind": "person",
            "anonymous": "on",
            "kind": "goods",
            "item": supplies.item().pk,
            "quantity": 150,
            "store": village_store.pk,
            "earmark": "值班卡点",
            "received_on": "2020-02-03",
        },
        follow=True,
    )
    donation = Donation.objects.get()
    page = response.content.decode()
    assert donation.number in page and "thanks 马某 most sincerely" in page
    assert supplies.stock_of(village_store) == 150
    receipt = client.get(reverse("supplies:donation_receipt", args=[donation.pk]))
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    public = anonymous.get(reverse("supplies:public_donations", args=[world.village_a.pk]))  # type: ignore[attr-defined]
    assert public.status_code == 200
    assert "马某" not in public.content.decode() and "150" in public.content.decode()


def test_a_cash_amount_with_more_than_two_decimals_is_refused_on_the_page(world: World, county_admin: User) -> None:
    fund = supplies.fund(world.county, budget="500000")
    response = english_client(county_admin).post(
        reverse("supplies:donation_new"),
        {
            "org_unit": world.county.pk,
            "donor_name": "李某",
            "donor_kind": "person",
            "kind": "cash",
            "amount": "1000.001",
            "fund": fund.pk,
            "received_on": "2020-02-03",
        },
    )
    assert response.status_code == 400
    assert "1000.001 has more than two decimals" in response.content.decode()
    assert not Donation.objects.exists()


def test_the_funds_page_shows_budget_donations_spending_and_balance(world: World, county_admin: User) -> None:
    fund = supplies.fund(world.county, budget="500000")
    donation_record(by=None, org_unit=world.county, donor_name="党员", kind="cash", amount="1000", fund=fund)
    client = english_client(county_admin)
    client.post(
        reverse("supplies:fund_spend", args=[fund.pk]),
        {"spend-amount": "12345.60", "spend-description": "购买测温枪", "spend-on": "2020-02-04"},
    )
    page = client.get(reverse("supplies:fund_list")).content.decode()
    for figure in ("¥500,000.00", "¥1,000.00", "¥12,345.60", "¥488,654.40"):
        assert figure in page
    overspent = client.post(
        reverse("supplies:fund_spend", args=[fund.pk]),
        {"spend-amount": "500000", "spend-description": "超支", "spend-on": "2020-02-04"},
    )
    assert overspent.status_code == 400 and "holds only ¥488,654.40" in overspent.content.decode()
    assert sheet(client.get(reverse("supplies:fund_export")).content)[1][2:] == [
        "500000.00",
        "1000.00",
        "12345.60",
        "488654.40",
    ]


def test_lists_cost_the_same_queries_for_few_or_many_rows(
    world: World, county_admin: User, township_store: Store
) -> None:
    client = english_client(county_admin)
    pages = [
        reverse("supplies:stock"),
        reverse("supplies:store_list"),
        reverse("supplies:movement_list"),
        reverse("supplies:transfer_list"),
        reverse("supplies:request_list"),
        reverse("supplies:donation_list"),
        reverse("supplies:fund_list"),
    ]

    made = iter(range(100))

    def add_rows(n: int) -> None:
        for _n, k in zip(range(n), made, strict=False):
            store = supplies.store(world.village_a)
            supplies.stocked(store, 100)
            stock_issue(
                by=None, store=store, item=supplies.item(), quantity=5, recipient_kind="person", recipient_name="张三"
            )
            transfer_dispatch(by=None, from_store=store, to_store=township_store, item=supplies.item(), quantity=5)
            request_create(by=None, store=store, item=supplies.item(), quantity=10)
            fund = supplies.fund(world.village_a, budget="100", name=f"村资金{k}")
            donation_record(by=None, org_unit=world.village_a, donor_name="某", kind="cash", amount="10", fund=fund)

    def counts() -> list[int]:
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found.append(len(queries))
        return found

    add_rows(1)
    few = counts()
    add_rows(6)
    assert counts() == few


def test_the_stock_ledger_of_a_store_adds_up_per_item(county_admin: User, village_store: Store) -> None:
    supplies.stocked(village_store, 300)
    stock_issue(
        by=None, store=village_store, item=supplies.item(), quantity=40, recipient_kind="post", recipient_name="卡点"
    )
    rows = sheet(english_client(county_admin).get(reverse("supplies:store_ledger", args=[village_store.pk])).content)
    assert rows[1] == ["Item", "Unit of measure", "Opening", "In", "Out", "Closing"]
    assert rows[2] == ["Surgical masks", "个", 0.0, 300.0, 40.0, 260.0]


def test_a_count_on_the_page_adjusts_the_stock_with_its_reason(township_cadre: User, township_store: Store) -> None:
    supplies.stocked(township_store, 100)
    client = english_client(township_cadre)
    url = reverse("supplies:store_adjust", args=[township_store.pk])
    response = client.post(url, {"item": supplies.item().pk, "counted": 97, "reason": "破损3个"}, follow=True)
    assert "Stock adjusted by -3 after the count." in response.content.decode()
    assert Movement.objects.get(kind="adjustment").note == "破损3个" and supplies.stock_of(township_store) == 97
