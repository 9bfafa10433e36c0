"""Places that need inspection: made and changed in scope with the phone checked and never audited in the clear,
listed with their filters in a constant number of queries, exported; kinds and checklists changed by the HQ only."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from bastion.core.models import AuditEvent, User
from bastion.outreach.models import ChecklistItem, Place, PlaceKind
from bastion.outreach.services.places import checklist_item_save, place_create, place_update
from tests.conftest import World, english_client
from tests.outreach import factories as outreach

pytestmark = pytest.mark.django_db


def test_a_village_cadre_adds_a_place_of_their_village(world: World, village_cadre_a: User) -> None:
    response = english_client(village_cadre_a).post(
        reverse("outreach:place_new"),
        {
            "org_unit": world.village_a.pk,
            "kind": outreach.kind("restaurant").pk,
            "name": "老马饭馆",
            "address": "人民路3号",
            "responsible_name": "马老板",
            "responsible_phone": "139 1234 5678",
            "disinfect_every_days": "",
        },
    )
    place = Place.objects.get(name="老马饭馆")
    assert response.status_code == 302 and response["Location"] == reverse("outreach:place_detail", args=[place.pk])
    assert place.responsible_phone == "13912345678" and place.org_unit == world.village_a
    event = AuditEvent.objects.get(action="place.create")
    assert "13912345678" not in str(event.summary)
    page = english_client(village_cadre_a).get(reverse("outreach:place_detail", args=[place.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert "Tableware disinfected" in page  # the restaurant's checklist


def test_a_bad_phone_an_unused_kind_and_a_unit_outside_the_scope_are_refused(
    world: World, village_cadre_a: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        place_create(
            by=village_cadre_a, org_unit=world.village_a, kind=outreach.kind(), name="超市", responsible_phone="12345"
        )
    assert "responsible_phone" in refused.value.message_dict
    unused = outreach.kind("other")
    unused.is_active = False
    unused.save()
    with pytest.raises(ValidationError, match="no longer in use"):
        place_create(by=village_cadre_a, org_unit=world.village_a, kind=unused, name="广场")
    with pytest.raises(PermissionDenied):
        place_create(by=village_cadre_a, org_unit=world.village_b, kind=outreach.kind(), name="沈家沟超市")
    assert not Place.objects.exists()


def test_a_change_is_audited_with_the_phone_only_as_changed(world: World, village_cadre_a: User) -> None:
    place = outreach.place(world.village_a)
    place_update(
        by=village_cadre_a,
        place=place,
        org_unit=world.village_a,
        kind=place.kind,
        name=place.name,
        address=place.address,
        responsible_name="牛经理",
        responsible_phone="13800001111",
        disinfect_every_days=2,
    )
    event = AuditEvent.objects.get(action="place.update")
    assert event.summary["responsible_phone"] == "changed" and event.summary["responsible_name"] == ["马经理", "牛经理"]
    assert "13800001111" not in str(event.summary)


def test_another_villages_place_is_not_found(world: World, village_cadre_a: User) -> None:
    place_b = outreach.place(world.village_b, "沈家沟超市")
    client = english_client(village_cadre_a)
    assert client.get(reverse("outreach:place_detail", args=[place_b.pk])).status_code == 404
    assert client.post(reverse("outreach:place_edit", args=[place_b.pk]), {"name": "x"}).status_code == 404
    assert "沈家沟超市" not in client.get(reverse("outreach:place_list")).content.decode()
    assert Place.objects.get(pk=place_b.pk).name == "沈家沟超市"


def test_the_list_filters_by_kind_and_search(world: World, inspector: User) -> None:
    outreach.place(world.village_a, "万家福超市")
    outreach.place(world.village_b, "县医院", "hospital")
    client = english_client(inspector)
    by_kind = client.get(reverse("outreach:place_list"), {"kind": "hospital"}).content.decode()
    assert "县医院" in by_kind and "万家福超市" not in by_kind
    searched = client.get(reverse("outreach:place_list"), {"q": "万家"}).content.decode()
    assert "万家福超市" in searched and "县医院" not in searched


def _list_queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200
    return len(captured)


def test_the_place_list_takes_as_many_queries_for_15_places_as_for_3(world: World, inspector: User) -> None:
    client = english_client(inspector)
    for number in range(3):
        outreach.place(world.village_a, f"超市{number}")
    few = _list_queries(client, reverse("outreach:place_list"))
    few_overdue = _list_queries(client, reverse("outreach:place_list") + "?overdue=1&open=1")
    for number in range(3, 15):
        outreach.place(world.village_b if number % 2 else world.village_a, f"超市{number}", "restaurant")
    assert _list_queries(client, reverse("outreach:place_list")) == few
    assert _list_queries(client, reverse("outreach:place_list") + "?overdue=1&open=1") == few_overdue


def test_the_places_export_reads_back_with_phones_masked(world: World, county_admin: User, inspector: User) -> None:
    outreach.place(world.village_a)
    response = english_client(county_admin).get(reverse("outreach:place_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Place" and rows[1][1] == "万家福超市" and rows[1][4] == "马经理"
    assert "13912340000" not in str(rows)
    assert AuditEvent.objects.filter(action="outreach.export", object_type="outreach.place").exists()
    # Names of persons responsible leave the system: only with the export permission.
    assert english_client(inspector).get(reverse("outreach:place_export")).status_code == 403


def test_the_hq_changes_kinds_and_checklists(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    assert "Supermarket" in client.get(reverse("outreach:place_kind_list")).content.decode()
    client.post(
        reverse("outreach:place_kind_new"),
        {
            "code": "pharmacy",
            "name_zh_hans": "药店",
            "name_en": "Pharmacy",
            "sort_order": 95,
            "is_active": "on",
            "disinfect_every_days": 1,
        },
    )
    pharmacy = PlaceKind.objects.get(code="pharmacy")
    assert pharmacy.disinfect_every_days == 1
    client.post(
        reverse("outreach:checklist_item_new", args=[pharmacy.pk]),
        {
            "code": "fever_drugs",
            "name_zh_hans": "退烧药购买登记",
            "name_en": "Fever drug buyers logged",
            "sort_order": 10,
            "is_active": "on",
        },
    )
    item = ChecklistItem.objects.get(place_kind=pharmacy, code="fever_drugs")
    client.post(
        reverse("outreach:checklist_item_edit", args=[item.pk]),
        {"name_zh_hans": "退烧药购买实名登记", "name_en": "Fever drug buyers logged", "sort_order": 10},
    )
    item.refresh_from_db()
    assert item.names["zh-hans"] == "退烧药购买实名登记" and not item.is_active
    assert AuditEvent.objects.filter(action="checklistitem.change", object_id=str(item.pk)).exists()
    with pytest.raises(ValidationError, match="already used"):
        checklist_item_save(
            by=county_admin, place_kind=pharmacy, item=None, code="fever_drugs", names={"zh-hans": "重复"}
        )


def test_nobody_below_the_hq_changes_the_checklists(world: World, township_cadre: User) -> None:
    client = english_client(township_cadre)
    item = ChecklistItem.objects.get(place_kind__code="supermarket", code="temperature")
    kind = outreach.kind()
    for url in (
        reverse("outreach:place_kind_list"),
        reverse("outreach:place_kind_new"),
        reverse("outreach:place_kind_edit", args=[kind.pk]),
        reverse("outreach:checklist_item_new", args=[kind.pk]),
        reverse("outreach:checklist_item_edit", args=[item.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"code": "x1", "name_zh_hans": "x", "sort_order": 1}).status_code == 403
    with pytest.raises(PermissionDenied):
        checklist_item_save(by=township_cadre, place_kind=kind, item=item, code="", names={"zh-hans": "改"})
    assert ChecklistItem.objects.get(pk=item.pk).names["zh-hans"] == "入口测温"
