"""Other fields configured per outbreak (其他登记项): the HQ adds them, the staff's form, the travellers' own
form and the API ask for them, with clear messages; they are kept in ``Passage.extra`` and shown on the
passage and in the Excel export."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bastion.checkpoints.models import Passage, PassageField, Post
from bastion.checkpoints.services.passages import passage_field_save, passage_record
from bastion.core.models import AuditEvent, User
from tests.checkpoints.test_api import api_client, register, wuhan_to
from tests.checkpoints.test_selfreg import filled, form_url, open_form
from tests.conftest import World, english_client

pytestmark = pytest.mark.django_db


def configurer(user: User) -> User:
    """The HQ's roles get these permissions in ``CheckpointsConfig.role_permissions``; given here directly so
    that the test does not depend on the role definitions."""
    codenames = ["view_passagefield", "add_passagefield", "change_passagefield"]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="checkpoints", codename__in=codenames))
    return User.objects.get(pk=user.pk)  # permissions are cached on the instance


@pytest.fixture
def hq(county_admin: User) -> User:
    return configurer(county_admin)


@pytest.fixture
def fields(hq: User) -> list[PassageField]:
    return [
        passage_field_save(by=hq, field=None, code="vaccinated", names={"zh-hans": "已接种疫苗"}, kind="yes_no"),
        passage_field_save(
            by=hq, field=None, code="test_days", names={"zh-hans": "核酸检测距今天数", "en": "Days since the test"},
            kind="number", required=True, sort_order=1,
        ),
        passage_field_save(by=hq, field=None, code="flight", names={"zh-hans": "航班号", "en": "Flight"}, kind="text"),
    ]  # fmt: skip


def test_the_hq_adds_a_field_on_its_page_and_a_cadre_below_the_top_may_not(
    world: World, hq: User, township_cadre: User
) -> None:
    client = english_client(hq)
    data = {"code": "vaccinated", "name_zh_hans": "已接种疫苗", "name_en": "Vaccinated", "sort_order": "0"}
    response = client.post(reverse("checkpoints:passage_field_new"), data | {"kind": "yes_no", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    field = PassageField.objects.get()
    assert (field.kind, field.required, field.is_active) == ("yes_no", False, True)
    assert AuditEvent.objects.filter(action="passagefield.add").exists()
    listed = client.get(reverse("checkpoints:passage_field_list")).content.decode()
    assert "vaccinated" in listed and "Yes or no" in listed
    cadre = english_client(configurer(township_cadre))
    url = reverse("checkpoints:passage_field_edit", kwargs={"item_id": field.pk})
    assert cadre.post(url, data | {"kind": "text", "required": "on"}).status_code == 403
    field.refresh_from_db()
    assert (field.kind, field.required) == ("yes_no", False)


def test_the_staff_form_asks_for_the_fields_and_names_the_one_missing(
    world: World, highway_exit: Post, duty_officer: User, fields: list[PassageField]
) -> None:
    client = english_client(duty_officer)
    url = reverse("checkpoints:passage_new", kwargs={"post_id": highway_exit.pk})
    page = client.get(url).content.decode()
    assert 'name="extra_vaccinated"' in page and 'name="extra_test_days"' in page and 'name="extra_flight"' in page
    data = {"direction": "in", "idempotency_key": str(uuid.uuid4()), "name": "吴十", "phone": "13900000005"}
    refused = client.post(url, data | {"extra_vaccinated": "yes", "extra_test_days": "three"})
    assert refused.status_code == 400
    assert "Days since the test: give a number, such as 12 or 3.5." in refused.content.decode()
    missing = client.post(url, data | {"extra_vaccinated": "yes"})
    assert "Days since the test: this is required." in missing.content.decode()
    assert not Passage.objects.exists()
    done = client.post(url, data | {"extra_vaccinated": "no", "extra_test_days": "2", "extra_flight": " CZ6901 "})
    assert done.status_code == 302
    assert Passage.objects.get().extra == {"vaccinated": False, "test_days": "2", "flight": "CZ6901"}


def test_the_passage_page_and_the_export_show_the_fields(
    world: World, highway_exit: Post, duty_officer: User, hq: User, fields: list[PassageField]
) -> None:
    passage = passage_record(
        by=duty_officer,
        post=highway_exit,
        direction="in",
        name="吴十",
        phone="13900000005",
        extra={"vaccinated": "yes", "test_days": "1.5"},
    )
    client = english_client(hq)
    page = client.get(reverse("checkpoints:passage_detail", kwargs={"passage_id": passage.pk})).content.decode()
    assert "Days since the test" in page and "1.5" in page and "yes" in page
    response = client.get(reverse("checkpoints:passage_list"), {"format": "xlsx"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    header, row = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert row[header.index("Days since the test")] == 1.5 and row[header.index("Flight")] == ""
    assert row[header.index("已接种疫苗")] == "yes"


def test_the_api_takes_the_fields_and_refuses_bad_ones_by_name(
    world: World, highway_exit: Post, duty_officer: User, fields: list[PassageField]
) -> None:
    client = api_client(duty_officer)
    bad = register(client, highway_exit, wuhan_to(world, extra={"test_days": "soon", "vaccinated": "maybe", "x": 1}))
    assert bad.status_code == 422
    assert set(bad.json()["detail"]) == {"extra.test_days", "extra.vaccinated", "extra.x"}
    assert not Passage.objects.exists()
    good = register(client, highway_exit, wuhan_to(world, extra={"test_days": 3, "vaccinated": True}))
    assert good.status_code == 201, good.content
    assert good.json()["extra"] == {"test_days": "3", "vaccinated": True}


def test_a_field_made_required_is_asked_at_the_next_passage(
    world: World, highway_exit: Post, duty_officer: User, hq: User, fields: list[PassageField]
) -> None:
    flight = fields[2]

    def record(**extra: Any) -> Passage:
        body = {"by": duty_officer, "post": highway_exit, "direction": "out", "name": "吴十", "phone": "13900000005"}
        return passage_record(**body, extra={"test_days": "1", **extra})

    record()  # the fields are now cached
    passage_field_save(by=hq, field=flight, code="flight", names=flight.names, kind="text", required=True, sort_order=2)
    with pytest.raises(ValidationError) as refused:
        record()
    assert list(refused.value.message_dict) == ["extra_flight"]
    passage_field_save(
        by=hq, field=flight, code="flight", names=flight.names, kind="text", required=True, is_active=False
    )
    with pytest.raises(ValidationError):
        record(flight="CZ6901")  # no longer asked: an unknown field now
    assert record().extra == {"test_days": "1"}


def test_a_traveller_fills_the_fields_on_their_own_form(
    world: World, highway_exit: Post, fields: list[PassageField]
) -> None:
    traveller = Client(headers={"accept-language": "en"}, REMOTE_ADDR="203.0.113.9")
    page = traveller.get(form_url(highway_exit)).content.decode()
    assert 'name="extra_test_days"' in page
    refused = traveller.post(form_url(highway_exit), filled(world, open_form(traveller, highway_exit)))
    assert refused.status_code == 200 and "Days since the test: this is required." in refused.content.decode()
    data = filled(world, open_form(traveller, highway_exit), extra_test_days="4", extra_vaccinated="yes")
    assert traveller.post(form_url(highway_exit), data).status_code == 302
    passage = Passage.objects.get()
    assert passage.self_registered and passage.extra == {"test_days": "4", "vaccinated": True}
