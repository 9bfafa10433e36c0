"""The dashboard API: the same panels as the page, scoped (another unit is not found), no personal data, and a
constant number of queries whatever the volume."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bastion.core.models import User
from bastion.core.services.accounts import token_create
from bastion.dashboard.figures import figure_add
from tests import factories
from tests.conftest import World
from tests.dashboard.test_board import many_records, needed_figures  # noqa: F401 (the autouse fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard"


def api_client(user: User) -> Client:
    _token, key = token_create(by=user, name="wall screen")
    return Client(headers={"authorization": f"Bearer {key}", "accept-language": "en"})


def figure_of(answer: dict[str, Any], key: str) -> dict[str, Any]:
    found = [f for panel in [*answer["panels"], *answer["structure"]] for f in panel["figures"] if f["key"] == key]
    assert found, f"no figure {key}"
    return found[0]


def test_the_hq_reads_the_county_and_a_township(world: World, county_admin: User) -> None:
    today = timezone.localdate()
    figure_add(world.village_a, "checkpoints.passages_in", 5, today)
    figure_add(world.village_b, "checkpoints.passages_in", 3, today - dt.timedelta(days=1))
    client = api_client(county_admin)
    answer = client.get(URL)
    assert answer.status_code == 200
    county = answer.json()
    assert county["unit"] == {"id": world.county.pk, "name": world.county.display_name, "kind": "county"}
    assert county["day"] == today.isoformat() and len(county["days"]) == 30
    passages = figure_of(county, "checkpoints.passages_in")
    assert (passages["value"], passages["total"]) == (5, 8)
    assert passages["label"] and (not passages["url"] or passages["url"].endswith(f"?unit={world.county.pk}"))
    assert figure_of(county, "units.township")["value"] == 2
    chart = next(c for c in county["charts"] if c["key"] == "passages")
    assert chart["series"][0]["values"][-2:] == [3, 5]
    children = {row["id"]: row for row in county["children"]}
    assert children[world.township_b.pk]["figures"]["checkpoints.passages_in"] == 0
    yesterday = client.get(URL, {"unit": world.township_b.pk, "day": (today - dt.timedelta(days=1)).isoformat()})
    assert figure_of(yesterday.json(), "checkpoints.passages_in")["value"] == 3


def test_a_township_cadre_reads_the_township_and_no_other_unit(world: World, township_cadre: User) -> None:
    figure_add(world.village_a, "checkpoints.passages_in", 5)
    figure_add(world.village_b, "checkpoints.passages_in", 7)
    client = api_client(township_cadre)
    answer = client.get(URL).json()
    assert answer["unit"]["id"] == world.township_a.pk
    assert figure_of(answer, "checkpoints.passages_in")["value"] == 5
    assert [row["id"] for row in answer["children"]] == [world.village_a.pk]
    for unit in (world.county, world.township_b, world.village_b):
        assert client.get(URL, {"unit": unit.pk}).status_code == 404
    assert client.get(URL, {"unit": world.village_a.pk}).status_code == 200
    assert client.get(URL, {"day": "2020-02-30"}).status_code == 422


def test_the_answer_carries_no_personal_data(world: World, county_admin: User) -> None:
    from bastion.outreach.services.activities import activity_record
    from tests.outreach.factories import channel, group

    factories.person(world.village_a, "王秘密")
    activity_record(
        by=county_admin, org_unit=world.village_a, on=timezone.localdate(), channel=channel("wechat"), reach=9,
        target_group=group("residents"), note="王秘密家",
    )  # fmt: skip
    text = api_client(county_admin).get(URL).content.decode()
    assert "王秘密" not in text and "alice" not in text and "bob" not in text


def test_someone_without_the_permission_gets_nothing(world: World) -> None:
    volunteer = factories.account("volunteer", world.village_a)
    assert not volunteer.has_perm("dashboard.view_dailyfigure")
    assert api_client(volunteer).get(URL).status_code == 404
    assert Client().get(URL).status_code == 401


def test_the_api_costs_the_same_queries_with_few_records_as_with_many(world: World, county_admin: User) -> None:
    from tests.reporting.conftest import daily_form

    daily_form(world.county)
    client = api_client(county_admin)

    def queries() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    many_records(world)
    assert queries() == few
