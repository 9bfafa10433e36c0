"""Secondments (抽调) and the county leaders' units (包乡联村): who is where on a day and by duty, the overlap
refused, ending, the leader on the unit's page, the Excel exports, and the lists' queries that do not grow."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bastion.core.models import AuditEvent, User
from bastion.mobilization.models import LeaderAssignment, Responder, Secondment
from tests.conftest import World, english_client
from tests.mobilization.factories import responder
from tests.mobilization.factories_deployment import answers_for, duty, seconded


def second_by_page(client: Client, person: Responder, duty_code: str, unit: Any, starts_on: dt.date) -> Any:
    data = {"responder": person.pk, "duty_type": duty(duty_code).pk, "org_unit": unit.pk, "starts_on": starts_on}
    return client.post(reverse("mobilization:secondment_new"), data | {"note": "", "ends_on": ""})


def who_is_where(client: Client, **params: Any) -> tuple[dict[str, int], list[str]]:
    """The count per duty type shown on top of the list, and the names listed."""
    page = client.get(reverse("mobilization:secondment_list"), params)
    assert page.status_code == 200
    return {item.code: n for item, n in page.context["duty_counts"]}, [s.responder.name for s in page.context["page"]]


def rows_of(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_three_cadres_are_seconded_and_the_list_shows_who_is_where_today_and_tomorrow(
    world: World, county_admin: User
) -> None:
    client = english_client(county_admin)
    wang, li, zhao = (responder(world.village_a, name) for name in ("王建国", "李明", "赵丽"))
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    form = client.get(reverse("mobilization:secondment_new"))
    assert [r.name for r in form.context["form"].fields["responder"].queryset] == ["李明", "王建国", "赵丽"]

    assert second_by_page(client, wang, "screening", world.village_a, today).status_code == 302
    assert second_by_page(client, li, "screening", world.township_a, today).status_code == 302
    assert second_by_page(client, zhao, "checkpoint", world.township_a, tomorrow).status_code == 302

    counts, text = who_is_where(client)
    assert (counts["screening"], counts["checkpoint"], counts["hq"]) == (2, 0, 0)
    assert "王建国" in text and "李明" in text and "赵丽" not in text
    counts, text = who_is_where(client, day=tomorrow.isoformat())
    assert (counts["screening"], counts["checkpoint"]) == (2, 1)
    assert "赵丽" in text
    page = client.get(reverse("mobilization:secondment_list"), {"day": tomorrow.isoformat()}).content.decode()
    links = re.findall(r'<a href="\?([^"]*)"><strong>', page)
    assert f"day={tomorrow.isoformat()}&amp;duty={duty('checkpoint').pk}" in links, f"each count links: {links}"
    assert AuditEvent.objects.filter(action="secondment.create").count() == 3


@pytest.mark.django_db
def test_the_list_filters_by_duty_unit_and_name(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    seconded(county_admin, responder(world.village_a, "王建国"), world.village_a, "screening")
    seconded(county_admin, responder(world.village_a, "李明"), world.township_a, "hq")
    seconded(county_admin, responder(world.village_b, "孙强"), world.township_b, "hq")

    _counts, text = who_is_where(client, duty=duty("hq").pk)
    assert "李明" in text and "孙强" in text and "王建国" not in text
    counts, text = who_is_where(client, unit=world.village_a.pk)
    assert counts["screening"] == 1 and counts["hq"] == 0 and "李明" not in text
    _counts, text = who_is_where(client, q="lm")
    assert "李明" in text and "王建国" not in text


@pytest.mark.django_db
def test_a_second_secondment_that_overlaps_the_first_is_refused_and_nothing_is_stored(
    world: World, county_admin: User
) -> None:
    client = english_client(county_admin)
    wang = responder(world.village_a, "王建国")
    seconded(county_admin, wang, world.village_a, "screening")

    response = second_by_page(client, wang, "hq", world.county, timezone.localdate() + dt.timedelta(days=3))

    assert response.status_code == 400
    assert "is already seconded to 水磨沟村" in " ".join(response.context["form"].errors["responder"])
    assert Secondment.objects.count() == 1


@pytest.mark.django_db
def test_a_secondment_ended_today_is_gone_from_tomorrows_list(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    started = timezone.localdate() - dt.timedelta(days=5)
    secondment = seconded(county_admin, responder(world.village_a, "王建国"), world.village_a, starts_on=started)

    response = client.post(reverse("mobilization:secondment_end", kwargs={"secondment_id": secondment.pk}))

    assert response.status_code == 302
    secondment.refresh_from_db()
    assert secondment.ends_on == timezone.localdate()
    assert "王建国" in who_is_where(client)[1]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert "王建国" not in who_is_where(client, day=tomorrow.isoformat())[1]
    assert AuditEvent.objects.filter(action="secondment.end").count() == 1


@pytest.mark.django_db
def test_an_end_before_the_start_is_refused_on_its_field(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    secondment = seconded(county_admin, responder(world.village_a), world.village_a)
    url = reverse("mobilization:secondment_end", kwargs={"secondment_id": secondment.pk})

    response = client.post(url, {"ends_on": (secondment.starts_on - dt.timedelta(days=1)).isoformat()})

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == ["The end is before the start."]
    secondment.refresh_from_db()
    assert secondment.ends_on is None
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_a_county_leader_answering_for_a_village_shows_on_its_page_until_released(
    world: World, county_admin: User
) -> None:
    client = english_client(county_admin)
    leader = responder(world.county, "马书记", category="leader")
    unit_page = reverse("core:unit", kwargs={"unit_id": world.village_a.pk})
    assert "No county leader answers for this unit yet." in client.get(unit_page).content.decode()
    form = client.get(reverse("mobilization:leader_new")).context["form"]
    assert [r.name for r in form.fields["leader"].queryset] == ["马书记"], "county leaders are offered"
    assert world.county not in form.fields["org_unit"].queryset

    response = client.post(
        reverse("mobilization:leader_new"),
        {"leader": leader.pk, "org_unit": world.village_a.pk, "starts_on": timezone.localdate() - dt.timedelta(days=9)},
    )

    assert response.status_code == 302
    assignment = LeaderAssignment.objects.get()
    assert "马书记" in client.get(unit_page).content.decode()
    listed = client.get(reverse("mobilization:leader_list")).content.decode()
    assert "马书记" in listed and "水磨沟村" in listed
    release = reverse("mobilization:leader_release", kwargs={"leader_assignment_id": assignment.pk})
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert client.post(release, {"ends_on": yesterday.isoformat()}).status_code == 302
    assert "No county leader answers for this unit yet." in client.get(unit_page).content.decode()


@pytest.mark.django_db
def test_a_leader_already_answering_for_the_unit_is_refused(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    leader = responder(world.county, "马书记", category="leader")
    answers_for(county_admin, leader, world.township_a)

    response = client.post(
        reverse("mobilization:leader_new"),
        {"leader": leader.pk, "org_unit": world.township_a.pk, "starts_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["leader"] == ["马书记 already answers for 木垒镇."]
    assert LeaderAssignment.objects.count() == 1


@pytest.mark.django_db
def test_the_exports_hold_the_rows_of_the_lists(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    seconded(county_admin, responder(world.village_a, "王建国"), world.village_a, "screening")
    seconded(county_admin, responder(world.village_a, "李明"), world.township_a, "hq")
    answers_for(county_admin, responder(world.county, "马书记", category="leader"), world.village_a)

    secondments = client.get(reverse("mobilization:secondment_list"), {"format": "xlsx"})
    leaders = client.get(reverse("mobilization:leader_list"), {"format": "xlsx"})

    assert secondments["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = rows_of(secondments.content)
    assert header[:5] == ("Name", "Category", "Home unit", "Duty", "Serving at")
    assert sorted((row[0], row[3]) for row in rows) == [("李明", "Command HQ"), ("王建国", "Door-to-door screening")]
    assert rows_of(leaders.content)[1][:2] == ("水磨沟村", "马书记")


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_lists_take_as_many_queries_for_twelve_rows_as_for_two(world: World, county_admin: User) -> None:
    client = english_client(county_admin)
    urls = [reverse(f"mobilization:{name}") for name in ("secondment_list", "leader_list")]

    def add(n: int) -> None:
        for i in range(n):
            person = responder(world.village_a, f"队员{Responder.objects.count()}")
            seconded(county_admin, person, world.village_a, "screening" if i % 2 else "hq")
            answers_for(county_admin, person, world.village_a)

    add(2)
    with_two = [queries_of(client, url) for url in urls]
    add(10)
    assert [queries_of(client, url) for url in urls] == with_two


@pytest.fixture
def township_cadre_b(world: World) -> User:
    from tests import factories

    return factories.account("township_cadre", world.township_b, username="erin")


@pytest.mark.django_db
def test_a_cadre_of_township_b_gets_nothing_of_village_a_and_changes_nothing(
    world: World, county_admin: User, township_cadre_b: User
) -> None:
    wang = responder(world.village_a, "王建国")
    secondment = seconded(county_admin, wang, world.village_a)
    assignment = answers_for(county_admin, responder(world.county, "马书记", category="leader"), world.village_a)
    client = english_client(township_cadre_b)
    before = (list(Secondment.objects.values()), list(LeaderAssignment.objects.values()))

    end = reverse("mobilization:secondment_end", kwargs={"secondment_id": secondment.pk})
    release = reverse("mobilization:leader_release", kwargs={"leader_assignment_id": assignment.pk})
    assert client.post(end).status_code == 404
    assert client.post(release).status_code == 404
    assert client.get(reverse("mobilization:secondment_list"), {"unit": world.village_a.pk}).status_code == 404
    for name in ("secondment_list", "leader_list"):
        text = client.get(reverse(f"mobilization:{name}")).content.decode()
        assert "王建国" not in text and "马书记" not in text
    refused = second_by_page(client, wang, "hq", world.township_b, timezone.localdate() + dt.timedelta(days=9))
    assert refused.status_code == 400 and "responder" in refused.context["form"].errors
    leader = client.post(
        reverse("mobilization:leader_new"),
        {"leader": assignment.leader_id, "org_unit": world.village_a.pk, "starts_on": timezone.localdate()},
    )
    assert leader.status_code == 400
    assert (list(Secondment.objects.values()), list(LeaderAssignment.objects.values())) == before
