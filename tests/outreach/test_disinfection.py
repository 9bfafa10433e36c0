"""Disinfection (消杀): recorded at a place or over an area, on a schedule per place (its own interval, else its
kind's); the overdue places are found in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bastion.core.models import AuditEvent, User
from bastion.outreach.models import Disinfection, Place
from bastion.outreach.selectors.disinfection import disinfection_overdue
from bastion.outreach.services.disinfection import disinfection_record
from tests.conftest import World, english_client
from tests.outreach import factories as outreach

pytestmark = pytest.mark.django_db


def disinfect(by: User, place: Place, days_ago: int = 0) -> Disinfection:
    return disinfection_record(
        by=by,
        org_unit=place.org_unit,
        place=place,
        agent="84消毒液",
        concentration="500mg/L",
        done_at=timezone.now() - dt.timedelta(days=days_ago),
        done_by="消杀队",
    )


def test_a_supermarket_disinfected_two_days_ago_is_overdue_one_done_today_is_not(world: World, inspector: User) -> None:
    late = outreach.place(world.village_a, "万家福超市")
    done = outreach.place(world.village_a, "友好超市")
    never = outreach.place(world.village_a, "新开超市")
    disinfect(inspector, late, days_ago=2)
    disinfect(inspector, done)

    overdue = list(disinfection_overdue(inspector, None))

    assert [p.name for p in overdue] == ["新开超市", "万家福超市"]  # never disinfected first
    assert never in overdue and done not in overdue
    page = english_client(inspector).get(reverse("outreach:disinfection_list"), {"overdue": "1"}).content.decode()
    assert "万家福超市" in page and "友好超市" not in page


def test_a_place_without_an_interval_is_never_overdue_and_its_own_interval_wins(world: World, inspector: User) -> None:
    kind = outreach.kind("other")
    kind.disinfect_every_days = None
    kind.save()
    square = outreach.place(world.village_a, "文化广场", "other")
    hotel = outreach.place(world.village_a, "县宾馆", "hotel")  # every 2 days by its kind
    hotel.disinfect_every_days = 5
    hotel.save()
    disinfect(inspector, hotel, days_ago=4)

    assert list(disinfection_overdue(inspector, None)) == []
    assert square.pk not in [p.pk for p in disinfection_overdue(inspector, world.village_a)]


def test_overdue_is_in_scope_and_by_unit(world: World, inspector: User, village_cadre_a: User) -> None:
    outreach.place(world.village_a, "万家福超市")
    outreach.place(world.village_b, "沈家沟超市")
    assert [p.name for p in disinfection_overdue(village_cadre_a, None)] == ["万家福超市"]
    assert [p.name for p in disinfection_overdue(inspector, world.village_b)] == ["沈家沟超市"]


def test_the_overdue_list_takes_as_many_queries_for_15_places_as_for_3(world: World, inspector: User) -> None:
    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as selected:
            assert len(list(disinfection_overdue(inspector, None))) >= 0
        with CaptureQueriesContext(connection) as page:
            assert english_client(inspector).get(reverse("outreach:disinfection_list")).status_code == 200
        return len(selected), len(page)

    for number in range(3):
        disinfect(inspector, outreach.place(world.village_a, f"超市{number}"), days_ago=number)
    few = count()
    for number in range(3, 15):
        place = outreach.place(world.village_a, f"饭馆{number}", "restaurant")
        if number % 3:
            disinfect(inspector, place, days_ago=number % 4)
    assert count() == few
    assert few[0] <= 2


def test_a_disinfection_of_an_area_and_bad_input(world: World, volunteer: User) -> None:
    done = disinfection_record(
        by=volunteer,
        org_unit=world.village_a,
        area="水磨沟村一组楼道",
        agent="75%酒精",
        done_at=timezone.now(),
        done_by="志愿者小队",
    )
    assert done.place is None and AuditEvent.objects.filter(action="disinfection.record").count() == 1
    with pytest.raises(ValidationError) as refused:
        disinfection_record(
            by=volunteer,
            org_unit=world.village_a,
            agent="",
            done_at=timezone.now() + dt.timedelta(days=1),
            done_by="",
        )
    assert set(refused.value.message_dict) == {"area", "agent", "done_at", "done_by"}
    with pytest.raises(ValidationError, match="is not in"):
        disinfection_record(
            by=volunteer,
            org_unit=world.village_a,
            place=outreach.place(world.township_a, "木垒镇汽车站", "bus_station"),
            agent="84",
            done_at=timezone.now(),
            done_by="x",
        )
    with pytest.raises(PermissionDenied):
        disinfection_record(
            by=volunteer, org_unit=world.village_b, area="沈家沟", agent="84", done_at=timezone.now(), done_by="x"
        )
    assert Disinfection.objects.count() == 1


def test_a_disinfection_recorded_on_the_page_shows_on_the_place(world: World, inspector: User) -> None:
    place = outreach.place(world.village_a)
    client = english_client(inspector)
    form = client.get(reverse("outreach:disinfection_new"), {"place": place.pk})
    assert form.status_code == 200
    response = client.post(
        reverse("outreach:disinfection_new") + f"?place={place.pk}",
        {
            "place": place.pk,
            "org_unit": "",
            "agent": "84消毒液",
            "concentration": "1:100",
            "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "done_by": "消杀队 老王",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("outreach:place_detail", args=[place.pk])
    page = client.get(reverse("outreach:place_detail", args=[place.pk])).content.decode()
    assert "消杀队 老王" in page and "overdue" not in page


def test_the_disinfections_export_reads_back(world: World, inspector: User) -> None:
    disinfect(inspector, outreach.place(world.village_a))
    response = english_client(inspector).get(reverse("outreach:disinfection_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Done at", "Unit", "Place")
    assert rows[1][2] == "万家福超市" and rows[1][4:7] == ("84消毒液", "500mg/L", "消杀队")
    assert AuditEvent.objects.filter(action="outreach.export", object_type="outreach.disinfection").exists()
