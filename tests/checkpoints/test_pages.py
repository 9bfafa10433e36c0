"""The checkpoint pages: the duty officer's form, the village's arrivals to verify, the lists and their exports."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.checkpoints.selectors import day_counts
from bastion.checkpoints.services.passages import passage_record
from bastion.core.models import AuditEvent, User
from bastion.residents.models import Person
from tests import factories
from tests.conftest import World, english_client

NOON = dt.datetime(2020, 2, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def form_data(**fields: Any) -> dict[str, Any]:
    return {"direction": "in", "idempotency_key": str(uuid.uuid4()), "name": "吴十", "phone": "13900000005"} | fields


def register(post: Post, by: User, n: int, **fields: Any) -> list[Passage]:
    return [
        passage_record(
            by=by, post=post, direction="in", name=f"旅客{i}", phone=f"139000{i:05d}", plate=f"新B{i:05d}", **fields
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_the_duty_officer_registers_a_person_and_the_next_empty_form_shows_the_code(
    highway_exit: Post, duty_officer: User
) -> None:
    client = english_client(duty_officer)
    url = reverse("checkpoints:passage_new", kwargs={"post_id": highway_exit.pk})
    page = client.get(url)
    assert page.status_code == 200 and 'name="idempotency_key"' in page.content.decode()
    data = form_data(id_number=factories.id_number(3), plate="新B12345", temperature="36.5", to_outside="奇台县")
    response = client.post(url, data, follow=True)
    passage = Passage.objects.get()
    assert response.redirect_chain == [(url, 302)]
    text = response.content.decode()
    assert f"Confirmation code {passage.confirmation_code}" in text
    assert 'value="吴十"' not in text, "the next form is empty"
    assert (passage.recorded_by, passage.plate, passage.to_outside) == (duty_officer, "新B12345", "奇台县")
    client.post(url, data)
    assert Passage.objects.count() == 1, "a retry of the same form makes no second passage"


@pytest.mark.django_db
def test_a_wuhan_arrival_appears_on_village_a_list_and_is_verified_there(
    world: World, highway_exit: Post, duty_officer: User, county_admin: User
) -> None:
    officer = english_client(duty_officer)
    data = form_data(name="王五", from_region="湖北省武汉市", from_division_code="420100", to_unit=world.village_a.pk)
    response = officer.post(reverse("checkpoints:passage_new", kwargs={"post_id": highway_exit.pk}), data, follow=True)
    assert "Handed to 水磨沟村 to verify." in response.content.decode()
    arrival = Arrival.objects.get()
    cadre = english_client(factories.account("village_cadre", world.village_a, username="erin"))
    listed = cadre.get(reverse("checkpoints:arrival_list")).content.decode()
    verify_url = reverse("checkpoints:arrival_verify", kwargs={"arrival_id": arrival.pk})
    assert "王五" in listed and verify_url in listed
    assert "湖北省武汉市" in cadre.get(verify_url).content.decode()
    done = cadre.post(verify_url, {"result": Arrival.Result.AT_HOME, "note": "已在家"})
    assert done.status_code == 302
    arrival.refresh_from_db()
    assert arrival.result == Arrival.Result.AT_HOME
    assert "王五" not in cadre.get(reverse("checkpoints:arrival_list")).content.decode(), "no longer pending"
    detail = english_client(county_admin).get(
        reverse("checkpoints:passage_detail", kwargs={"passage_id": arrival.passage_id})
    )
    assert "Verified at home" in detail.content.decode()


@pytest.mark.django_db
def test_an_overdue_arrival_shows_in_red_for_the_township(
    world: World, highway_exit: Post, duty_officer: User, township_cadre: User
) -> None:
    with time_machine.travel(NOON, tick=False):
        register(highway_exit, duty_officer, 1, from_division_code="420100", to_unit=world.village_a)
    client = english_client(township_cadre)
    url = reverse("checkpoints:arrival_list")
    with time_machine.travel(NOON + dt.timedelta(hours=23), tick=False):
        assert "旅客0" not in client.get(url, {"state": "overdue"}).content.decode()
    with time_machine.travel(NOON + dt.timedelta(hours=25), tick=False):
        page = client.get(url, {"state": "overdue"}).content.decode()
    assert "旅客0" in page and 'class="task missed"' in page and "overdue" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id_number": "652328199001011234"}, "The check digit of this ID number is wrong"),
        ({"plate": "ABC"}, "ABC is not a vehicle plate"),
        ({"temperature": "44.0"}, "A body temperature lies between"),
        ({"name": "", "phone": ""}, "Give the full name."),
    ],
)
def test_bad_input_on_the_form_shows_the_message_and_stores_nothing(
    highway_exit: Post, duty_officer: User, fields: dict[str, str], message: str
) -> None:
    url = reverse("checkpoints:passage_new", kwargs={"post_id": highway_exit.pk})
    response = english_client(duty_officer).post(url, form_data(**fields))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Passage.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_a_person_seen_before_is_found_by_the_id_number_posted(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    number = factories.id_number(11)
    factories.person(world.village_a, "李四光", id_number=number, phone="13811112222")
    url = reverse("checkpoints:passage_lookup", kwargs={"post_id": highway_exit.pk})
    client = english_client(duty_officer)
    found = client.post(url, {"id_number": number}).content.decode()
    assert "李*光" in found and "138****2222" in found and "李四光" not in found
    assert "Seen before" not in client.post(url, {"id_number": factories.id_number(12)}).content.decode()
    assert client.get(url, {"id_number": number}).status_code == 405, "never in a URL"


@pytest.mark.django_db
def test_counting_taps_count(world: World, highway_exit: Post, duty_officer: User) -> None:
    Post.objects.filter(pk=highway_exit.pk).update(mode=Post.Mode.EXCEPTIONS)
    client = english_client(duty_officer)
    page = client.get(reverse("checkpoints:passage_new", kwargs={"post_id": highway_exit.pk})).content.decode()
    assert "count in" in page and "count out" in page
    tap = reverse("checkpoints:passage_count_tap", kwargs={"post_id": highway_exit.pk})
    client.post(tap, {"direction": "in"})
    client.post(tap, {"direction": "in"})
    fragment = client.post(tap, {"direction": "out"}, headers={"HX-Request": "true"}).content.decode()
    assert "Counted today: 2 in, 1 out" in fragment
    assert Passage.objects.filter(counted_only=True).count() == 3
    (row,) = day_counts(duty_officer, timezone.localdate(Passage.objects.first().at))  # type: ignore[union-attr]
    assert (row["passages_in"], row["passages_out"]) == (2, 1)


@pytest.mark.django_db
def test_a_user_outside_the_scope_gets_404_on_each_page_with_an_id(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    passage = register(highway_exit, duty_officer, 1, from_division_code="420100", to_unit=world.village_a)[0]
    outsider = english_client(factories.account("county_admin", world.township_b, username="hq-b"))
    post_id = {"post_id": highway_exit.pk}
    gets = [
        ("post_detail", post_id),
        ("post_edit", post_id),
        ("passage_new", post_id),
        ("passage_detail", {"passage_id": passage.pk}),
        ("arrival_verify", {"arrival_id": passage.arrival.pk}),
    ]
    posts = [*gets, ("passage_lookup", post_id), ("passage_count_tap", post_id)]
    for name, kwargs in gets:
        assert outsider.get(reverse(f"checkpoints:{name}", kwargs=kwargs)).status_code == 404, name
    payload = form_data(result="at_home", direction="in", name="x", kind="other", org_unit=world.township_b.pk)
    for name, kwargs in posts:
        assert outsider.post(reverse(f"checkpoints:{name}", kwargs=kwargs), payload).status_code == 404, name
    assert Passage.objects.count() == 1 and Arrival.objects.get().result == Arrival.Result.PENDING
    assert Post.objects.get().name == highway_exit.name


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["checkpoints:post_list", "checkpoints:passage_list", "checkpoints:arrival_list"])
def test_list_pages_use_the_same_number_of_queries_for_2_and_12_passages(
    world: World, highway_exit: Post, bus_station: Post, county_admin: User, name: str
) -> None:
    client = english_client(county_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name), {"state": "all"}).status_code == 200
        return len(captured)

    register(highway_exit, county_admin, 2, from_division_code="420100", to_unit=world.village_a)
    few = queries()
    register(bus_station, county_admin, 10, from_division_code="420100", to_unit=world.village_a)
    assert queries() == few


@pytest.mark.django_db
def test_the_passage_export_opens_and_has_the_rows_with_numbers_masked(
    world: World, highway_exit: Post, duty_officer: User, county_admin: User
) -> None:
    register(highway_exit, duty_officer, 3, id_number=factories.id_number(5), to_unit=world.village_a)
    response = english_client(county_admin).get(reverse("checkpoints:passage_list"), {"format": "xlsx"})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert len(rows) == 4 and rows[0][3] == "Full name"
    assert {row[3] for row in rows[1:]} == {"旅客0", "旅客1", "旅客2"}
    assert all(re.fullmatch(r"139\*+\d{4}", str(row[5])) for row in rows[1:]), "phones masked"
    assert AuditEvent.objects.filter(action="passage.export").count() == 1


@pytest.mark.django_db
def test_the_export_needs_the_personal_data_export_permission(world: World, highway_exit: Post) -> None:
    observer = factories.account("observer", world.county, username="olga")
    response = english_client(observer).get(reverse("checkpoints:passage_list"), {"format": "xlsx"})
    assert response.status_code == 403 and not AuditEvent.objects.filter(action="passage.export").exists()


@pytest.mark.django_db
def test_the_post_list_export_has_todays_figures(
    world: World, highway_exit: Post, duty_officer: User, county_admin: User
) -> None:
    register(highway_exit, duty_officer, 2)
    response = english_client(county_admin).get(reverse("checkpoints:post_list"), {"format": "xlsx"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = {row[1]: row for row in book.get_sheet_by_name(book.sheet_names[0]).to_python()[1:]}
    assert rows["木垒东高速出口"][8] == 2


@pytest.mark.django_db
def test_the_township_creates_a_post_with_its_staff(world: World, township_cadre: User, duty_officer: User) -> None:
    client = english_client(township_cadre)
    data = {"org_unit": world.township_a.pk, "name": "水磨沟村口", "kind": "village_road", "mode": "exceptions"}
    response = client.post(reverse("checkpoints:post_new"), data | {"staff": [duty_officer.pk], "is_active": "on"})
    post = Post.objects.get(name="水磨沟村口")
    assert response.status_code == 302 and list(post.staff.all()) == [duty_officer]
    assert client.post(reverse("checkpoints:post_new"), data).status_code == 400, "the same name twice"
