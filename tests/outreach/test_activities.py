"""Outreach activities: a week in three villages adds up by channel, group and unit to the county's total; bad
figures are refused by name and change nothing; a village sees only its own; every write is audited."""

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

from bastion.core.models import AuditEvent, OrgUnit, User
from bastion.outreach.models import Activity, Channel
from bastion.outreach.selectors.activities import activities_for_user, reach_totals
from bastion.outreach.services.activities import (
    activity_delete,
    activity_record,
    activity_update,
    reach_limit,
)
from bastion.reporting.sources import source_value
from tests import factories
from tests.conftest import World, english_client
from tests.outreach.factories import channel, group

pytestmark = pytest.mark.django_db

TODAY = dt.date(2020, 2, 10)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed today, so that a week back is the same week on any day the tests run."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def with_population(unit: OrgUnit, population: int) -> OrgUnit:
    OrgUnit.objects.filter(pk=unit.pk).update(population=population)
    unit.refresh_from_db()
    return unit


@pytest.fixture
def village_c(world: World) -> OrgUnit:
    return factories.unit(world.township_a, "大石头村", kind=OrgUnit.Kind.VILLAGE, division_code="652328101300")


# channel code, times, reach per day, by village (a, b, c)
WEEK = {
    "a": [("loudspeaker", 2, 600), ("wechat", 1, 300)],
    "b": [("vehicle_loudspeaker", 3, 900), ("leaflet", 1, 200)],
    "c": [("loudspeaker", 1, 400), ("briefing", 1, 12)],
}


def record_week(by: User, villages: dict[str, OrgUnit]) -> dict[str, int]:
    """Seven days of outreach in each village; the expected reach by channel code."""
    expected: dict[str, int] = {}
    for key, village in villages.items():
        for day in range(7):
            for code, times, reach in WEEK[key]:
                activity_record(
                    by=by,
                    org_unit=village,
                    on=TODAY - dt.timedelta(days=day),
                    channel=channel(code),
                    reach=reach + day,
                    times=times,
                    target_group=group("shop_owners" if code == "briefing" else "residents"),
                    materials="200 leaflets" if code == "leaflet" else "",
                )
                expected[code] = expected.get(code, 0) + reach + day
    return expected


def test_a_week_in_three_villages_adds_up_to_the_countys_reach(
    world: World, county_admin: User, village_c: OrgUnit
) -> None:
    villages = {"a": world.village_a, "b": world.village_b, "c": village_c}
    expected = record_week(county_admin, villages)
    first, last = TODAY - dt.timedelta(days=6), TODAY

    totals = reach_totals(county_admin, world.county, first, last)

    assert {line.key.code: line.reach for line in totals.by_channel} == expected
    assert totals.total.reach == sum(expected.values())
    assert totals.total.count == 7 * 6
    by_township = {line.key: line.reach for line in totals.by_unit}
    village_reach = {key: sum(reach + day for day in range(7) for _code, _times, reach in WEEK[key]) for key in WEEK}
    assert by_township == {
        world.township_a: village_reach["a"] + village_reach["c"],
        world.township_b: village_reach["b"],
    }
    in_a = reach_totals(county_admin, world.township_a, first, last)
    assert {line.key: line.reach for line in in_a.by_unit} == {
        world.village_a: village_reach["a"],
        village_c: village_reach["c"],
    }
    by_group = {line.key.code: line.reach for line in totals.by_group}
    assert by_group["shop_owners"] == sum(12 + day for day in range(7))
    assert sum(by_group.values()) == totals.total.reach
    assert sum(line.times for line in totals.by_channel) == totals.total.times == 7 * (2 + 1 + 3 + 1 + 1 + 1)

    # the report sources give the same figures
    assert source_value("outreach.reach", world.county, first, last) == totals.total.reach
    assert source_value("outreach.reach_loudspeaker", world.county, first, last) == expected["loudspeaker"]
    assert source_value("outreach.reach_briefing", world.township_a, first, last) == expected["briefing"]
    assert source_value("outreach.activities", world.village_b, first, last) == 14
    assert source_value("outreach.reach", world.county, TODAY, TODAY) == sum(r for w in WEEK.values() for *_, r in w)


def test_the_totals_page_shows_the_reach_and_links_each_figure_to_the_list(
    world: World, county_admin: User, village_c: OrgUnit
) -> None:
    expected = record_week(county_admin, {"a": world.village_a, "b": world.village_b, "c": village_c})
    client = english_client(county_admin)

    page = client.get(reverse("outreach:activity_totals"), {"unit": world.county.pk})

    assert page.status_code == 200
    text = page.content.decode()
    assert str(sum(expected.values())) in text and str(expected["loudspeaker"]) in text
    link = f"?unit={world.county.pk}&amp;channel=loudspeaker&amp;from=2020-02-04&amp;to=2020-02-10"
    assert link in text
    listed = client.get(
        reverse("outreach:activity_list"),
        {"unit": world.county.pk, "channel": "loudspeaker", "from": "2020-02-04", "to": "2020-02-10"},
    )
    assert listed.context["page"].paginator.count == 14


def test_the_totals_take_the_same_queries_for_10_or_100_activities(world: World, county_admin: User) -> None:
    def queries_for(count: int) -> int:
        Activity.objects.all().delete()
        codes = ["loudspeaker", "wechat", "sms", "leaflet", "briefing"]
        for n in range(count):
            activity_record(
                by=None,
                org_unit=[world.village_a, world.village_b, world.compound_b][n % 3],
                on=TODAY - dt.timedelta(days=n % 7),
                channel=channel(codes[n % 5]),
                reach=10,
                target_group=group("residents") if n % 2 else None,
            )
        user = User.objects.get(pk=county_admin.pk)
        client = english_client(user)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("outreach:activity_totals"), {"unit": world.county.pk})
        assert page.context["totals"].total.reach == 10 * count
        return len(queries)

    assert queries_for(10) == queries_for(100)


def test_a_negative_or_absurd_reach_is_refused_by_name_and_nothing_is_saved(
    world: World, village_cadre_a: User
) -> None:
    village = with_population(world.village_a, 800)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as negative:
        activity_record(by=village_cadre_a, org_unit=village, on=TODAY, channel=channel("loudspeaker"), reach=-5)
    assert "zero or more" in negative.value.message_dict["reach"][0]

    with pytest.raises(ValidationError) as absurd:
        activity_record(by=village_cadre_a, org_unit=village, on=TODAY, channel=channel("loudspeaker"), reach=100_000)
    message = absurd.value.message_dict["reach"][0]
    assert "at most 2400" in message and "population of 水磨沟村 (800)" in message

    with pytest.raises(ValidationError) as later:
        activity_record(
            by=village_cadre_a, org_unit=village, on=TODAY + dt.timedelta(days=1), channel=channel("sms"), reach=5
        )
    assert "future" in later.value.message_dict["on"][0]
    assert Activity.objects.count() == 0 and AuditEvent.objects.count() == events

    # the limit of 2400 itself is fine
    assert (
        activity_record(
            by=village_cadre_a, org_unit=village, on=TODAY, channel=channel("loudspeaker"), reach=2400
        ).reach
        == 2400
    )


def test_the_limit_comes_from_the_childrens_population_or_the_kind_of_unit(world: World, village_c: OrgUnit) -> None:
    assert reach_limit(world.village_a).limit == 20_000
    assert "population is not known" in reach_limit(world.village_a).basis
    with_population(world.village_a, 1000)
    assert reach_limit(world.township_a).limit == 200_000  # 大石头村's population is not known
    with_population(village_c, 500)
    limit = reach_limit(world.township_a)
    assert limit.limit == 4500 and "(1500)" in limit.basis


def test_the_page_refuses_an_absurd_reach_with_the_limit_in_the_message(world: World, village_cadre_a: User) -> None:
    with_population(world.village_a, 800)
    client = english_client(village_cadre_a)
    data = {"org_unit": world.village_a.pk, "on": "2020-02-10", "channel": channel("loudspeaker").pk}

    refused = client.post(reverse("outreach:activity_new"), {**data, "times": 1, "reach": 100000})

    assert refused.status_code == 200 and Activity.objects.count() == 0
    assert "at most 2400" in refused.content.decode()
    saved = client.post(reverse("outreach:activity_new"), {**data, "times": 2, "reach": 1600})
    assert saved.status_code == 302 and Activity.objects.get().times == 2


def test_the_new_activity_page_starts_from_today_and_the_users_village(world: World, village_cadre_a: User) -> None:
    page = english_client(village_cadre_a).get(reverse("outreach:activity_new"))
    form = page.context["form"]
    assert form.initial["on"] == TODAY and form.initial["org_unit"] == world.village_a
    assert 'type="date"' in page.content.decode() and 'inputmode="numeric"' in page.content.decode()


def test_a_channel_out_of_use_is_refused(world: World, village_cadre_a: User, county_admin: User) -> None:
    Channel.objects.filter(code="tv").update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        activity_record(by=village_cadre_a, org_unit=world.village_a, on=TODAY, channel=channel("tv"), reach=50)
    assert "no longer in use" in refused.value.message_dict["channel"][0]
    assert not Activity.objects.exists()
    page = english_client(village_cadre_a).get(reverse("outreach:activity_new"))
    assert channel("tv") not in page.context["form"].fields["channel"].queryset


def test_a_village_cadre_records_and_sees_only_her_own_village(
    world: World, village_cadre_a: User, village_cadre_b: User
) -> None:
    mine = activity_record(by=village_cadre_a, org_unit=world.village_a, on=TODAY, channel=channel("sms"), reach=80)
    theirs = activity_record(
        by=village_cadre_b, org_unit=world.village_b, on=TODAY, channel=channel("sms"), reach=90, materials="沈家沟"
    )
    with pytest.raises(PermissionDenied):
        activity_record(by=village_cadre_a, org_unit=world.village_b, on=TODAY, channel=channel("sms"), reach=5)

    client = english_client(village_cadre_a)
    posted = client.post(
        reverse("outreach:activity_new"),
        {"org_unit": world.village_b.pk, "on": "2020-02-10", "channel": channel("sms").pk, "times": 1, "reach": 5},
    )
    assert posted.status_code == 200 and Activity.objects.count() == 2

    listed = client.get(reverse("outreach:activity_list"))
    assert list(listed.context["page"]) == [mine]
    assert "沈家沟" not in listed.content.decode()
    assert client.get(reverse("outreach:activity_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("outreach:activity_detail", args=[mine.pk])).status_code == 200
    assert list(activities_for_user(village_cadre_a)) == [mine]


def test_the_hq_corrects_and_removes_an_activity_and_a_village_may_not(
    world: World, county_admin: User, village_cadre_a: User
) -> None:
    activity = activity_record(
        by=village_cadre_a, org_unit=world.village_a, on=TODAY, channel=channel("leaflet"), reach=2000
    )
    with pytest.raises(PermissionDenied):
        activity_update(
            by=village_cadre_a,
            activity=activity,
            org_unit=world.village_a,
            on=TODAY,
            channel=channel("leaflet"),
            reach=200,
        )
    cadre = english_client(village_cadre_a)
    assert cadre.get(reverse("outreach:activity_edit", args=[activity.pk])).status_code == 403
    assert cadre.post(reverse("outreach:activity_remove", args=[activity.pk])).status_code == 403

    hq = english_client(county_admin)
    corrected = hq.post(
        reverse("outreach:activity_edit", args=[activity.pk]),
        {
            "org_unit": world.village_a.pk,
            "on": "2020-02-10",
            "channel": channel("leaflet").pk,
            "times": 1,
            "reach": 200,
        },
    )
    assert corrected.status_code == 302
    activity.refresh_from_db()
    assert activity.reach == 200
    update = AuditEvent.objects.get(action="outreach.activity_update")
    assert update.summary == {"reach": [2000, 200]} and update.actor == county_admin

    activity_delete(by=county_admin, activity=activity)
    assert not Activity.objects.exists()
    assert AuditEvent.objects.get(action="outreach.activity_delete").summary["reach"] == 200


def test_every_write_is_audited(world: World, village_cadre_a: User) -> None:
    activity = activity_record(
        by=village_cadre_a,
        org_unit=world.village_a,
        on=TODAY,
        channel=channel("briefing"),
        reach=12,
        target_group=group("shop_owners"),
    )
    event = AuditEvent.objects.get(action="outreach.activity_record")
    assert event.object_id == str(activity.pk) and event.org_unit == world.village_a
    assert event.summary["reach"] == 12 and event.summary["channel"] == "briefing"
    assert event.summary["target_group"] == "shop_owners"


def test_the_excel_export_reads_back(world: World, village_cadre_a: User, village_cadre_b: User) -> None:
    activity_record(
        by=village_cadre_a,
        org_unit=world.village_a,
        on=TODAY,
        channel=channel("leaflet"),
        reach=200,
        materials="=HYPERLINK(1)",
    )
    activity_record(by=village_cadre_b, org_unit=world.village_b, on=TODAY, channel=channel("sms"), reach=90)

    answer = english_client(village_cadre_a).get(reverse("outreach:activity_export"), {"channel": "leaflet"})

    assert answer.status_code == 200
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("Date", "Unit", "Channel", "Target group", "Times", "Reach (person-times)")
    assert len(rows) == 2 and rows[1][1] == "水磨沟村" and rows[1][5] == 200 and rows[1][6] == "=HYPERLINK(1)"
    assert AuditEvent.objects.get(action="outreach.export").summary["count"] == 1


def test_the_hq_configures_the_channels_and_a_village_may_not(
    world: World, county_admin: User, village_cadre_a: User
) -> None:
    hq = english_client(county_admin)
    added = hq.post(
        reverse("outreach:channel_new"),
        {
            "code": "door_to_door",
            "name_zh_hans": "入户宣传",
            "name_en": "Door to door",
            "sort_order": 110,
            "is_active": "on",
        },
    )
    assert added.status_code == 302 and Channel.objects.filter(code="door_to_door", is_active=True).exists()
    assert "door_to_door" in hq.get(reverse("outreach:channel_list")).content.decode()
    assert hq.get(reverse("outreach:target_group_list")).status_code == 200

    cadre = english_client(village_cadre_a)
    assert cadre.get(reverse("outreach:channel_list")).status_code == 200
    refused = cadre.post(
        reverse("outreach:channel_edit", args=[channel("tv").pk]), {"name_zh_hans": "x", "sort_order": 1}
    )
    assert refused.status_code == 403 and channel("tv").names["zh-hans"] == "电视"
    assert cadre.get(reverse("outreach:target_group_new")).status_code == 403
