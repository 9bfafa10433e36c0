"""Deliveries to households under observation and the care register of people in difficulty.

The family under observation asks for vegetables and disinfectant; a volunteer is assigned, delivers, and
records what was handed over; the township sees it pending, then delivered.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bastion.core.models import AuditEvent, User
from bastion.observation.models import CareCategory, CarePerson, DeliveryLine, DeliveryRequest, NeedItem, WelfareContact
from bastion.observation.services.care import (
    care_person_save,
    delivery_assign,
    delivery_cancel,
    delivery_record,
    delivery_request_create,
    welfare_contact_record,
)
from bastion.residents.models import Person
from tests import factories
from tests.conftest import World, english_client

pytestmark = pytest.mark.django_db
Status = DeliveryRequest.Status


def item(code: str) -> NeedItem:
    return NeedItem.objects.get(code=code)


def category(code: str) -> CareCategory:
    return CareCategory.objects.get(code=code)


@pytest.fixture
def family(world: World) -> Person:
    """王芳 of village A, under home observation."""
    person = factories.person(world.village_a, "王芳", address="幸福路3号", phone="13812345678")
    factories.observation_case(person)
    return person


def requested(by: User, person: Person, **quantities: int) -> DeliveryRequest:
    lines = [(item(code), quantity) for code, quantity in (quantities or {"vegetables": 2}).items()]
    return delivery_request_create(by=by, person=person, lines=lines)


def url(name: str, *args: int) -> str:
    return reverse(f"observation:{name}", args=args)


def shown(client: Client, name: str, **params: Any) -> str:
    response = client.get(url(name), params)
    assert response.status_code == 200
    return str(response.content.decode())


def api(client: Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(f"/api/v1{path}", body or {}, content_type="application/json")


def snapshot() -> tuple[object, ...]:
    """What a refused request must leave as it was."""
    return (
        list(DeliveryRequest.objects.values_list("status", "assignee_name", "delivery_note")),
        list(DeliveryLine.objects.values_list("quantity", "delivered")),
        list(CarePerson.objects.values_list("needs", "next_contact_due", "is_active")),
        WelfareContact.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_delivery_to_an_observed_household_is_requested_assigned_delivered_and_seen_by_the_township(
    world: World, family: Person, village_cadre_a: User, volunteer: User, township_cadre: User
) -> None:
    cadre, township, helper = english_client(village_cadre_a), english_client(township_cadre), english_client(volunteer)
    vegetables, disinfectant = item("vegetables"), item("disinfectant")

    form = cadre.get(url("delivery_new"), {"person": family.pk}).content.decode()
    assert "王芳" in form and "Disinfectant" in form and "13812345678" not in form
    asked = {f"item_{vegetables.pk}": "3", f"item_{disinfectant.pk}": "1", "note": "no garlic"}
    response = cadre.post(f"{url('delivery_new')}?person={family.pk}", asked)
    delivery = DeliveryRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("delivery_detail", delivery.pk)
    assert delivery.status == Status.REQUESTED and delivery.org_unit == world.village_a
    assert delivery.case == family.observation_cases.get() and delivery.requested_by == village_cadre_a
    assert sorted(delivery.lines.values_list("item__code", "quantity")) == [("disinfectant", 1), ("vegetables", 3)]

    pending = shown(township, "delivery_list", status="pending")
    assert "王芳" in pending and "Requested" in pending and "under observation" in pending

    assert cadre.post(url("delivery_assign", delivery.pk), {"assignee": volunteer.pk}).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Status.ASSIGNED and delivery.assignee == volunteer
    assert "王芳" in shown(helper, "delivery_list", status="pending", mine="1")

    lines = {line.item.code: line for line in delivery.lines.all()}
    page = helper.get(url("delivery_detail", delivery.pk)).content.decode()
    assert "Record what was handed over" in page  # the volunteer records, but does not organise
    assert "Give it to someone else" not in page and "Cancel the delivery" not in page
    handed = {f"line_{lines['vegetables'].pk}": "3", f"line_{lines['disinfectant'].pk}": "1", "note": "at the door"}
    assert helper.post(url("delivery_deliver", delivery.pk), handed).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED and delivery.delivered_by == volunteer and delivery.delivered_at
    assert {line.item.code: line.delivered for line in delivery.lines.all()} == {"vegetables": 3, "disinfectant": 1}

    assert "王芳" not in shown(township, "delivery_list", status="pending")
    everything = shown(township, "delivery_list")
    assert "王芳" in everything and "Delivered" in everything and "3 handed over" in everything
    assert "138****5678" in everything and "13812345678" not in everything
    actions = set(AuditEvent.objects.filter(object_id=str(delivery.pk)).values_list("action", flat=True))
    assert {"delivery.request", "delivery.assign", "delivery.deliver"} <= actions


def test_a_request_with_nothing_asked_for_is_refused_and_nothing_is_saved(
    world: World, family: Person, village_cadre_a: User
) -> None:
    zeros = {f"item_{entry.pk}": "0" for entry in NeedItem.objects.all()}
    response = english_client(village_cadre_a).post(f"{url('delivery_new')}?person={family.pk}", zeros)
    assert response.status_code == 200 and "Ask for at least one item." in response.content.decode()
    for lines, message in [
        ([(item("masks"), 100_001)], "between 1 and 100000"),
        ([(item("masks"), 2), (item("masks"), 3)], "asked for twice"),
        ([(item("vegetables"), -1)], "between 1 and 100000"),
    ]:
        with pytest.raises(ValidationError, match=message):
            delivery_request_create(by=village_cadre_a, person=family, lines=lines)
    NeedItem.objects.filter(code="masks").update(is_active=False)
    with pytest.raises(ValidationError, match="can no longer be asked for"):
        delivery_request_create(by=village_cadre_a, person=family, lines=[(item("masks"), 1)])
    assert not DeliveryRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="delivery.request").exists()


def test_a_delivered_or_cancelled_request_cannot_change_again(
    world: World, family: Person, village_cadre_a: User, township_cadre: User
) -> None:
    delivered, cancelled = requested(village_cadre_a, family, vegetables=2), requested(village_cadre_a, family, masks=1)
    line = delivered.lines.get()
    delivery_record(by=village_cadre_a, request=delivered, delivered={line.pk: 2})
    client = english_client(village_cadre_a)
    assert client.post(url("delivery_cancel", cancelled.pk), {"reason": ""}).status_code == 200
    client.post(url("delivery_cancel", cancelled.pk), {"reason": "relatives brought food"})
    cancelled.refresh_from_db()
    assert cancelled.status == Status.CANCELLED and cancelled.delivery_note == "relatives brought food"
    assert "王芳" not in shown(english_client(township_cadre), "delivery_list", status="pending")
    before = snapshot()
    again = client.post(url("delivery_deliver", delivered.pk), {f"line_{line.pk}": "9"})
    assert again.status_code == 200 and "This delivery is already delivered." in again.content.decode()
    assert (
        api(client, "post", f"/deliveries/{delivered.pk}/deliver", {"delivered": {"vegetables": 9}}).status_code == 422
    )
    with pytest.raises(ValidationError, match="already cancelled"):
        delivery_record(by=village_cadre_a, request=cancelled, delivered={cancelled.lines.get().pk: 1})
    with pytest.raises(ValidationError, match="already delivered"):
        delivery_cancel(by=village_cadre_a, request=delivered, reason="not needed")
    assert snapshot() == before


def test_what_was_handed_over_is_checked_line_by_line(world: World, family: Person, village_cadre_a: User) -> None:
    delivery = requested(village_cadre_a, family, vegetables=2, masks=10)
    lines = {line.item.code: line.pk for line in delivery.lines.all()}
    for delivered, message in [
        ({lines["vegetables"]: 2}, "Masks: Give a quantity between 0 and 100000."),
        ({lines["vegetables"]: 0, lines["masks"]: 0}, "Nothing was handed over"),
        ({lines["vegetables"]: 2, lines["masks"]: 100_001}, "between 0 and 100000"),
    ]:
        with pytest.raises(ValidationError, match=message):
            delivery_record(by=village_cadre_a, request=delivery, delivered=delivered)
    delivery.refresh_from_db()
    assert delivery.status == Status.REQUESTED and not delivery.lines.filter(delivered__isnull=False).exists()
    delivery_record(by=village_cadre_a, request=delivery, delivered={lines["vegetables"]: 2, lines["masks"]: 0})
    assert DeliveryRequest.objects.get().status == Status.DELIVERED


def test_a_delivery_goes_to_someone_who_works_for_the_unit(
    world: World, family: Person, village_cadre_a: User, county_admin: User, village_cadre_b: User
) -> None:
    delivery = requested(village_cadre_a, family)
    for assignee, name, message in [
        (None, "", "Choose a volunteer or write the name"),
        (village_cadre_b, "", "does not deliver for"),
        (factories.account("observer", world.village_a), "", "does not deliver for"),  # sees, does not record
    ]:
        with pytest.raises(ValidationError, match=message):
            delivery_assign(by=county_admin, request=delivery, assignee=assignee, assignee_name=name)
    page = english_client(village_cadre_a).post(url("delivery_assign", delivery.pk), {"assignee": ""})
    assert page.status_code == 200 and "Choose a volunteer" in page.content.decode()
    delivery_assign(by=village_cadre_a, request=delivery, assignee=None, assignee_name="青年志愿队")
    delivery.refresh_from_db()
    assert delivery.status == Status.ASSIGNED and delivery.assignee_name == "青年志愿队"
    assert "青年志愿队" in shown(english_client(village_cadre_a), "delivery_list")


def test_a_volunteer_records_deliveries_but_neither_assigns_nor_cancels_them(
    world: World, family: Person, village_cadre_a: User, volunteer: User
) -> None:
    delivery = requested(village_cadre_a, family)
    helper = english_client(volunteer)
    assert helper.post(url("delivery_assign", delivery.pk), {"assignee_name": "x"}).status_code == 403
    assert helper.post(url("delivery_cancel", delivery.pk), {"reason": "x"}).status_code == 403
    assert helper.get(url("delivery_new"), {"person": family.pk}).status_code == 403
    assert helper.get(url("care_list")).status_code == 403
    with pytest.raises(PermissionDenied):
        delivery_assign(by=volunteer, request=delivery, assignee=volunteer)
    assert DeliveryRequest.objects.get().status == Status.REQUESTED


def test_a_user_outside_the_scope_is_refused_on_every_page_and_api_operation(
    world: World, family: Person, village_cadre_a: User, village_cadre_b: User
) -> None:
    d = requested(village_cadre_a, family).pk
    c = care_person_save(by=village_cadre_a, person=family, categories=[category("elderly_alone")]).pk
    line, person = DeliveryLine.objects.get().pk, family.pk
    pages = [
        ("get", url("delivery_detail", d), {}),
        ("post", url("delivery_assign", d), {"assignee_name": "leak"}),
        ("post", url("delivery_deliver", d), {f"line_{line}": "1"}),
        ("post", url("delivery_cancel", d), {"reason": "leak"}),
        ("get", f"{url('delivery_new')}?person={person}", {}),
        ("get", url("care_detail", c), {}),
        ("post", url("care_edit", c), {"categories": [category("disabled").pk]}),
        ("post", url("care_contact", c), {"kind": "call", "note": "leak"}),
        ("get", f"{url('care_new')}?person={person}", {}),
    ]
    operations: list[tuple[str, str, dict[str, Any]]] = [
        ("get", f"/deliveries/{d}", {}),
        ("post", f"/deliveries/{d}/assign", {"assignee_name": "leak"}),
        ("post", f"/deliveries/{d}/deliver", {"delivered": {"vegetables": 1}}),
        ("post", f"/deliveries/{d}/cancel", {"reason": "leak"}),
        ("post", "/deliveries", {"person_id": person, "lines": [{"item": "masks", "quantity": 1}]}),
        ("get", f"/care/{c}", {}),
        ("put", f"/care/{c}", {"categories": ["disabled"]}),
        ("post", f"/care/{c}/contacts", {"kind": "call", "note": "leak"}),
        ("post", "/care", {"person_id": person, "categories": ["disabled"]}),
    ]
    before = snapshot()
    client = english_client(village_cadre_b)
    for method, address, data in pages:
        assert getattr(client, method)(address, data).status_code == 404, f"{method} {address}"
    for method, path, body in operations:
        assert api(client, method, path, body).status_code == 404, f"{method} {path}"
    for name in ("delivery_list", "care_list"):
        assert "王芳" not in shown(client, name)
    assert api(client, "get", "/deliveries").json()["items"] == api(client, "get", "/care").json()["items"] == []
    with pytest.raises(PermissionDenied):
        delivery_request_create(by=village_cadre_b, person=family, lines=[(item("masks"), 1)])
    assert snapshot() == before


def test_the_api_runs_a_delivery_from_request_to_handover(
    world: World, family: Person, village_cadre_a: User, volunteer: User
) -> None:
    cadre, helper = english_client(village_cadre_a), english_client(volunteer)
    carrots = {"person_id": family.pk, "lines": [{"item": "carrots", "quantity": 1}]}
    assert api(cadre, "post", "/deliveries", carrots).status_code == 422
    lines = [{"item": "vegetables", "quantity": 2}, {"item": "masks", "quantity": 10}]
    created = api(cadre, "post", "/deliveries", {"person_id": family.pk, "lines": lines})
    body = created.json()
    assert created.status_code == 201 and body["status"] == "requested" and body["person_name"] == "王芳"
    assert body["phone"] == "138****5678" and body["case_id"] == family.observation_cases.get().pk
    path = f"/deliveries/{body['id']}"
    assigned = api(cadre, "post", f"{path}/assign", {"assignee_id": volunteer.pk})
    assert assigned.status_code == 200 and assigned.json()["assignee_id"] == volunteer.pk
    mine = helper.get("/api/v1/deliveries", {"mine": "true", "status": "pending"}).json()
    assert [d["id"] for d in mine["items"]] == [body["id"]]
    partial = api(helper, "post", f"{path}/deliver", {"delivered": {"vegetables": 2}})
    assert partial.status_code == 422 and "Masks" in str(partial.json()["detail"]["delivered"])
    done = api(helper, "post", f"{path}/deliver", {"delivered": {"vegetables": 2, "masks": 8}})
    assert done.status_code == 200 and done.json()["status"] == "delivered"
    assert {line["item"]: line["delivered"] for line in done.json()["lines"]} == {"vegetables": 2, "masks": 8}
    assert cadre.get("/api/v1/deliveries", {"status": "pending"}).json()["count"] == 0
    assert [i["code"] for i in api(cadre, "get", "/need-items").json()][:2] == ["vegetables", "groceries"]


def test_a_person_in_difficulty_is_registered_visited_and_due_again(
    world: World, village_cadre_a: User, township_cadre: User
) -> None:
    elder = factories.person(world.village_a, "李大爷", address="河边5号")
    client = english_client(village_cadre_a)
    new = f"{url('care_new')}?person={elder.pk}"
    refused = client.post(new, {"needs": "coal"})
    assert refused.status_code == 200 and "Choose at least one category." in refused.content.decode()
    assert not CarePerson.objects.exists()
    today = timezone.localdate()
    entry = {"categories": [category("elderly_alone").pk], "needs": "coal", "next_contact_due": today, "is_active": "1"}
    response = client.post(new, entry)
    care = CarePerson.objects.get()
    assert response.status_code == 302 and care.org_unit == world.village_a and care.next_contact_due == today
    township = english_client(township_cadre)
    due = shown(township, "care_list", show="due")
    assert "李大爷" in due and "Elderly living alone" in due

    empty_note = client.post(url("care_contact", care.pk), {"kind": "visit", "note": ""})
    assert empty_note.status_code == 200 and not WelfareContact.objects.exists()
    next_week = today + dt.timedelta(days=7)
    visit = {"kind": "visit", "note": "stove works, brought coal", "next_contact_due": next_week}
    assert client.post(url("care_contact", care.pk), visit).status_code == 302
    care.refresh_from_db()
    assert care.next_contact_due == next_week and WelfareContact.objects.get().by == village_cadre_a
    assert "李大爷" not in shown(township, "care_list", show="due")
    detail = township.get(url("care_detail", care.pk)).content.decode()
    assert "stove works, brought coal" in detail and "Visit" in detail
    assert client.get(url("care_new"), {"person": elder.pk})["Location"] == url("care_edit", care.pk)


def test_a_welfare_contact_is_not_dated_in_the_future(world: World, village_cadre_a: User) -> None:
    care = care_person_save(
        by=village_cadre_a, person=factories.person(world.village_a), categories=[category("disabled")]
    )
    tomorrow = timezone.now() + dt.timedelta(days=1)
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"kind": "visit", "note": "ok", "at": tomorrow}, "at"),
        ({"kind": "letter", "note": "ok"}, "kind"),
        (
            {"kind": "call", "note": "ok", "next_contact_due": timezone.localdate() - dt.timedelta(days=1)},
            "next_contact_due",
        ),
    ]
    for kwargs, field in refusals:
        with pytest.raises(ValidationError) as refused:
            welfare_contact_record(by=village_cadre_a, care=care, **kwargs)
        assert field in refused.value.message_dict
    assert not WelfareContact.objects.exists()


def test_the_care_api_registers_and_records_contacts(world: World, village_cadre_a: User) -> None:
    elder = factories.person(world.village_a, "李大爷")
    client = english_client(village_cadre_a)
    created = api(client, "post", "/care", {"person_id": elder.pk, "categories": ["elderly_alone"], "needs": "coal"})
    assert created.status_code == 201 and created.json()["categories"] == ["elderly_alone"]
    path = f"/care/{created.json()['id']}"
    assert api(client, "post", "/care", {"person_id": elder.pk, "categories": ["disabled"]}).status_code == 422
    contact = api(client, "post", f"{path}/contacts", {"kind": "call", "note": "fine"})
    assert contact.status_code == 201 and contact.json()["kind"] == "call"
    changed = api(client, "put", path, {"categories": ["disabled"], "is_active": False})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert [c["note"] for c in changed.json()["contacts"]] == ["fine"]
    assert client.get("/api/v1/care", {"followed": "false"}).json()["count"] == 1


def workbook_rows(content: bytes) -> list[list[Any]]:
    """The first sheet read twice, by calamine and openpyxl, which must agree."""
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = calamine.get_sheet_by_index(0).to_python()
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)] == [
        [cell for cell in row if cell != ""] for row in rows
    ]
    return rows


def test_the_lists_export_to_excel_with_their_rows(
    world: World, family: Person, village_cadre_a: User, township_cadre: User
) -> None:
    delivery = requested(village_cadre_a, family, vegetables=2)
    delivery_record(by=village_cadre_a, request=delivery, delivered={delivery.lines.get().pk: 2}, note="=HYPERLINK(1)")
    care_person_save(by=village_cadre_a, person=family, categories=[category("poor_household")], needs="rice")
    township = english_client(township_cadre)
    deliveries = township.get(url("delivery_export"))
    assert deliveries["Content-Type"].startswith("application/vnd.openxmlformats")
    header, row = workbook_rows(deliveries.content)
    assert header[:3] == ["Number", "Unit", "Full name"]
    assert row[2] == "王芳" and row[4] == "Delivered" and "Vegetables 2" in row[6] and row[11] == "=HYPERLINK(1)"
    assert "13812345678" not in str(row)
    care = township.get(url("care_export"))
    header, row = workbook_rows(care.content)
    assert row[1] == "王芳" and row[3] == "Registered poor household" and row[4] == "rice"
    assert set(AuditEvent.objects.filter(actor=township_cadre).values_list("action", flat=True)) == {
        "delivery.export",
        "care.export",
    }
    assert english_client(village_cadre_a).get(url("delivery_export")).status_code == 403  # no export permission


def test_the_lists_run_the_same_queries_for_two_rows_as_for_twelve(
    world: World, village_cadre_a: User, township_cadre: User
) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            person = factories.person(world.village_a)
            factories.observation_case(person)
            delivery = requested(village_cadre_a, person, vegetables=1, masks=5)
            delivery_assign(by=village_cadre_a, request=delivery, assignee=None, assignee_name="志愿队")
            care = care_person_save(
                by=village_cadre_a, person=person, categories=[category("disabled"), category("other")]
            )
            welfare_contact_record(by=village_cadre_a, care=care, kind="call", note="fine")

    client = english_client(township_cadre)
    pages = [("delivery_list", {}), ("delivery_list", {"status": "pending", "q": "居"}), ("care_list", {})]

    def counts() -> list[int]:
        result = []
        for name, params in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(name), params).status_code == 200
            result.append(len(queries))
        return result

    add(2)
    two = counts()
    add(10)
    assert counts() == two
    assert len(client.get(url("delivery_list")).context["page"]) == 12


def test_every_delivery_and_care_page_answers(
    world: World, family: Person, county_admin: User, village_cadre_a: User
) -> None:
    waiting = requested(village_cadre_a, family, vegetables=1)
    done = requested(village_cadre_a, family, masks=2)
    delivery_record(by=village_cadre_a, request=done, delivered={done.lines.get().pk: 2})
    care = care_person_save(by=village_cadre_a, person=family, categories=[category("disabled")], needs="wheelchair")
    welfare_contact_record(by=village_cadre_a, care=care, kind="visit", note="all well")
    pages = [
        url("delivery_list") + f"?unit={world.township_a.pk}&status=delivered&q=wf",
        url("delivery_new"),
        url("delivery_new") + "?q=王",
        url("delivery_detail", waiting.pk),
        url("delivery_detail", done.pk),
        url("care_list") + f"?show=all&category=disabled&unit={world.village_a.pk}",
        url("care_new"),
        url("care_new") + "?q=wf",
        url("care_detail", care.pk),
        url("care_edit", care.pk),
    ]
    admin = english_client(county_admin)
    for page in pages:
        response = admin.get(page)
        assert response.status_code == 200 and "王芳" in response.content.decode(), page
    typed = admin.get(url("delivery_new"), {"q": "13812345678"})
    assert typed.context["persons"] == []  # a number in the address is not searched for
