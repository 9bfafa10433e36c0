"""The opening stock count from Excel (all rows or none, every bad row named), days of cover with its warning,
and the figures offered to report forms."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from bastion.core.models import Notification, User
from bastion.reporting.sources import source_value
from bastion.supplies.models import Movement, Store
from bastion.supplies.selectors.stock import stock_of_store
from bastion.supplies.services.alerts import cover_alerts_send
from bastion.supplies.services.ledger import stock_issue
from tests import factories
from tests.conftest import World, english_client
from tests.supplies import factories as supplies

pytestmark = pytest.mark.django_db


def workbook(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Store", "Item", "Batch", "Expires on", "Quantity counted"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "opening.xlsx"
    return data


def test_an_opening_count_goes_in_whole(county_admin: User, warehouse: Store, village_store: Store) -> None:
    upload = workbook(
        ["县物资储备库", "mask_surgical", "20200120", "2021-01-19", 20000],
        ["县物资储备库", "84消毒液", "", "", 300],
        ["水磨沟村物资点", "Surgical masks", "", "", 120],
    )
    response = english_client(county_admin).post(reverse("supplies:opening_import"), {"file": upload}, follow=True)
    assert "3 rows of opening stock stored." in response.content.decode()
    assert supplies.stock_of(warehouse) == 20000 and supplies.stock_of(warehouse, "disinfectant_84") == 300
    assert Movement.objects.filter(kind="opening").count() == 3


def test_one_bad_row_stores_nothing_and_every_problem_is_named(
    world: World, county_admin: User, warehouse: Store
) -> None:
    supplies.stocked(warehouse, 10, "alcohol_75")
    upload = workbook(
        ["县物资储备库", "mask_surgical", "", "", 20000],
        ["县物资储备库", "口罩罩", "", "", 5],
        ["没有这个库", "mask_n95", "", "", -1],
        ["县物资储备库", "alcohol_75", "", "2020-13-40", 3],
    )
    response = english_client(county_admin).post(reverse("supplies:opening_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and "Nothing was stored" in page
    for problem in (
        "No item 口罩罩",
        "No open store 没有这个库 in your scope",
        "Give a whole quantity above zero, not -1",
        "Give the expiry date as 2020-12-31, not 2020-13-40",
        "already has movements of Medical alcohol 75%",
    ):
        assert problem in page
    assert Movement.objects.filter(kind="opening").count() == 0


def test_a_store_running_low_is_warned_once_a_day(world: World, village_store: Store) -> None:
    cadre = factories.account("village_cadre", world.village_a, username="erin")
    township = factories.account("township_cadre", world.township_a, username="bob")
    supplies.stocked(village_store, 200)
    for days_ago in range(7):
        stock_issue(
            by=None,
            store=village_store,
            item=supplies.item(),
            quantity=20,
            recipient_kind="person",
            recipient_name="联户长",
            at=timezone.now() - dt.timedelta(days=days_ago, hours=1),
        )
    row = stock_of_store(village_store)[0]
    assert (row.quantity, row.daily_issue, row.days_of_cover, row.is_low) == (60, 20, 3, False)
    stock_issue(
        by=None, store=village_store, item=supplies.item(), quantity=20, recipient_kind="person", recipient_name="甲"
    )
    assert stock_of_store(village_store)[0].days_of_cover < 3
    assert cover_alerts_send() == 2
    assert cover_alerts_send() == 0
    warning = Notification.objects.get(recipient=cadre)
    assert "水磨沟村物资点" in warning.title and "40 个 left" in warning.body
    assert Notification.objects.filter(recipient=township).exists()


def test_stock_issued_today_and_cover_are_offered_to_report_forms(world: World, village_store: Store) -> None:
    supplies.stocked(village_store, 700)
    stock_issue(
        by=None, store=village_store, item=supplies.item(), quantity=70, recipient_kind="person", recipient_name="甲"
    )
    today = timezone.localdate()
    assert source_value("supplies.stock_masks", world.township_a, today, today) == 630
    assert source_value("supplies.issued_masks", world.township_a, today, today) == 70
    assert source_value("supplies.cover_masks", world.township_a, today, today) == 63
    assert source_value("supplies.stock_masks", world.township_b, today, today) == 0
