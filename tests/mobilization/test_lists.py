"""The lists behind the figures cost a constant number of queries, and the report sources count the records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bastion.core.models import User
from bastion.mobilization.models import Assignment, Batch, ShiftTurn
from bastion.reporting.sources import source_value
from tests.conftest import World, english_client
from tests.mobilization import factories

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2020, 2, 10, 10, tzinfo=dt.UTC)


def _batch(world: World, admin: User) -> Batch:
    return Batch.objects.get_or_create(
        org_unit=world.county, number=1, defaults={"report_by": dt.date(2020, 2, 7), "created_by": admin}
    )[0]


def _add(world: World, admin: User, count: int) -> None:
    """``count`` more responders, each sent with the batch and on duty now, one turn checked in."""
    batch = _batch(world, admin)
    for _i in range(count):
        person = factories.responder(world.village_a if _i % 2 else world.township_a, "队员")
        Assignment.objects.create(
            batch=batch, responder=person, unit=world.village_a, status="reported", reported_at=NOW
        )
        shift = factories.shift(world.township_a, person, starts_at=NOW - dt.timedelta(hours=1))
        ShiftTurn.objects.filter(shift=shift).update(checked_in_at=NOW - dt.timedelta(minutes=50))


PAGES: dict[str, Callable[[World, Batch], str]] = {
    "batch": lambda world, batch: reverse("mobilization:batch_detail", kwargs={"batch_id": batch.pk}),
    "on_duty": lambda world, batch: reverse("mobilization:on_duty"),
    "hours": lambda world, batch: reverse("mobilization:hours") + "?month=2020-02",
    "overview": lambda world, batch: reverse("mobilization:overview"),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_list_costs_as_many_queries_for_12_rows_as_for_2(world: World, county_admin: User, page: str) -> None:
    client = english_client(county_admin)
    with time_machine.travel(NOW, tick=False):
        _add(world, county_admin, 2)
        url = PAGES[page](world, _batch(world, county_admin))

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        two = queries()
        _add(world, county_admin, 10)
        assert queries() == two


def test_the_report_sources_count_the_records(world: World, county_admin: User) -> None:
    with time_machine.travel(NOW, tick=False):
        _add(world, county_admin, 3)
        today = timezone.localdate()
        assert source_value("mobilization.assigned", world.village_a, today, today) == 3
        assert source_value("mobilization.reported", world.village_a, today, today) == 3
        assert source_value("mobilization.reported", world.village_b, today, today) == 0
        assert source_value("mobilization.on_duty", world.township_a, today, today) == 3
        assert source_value("mobilization.on_duty", world.county, today, today) == 3
