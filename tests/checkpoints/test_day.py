"""A day at two posts: a traveller registers at the bus station by the poster's QR code, the duty officer
registers another at the highway exit; the village verifies the first arrival and the passage shows it;
the second is never verified and escalates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.checkpoints.services.arrivals import arrivals_escalate
from bastion.core.models import User
from bastion.reporting.models import ImmediateReport
from bastion.reporting.services.immediate import immediate_reports_escalate
from tests import factories
from tests.checkpoints.test_selfreg import filled, form_url, open_form
from tests.conftest import World, english_client

MORNING = dt.datetime(2020, 2, 3, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_a_day_at_two_posts_closes_one_loop_and_escalates_the_other(
    world: World, bus_station: Post, highway_exit: Post, duty_officer: User
) -> None:
    cache.clear()
    traveller = Client(headers={"accept-language": "en"}, REMOTE_ADDR="203.0.113.9")
    cadre_a = english_client(factories.account("village_cadre", world.village_a, username="erin"))
    with time_machine.travel(MORNING, tick=False):
        hidden = open_form(traveller, bus_station)
        done = traveller.post(form_url(bus_station), filled(world, hidden, name="自助登记人"), follow=True)
        assert done.status_code == 200
        officer = english_client(duty_officer)
        officer.post(
            reverse("checkpoints:passage_new", kwargs={"post_id": highway_exit.pk}),
            {
                "direction": "in",
                "name": "高速来人",
                "phone": "13900000011",
                "from_region": "乌鲁木齐市",
                "from_division_code": "650100",
                "to_unit": world.village_a.pk,
                "temperature": "36.4",
                "idempotency_key": "6c1a3f0e-8a36-4d0f-9a55-2f3c7b6f0a11",
            },
        )
    own, staffed = Passage.objects.get(self_registered=True), Passage.objects.get(self_registered=False)
    assert own.post == bus_station and staffed.post == highway_exit
    with time_machine.travel(MORNING + dt.timedelta(hours=3), tick=False):
        listed = cadre_a.get(reverse("checkpoints:arrival_list")).content.decode()
        assert "自助登记人" in listed and "高速来人" in listed
        cadre_a.post(
            reverse("checkpoints:arrival_verify", kwargs={"arrival_id": own.arrival.pk}),
            {"result": Arrival.Result.OBSERVATION, "note": "居家观察"},
        )
    own.refresh_from_db()
    assert own.arrival.result == Arrival.Result.OBSERVATION and own.person is not None
    with time_machine.travel(MORNING + dt.timedelta(hours=25), tick=False):
        assert arrivals_escalate() == 1
    report = ImmediateReport.objects.get()
    assert (report.org_unit, report.waiting_unit) == (world.village_a, world.township_a)
    with time_machine.travel(MORNING + dt.timedelta(hours=26), tick=False):
        assert immediate_reports_escalate() == 1, "nobody at the township answered: the HQ is told"
    report.refresh_from_db()
    assert report.waiting_unit == world.county
    staffed.refresh_from_db()
    assert staffed.arrival.result == Arrival.Result.PENDING and staffed.arrival.overdue_report == report


@pytest.mark.django_db
def test_the_destination_is_picked_by_typing_its_pinyin_initials(
    world: World, highway_exit: Post, duty_officer: User
) -> None:
    officer = english_client(duty_officer)
    url = reverse("checkpoints:passage_new", kwargs={"post_id": highway_exit.pk})
    page = officer.get(url).content.decode()
    assert '<option value="水磨沟村 smgc · 木垒镇">' in page
    data = {
        "direction": "in",
        "name": "拼音来人",
        "phone": "13900000012",
        "from_region": "武汉市",
        "from_division_code": "420100",
        "idempotency_key": "0b7d5c2e-1f3a-4e6b-8c9d-0a1b2c3d4e5f",
    }
    unknown = officer.post(url, data | {"to_unit": "xyz"})
    assert "No unit of the county is called xyz" in unknown.content.decode() and not Passage.objects.exists()
    officer.post(url, data | {"to_unit": "smgc"})
    assert Passage.objects.get().arrival.org_unit == world.village_a


@pytest.mark.django_db
def test_the_hq_sees_the_passages_of_any_earlier_day_per_post(
    world: World, highway_exit: Post, duty_officer: User, county_admin: User
) -> None:
    from bastion.checkpoints.services.passages import passage_record

    with time_machine.travel(MORNING, tick=False):
        passage_record(by=duty_officer, post=highway_exit, direction="in", name="前日来人", phone="13900000031")
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        hq = english_client(county_admin)
        page = hq.get(reverse("checkpoints:post_list"), {"day": "2020-02-03"})
        assert page.context["rows"][0][1]["passages_in"] == 1 and "Passages on 2020-02-03" in page.content.decode()
        today = hq.get(reverse("checkpoints:post_list")).context["rows"][0][1]
        nonsense = hq.get(reverse("checkpoints:post_list"), {"day": "2020-02-30"})
    assert today["passages_in"] == 0 and "Passages on 2020-02-04" in nonsense.content.decode()
